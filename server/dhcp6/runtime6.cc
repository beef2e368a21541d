#include "server/dhcp6/runtime6.h"

#include <functional>
#include <limits>

#include "server/engine/declined_total.h"
#include "server/engine/shared_network_links.h"

namespace leasehold::dhcp6 {

namespace {

stats::Statistic* counter(stats::StatsRegistry& registry, const std::string& name) {
  return &registry.get(name);
}

GlobalStats6 registerGlobalStats(stats::StatsRegistry& registry) {
  GlobalStats6 stats;
  stats.received = counter(registry, "pkt6-received");
  stats.solicit_received = counter(registry, "pkt6-solicit-received");
  stats.advertise_received = counter(registry, "pkt6-advertise-received");
  stats.request_received = counter(registry, "pkt6-request-received");
  stats.reply_received = counter(registry, "pkt6-reply-received");
  stats.renew_received = counter(registry, "pkt6-renew-received");
  stats.rebind_received = counter(registry, "pkt6-rebind-received");
  stats.release_received = counter(registry, "pkt6-release-received");
  stats.decline_received = counter(registry, "pkt6-decline-received");
  stats.infrequest_received = counter(registry, "pkt6-infrequest-received");
  stats.confirm_received = counter(registry, "pkt6-confirm-received");
  stats.unknown_received = counter(registry, "pkt6-unknown-received");
  stats.sent = counter(registry, "pkt6-sent");
  stats.advertise_sent = counter(registry, "pkt6-advertise-sent");
  stats.reply_sent = counter(registry, "pkt6-reply-sent");
  stats.parse_failed = counter(registry, "pkt6-parse-failed");
  stats.receive_drop = counter(registry, "pkt6-receive-drop");
  stats.queue_full = counter(registry, "pkt6-queue-full");
  stats.send_failed = counter(registry, "pkt6-send-failed");
  stats.lease_write_failed = counter(registry, "pkt6-lease-write-failed");
  stats.declined_addresses = counter(registry, "declined-addresses");
  stats.reclaimed_declined_addresses = counter(registry, "reclaimed-declined-addresses");
  stats.reclaimed_leases = counter(registry, "reclaimed-leases");
  stats.cumulative_assigned_nas = counter(registry, "cumulative-assigned-nas");
  stats.cumulative_assigned_pds = counter(registry, "cumulative-assigned-pds");
  stats.allocation_fail = counter(registry, "v6-allocation-fail");
  return stats;
}

SubnetStats6 registerSubnetStats(stats::StatsRegistry& registry, SubnetId id) {
  const std::string prefix = "subnet[" + std::to_string(id) + "].";
  SubnetStats6 stats;
  stats.total_nas = counter(registry, prefix + "total-nas");
  stats.assigned_nas = counter(registry, prefix + "assigned-nas");
  stats.cumulative_assigned_nas = counter(registry, prefix + "cumulative-assigned-nas");
  stats.total_pds = counter(registry, prefix + "total-pds");
  stats.assigned_pds = counter(registry, prefix + "assigned-pds");
  stats.cumulative_assigned_pds = counter(registry, prefix + "cumulative-assigned-pds");
  stats.declined_addresses = counter(registry, prefix + "declined-addresses");
  stats.reclaimed_declined_addresses = counter(registry, prefix + "reclaimed-declined-addresses");
  stats.reclaimed_leases = counter(registry, prefix + "reclaimed-leases");
  stats.allocation_fail = counter(registry, prefix + "v6-allocation-fail");
  return stats;
}

PoolRuntime6 makePool(const config::Pool6& pool, uint64_t node_salt, SubnetId subnet_id,
                      size_t index) {
  PoolRuntime6 runtime;
  runtime.pool = &pool;
  runtime.step_bits = pool.type == LeaseType::kPd ? 128u - pool.delegated_length : 0u;
  const alloc::SlotIndex size =
      ((pool.last.toUint128() - pool.first.toUint128()) >> runtime.step_bits) + 1;
  alloc::SlotIndex start = 0;
  if (node_salt != 0) {
    const uint64_t mixed =
        std::hash<uint64_t>{}(node_salt ^ (uint64_t{subnet_id} << 20) ^ (index << 1) ^
                              static_cast<uint64_t>(pool.type));
    start = static_cast<alloc::SlotIndex>(mixed) % size;
  }
  runtime.state = std::make_unique<alloc::PoolState>(size, start);
  return runtime;
}

int64_t cappedTotal(const std::vector<PoolRuntime6>& pools) {
  unsigned __int128 total = 0;
  for (const auto& pool : pools) {
    total += pool.state->size();
  }
  const auto max = static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max());
  return static_cast<int64_t>(total > max ? max : total);
}

}  // namespace

bool PoolRuntime6::containsSlot(const IPv6Address& address) const {
  if (!pool->contains(address)) {
    return false;
  }
  const unsigned __int128 offset = address.toUint128() - pool->first.toUint128();
  return step_bits == 0 || (offset & ((static_cast<unsigned __int128>(1) << step_bits) - 1)) == 0;
}

const PoolRuntime6* SubnetState6::findPool(LeaseType type, const IPv6Address& address) const {
  for (const auto& pool : pools(type)) {
    if (pool.containsSlot(address)) {
      return &pool;
    }
  }
  return nullptr;
}

Result<std::unique_ptr<Runtime6>, std::string> Runtime6::build(
    std::shared_ptr<const config::Dhcp6Config> config, LeaseStore& store,
    stats::StatsRegistry& registry, const Clock& clock, uint64_t node_salt,
    std::vector<uint8_t> server_duid) {
  std::unique_ptr<Runtime6> runtime(new Runtime6());
  runtime->config_ = std::move(config);
  runtime->server_duid_ = std::move(server_duid);
  const bool reconfiguring = registry.find("declined-addresses") != nullptr;
  runtime->stats_ = registerGlobalStats(registry);
  runtime->shared_store_ = node_salt != 0;
  const config::Dhcp6Config& cfg = *runtime->config_;

  runtime->subnets_.resize(cfg.subnets.size());
  for (size_t i = 0; i < cfg.subnets.size(); ++i) {
    const config::Subnet6& subnet = cfg.subnets[i];
    SubnetState6& state = runtime->subnets_[i];
    state.subnet = &subnet;
    state.shared_network =
        subnet.shared_network.empty() ? nullptr : cfg.findSharedNetwork(subnet.shared_network);
    for (size_t p = 0; p < subnet.pools.size(); ++p) {
      state.na_pools.push_back(makePool(subnet.pools[p], node_salt, subnet.id, p));
    }
    for (size_t p = 0; p < subnet.pd_pools.size(); ++p) {
      state.pd_pools.push_back(makePool(subnet.pd_pools[p], node_salt, subnet.id, 1000 + p));
    }
    for (const auto& reservation : subnet.reservations) {
      state.reservations.add(reservation);
      for (const auto& address : reservation.ip_addresses) {
        state.reserved.emplace(address, &reservation);
      }
      for (const auto& prefix : reservation.prefixes) {
        state.reserved.emplace(prefix.address, &reservation);
      }
    }
    state.stats = registerSubnetStats(registry, subnet.id);
    runtime->subnet_index_.emplace(subnet.id, i);
  }
  engine::linkSharedNetworkSiblings(runtime->subnets_,
                                    [&](SubnetId id) { return runtime->findSubnet(id); });
  for (const auto& reservation : cfg.global_reservations) {
    runtime->global_reservations_.add(reservation);
    for (const auto& address : reservation.ip_addresses) {
      runtime->global_reserved_.emplace(address, &reservation);
    }
    for (const auto& prefix : reservation.prefixes) {
      runtime->global_reserved_.emplace(prefix.address, &reservation);
    }
  }

  auto loaded = runtime->loadLeases(store, clock);
  if (!loaded) {
    return makeUnexpected(loaded.error());
  }

  engine::publishDeclinedTotal(runtime->subnets_, *runtime->stats_.declined_addresses,
                               reconfiguring);
  return runtime;
}

Result<void, std::string> Runtime6::loadLeases(LeaseStore& store, const Clock& clock) {
  const UnixTime now = clock.now();
  for (SubnetState6& state : subnets_) {
    LeaseQuery6 query;
    query.subnet_id = state.subnet->id;
    auto leases = store.leases6().find(query);
    if (!leases) {
      return makeUnexpected("cannot read the leases of subnet " +
                            std::to_string(state.subnet->id) + " from " + store.describe() +
                            ": " + leases.error().message);
    }
    int64_t assigned_nas = 0;
    int64_t assigned_pds = 0;
    int64_t declined = 0;
    for (const Lease6& lease : *leases) {
      const bool counted =
          lease.state == LeaseState::kDefault || lease.state == LeaseState::kDeclined;
      if (counted) {
        (lease.type == LeaseType::kPd ? assigned_pds : assigned_nas) += 1;
      }
      if (lease.state == LeaseState::kDeclined) {
        ++declined;
      }
      if (!counted || lease.expired(now)) {
        continue;
      }
      const LeaseType pool_type = lease.type == LeaseType::kPd ? LeaseType::kPd : LeaseType::kNa;
      if (const PoolRuntime6* pool = state.findPool(pool_type, lease.address)) {
        pool->state->markUsed(pool->slotOf(lease.address));
      }
    }

    // Reserved addresses and prefixes inside pools go only to their hosts.
    auto reserve = [&](const IPv6Address& address) {
      for (const LeaseType type : {LeaseType::kNa, LeaseType::kPd}) {
        if (const PoolRuntime6* pool = state.findPool(type, address)) {
          pool->state->markUsed(pool->slotOf(address));
        }
      }
    };
    for (const auto& [address, reservation] : state.reserved) {
      reserve(address);
    }
    for (const auto& [address, reservation] : global_reserved_) {
      if (state.subnet->prefix.contains(address)) {
        reserve(address);
      }
    }

    state.stats.total_nas->restart(cappedTotal(state.na_pools));
    state.stats.total_pds->restart(cappedTotal(state.pd_pools));
    state.stats.assigned_nas->restart(assigned_nas);
    state.stats.assigned_pds->restart(assigned_pds);
    state.stats.declined_addresses->restart(declined);
  }
  return {};
}

SubnetState6* Runtime6::findSubnet(SubnetId id) const {
  const auto found = subnet_index_.find(id);
  if (found == subnet_index_.end()) {
    return nullptr;
  }
  return const_cast<SubnetState6*>(&subnets_[found->second]);
}

void Runtime6::continueCursorsFrom(const Runtime6& previous) const {
  for (const SubnetState6& state : subnets_) {
    const SubnetState6* before = previous.findSubnet(state.subnet->id);
    if (before == nullptr) {
      continue;
    }
    for (const LeaseType type : {LeaseType::kNa, LeaseType::kPd}) {
      for (const PoolRuntime6& pool : state.pools(type)) {
        for (const PoolRuntime6& pool_before : before->pools(type)) {
          if (pool.pool->first == pool_before.pool->first &&
              pool.pool->last == pool_before.pool->last &&
              pool.step_bits == pool_before.step_bits) {
            pool.state->moveCursor(pool_before.state->cursor());
          }
        }
      }
    }
  }
}

bool Runtime6::settlePools(LeaseStore& store, const Clock& clock) const {
  const UnixTime now = clock.now();
  for (const SubnetState6& state : subnets_) {
    LeaseQuery6 query;
    query.subnet_id = state.subnet->id;
    auto leases = store.leases6().find(query);
    if (!leases) {
      return false;
    }
    for (const Lease6& lease : *leases) {
      const bool occupies =
          lease.state == LeaseState::kDefault || lease.state == LeaseState::kDeclined;
      if (!occupies || lease.expired(now)) {
        continue;
      }
      const LeaseType pool_type = lease.type == LeaseType::kPd ? LeaseType::kPd : LeaseType::kNa;
      if (const PoolRuntime6* pool = state.findPool(pool_type, lease.address)) {
        pool->state->markUsed(pool->slotOf(lease.address));
      }
    }
  }
  pools_settled_.store(true, std::memory_order_release);
  return true;
}

bool Runtime6::recountLeases(LeaseStore& store) const {
  auto counts = store.leases6().count(std::nullopt);
  if (!counts) {
    return false;
  }
  struct Totals {
    int64_t nas = 0;
    int64_t pds = 0;
    int64_t declined = 0;
  };
  std::unordered_map<SubnetId, Totals> totals;
  for (const LeaseCount& count : *counts) {
    Totals& subnet = totals[count.subnet_id];
    const auto value = static_cast<int64_t>(count.count);
    if (count.state == LeaseState::kDefault || count.state == LeaseState::kDeclined) {
      (count.type == LeaseType::kPd ? subnet.pds : subnet.nas) += value;
    }
    if (count.state == LeaseState::kDeclined) {
      subnet.declined += value;
    }
  }
  int64_t declined_everywhere = 0;
  auto setIfChanged = [](stats::Statistic* statistic, int64_t value) {
    if (statistic->currentInteger() != value) {
      statistic->set(value);
    }
  };
  for (const SubnetState6& state : subnets_) {
    const Totals subnet = totals[state.subnet->id];
    setIfChanged(state.stats.assigned_nas, subnet.nas);
    setIfChanged(state.stats.assigned_pds, subnet.pds);
    setIfChanged(state.stats.declined_addresses, subnet.declined);
    declined_everywhere += subnet.declined;
  }
  setIfChanged(stats_.declined_addresses, declined_everywhere);
  return true;
}

const config::Reservation6* Runtime6::globalReservationFor(const IPv6Address& address) const {
  const auto found = global_reserved_.find(address);
  return found == global_reserved_.end() ? nullptr : found->second;
}

void Runtime6::leaseReclaimed(const Lease6& lease) const {
  const bool declined = lease.state == LeaseState::kDeclined;
  stats_.reclaimed_leases->add(1);
  if (declined) {
    stats_.declined_addresses->add(-1);
    stats_.reclaimed_declined_addresses->add(1);
  }
  SubnetState6* subnet = findSubnet(lease.subnet_id);
  if (subnet == nullptr) {
    return;
  }
  subnet->stats.reclaimed_leases->add(1);
  (lease.type == LeaseType::kPd ? subnet->stats.assigned_pds : subnet->stats.assigned_nas)->add(-1);
  if (declined) {
    subnet->stats.declined_addresses->add(-1);
    subnet->stats.reclaimed_declined_addresses->add(1);
  }
  const LeaseType pool_type = lease.type == LeaseType::kPd ? LeaseType::kPd : LeaseType::kNa;
  if (const PoolRuntime6* pool = subnet->findPool(pool_type, lease.address)) {
    pool->state->markFree(pool->slotOf(lease.address));
  }
}

}  // namespace leasehold::dhcp6
