// Runtime4: everything the DHCPv4 engine derives from one configuration snapshot: per-subnet
// pool allocation state, reservation indexes and statistics handles. A reload builds a new
// Runtime4 and swaps it in; packets already in flight finish on the old one.
//
// Threads: built on one thread, then read by every worker. Only the PoolStates and Statistics
// it points to change after construction, and both are thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/clock.h"
#include "backends/lease_store.h"
#include "backends/result.h"
#include "server/alloc/pool_state.h"
#include "server/config/model.h"
#include "server/engine/reservation_index.h"
#include "server/stats/stats.h"

namespace leasehold::dhcp4 {

// Per-subnet statistics, named as Kea names them ("subnet[1].assigned-addresses").
struct SubnetStats4 {
  stats::Statistic* total_addresses = nullptr;
  stats::Statistic* assigned_addresses = nullptr;
  stats::Statistic* cumulative_assigned_addresses = nullptr;
  stats::Statistic* declined_addresses = nullptr;
  stats::Statistic* reclaimed_leases = nullptr;
  stats::Statistic* reclaimed_declined_addresses = nullptr;
  stats::Statistic* allocation_fail = nullptr;
  stats::Statistic* allocation_fail_shared_network = nullptr;
  stats::Statistic* allocation_fail_subnet = nullptr;
  stats::Statistic* allocation_fail_no_pools = nullptr;
  stats::Statistic* allocation_fail_classes = nullptr;
  stats::Statistic* reservation_conflicts = nullptr;
};

// Server-wide statistics.
struct GlobalStats4 {
  stats::Statistic* received = nullptr;
  stats::Statistic* discover_received = nullptr;
  stats::Statistic* offer_received = nullptr;
  stats::Statistic* request_received = nullptr;
  stats::Statistic* ack_received = nullptr;
  stats::Statistic* nak_received = nullptr;
  stats::Statistic* release_received = nullptr;
  stats::Statistic* decline_received = nullptr;
  stats::Statistic* inform_received = nullptr;
  stats::Statistic* unknown_received = nullptr;
  stats::Statistic* sent = nullptr;
  stats::Statistic* offer_sent = nullptr;
  stats::Statistic* ack_sent = nullptr;
  stats::Statistic* nak_sent = nullptr;
  stats::Statistic* parse_failed = nullptr;
  stats::Statistic* receive_drop = nullptr;
  stats::Statistic* queue_full = nullptr;  // dropped after waiting too long to be read
  stats::Statistic* send_failed = nullptr;         // Leasehold: the kernel refused a reply
  stats::Statistic* lease_write_failed = nullptr;  // Leasehold: reply dropped, store failed
  stats::Statistic* reply_options_dropped = nullptr;  // Leasehold: options that did not fit
  stats::Statistic* fragment_dropped = nullptr;       // Leasehold: raw IPv4 fragments
  stats::Statistic* checksum_dropped = nullptr;       // Leasehold: raw frames, bad checksum
  stats::Statistic* declined_addresses = nullptr;
  stats::Statistic* reclaimed_declined_addresses = nullptr;
  stats::Statistic* reclaimed_leases = nullptr;
  stats::Statistic* cumulative_assigned_addresses = nullptr;
  stats::Statistic* allocation_fail = nullptr;
  stats::Statistic* allocation_fail_shared_network = nullptr;
  stats::Statistic* allocation_fail_subnet = nullptr;
  stats::Statistic* allocation_fail_no_pools = nullptr;
  stats::Statistic* allocation_fail_classes = nullptr;
  stats::Statistic* reservation_conflicts = nullptr;
  stats::Statistic* lease_reuses = nullptr;
};

struct SubnetState4 {
  const config::Subnet4* subnet = nullptr;
  const config::SharedNetwork4* shared_network = nullptr;  // nullptr when not in one
  std::vector<std::unique_ptr<alloc::PoolState>> pools;    // parallel to subnet->pools
  engine::ReservationIndex<config::Reservation4> reservations;
  std::unordered_map<IPv4Address, const config::Reservation4*> reserved_addresses;
  // This subnet and the other members of its shared network, in configuration order.
  std::vector<SubnetState4*> siblings;
  SubnetStats4 stats;
};

class Runtime4 {
 public:
  // Builds the runtime: indexes the configuration, loads which addresses are leased from
  // `store` into the pool states, and sets the subnet statistics from the store's counts.
  // `node_salt` is 0 for a store no other node writes (memfile); otherwise it picks where each
  // pool's cursor starts, so the nodes of a cluster allocate from different parts of a pool,
  // and makes sharedStore() true. Errors name the store failure.
  static Result<std::unique_ptr<Runtime4>, std::string> build(
      std::shared_ptr<const config::Dhcp4Config> config, LeaseStore& store,
      stats::StatsRegistry& registry, const Clock& clock, uint64_t node_salt);

  const config::Dhcp4Config& config() const { return *config_; }
  const std::shared_ptr<const config::Dhcp4Config>& configPointer() const { return config_; }
  std::vector<SubnetState4>& subnets() { return subnets_; }
  const std::vector<SubnetState4>& subnets() const { return subnets_; }
  // Returns the subnet with `id`, or nullptr.
  SubnetState4* findSubnet(SubnetId id) const;
  const engine::ReservationIndex<config::Reservation4>& globalReservations() const {
    return global_reservations_;
  }
  // Returns the global reservation of `address`, or nullptr.
  const config::Reservation4* globalReservationFor(IPv4Address address) const;
  GlobalStats4& stats() const { return stats_; }

  // True when other nodes may write the store (a SQL database shared by a cluster): the pool
  // states then miss their leases, so a candidate from a pool is checked against the store
  // before it is offered.
  bool sharedStore() const { return shared_store_; }

  // Accounts for a lease that reclamation processed: statistics, and its address goes back to
  // its pool. `lease` is the lease as it was before reclamation.
  void leaseReclaimed(const Lease4& lease) const;

  // Sets the per-subnet assigned and declined statistics from the store's counts. Nodes
  // sharing a SQL database call it periodically, because each node only sees its own
  // changes; the database holds the truth. Returns false when the store failed.
  bool recountLeases(LeaseStore& store) const;

  // True between checkPoolCandidates() and settlePools(). A runtime built while another
  // one serves may miss leases that the other commits after the store was read, so in
  // between offers check each pool candidate in the store instead of trusting the pool
  // state.
  bool verifiesPoolCandidates() const {
    return !pools_settled_.load(std::memory_order_acquire);
  }
  // Starts the checks. Call it before this runtime replaces one that is still serving.
  void checkPoolCandidates() const { pools_settled_.store(false, std::memory_order_release); }
  // Marks the slot of every lease now stored as used, then stops the checks. REQUIRES: no
  // exchange still runs on an older runtime. Returns false when the store failed; the
  // checks then go on.
  bool settlePools(LeaseStore& store, const Clock& clock) const;
  // Moves each pool's cursor to the position of the same pool (same subnet id and
  // range) in `previous`, so the addresses `previous` offered last are not offered again to
  // other clients. Call it just before this runtime replaces `previous`.
  void continueCursorsFrom(const Runtime4& previous) const;

 private:
  Runtime4() = default;
  Result<void, std::string> loadLeases(LeaseStore& store, const Clock& clock);

  std::shared_ptr<const config::Dhcp4Config> config_;
  std::vector<SubnetState4> subnets_;
  std::unordered_map<SubnetId, size_t> subnet_index_;
  engine::ReservationIndex<config::Reservation4> global_reservations_;
  std::unordered_map<IPv4Address, const config::Reservation4*> global_reserved_addresses_;
  mutable GlobalStats4 stats_;
  bool shared_store_ = false;
  mutable std::atomic<bool> pools_settled_{true};
};

// Creates every DHCPv4 statistic Kea creates at startup, at 0 when it does not exist yet.
GlobalStats4 registerGlobalStats4(stats::StatsRegistry& registry);

// Maps an address to its slot in `pool`. REQUIRES: pool.contains(address).
inline alloc::SlotIndex slotOf(const config::Pool4& pool, IPv4Address address) {
  return address.toUint32() - pool.first.toUint32();
}
inline IPv4Address addressOf(const config::Pool4& pool, alloc::SlotIndex slot) {
  return IPv4Address(pool.first.toUint32() + static_cast<uint32_t>(slot));
}

}  // namespace leasehold::dhcp4
