#include "server/dhcp4/runtime4.h"

#include <functional>

#include "server/engine/declined_total.h"
#include "server/engine/shared_network_links.h"

namespace leasehold::dhcp4 {

namespace {

stats::Statistic* counter(stats::StatsRegistry& registry, const std::string& name) {
  return &registry.get(name);
}

SubnetStats4 registerSubnetStats(stats::StatsRegistry& registry, SubnetId id) {
  const std::string prefix = "subnet[" + std::to_string(id) + "].";
  SubnetStats4 stats;
  stats.total_addresses = counter(registry, prefix + "total-addresses");
  stats.assigned_addresses = counter(registry, prefix + "assigned-addresses");
  stats.cumulative_assigned_addresses = counter(registry, prefix + "cumulative-assigned-addresses");
  stats.declined_addresses = counter(registry, prefix + "declined-addresses");
  stats.reclaimed_leases = counter(registry, prefix + "reclaimed-leases");
  stats.reclaimed_declined_addresses = counter(registry, prefix + "reclaimed-declined-addresses");
  stats.allocation_fail = counter(registry, prefix + "v4-allocation-fail");
  stats.allocation_fail_shared_network =
      counter(registry, prefix + "v4-allocation-fail-shared-network");
  stats.allocation_fail_subnet = counter(registry, prefix + "v4-allocation-fail-subnet");
  stats.allocation_fail_no_pools = counter(registry, prefix + "v4-allocation-fail-no-pools");
  stats.allocation_fail_classes = counter(registry, prefix + "v4-allocation-fail-classes");
  stats.reservation_conflicts = counter(registry, prefix + "v4-reservation-conflicts");
  return stats;
}

// A start offset in [0, size) derived from the node salt and the pool, so that one node
// always starts at the same place and different nodes start at different places.
alloc::SlotIndex cursorStart(uint64_t node_salt, SubnetId subnet_id, size_t pool_index,
                             alloc::SlotIndex size) {
  if (node_salt == 0) {
    return 0;
  }
  const uint64_t mixed = std::hash<uint64_t>{}(node_salt ^ (uint64_t{subnet_id} << 20) ^ pool_index);
  return static_cast<alloc::SlotIndex>(mixed % static_cast<uint64_t>(size));
}

// Marks the pool slot of `lease` used unless the lease leaves its address free for allocation.
// Expired, reclaimed and released leases do, because a claim then replaces the old lease
// through a compare-and-set update.
void markOccupied(const SubnetState4& state, const Lease4& lease, UnixTime now) {
  const bool occupies = lease.state != LeaseState::kExpiredReclaimed &&
                        lease.state != LeaseState::kReleased && !lease.expired(now);
  if (!occupies) {
    return;
  }
  const config::Subnet4& subnet = *state.subnet;
  for (size_t p = 0; p < subnet.pools.size(); ++p) {
    if (subnet.pools[p].contains(lease.address)) {
      state.pools[p]->markUsed(slotOf(subnet.pools[p], lease.address));
      return;
    }
  }
}

}  // namespace

GlobalStats4 registerGlobalStats4(stats::StatsRegistry& registry) {
  GlobalStats4 stats;
  stats.received = counter(registry, "pkt4-received");
  stats.discover_received = counter(registry, "pkt4-discover-received");
  stats.offer_received = counter(registry, "pkt4-offer-received");
  stats.request_received = counter(registry, "pkt4-request-received");
  stats.ack_received = counter(registry, "pkt4-ack-received");
  stats.nak_received = counter(registry, "pkt4-nak-received");
  stats.release_received = counter(registry, "pkt4-release-received");
  stats.decline_received = counter(registry, "pkt4-decline-received");
  stats.inform_received = counter(registry, "pkt4-inform-received");
  stats.unknown_received = counter(registry, "pkt4-unknown-received");
  stats.sent = counter(registry, "pkt4-sent");
  stats.offer_sent = counter(registry, "pkt4-offer-sent");
  stats.ack_sent = counter(registry, "pkt4-ack-sent");
  stats.nak_sent = counter(registry, "pkt4-nak-sent");
  stats.parse_failed = counter(registry, "pkt4-parse-failed");
  stats.receive_drop = counter(registry, "pkt4-receive-drop");
  stats.queue_full = counter(registry, "pkt4-queue-full");
  stats.send_failed = counter(registry, "pkt4-send-failed");
  stats.lease_write_failed = counter(registry, "pkt4-lease-write-failed");
  stats.reply_options_dropped = counter(registry, "pkt4-reply-options-dropped");
  stats.fragment_dropped = counter(registry, "pkt4-fragment-dropped");
  stats.checksum_dropped = counter(registry, "pkt4-checksum-dropped");
  stats.declined_addresses = counter(registry, "declined-addresses");
  stats.reclaimed_declined_addresses = counter(registry, "reclaimed-declined-addresses");
  stats.reclaimed_leases = counter(registry, "reclaimed-leases");
  stats.cumulative_assigned_addresses = counter(registry, "cumulative-assigned-addresses");
  stats.allocation_fail = counter(registry, "v4-allocation-fail");
  stats.allocation_fail_shared_network = counter(registry, "v4-allocation-fail-shared-network");
  stats.allocation_fail_subnet = counter(registry, "v4-allocation-fail-subnet");
  stats.allocation_fail_no_pools = counter(registry, "v4-allocation-fail-no-pools");
  stats.allocation_fail_classes = counter(registry, "v4-allocation-fail-classes");
  stats.reservation_conflicts = counter(registry, "v4-reservation-conflicts");
  stats.lease_reuses = counter(registry, "v4-lease-reuses");
  return stats;
}

Result<std::unique_ptr<Runtime4>, std::string> Runtime4::build(
    std::shared_ptr<const config::Dhcp4Config> config, LeaseStore& store,
    stats::StatsRegistry& registry, const Clock& clock, uint64_t node_salt) {
  std::unique_ptr<Runtime4> runtime(new Runtime4());
  runtime->config_ = std::move(config);
  const bool reconfiguring = registry.find("declined-addresses") != nullptr;
  runtime->stats_ = registerGlobalStats4(registry);
  runtime->shared_store_ = node_salt != 0;
  const config::Dhcp4Config& cfg = *runtime->config_;

  // Subnets, their pools and reservations. The vector is sized once so that the
  // SubnetState4 addresses taken below stay valid.
  runtime->subnets_.resize(cfg.subnets.size());
  for (size_t i = 0; i < cfg.subnets.size(); ++i) {
    const config::Subnet4& subnet = cfg.subnets[i];
    SubnetState4& state = runtime->subnets_[i];
    state.subnet = &subnet;
    state.shared_network =
        subnet.shared_network.empty() ? nullptr : cfg.findSharedNetwork(subnet.shared_network);
    for (size_t p = 0; p < subnet.pools.size(); ++p) {
      const alloc::SlotIndex size = subnet.pools[p].size();
      state.pools.push_back(std::make_unique<alloc::PoolState>(
          size, cursorStart(node_salt, subnet.id, p, size)));
    }
    for (const auto& reservation : subnet.reservations) {
      state.reservations.add(reservation);
      if (reservation.ip_address) {
        state.reserved_addresses.emplace(*reservation.ip_address, &reservation);
      }
    }
    state.stats = registerSubnetStats(registry, subnet.id);
    runtime->subnet_index_.emplace(subnet.id, i);
  }
  engine::linkSharedNetworkSiblings(runtime->subnets_,
                                    [&](SubnetId id) { return runtime->findSubnet(id); });
  for (const auto& reservation : cfg.global_reservations) {
    runtime->global_reservations_.add(reservation);
    if (reservation.ip_address) {
      runtime->global_reserved_addresses_.emplace(*reservation.ip_address, &reservation);
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

Result<void, std::string> Runtime4::loadLeases(LeaseStore& store, const Clock& clock) {
  const UnixTime now = clock.now();
  for (SubnetState4& state : subnets_) {
    const config::Subnet4& subnet = *state.subnet;
    uint64_t total = 0;
    for (const auto& pool : subnet.pools) {
      total += pool.size();
    }

    LeaseQuery4 query;
    query.subnet_id = subnet.id;
    auto leases = store.leases4().find(query);
    if (!leases) {
      return makeUnexpected("cannot read the leases of subnet " + std::to_string(subnet.id) +
                            " from " + store.describe() + ": " + leases.error().message);
    }

    int64_t assigned = 0;
    int64_t declined = 0;
    for (const Lease4& lease : *leases) {
      if (lease.state == LeaseState::kDefault || lease.state == LeaseState::kDeclined) {
        ++assigned;
      }
      if (lease.state == LeaseState::kDeclined) {
        ++declined;
      }
      markOccupied(state, lease, now);
    }

    // Reserved addresses inside pools are handed only to their hosts.
    auto reserve = [&](IPv4Address address) {
      for (size_t p = 0; p < subnet.pools.size(); ++p) {
        if (subnet.pools[p].contains(address)) {
          state.pools[p]->markUsed(slotOf(subnet.pools[p], address));
        }
      }
    };
    for (const auto& [address, reservation] : state.reserved_addresses) {
      reserve(address);
    }
    for (const auto& [address, reservation] : global_reserved_addresses_) {
      if (subnet.prefix.contains(address)) {
        reserve(address);
      }
    }

    state.stats.total_addresses->restart(static_cast<int64_t>(total));
    state.stats.assigned_addresses->restart(assigned);
    state.stats.declined_addresses->restart(declined);
  }
  return {};
}

void Runtime4::continueCursorsFrom(const Runtime4& previous) const {
  for (const SubnetState4& state : subnets_) {
    const SubnetState4* before = previous.findSubnet(state.subnet->id);
    if (before == nullptr) {
      continue;
    }
    const auto& pools = state.subnet->pools;
    const auto& pools_before = before->subnet->pools;
    for (size_t p = 0; p < pools.size(); ++p) {
      for (size_t q = 0; q < pools_before.size(); ++q) {
        if (pools[p].first == pools_before[q].first && pools[p].last == pools_before[q].last) {
          state.pools[p]->moveCursor(before->pools[q]->cursor());
        }
      }
    }
  }
}

bool Runtime4::settlePools(LeaseStore& store, const Clock& clock) const {
  const UnixTime now = clock.now();
  for (const SubnetState4& state : subnets_) {
    const config::Subnet4& subnet = *state.subnet;
    LeaseQuery4 query;
    query.subnet_id = subnet.id;
    auto leases = store.leases4().find(query);
    if (!leases) {
      return false;
    }
    for (const Lease4& lease : *leases) {
      markOccupied(state, lease, now);
    }
  }
  pools_settled_.store(true, std::memory_order_release);
  return true;
}

SubnetState4* Runtime4::findSubnet(SubnetId id) const {
  const auto found = subnet_index_.find(id);
  if (found == subnet_index_.end()) {
    return nullptr;
  }
  return const_cast<SubnetState4*>(&subnets_[found->second]);
}

void Runtime4::leaseReclaimed(const Lease4& lease) const {
  const bool declined = lease.state == LeaseState::kDeclined;
  stats_.reclaimed_leases->add(1);
  if (declined) {
    stats_.declined_addresses->add(-1);
    stats_.reclaimed_declined_addresses->add(1);
  }
  SubnetState4* subnet = findSubnet(lease.subnet_id);
  if (subnet == nullptr) {
    return;  // the subnet left the configuration
  }
  subnet->stats.reclaimed_leases->add(1);
  subnet->stats.assigned_addresses->add(-1);
  if (declined) {
    subnet->stats.declined_addresses->add(-1);
    subnet->stats.reclaimed_declined_addresses->add(1);
  }
  const auto& pools = subnet->subnet->pools;
  for (size_t p = 0; p < pools.size(); ++p) {
    if (pools[p].contains(lease.address)) {
      subnet->pools[p]->markFree(slotOf(pools[p], lease.address));
    }
  }
}

bool Runtime4::recountLeases(LeaseStore& store) const {
  auto counts = store.leases4().count(std::nullopt);
  if (!counts) {
    return false;
  }
  std::unordered_map<SubnetId, std::pair<int64_t, int64_t>> totals;  // assigned, declined
  for (const LeaseCount& count : *counts) {
    auto& [assigned, declined] = totals[count.subnet_id];
    if (count.state == LeaseState::kDefault || count.state == LeaseState::kDeclined) {
      assigned += static_cast<int64_t>(count.count);
    }
    if (count.state == LeaseState::kDeclined) {
      declined += static_cast<int64_t>(count.count);
    }
  }
  int64_t declined_everywhere = 0;
  for (const SubnetState4& state : subnets_) {
    const auto [assigned, declined] = totals[state.subnet->id];
    if (state.stats.assigned_addresses->currentInteger() != assigned) {
      state.stats.assigned_addresses->set(assigned);
    }
    if (state.stats.declined_addresses->currentInteger() != declined) {
      state.stats.declined_addresses->set(declined);
    }
    declined_everywhere += declined;
  }
  if (stats_.declined_addresses->currentInteger() != declined_everywhere) {
    stats_.declined_addresses->set(declined_everywhere);
  }
  return true;
}

const config::Reservation4* Runtime4::globalReservationFor(IPv4Address address) const {
  const auto found = global_reserved_addresses_.find(address);
  return found == global_reserved_addresses_.end() ? nullptr : found->second;
}

}  // namespace leasehold::dhcp4
