#include "backends/memfile/lease_index.h"

#include <cassert>

namespace leasehold::memfile {

namespace {

using Uint128 = unsigned __int128;

Uint128 toUint(const IPv4Address& address) { return address.toUint32(); }
Uint128 toUint(const IPv6Address& address) { return address.toUint128(); }

template <typename Address>
Address fromUint(Uint128 value) {
  if constexpr (std::is_same_v<Address, IPv4Address>) {
    return IPv4Address(static_cast<uint32_t>(value));
  } else {
    return IPv6Address::fromUint128(value);
  }
}

const std::vector<uint8_t>& clientKey(const Lease4& lease) { return lease.client_id; }
const std::vector<uint8_t>& clientKey(const Lease6& lease) { return lease.duid; }
const std::optional<std::vector<uint8_t>>& clientKey(const LeaseQuery4& query) {
  return query.client_id;
}
const std::optional<std::vector<uint8_t>>& clientKey(const LeaseQuery6& query) {
  return query.duid;
}

LeaseType typeOf(const Lease4&) { return LeaseType::kNa; }
LeaseType typeOf(const Lease6& lease) { return lease.type; }

bool reclaimable(LeaseState state) {
  return state == LeaseState::kDefault || state == LeaseState::kDeclined;
}

char lowercaseAsciiChar(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Compares as the hostname index does, ASCII letters only, whatever the C locale is.
bool equalIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    if (lowercaseAsciiChar(a[i]) != lowercaseAsciiChar(b[i])) {
      return false;
    }
  }
  return true;
}

bool matchesCommon(const auto& lease, const auto& query) {
  return (!query.hwaddr || lease.hwaddr == *query.hwaddr) &&
         (!query.hostname || equalIgnoringCase(lease.hostname, *query.hostname)) &&
         (!query.subnet_id || lease.subnet_id == *query.subnet_id) &&
         (!query.state || lease.state == *query.state) &&
         (!query.after || lease.address > *query.after);
}

bool matches(const Lease4& lease, const LeaseQuery4& query) {
  return (!query.client_id || lease.client_id == *query.client_id) && matchesCommon(lease, query);
}

bool matches(const Lease6& lease, const LeaseQuery6& query) {
  return (!query.duid || lease.duid == *query.duid) &&
         (!query.iaid || lease.iaid == *query.iaid) &&
         (!query.type || lease.type == *query.type) && matchesCommon(lease, query);
}

}  // namespace

std::string lowercaseAscii(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = lowercaseAsciiChar(c);
  }
  return lower;
}

template <typename LeaseT>
const LeaseT* LeaseIndex<LeaseT>::get(const Address& address) const {
  const auto it = by_address_.find(address);
  return it == by_address_.end() ? nullptr : &it->second;
}

template <typename LeaseT>
void LeaseIndex<LeaseT>::insert(const LeaseT& lease) {
  const bool inserted = by_address_.emplace(lease.address, lease).second;
  assert(inserted && "LeaseIndex::insert over an existing lease");
  (void)inserted;
  addToIndexes(lease);
  addToRuns(toUint(lease.address));
}

template <typename LeaseT>
void LeaseIndex<LeaseT>::replace(const LeaseT& lease) {
  auto it = by_address_.find(lease.address);
  assert(it != by_address_.end() && "LeaseIndex::replace of a missing lease");
  removeFromIndexes(it->second);
  it->second = lease;
  addToIndexes(lease);
}

template <typename LeaseT>
void LeaseIndex<LeaseT>::erase(const Address& address) {
  auto it = by_address_.find(address);
  assert(it != by_address_.end() && "LeaseIndex::erase of a missing lease");
  removeFromIndexes(it->second);
  by_address_.erase(it);
  removeFromRuns(toUint(address));
}

template <typename LeaseT>
void LeaseIndex<LeaseT>::addToIndexes(const LeaseT& lease) {
  const Address& address = lease.address;
  if (!lease.hwaddr.empty()) {
    by_hwaddr_.emplace(lease.hwaddr, address);
  }
  if (!clientKey(lease).empty()) {
    by_client_.emplace(clientKey(lease), address);
  }
  if (!lease.hostname.empty()) {
    by_hostname_.emplace(lowercaseAscii(lease.hostname), address);
  }
  by_subnet_.emplace(lease.subnet_id, address);
  by_state_.emplace(lease.state, address);
  if (reclaimable(lease.state)) {
    by_expiry_.emplace(lease.expire(), address);
  }
  ++counts_[{lease.subnet_id, typeOf(lease), lease.state}];
}

template <typename LeaseT>
void LeaseIndex<LeaseT>::removeFromIndexes(const LeaseT& lease) {
  const Address& address = lease.address;
  if (!lease.hwaddr.empty()) {
    by_hwaddr_.erase({lease.hwaddr, address});
  }
  if (!clientKey(lease).empty()) {
    by_client_.erase({clientKey(lease), address});
  }
  if (!lease.hostname.empty()) {
    by_hostname_.erase({lowercaseAscii(lease.hostname), address});
  }
  by_subnet_.erase({lease.subnet_id, address});
  by_state_.erase({lease.state, address});
  if (reclaimable(lease.state)) {
    by_expiry_.erase({lease.expire(), address});
  }
  const auto count = counts_.find({lease.subnet_id, typeOf(lease), lease.state});
  if (count != counts_.end() && --count->second == 0) {
    counts_.erase(count);
  }
}

template <typename LeaseT>
template <typename Visit>
void LeaseIndex<LeaseT>::visitCandidates(const Query& query, Visit visit) const {
  // Visits the addresses under `key` in one secondary index, from just after query.after.
  auto visit_key = [&](const auto& index, const auto& key) {
    auto it = query.after ? index.upper_bound({key, *query.after})
                          : index.lower_bound({key, Address{}});
    for (; it != index.end() && it->first == key; ++it) {
      if (!visit(by_address_.find(it->second)->second)) {
        return;
      }
    }
  };

  if (clientKey(query) && !clientKey(query)->empty()) {
    visit_key(by_client_, *clientKey(query));
  } else if (query.hwaddr && !query.hwaddr->empty()) {
    visit_key(by_hwaddr_, *query.hwaddr);
  } else if (query.hostname && !query.hostname->empty()) {
    visit_key(by_hostname_, lowercaseAscii(*query.hostname));
  } else if (query.subnet_id) {
    visit_key(by_subnet_, *query.subnet_id);
  } else if (query.state) {
    visit_key(by_state_, *query.state);
  } else {
    auto it = query.after ? by_address_.upper_bound(*query.after) : by_address_.begin();
    for (; it != by_address_.end(); ++it) {
      if (!visit(it->second)) {
        return;
      }
    }
  }
}

template <typename LeaseT>
std::vector<LeaseT> LeaseIndex<LeaseT>::find(const Query& query) const {
  std::vector<LeaseT> found;
  visitCandidates(query, [&](const LeaseT& lease) {
    if (matches(lease, query)) {
      found.push_back(lease);
    }
    return query.limit == 0 || found.size() < query.limit;
  });
  return found;
}

template <typename LeaseT>
std::vector<LeaseT> LeaseIndex<LeaseT>::findExpired(UnixTime now, size_t limit) const {
  std::vector<LeaseT> found;
  for (auto it = by_expiry_.begin(); it != by_expiry_.end() && it->first <= now; ++it) {
    if (limit != 0 && found.size() == limit) {
      break;
    }
    found.push_back(by_address_.find(it->second)->second);
  }
  return found;
}

template <typename LeaseT>
void LeaseIndex<LeaseT>::addToRuns(Uint128 address) {
  // REQUIRES: `address` is in no run, because it had no lease.
  auto next = runs_.upper_bound(address);
  const bool joins_next = next != runs_.end() && next->first == address + 1;
  if (next != runs_.begin()) {
    auto previous = std::prev(next);
    if (previous->second + 1 == address) {
      previous->second = joins_next ? next->second : address;
      if (joins_next) {
        runs_.erase(next);
      }
      return;
    }
  }
  const Uint128 last = joins_next ? next->second : address;
  if (joins_next) {
    runs_.erase(next);
  }
  runs_.emplace(address, last);
}

template <typename LeaseT>
void LeaseIndex<LeaseT>::removeFromRuns(Uint128 address) {
  // REQUIRES: `address` is in a run, because it has a lease.
  auto run = std::prev(runs_.upper_bound(address));
  const Uint128 first = run->first;
  const Uint128 last = run->second;
  runs_.erase(run);
  if (first < address) {
    runs_.emplace(first, address - 1);
  }
  if (address < last) {
    runs_.emplace(address + 1, last);
  }
}

template <typename LeaseT>
auto LeaseIndex<LeaseT>::findUnleased(const Address& first, const Address& last,
                                      const Address& start, size_t limit,
                                      unsigned step_bits) const -> std::vector<Address> {
  std::vector<Address> found;
  const Uint128 step = Uint128{1} << step_bits;

  // Rounds `value` up to a multiple of the step; false when that passes `high`.
  auto align_up = [&](Uint128 value, Uint128 high, Uint128& aligned) {
    const Uint128 remainder = value & (step - 1);
    if (remainder == 0) {
      aligned = value;
      return value <= high;
    }
    if (value > high || high - value < step - remainder) {
      return false;
    }
    aligned = value + (step - remainder);
    return true;
  };

  // Collects the free candidates in [low, high]: a leased candidate skips to the end of its
  // run, and a free one is followed by the free candidates up to the next run.
  auto walk = [&](Uint128 low, Uint128 high) {
    Uint128 candidate = 0;
    if (!align_up(low, high, candidate)) {
      return;
    }
    while (found.size() < limit) {
      auto next_run = runs_.upper_bound(candidate);
      if (next_run != runs_.begin() && std::prev(next_run)->second >= candidate) {
        const Uint128 run_last = std::prev(next_run)->second;
        if (run_last >= high || !align_up(run_last + 1, high, candidate)) {
          return;
        }
        continue;
      }
      const bool run_ahead = next_run != runs_.end() && next_run->first <= high;
      const Uint128 free_last = run_ahead ? next_run->first - 1 : high;
      while (found.size() < limit) {
        found.push_back(fromUint<Address>(candidate));
        if (free_last - candidate < step) {
          break;
        }
        candidate += step;
      }
      if (!run_ahead || !align_up(next_run->first, high, candidate)) {
        return;
      }
    }
  };

  if (limit == 0) {
    return found;
  }
  walk(toUint(start), toUint(last));
  if (start > first) {
    walk(toUint(first), toUint(start) - 1);
  }
  return found;
}

template <typename LeaseT>
std::vector<LeaseT> LeaseIndex<LeaseT>::leasesOfSubnet(std::optional<SubnetId> subnet_id) const {
  std::vector<LeaseT> leases;
  if (!subnet_id) {
    leases.reserve(by_address_.size());
    forEach([&](const LeaseT& lease) { leases.push_back(lease); });
    return leases;
  }
  for (auto it = by_subnet_.lower_bound({*subnet_id, Address{}});
       it != by_subnet_.end() && it->first == *subnet_id; ++it) {
    leases.push_back(by_address_.find(it->second)->second);
  }
  return leases;
}

template <typename LeaseT>
std::vector<LeaseCount> LeaseIndex<LeaseT>::count(std::optional<SubnetId> subnet_id) const {
  std::vector<LeaseCount> counts;
  for (const auto& [key, count] : counts_) {
    const auto& [subnet, type, state] = key;
    if (!subnet_id || subnet == *subnet_id) {
      counts.push_back(LeaseCount{subnet, type, state, count});
    }
  }
  return counts;
}

template class LeaseIndex<Lease4>;
template class LeaseIndex<Lease6>;

}  // namespace leasehold::memfile
