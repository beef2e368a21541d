// Runtime6: what the DHCPv6 engine derives from one configuration snapshot: per-subnet
// address and prefix pool state, reservation indexes, statistics handles and the server DUID.
// Same lifetime and threading rules as Runtime4.
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

namespace leasehold::dhcp6 {

struct SubnetStats6 {
  stats::Statistic* total_nas = nullptr;
  stats::Statistic* assigned_nas = nullptr;
  stats::Statistic* cumulative_assigned_nas = nullptr;
  stats::Statistic* total_pds = nullptr;
  stats::Statistic* assigned_pds = nullptr;
  stats::Statistic* cumulative_assigned_pds = nullptr;
  stats::Statistic* declined_addresses = nullptr;
  stats::Statistic* reclaimed_declined_addresses = nullptr;
  stats::Statistic* reclaimed_leases = nullptr;
  stats::Statistic* allocation_fail = nullptr;
};

struct GlobalStats6 {
  stats::Statistic* received = nullptr;
  stats::Statistic* solicit_received = nullptr;
  stats::Statistic* advertise_received = nullptr;
  stats::Statistic* request_received = nullptr;
  stats::Statistic* reply_received = nullptr;
  stats::Statistic* renew_received = nullptr;
  stats::Statistic* rebind_received = nullptr;
  stats::Statistic* release_received = nullptr;
  stats::Statistic* decline_received = nullptr;
  stats::Statistic* infrequest_received = nullptr;
  stats::Statistic* confirm_received = nullptr;
  stats::Statistic* unknown_received = nullptr;
  stats::Statistic* sent = nullptr;
  stats::Statistic* advertise_sent = nullptr;
  stats::Statistic* reply_sent = nullptr;
  stats::Statistic* parse_failed = nullptr;
  stats::Statistic* receive_drop = nullptr;
  stats::Statistic* queue_full = nullptr;  // dropped after waiting too long to be read
  stats::Statistic* send_failed = nullptr;         // Leasehold: the kernel refused a reply
  stats::Statistic* lease_write_failed = nullptr;  // Leasehold: reply dropped, store failed
  stats::Statistic* declined_addresses = nullptr;
  stats::Statistic* reclaimed_declined_addresses = nullptr;
  stats::Statistic* reclaimed_leases = nullptr;
  stats::Statistic* cumulative_assigned_nas = nullptr;
  stats::Statistic* cumulative_assigned_pds = nullptr;
  stats::Statistic* allocation_fail = nullptr;
};

// One configured NA or PD pool and its allocation state. A slot is an address (NA) or a
// delegated prefix (PD): slot i is first + i * 2^(128 - delegated length).
struct PoolRuntime6 {
  const config::Pool6* pool = nullptr;
  unsigned step_bits = 0;  // 0 for addresses, 128 - delegated length for prefixes
  std::unique_ptr<alloc::PoolState> state;

  alloc::SlotIndex slotOf(const IPv6Address& address) const {
    return (address.toUint128() - pool->first.toUint128()) >> step_bits;
  }
  IPv6Address addressOf(alloc::SlotIndex slot) const {
    return IPv6Address::fromUint128(pool->first.toUint128() + (slot << step_bits));
  }
  // True when `address` is the start of a slot of this pool.
  bool containsSlot(const IPv6Address& address) const;
};

struct SubnetState6 {
  const config::Subnet6* subnet = nullptr;
  const config::SharedNetwork6* shared_network = nullptr;
  std::vector<PoolRuntime6> na_pools;
  std::vector<PoolRuntime6> pd_pools;
  engine::ReservationIndex<config::Reservation6> reservations;
  // Reserved addresses and prefixes (by their first address) of this subnet.
  std::unordered_map<IPv6Address, const config::Reservation6*> reserved;
  std::vector<SubnetState6*> siblings;  // this subnet and its shared network's other members
  SubnetStats6 stats;

  std::vector<PoolRuntime6>& pools(LeaseType type) {
    return type == LeaseType::kPd ? pd_pools : na_pools;
  }
  const std::vector<PoolRuntime6>& pools(LeaseType type) const {
    return type == LeaseType::kPd ? pd_pools : na_pools;
  }
  // Returns the pool of `type` whose slots include `address`, or nullptr.
  const PoolRuntime6* findPool(LeaseType type, const IPv6Address& address) const;
};

class Runtime6 {
 public:
  // Builds the runtime like Runtime4::build. `server_duid` is the DUID the server answers with.
  static Result<std::unique_ptr<Runtime6>, std::string> build(
      std::shared_ptr<const config::Dhcp6Config> config, LeaseStore& store,
      stats::StatsRegistry& registry, const Clock& clock, uint64_t node_salt,
      std::vector<uint8_t> server_duid);

  const config::Dhcp6Config& config() const { return *config_; }
  const std::vector<SubnetState6>& subnets() const { return subnets_; }
  SubnetState6* findSubnet(SubnetId id) const;
  const engine::ReservationIndex<config::Reservation6>& globalReservations() const {
    return global_reservations_;
  }
  const config::Reservation6* globalReservationFor(const IPv6Address& address) const;
  const std::vector<uint8_t>& serverDuid() const { return server_duid_; }
  GlobalStats6& stats() const { return stats_; }

  // True when other nodes may write the store (a SQL database shared by a cluster): the pool
  // states then miss their leases, so a candidate from a pool is checked against the store
  // before it is offered.
  bool sharedStore() const { return shared_store_; }

  // Accounts for a lease that reclamation processed (statistics, pool slot freed).
  void leaseReclaimed(const Lease6& lease) const;

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
  void continueCursorsFrom(const Runtime6& previous) const;

 private:
  Runtime6() = default;
  Result<void, std::string> loadLeases(LeaseStore& store, const Clock& clock);

  std::shared_ptr<const config::Dhcp6Config> config_;
  std::vector<SubnetState6> subnets_;
  std::unordered_map<SubnetId, size_t> subnet_index_;
  engine::ReservationIndex<config::Reservation6> global_reservations_;
  std::unordered_map<IPv6Address, const config::Reservation6*> global_reserved_;
  std::vector<uint8_t> server_duid_;
  mutable GlobalStats6 stats_;
  bool shared_store_ = false;
  mutable std::atomic<bool> pools_settled_{true};
};

}  // namespace leasehold::dhcp6
