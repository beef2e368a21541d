// Why a query got no reply. Each reason maps to one statistic.
#pragma once

namespace leasehold::engine {

enum class DropReason {
  kNone,
  kNotForUs,       // a reply type, or a message addressed to another server
  kNoSubnet,       // no subnet matches the client's network
  kInvalid,        // a message missing what the RFC requires of it
  kStoreFailed,    // the lease could not be written or read: the client will retry
  kUnknownClient,  // DHCPv4 INIT-REBOOT from a client with no lease, non-authoritative subnet
  kDropClass,      // the query belongs to the DROP client class
};

// Counts a dropped query: every drop in `receive_drop`, store failures also in
// `lease_write_failed`. Stats is GlobalStats4 or GlobalStats6.
template <typename Stats>
void countDrop(Stats& stats, DropReason drop) {
  if (drop == DropReason::kNone) {
    return;
  }
  stats.receive_drop->add(1);
  if (drop == DropReason::kStoreFailed) {
    stats.lease_write_failed->add(1);
  }
}

}  // namespace leasehold::engine
