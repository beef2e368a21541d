// Choosing addresses to offer and committing leases through the store.
#include <algorithm>

#include "server/alloc/candidate_picker.h"
#include "server/alloc/lease_claim.h"
#include "server/dhcp4/exchange4.h"

namespace leasehold::dhcp4 {

namespace {

// Expired leases examined when every pool looks full.
constexpr size_t kExpiredBatch = 64;

bool isReclaimedState(LeaseState state) {
  return state == LeaseState::kExpiredReclaimed || state == LeaseState::kReleased;
}

}  // namespace

std::chrono::seconds Exchange4::validLifetime(const SubnetState4& subnet) const {
  std::optional<std::chrono::seconds> hint;
  if (const auto option = query_.options.find(packet::option4::kLeaseTime);
      option && option->size() == 4) {
    const uint32_t value = (uint32_t{(*option)[0]} << 24) | (uint32_t{(*option)[1]} << 16) |
                           (uint32_t{(*option)[2]} << 8) | uint32_t{(*option)[3]};
    hint = std::chrono::seconds{value};
  }
  // The first class (in classification order) that sets a lifetime overrides the subnet.
  for (const auto& name : classes_.names()) {
    const config::ClientClass* client_class = runtime_.config().findClass(name);
    if (client_class != nullptr && client_class->valid_lifetime) {
      return client_class->valid_lifetime->resolve(hint);
    }
  }
  return subnet.subnet->valid_lifetime.resolve(hint);
}

bool Exchange4::inPermittedPool(IPv4Address address, const SubnetState4& subnet) const {
  for (const auto& pool : subnet.subnet->pools) {
    if (pool.contains(address)) {
      return classes_.admits(pool.client_classes);
    }
  }
  return false;
}

void Exchange4::markTakenElsewhere(const SubnetState4& subnet, IPv4Address address) const {
  const auto& pools = subnet.subnet->pools;
  for (size_t p = 0; p < pools.size(); ++p) {
    if (pools[p].contains(address)) {
      subnet.pools[p]->markTakenElsewhere(slotOf(pools[p], address));
      return;
    }
  }
}

void Exchange4::markPoolSlot(const SubnetState4& subnet, IPv4Address address, bool used) const {
  const auto& pools = subnet.subnet->pools;
  for (size_t p = 0; p < pools.size(); ++p) {
    if (pools[p].contains(address)) {
      if (used) {
        subnet.pools[p]->markUsed(slotOf(pools[p], address));
      } else {
        subnet.pools[p]->markFree(slotOf(pools[p], address));
      }
      return;
    }
  }
}

bool Exchange4::leaseUsable(const std::optional<Lease4>& current) const {
  if (!current) {
    return true;
  }
  return belongsToClient(*current) || current->expired(engine_.clock_.now()) ||
         isReclaimedState(current->state);
}

bool Exchange4::usableForClient(IPv4Address address, const SubnetState4& subnet, bool from_pool) {
  auto current = engine_.store_.leases4().get(address);
  if (!current) {
    return false;  // the store is failing: do not offer what cannot be checked
  }
  if (leaseUsable(*current)) {
    return true;
  }
  if (from_pool) {
    markPoolSlot(subnet, address, true);  // the cache was stale
  }
  return false;
}

bool Exchange4::findClientLeaseAndCandidate() {
  LeaseQuery4 client_id_query;
  LeaseQuery4 hwaddr_query;
  if (!runtime_.sharedStore() || !clientLeaseQueries(client_id_query, hwaddr_query)) {
    return findClientLease();
  }

  // The first pool candidate pickFromPools() would try: the first pool the client's classes
  // admit, in the first candidate subnet. Its slot is taken from the cursor now and handed
  // to pickFromPools(); a DISCOVER that offers something else leaves it free.
  for (SubnetState4* subnet : candidates_) {
    const auto& pools = subnet->subnet->pools;
    for (size_t p = 0; p < pools.size() && !prefetched_; ++p) {
      if (!classes_.admits(pools[p].client_classes)) {
        continue;
      }
      const auto slot = subnet->pools[p]->pickNext();
      if (!slot) {
        break;
      }
      prefetched_ = Prefetched{subnet, p, *slot, addressOf(pools[p], *slot), std::nullopt};
    }
    break;
  }
  if (!prefetched_) {
    return findClientLease();
  }

  auto found = engine_.store_.leases4().findEitherAndGet(client_id_query, hwaddr_query,
                                                          prefetched_->address);
  if (!found) {
    return false;
  }
  pickClientLease(found->matching);
  prefetched_->lease = std::move(found->at_address);
  return true;
}

std::optional<IPv4Address> Exchange4::chooseOfferAddress() {
  // 1. The client's reserved address, unless another client holds it.
  if (reservation_ != nullptr && reservation_->ip_address) {
    const IPv4Address reserved = *reservation_->ip_address;
    if (SubnetState4* subnet = candidateContaining(reserved)) {
      if (usableForClient(reserved, *subnet, false)) {
        lease_subnet_ = subnet;
        return reserved;
      }
      runtime_.stats().reservation_conflicts->add(1);
      subnet->stats.reservation_conflicts->add(1);
    }
  }

  // 2. The address the client already has.
  if (client_lease_) {
    SubnetState4* subnet = candidateContaining(client_lease_->address);
    if (subnet != nullptr && !reservedForOther(client_lease_->address, *subnet) &&
        (inPermittedPool(client_lease_->address, *subnet) ||
         subnet->subnet->reservations_out_of_pool)) {
      lease_subnet_ = subnet;
      return client_lease_->address;
    }
  }

  // 3. The address the client asks for (option 50), when it is free and allowed.
  if (const auto requested = query_.addressOption(packet::option4::kRequestedAddress)) {
    SubnetState4* subnet = candidateContaining(*requested);
    if (subnet != nullptr && inPermittedPool(*requested, *subnet) &&
        !reservedForOther(*requested, *subnet) && usableForClient(*requested, *subnet, true)) {
      lease_subnet_ = subnet;
      return *requested;
    }
  }

  // 4. A new address from the pools.
  return pickFromPools();
}

std::optional<IPv4Address> Exchange4::pickFromPools() {
  for (SubnetState4* subnet : candidates_) {
    const auto& pools = subnet->subnet->pools;
    for (size_t p = 0; p < pools.size(); ++p) {
      if (!classes_.admits(pools[p].client_classes)) {
        continue;
      }
      const config::Pool4& pool = pools[p];
      alloc::PoolGeometry<IPv4Address> geometry{
          pool.first, pool.last, 0,
          [&pool](alloc::SlotIndex slot) { return addressOf(pool, slot); },
          [&pool](const IPv4Address& address) { return slotOf(pool, address); }};
      // The candidate prefetched with the client lookup comes first, already looked up.
      const bool has_prefetched =
          prefetched_ && prefetched_->subnet == subnet && prefetched_->pool == p;
      const auto picked = alloc::pickFromPool<Lease4, IPv4Address>(
          *subnet->pools[p], engine_.store_.leases4(), geometry,
          [&](const IPv4Address& candidate) {
            if (reservedForOther(candidate, *subnet)) {
              return alloc::Verdict::kExclude;
            }
            // A store no other node writes holds only what the pool state already excludes,
            // so the lookup is skipped once the pools are settled. On a shared store the pool
            // state misses the other nodes' leases: offering unchecked candidates made a node
            // whose cursor ran into another node's addresses NAK most REQUESTs. Right after a
            // reconfiguration it may miss what the previous runtime committed late.
            if (!runtime_.sharedStore() && !runtime_.verifiesPoolCandidates()) {
              return alloc::Verdict::kUse;
            }
            const bool usable = has_prefetched && candidate == prefetched_->address
                                    ? leaseUsable(prefetched_->lease)
                                    : usableForClient(candidate, *subnet, false);
            return usable ? alloc::Verdict::kUse : alloc::Verdict::kTaken;
          },
          has_prefetched ? std::optional<alloc::SlotIndex>(prefetched_->slot) : std::nullopt);
      if (picked) {
        lease_subnet_ = subnet;
        return picked;
      }
    }
  }

  // Every pool looks full: an expired lease that reclamation has not processed yet can be
  // reused right away.
  auto expired = engine_.store_.leases4().findExpired(engine_.clock_.now(), kExpiredBatch);
  if (expired) {
    for (const Lease4& lease : *expired) {
      if (lease.state != LeaseState::kDefault) {
        continue;
      }
      SubnetState4* subnet = candidateContaining(lease.address);
      if (subnet != nullptr && inPermittedPool(lease.address, *subnet) &&
          !reservedForOther(lease.address, *subnet)) {
        lease_subnet_ = subnet;
        return lease.address;
      }
    }
  }
  return std::nullopt;
}

void Exchange4::countAllocationFailure() {
  GlobalStats4& stats = runtime_.stats();
  stats.allocation_fail->add(1);
  subnet_->stats.allocation_fail->add(1);
  bool any_pool = false;
  for (const SubnetState4* subnet : candidates_) {
    any_pool = any_pool || !subnet->subnet->pools.empty();
  }
  if (!any_pool) {
    stats.allocation_fail_no_pools->add(1);
    subnet_->stats.allocation_fail_no_pools->add(1);
  } else if (candidates_.size() > 1) {
    stats.allocation_fail_shared_network->add(1);
    subnet_->stats.allocation_fail_shared_network->add(1);
  } else {
    stats.allocation_fail_subnet->add(1);
    subnet_->stats.allocation_fail_subnet->add(1);
  }
}

// The host name Kea 2.2 puts in the lease and in option 12 of the reply: the reservation's,
// else the client's option 12 reduced to the characters of Kea's default hostname-char-set,
// both in lower case. NOTE: ddns-qualifying-suffix and the other ddns-* parameters that
// rewrite the name in Kea are not applied.
std::string Exchange4::clientHostname() const {
  std::string hostname;
  if (reservation_ != nullptr && !reservation_->hostname.empty()) {
    hostname = reservation_->hostname;
  } else if (const auto sent = query_.options.find(packet::option4::kHostName)) {
    for (const uint8_t c : *sent) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          c == '.' || c == '-') {
        hostname.push_back(static_cast<char>(c));
      }
    }
  }
  std::transform(hostname.begin(), hostname.end(), hostname.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
  return hostname;
}

Lease4 Exchange4::makeLease(IPv4Address address, const SubnetState4& subnet) const {
  Lease4 lease;
  lease.address = address;
  lease.hwaddr = hwaddr_;
  if (subnet.subnet->match_client_id) {
    lease.client_id = client_id_;
  }
  lease.valid_lifetime = validLifetime(subnet);
  lease.cltt = engine_.clock_.now();
  lease.subnet_id = subnet.subnet->id;
  lease.hostname = clientHostname();
  for (const auto& pool : subnet.subnet->pools) {
    if (pool.contains(address)) {
      lease.pool_id = pool.pool_id;
      break;
    }
  }
  return lease;
}

Exchange4::Commit Exchange4::commitLease(IPv4Address address, bool known_taken) {
  SubnetState4* subnet = lease_subnet_ != nullptr ? lease_subnet_ : candidateContaining(address);
  lease_subnet_ = subnet;
  const Lease4 desired = makeLease(address, *subnet);
  const UnixTime now = engine_.clock_.now();
  auto reusable = [&](const Lease4& existing) {
    return belongsToClient(existing) || existing.expired(now) || isReclaimedState(existing.state);
  };

  std::optional<Lease4> replaced;
  std::optional<StoreError> error;
  const auto outcome = alloc::claimLease(engine_.store_.leases4(), desired, reusable, replaced,
                                         error, /*try_add_first=*/!known_taken);
  if (outcome == alloc::ClaimOutcome::kStoreFailed) {
    return Commit::kStoreFailed;
  }
  if (outcome == alloc::ClaimOutcome::kTaken) {
    markTakenElsewhere(*subnet, address);
    return Commit::kTaken;
  }
  recordClaim(*subnet, desired, replaced);
  return Commit::kAcked;
}

std::optional<Exchange4::Commit> Exchange4::claimSelected(IPv4Address address,
                                                         SubnetState4& subnet) {
  lease_subnet_ = &subnet;
  LeaseQuery4 client_id_query;
  LeaseQuery4 hwaddr_query;
  if (!clientLeaseQueries(client_id_query, hwaddr_query)) {
    return commitLease(address);  // a client with no identity has no lease to look up
  }
  const Lease4 desired = makeLease(address, subnet);
  auto others =
      engine_.store_.leases4().addAndFindEither(desired, client_id_query, hwaddr_query);
  if (!others) {
    if (others.error().code == StoreError::Code::kConflict) {
      return std::nullopt;
    }
    return Commit::kStoreFailed;
  }
  pickClientLease(*others);
  recordClaim(subnet, desired, std::nullopt);
  return Commit::kAcked;
}

void Exchange4::recordClaim(SubnetState4& subnet, const Lease4& desired,
                            const std::optional<Lease4>& replaced) {
  const IPv4Address address = desired.address;
  markPoolSlot(subnet, address, true);
  committed_ = desired;

  // Statistics: a lease that was not counted as assigned before becomes assigned; an expired
  // lease of another client that is taken over counts as reclaimed.
  GlobalStats4& stats = runtime_.stats();
  const bool renewal = replaced && belongsToClient(*replaced) && !isReclaimedState(replaced->state);
  const bool was_assigned = replaced && !isReclaimedState(replaced->state);
  if (replaced && was_assigned && !belongsToClient(*replaced)) {
    SubnetState4* old_subnet = runtime_.findSubnet(replaced->subnet_id);
    stats.reclaimed_leases->add(1);
    if (old_subnet != nullptr) {
      old_subnet->stats.reclaimed_leases->add(1);
      old_subnet->stats.assigned_addresses->add(-1);
    }
    if (replaced->state == LeaseState::kDeclined) {
      stats.declined_addresses->add(-1);
      stats.reclaimed_declined_addresses->add(1);
      if (old_subnet != nullptr) {
        old_subnet->stats.declined_addresses->add(-1);
        old_subnet->stats.reclaimed_declined_addresses->add(1);
      }
    }
    subnet.stats.assigned_addresses->add(1);
  } else if (!was_assigned) {
    subnet.stats.assigned_addresses->add(1);
  }
  if (!renewal) {
    stats.cumulative_assigned_addresses->add(1);
    subnet.stats.cumulative_assigned_addresses->add(1);
  }

  removeOldLease(address);
}

void Exchange4::removeOldLease(IPv4Address kept) {
  // A client that moved to another address keeps one lease: the old one is deleted.
  if (!client_lease_ || client_lease_->address == kept) {
    return;
  }
  const Lease4 old = *client_lease_;
  if (!engine_.store_.leases4().remove(old.address, &old)) {
    return;  // changed or gone meanwhile: reclamation handles it
  }
  if (SubnetState4* subnet = runtime_.findSubnet(old.subnet_id)) {
    if (!isReclaimedState(old.state)) {
      subnet->stats.assigned_addresses->add(-1);
    }
    markPoolSlot(*subnet, old.address, false);
  }
}

}  // namespace leasehold::dhcp4
