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
};

}  // namespace leasehold::engine
