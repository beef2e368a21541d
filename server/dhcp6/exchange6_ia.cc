// Assigning, renewing and releasing the leases of each IA_NA and IA_PD.
#include <algorithm>

#include "server/alloc/candidate_picker.h"
#include "server/alloc/lease_claim.h"
#include "server/dhcp6/exchange6.h"

namespace leasehold::dhcp6 {

namespace {

// Expired leases examined when every pool looks full.
constexpr size_t kExpiredBatch = 64;

bool isReclaimedState(LeaseState state) {
  return state == LeaseState::kExpiredReclaimed || state == LeaseState::kReleased;
}

// A lifetime the client proposed in an IAADDR or IAPREFIX, if any.
std::optional<std::chrono::seconds> hint(uint32_t value) {
  if (value == 0) {
    return std::nullopt;
  }
  return std::chrono::seconds{value};
}

}  // namespace

bool Exchange6::usableForClient(const IPv6Address& address, uint32_t iaid, LeaseType type) {
  auto current = engine_.store_.leases6().get(address);
  if (!current) {
    return false;
  }
  return leaseUsable(*current, iaid, type);
}

bool Exchange6::leaseUsable(const std::optional<Lease6>& current, uint32_t iaid,
                            LeaseType type) const {
  if (!current) {
    return true;
  }
  const Lease6& lease = *current;
  return ownsLease(lease, iaid, type) || lease.expired(engine_.clock_.now()) ||
         isReclaimedState(lease.state);
}

bool Exchange6::loadClientLeasesAndCandidate() {
  if (!runtime_.sharedStore()) {
    return loadClientLeases();
  }
  // The first pool candidate pickFromPools() would try for the query's first IA: the first
  // pool the client's classes admit in the first candidate subnet.
  std::optional<LeaseType> type;
  for (const auto& entry : query_.options.entries()) {
    if (entry.code == packet::option6::kIaNa || entry.code == packet::option6::kIaPd) {
      type = entry.code == packet::option6::kIaPd ? LeaseType::kPd : LeaseType::kNa;
      break;
    }
  }
  if (type) {
    for (PoolRuntime6& pool : candidates_.front()->pools(*type)) {
      if (!classes_.admits(pool.pool->client_classes)) {
        continue;
      }
      if (const auto slot = pool.state->pickNext()) {
        prefetched_ = Prefetched{&pool, *slot, pool.addressOf(*slot), std::nullopt};
      }
      break;
    }
  }
  if (!prefetched_) {
    return loadClientLeases();
  }
  const LeaseQuery6 query = clientLeaseQuery();
  auto found = engine_.store_.leases6().findEitherAndGet(query, query, prefetched_->address);
  if (!found) {
    return false;
  }
  keepClientLeases(found->matching);
  prefetched_->lease = std::move(found->at_address);
  return true;
}

bool Exchange6::appropriate(const Lease6& lease) const {
  const SubnetState6* subnet = candidateContaining(lease.address);
  if (subnet == nullptr || reservedForOther(lease.address, *subnet)) {
    return false;
  }
  if (reservation_ != nullptr) {
    const auto& addresses = reservation_->ip_addresses;
    if (std::find(addresses.begin(), addresses.end(), lease.address) != addresses.end()) {
      return true;
    }
    for (const auto& prefix : reservation_->prefixes) {
      if (prefix.address == lease.address && prefix.length == lease.prefix_length) {
        return true;
      }
    }
  }
  const LeaseType pool_type = lease.type == LeaseType::kPd ? LeaseType::kPd : LeaseType::kNa;
  const PoolRuntime6* pool = subnet->findPool(pool_type, lease.address);
  return pool != nullptr && classes_.admits(pool->pool->client_classes) &&
         (lease.type != LeaseType::kPd || pool->pool->delegated_length == lease.prefix_length);
}

std::optional<IPv6Address> Exchange6::pickFromPools(LeaseType type, uint8_t length_hint,
                                                    uint8_t& prefix_length,
                                                    SubnetState6*& chosen) {
  // A prefix-length hint selects matching pools first; then any pool will do.
  for (int pass = 0; pass < 2; ++pass) {
    for (SubnetState6* subnet : candidates_) {
      for (PoolRuntime6& pool : subnet->pools(type)) {
        if (!classes_.admits(pool.pool->client_classes)) {
          continue;
        }
        if (type == LeaseType::kPd && length_hint != 0 && pass == 0 &&
            pool.pool->delegated_length != length_hint) {
          continue;
        }
        alloc::PoolGeometry<IPv6Address> geometry{
            pool.pool->first, pool.pool->last, pool.step_bits,
            [&pool](alloc::SlotIndex slot) { return pool.addressOf(slot); },
            [&pool](const IPv6Address& address) { return pool.slotOf(address); }};
        // The prefetched candidate, when it is of this pool, goes first and was looked up.
        std::optional<alloc::SlotIndex> first_slot;
        std::optional<Prefetched> prefetched;
        if (prefetched_ && prefetched_->pool == &pool) {
          prefetched = std::exchange(prefetched_, std::nullopt);
          first_slot = prefetched->slot;
        }
        const auto picked = alloc::pickFromPool<Lease6, IPv6Address>(
            *pool.state, engine_.store_.leases6(), geometry,
            [&](const IPv6Address& candidate) {
              if (reservedForOther(candidate, *subnet) || assigned_in_reply_.contains(candidate)) {
                return alloc::Verdict::kExclude;
              }
              if (prefetched && prefetched->address == candidate) {
                return leaseUsable(prefetched->lease, 0, type) ? alloc::Verdict::kUse
                                                               : alloc::Verdict::kTaken;
              }
              // The pool state misses other nodes' leases on a shared store, and right after
              // a reconfiguration what the previous runtime committed late (see
              // Exchange4::pickFromPools); otherwise it is exact and the lookup is skipped.
              const bool check = runtime_.sharedStore() || runtime_.verifiesPoolCandidates();
              if (check && !usableForClient(candidate, 0, type)) {
                return alloc::Verdict::kTaken;
              }
              return alloc::Verdict::kUse;
            },
            first_slot);
        if (picked) {
          prefix_length = type == LeaseType::kPd ? pool.pool->delegated_length : 128;
          chosen = subnet;
          return picked;
        }
      }
    }
    if (type != LeaseType::kPd || length_hint == 0) {
      break;
    }
  }

  // Every pool looks full: reuse an expired lease that reclamation has not processed yet.
  auto expired = engine_.store_.leases6().findExpired(engine_.clock_.now(), kExpiredBatch);
  if (expired) {
    for (const Lease6& lease : *expired) {
      if (lease.state != LeaseState::kDefault || lease.type != type ||
          assigned_in_reply_.contains(lease.address)) {
        continue;
      }
      SubnetState6* subnet = candidateContaining(lease.address);
      if (subnet != nullptr && appropriate(lease)) {
        prefix_length = lease.prefix_length;
        chosen = subnet;
        return lease.address;
      }
    }
  }
  return std::nullopt;
}

std::optional<IPv6Address> Exchange6::chooseAddress(const packet::Ia6& ia, LeaseType type,
                                                    uint8_t& prefix_length,
                                                    SubnetState6*& subnet) {
  // 1. A reserved address or prefix this reply has not used yet.
  if (reservation_ != nullptr) {
    if (type == LeaseType::kNa) {
      for (const auto& address : reservation_->ip_addresses) {
        SubnetState6* owner = candidateContaining(address);
        if (owner != nullptr && !assigned_in_reply_.contains(address) &&
            usableForClient(address, ia.iaid, type)) {
          prefix_length = 128;
          subnet = owner;
          return address;
        }
      }
    } else if (type == LeaseType::kPd) {
      for (const auto& prefix : reservation_->prefixes) {
        SubnetState6* owner = candidateContaining(prefix.address);
        if (owner != nullptr && !assigned_in_reply_.contains(prefix.address) &&
            usableForClient(prefix.address, ia.iaid, type)) {
          prefix_length = prefix.length;
          subnet = owner;
          return prefix.address;
        }
      }
    }
  }

  // 2. What the client already has for this IA.
  for (const Lease6& lease : client_leases_) {
    if (lease.iaid == ia.iaid && lease.type == type && appropriate(lease) &&
        !assigned_in_reply_.contains(lease.address)) {
      prefix_length = lease.prefix_length;
      subnet = candidateContaining(lease.address);
      return lease.address;
    }
  }

  // 3. What the client asks for, when it is free and allowed.
  uint8_t length_hint = 0;
  for (const auto& entry : ia.options.entries()) {
    Lease6 probe;
    probe.type = type;
    if (type == LeaseType::kNa && entry.code == packet::option6::kIaAddr) {
      const auto address = packet::decodeIaAddress6(ia.options.payload(entry));
      if (!address) {
        continue;
      }
      probe.address = address->address;
    } else if (type == LeaseType::kPd && entry.code == packet::option6::kIaPrefix) {
      const auto prefix = packet::decodeIaPrefix6(ia.options.payload(entry));
      if (!prefix) {
        continue;
      }
      length_hint = prefix->prefix_length;
      probe.address = prefix->prefix;
      probe.prefix_length = prefix->prefix_length;
    } else {
      continue;
    }
    if (probe.address.isZero() || assigned_in_reply_.contains(probe.address)) {
      continue;
    }
    if (appropriate(probe) && usableForClient(probe.address, ia.iaid, type)) {
      prefix_length = type == LeaseType::kPd ? probe.prefix_length : 128;
      subnet = candidateContaining(probe.address);
      return probe.address;
    }
  }

  // 4. A new address or prefix from the pools.
  return pickFromPools(type, length_hint, prefix_length, subnet);
}

Lease6 Exchange6::makeLease(const IPv6Address& address, uint8_t prefix_length, uint32_t iaid,
                            LeaseType type, const SubnetState6& subnet,
                            const packet::Ia6& ia) const {
  std::optional<std::chrono::seconds> preferred_hint;
  std::optional<std::chrono::seconds> valid_hint;
  for (const auto& entry : ia.options.entries()) {
    if (entry.code == packet::option6::kIaAddr) {
      if (const auto hinted = packet::decodeIaAddress6(ia.options.payload(entry))) {
        preferred_hint = hint(hinted->preferred_lifetime);
        valid_hint = hint(hinted->valid_lifetime);
      }
    } else if (entry.code == packet::option6::kIaPrefix) {
      if (const auto hinted = packet::decodeIaPrefix6(ia.options.payload(entry))) {
        preferred_hint = hint(hinted->preferred_lifetime);
        valid_hint = hint(hinted->valid_lifetime);
      }
    }
  }

  Lease6 lease;
  lease.address = address;
  lease.prefix_length = prefix_length;
  lease.type = type;
  lease.duid = duid_;
  lease.iaid = iaid;
  const config::Triplet* valid = &subnet.subnet->valid_lifetime;
  const config::Triplet* preferred = &subnet.subnet->preferred_lifetime;
  for (const auto& name : classes_.names()) {
    if (const config::ClientClass* client_class = runtime_.config().findClass(name)) {
      if (client_class->valid_lifetime) {
        valid = &*client_class->valid_lifetime;
      }
      if (client_class->preferred_lifetime) {
        preferred = &*client_class->preferred_lifetime;
      }
      if (client_class->valid_lifetime || client_class->preferred_lifetime) {
        break;
      }
    }
  }
  lease.valid_lifetime = valid->resolve(valid_hint);
  lease.preferred_lifetime = std::min(preferred->resolve(preferred_hint), lease.valid_lifetime);
  lease.cltt = engine_.clock_.now();
  lease.subnet_id = subnet.subnet->id;
  lease.hwaddr = hwaddr_;
  lease.hwaddr_source = hwaddr_source_;
  if (reservation_ != nullptr) {
    lease.hostname = reservation_->hostname;
  }
  const LeaseType pool_type = type == LeaseType::kPd ? LeaseType::kPd : LeaseType::kNa;
  if (const PoolRuntime6* pool = subnet.findPool(pool_type, address)) {
    lease.pool_id = pool->pool->pool_id;
  }
  return lease;
}

void Exchange6::countAssigned(const Lease6& lease, const std::optional<Lease6>& replaced,
                              SubnetState6& subnet) {
  GlobalStats6& stats = runtime_.stats();
  const bool pd = lease.type == LeaseType::kPd;
  auto assigned = [pd](SubnetState6& state) {
    return pd ? state.stats.assigned_pds : state.stats.assigned_nas;
  };
  const bool was_assigned = replaced && !isReclaimedState(replaced->state);
  const bool own = replaced && ownsLease(*replaced, lease.iaid, lease.type);
  if (was_assigned && !own) {
    // An expired lease of another client taken over: it counts as reclaimed.
    stats.reclaimed_leases->add(1);
    if (SubnetState6* old_subnet = runtime_.findSubnet(replaced->subnet_id)) {
      old_subnet->stats.reclaimed_leases->add(1);
      assigned(*old_subnet)->add(-1);
    }
    assigned(subnet)->add(1);
  } else if (!was_assigned) {
    assigned(subnet)->add(1);
  }
  if (!(own && was_assigned)) {
    (pd ? stats.cumulative_assigned_pds : stats.cumulative_assigned_nas)->add(1);
    (pd ? subnet.stats.cumulative_assigned_pds : subnet.stats.cumulative_assigned_nas)->add(1);
  }
}

Exchange6::Commit Exchange6::commit(const Lease6& desired, const std::optional<Lease6>& known,
                                    SubnetState6& subnet) {
  LeaseTable<Lease6>& table = engine_.store_.leases6();
  std::optional<Lease6> replaced;
  bool written = false;
  if (known && known->address == desired.address) {
    auto updated = table.update(desired, &*known);
    if (updated) {
      replaced = known;
      written = true;
    } else if (updated.error().code != StoreError::Code::kConflict &&
               updated.error().code != StoreError::Code::kNotFound) {
      return Commit::kStoreFailed;
    }
  }
  if (!written) {
    const UnixTime now = engine_.clock_.now();
    std::optional<StoreError> error;
    const auto outcome = alloc::claimLease(
        table, desired,
        [&](const Lease6& existing) {
          return ownsLease(existing, desired.iaid, desired.type) || existing.expired(now) ||
                 isReclaimedState(existing.state);
        },
        replaced, error);
    if (outcome == alloc::ClaimOutcome::kStoreFailed) {
      return Commit::kStoreFailed;
    }
    if (outcome == alloc::ClaimOutcome::kTaken) {
      if (const PoolRuntime6* pool = subnet.findPool(desired.type, desired.address)) {
        pool->state->markTakenElsewhere(pool->slotOf(desired.address));
      }
      return Commit::kTaken;
    }
  }
  recordClaim(desired, replaced, subnet);
  return Commit::kDone;
}

void Exchange6::recordClaim(const Lease6& desired, const std::optional<Lease6>& replaced,
                            SubnetState6& subnet) {
  if (const PoolRuntime6* pool = subnet.findPool(desired.type, desired.address)) {
    pool->state->markUsed(pool->slotOf(desired.address));
  }
  countAssigned(desired, replaced, subnet);
}

std::optional<bool> Exchange6::claimRequested(packet::Pkt6& reply, bool& leases_loaded) {
  // The usual REQUEST after an ADVERTISE: one IA naming the address or prefix offered. When
  // the client has a reservation, that comes first, so the general path decides.
  if (reservation_ != nullptr) {
    return std::nullopt;
  }
  const packet::OptionList::Entry* ia_entry = nullptr;
  for (const auto& entry : query_.options.entries()) {
    if (entry.code == packet::option6::kIaNa || entry.code == packet::option6::kIaPd ||
        entry.code == packet::option6::kIaTa) {
      if (ia_entry != nullptr) {
        return std::nullopt;
      }
      ia_entry = &entry;
    }
  }
  if (ia_entry == nullptr || ia_entry->code == packet::option6::kIaTa) {
    return std::nullopt;
  }
  const auto ia = packet::decodeIa6(ia_entry->code, query_.options.payload(*ia_entry));
  if (!ia) {
    return std::nullopt;
  }
  const LeaseType type = ia_entry->code == packet::option6::kIaPd ? LeaseType::kPd : LeaseType::kNa;
  Lease6 probe;
  probe.type = type;
  size_t listed = 0;
  for (const auto& entry : ia->options.entries()) {
    if (type == LeaseType::kNa && entry.code == packet::option6::kIaAddr) {
      if (const auto address = packet::decodeIaAddress6(ia->options.payload(entry))) {
        probe.address = address->address;
        probe.prefix_length = 128;
        ++listed;
      }
    } else if (type == LeaseType::kPd && entry.code == packet::option6::kIaPrefix) {
      if (const auto prefix = packet::decodeIaPrefix6(ia->options.payload(entry))) {
        probe.address = prefix->prefix;
        probe.prefix_length = prefix->prefix_length;
        ++listed;
      }
    }
  }
  if (listed != 1 || probe.address.isZero() || !appropriate(probe)) {
    return std::nullopt;
  }
  SubnetState6* subnet = candidateContaining(probe.address);
  if (subnet == nullptr) {
    return std::nullopt;
  }

  // An add() succeeds only where no lease exists, which the general path would accept too;
  // the client's leases come back from the same transaction.
  const Lease6 desired = makeLease(probe.address, probe.prefix_length, ia->iaid, type, *subnet, *ia);
  const LeaseQuery6 query = clientLeaseQuery();
  LeaseTable<Lease6>& table = engine_.store_.leases6();
  auto others = table.addAndFindEither(desired, query, query);
  if (!others) {
    if (others.error().code == StoreError::Code::kConflict) {
      return std::nullopt;
    }
    return false;
  }
  keepClientLeases(*others);
  leases_loaded = true;

  // The general path prefers a lease the client already holds for this IA; that one stays.
  for (const Lease6& lease : client_leases_) {
    if (lease.iaid == ia->iaid && lease.type == type && appropriate(lease)) {
      if (!table.remove(desired.address, &desired)) {
        return false;
      }
      return std::nullopt;
    }
  }

  recordClaim(desired, std::nullopt, *subnet);
  assigned_in_reply_.insert(desired.address);
  writeGranted(reply, ia_entry->code, ia->iaid, {desired}, {}, 128);
  return true;
}

void Exchange6::writeGranted(packet::Pkt6& reply, uint16_t code, uint32_t iaid,
                             const std::vector<Lease6>& granted,
                             const std::vector<IPv6Address>& zeroed, uint8_t zeroed_length) {
  const SubnetState6* lease_subnet = candidateContaining(granted.front().address);
  options_subnet_ = lease_subnet;
  const auto [t1, t2] = timers(*lease_subnet, granted.front());
  writeIa(reply, code, iaid, t1, t2, granted, zeroed, std::nullopt, {}, zeroed_length);
}

bool Exchange6::answerIa(const packet::Ia6& ia, LeaseType type, IaMode mode,
                         packet::Pkt6& reply) {
  const uint16_t code = type == LeaseType::kPd ? packet::option6::kIaPd : packet::option6::kIaNa;
  const auto no_lease_status =
      type == LeaseType::kPd ? packet::StatusCode6::kNoPrefixAvail : packet::StatusCode6::kNoAddrsAvail;
  std::vector<Lease6> granted;
  std::vector<IPv6Address> zeroed;
  uint8_t zeroed_length = 128;

  // RENEW and REBIND extend what the client has; what is no longer appropriate for its link
  // goes back with lifetimes 0 (RFC 8415 section 18.3.4).
  if (mode == IaMode::kExtend) {
    for (const Lease6& lease : client_leases_) {
      if (lease.iaid != ia.iaid || lease.type != type) {
        continue;
      }
      if (!appropriate(lease)) {
        zeroed.push_back(lease.address);
        zeroed_length = lease.prefix_length;
        continue;
      }
      SubnetState6* subnet = candidateContaining(lease.address);
      Lease6 desired = makeLease(lease.address, lease.prefix_length, ia.iaid, type, *subnet, ia);
      desired.hostname = lease.hostname.empty() ? desired.hostname : lease.hostname;
      switch (commit(desired, lease, *subnet)) {
        case Commit::kStoreFailed:
          return false;
        case Commit::kTaken:
          zeroed.push_back(lease.address);
          break;
        case Commit::kDone:
          granted.push_back(desired);
          assigned_in_reply_.insert(desired.address);
          break;
      }
    }
  }

  // Assign (or, for SOLICIT, propose) when nothing was extended.
  if (granted.empty()) {
    for (int attempt = 0; attempt < 3; ++attempt) {
      uint8_t prefix_length = 128;
      SubnetState6* subnet = nullptr;
      const auto address = chooseAddress(ia, type, prefix_length, subnet);
      if (!address || subnet == nullptr) {
        break;
      }
      const Lease6 desired = makeLease(*address, prefix_length, ia.iaid, type, *subnet, ia);
      if (mode == IaMode::kAdvertise) {
        granted.push_back(desired);
        assigned_in_reply_.insert(desired.address);
        break;
      }
      std::optional<Lease6> known;
      for (const Lease6& lease : client_leases_) {
        if (lease.address == desired.address) {
          known = lease;
        }
      }
      const Commit outcome = commit(desired, known, *subnet);
      if (outcome == Commit::kStoreFailed) {
        return false;
      }
      if (outcome == Commit::kDone) {
        granted.push_back(desired);
        assigned_in_reply_.insert(desired.address);
        break;
      }
    }
  }

  if (granted.empty()) {
    runtime_.stats().allocation_fail->add(1);
    subnet_->stats.allocation_fail->add(1);
    writeIa(reply, code, ia.iaid, 0, 0, {}, zeroed, no_lease_status,
            type == LeaseType::kPd ? "no prefixes available" : "no addresses available",
            zeroed_length);
    return true;
  }
  writeGranted(reply, code, ia.iaid, granted, zeroed, zeroed_length);
  return true;
}

bool Exchange6::answerIas(packet::Pkt6& reply, IaMode mode) {
  for (const auto& entry : query_.options.entries()) {
    LeaseType type;
    if (entry.code == packet::option6::kIaNa) {
      type = LeaseType::kNa;
    } else if (entry.code == packet::option6::kIaPd) {
      type = LeaseType::kPd;
    } else if (entry.code == packet::option6::kIaTa) {
      type = LeaseType::kTa;
    } else {
      continue;
    }
    auto ia = packet::decodeIa6(entry.code, query_.options.payload(entry));
    if (!ia) {
      continue;  // a malformed IA is ignored, as its IAID cannot be trusted
    }
    if (type == LeaseType::kTa) {
      // Temporary addresses are not offered (Kea does not either).
      writeIa(reply, entry.code, ia->iaid, 0, 0, {}, {}, packet::StatusCode6::kNoAddrsAvail,
              "temporary addresses are not supported", 128);
      continue;
    }
    if (!answerIa(*ia, type, mode, reply)) {
      return false;
    }
  }
  return true;
}

}  // namespace leasehold::dhcp6
