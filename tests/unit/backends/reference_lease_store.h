// ReferenceLeaseStore: the plainest LeaseStore that meets the contract, one mutex and linear
// scans, against which the conformance suite itself is tested. It is a test fake; nothing in
// the product uses it.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>
#include <mutex>

#include "backends/lease_store.h"

namespace leasehold::testing {

template <typename LeaseT>
class ReferenceLeaseTable final : public LeaseTable<LeaseT> {
 public:
  using Address = typename LeaseTable<LeaseT>::Address;
  using Query = typename LeaseTable<LeaseT>::Query;

  StoreResult<std::optional<LeaseT>> get(const Address& address) override {
    std::lock_guard lock(mutex_);
    const auto it = leases_.find(address);
    return it == leases_.end() ? std::optional<LeaseT>{} : std::optional<LeaseT>{it->second};
  }

  StoreResult<std::vector<LeaseT>> find(const Query& query) override {
    std::lock_guard lock(mutex_);
    std::vector<LeaseT> found;
    for (const auto& [address, lease] : leases_) {
      if (query.limit != 0 && found.size() == query.limit) {
        break;
      }
      if (matches(lease, query)) {
        found.push_back(lease);
      }
    }
    return found;
  }

  StoreResult<std::vector<LeaseT>> findExpired(UnixTime now, size_t limit) override {
    std::lock_guard lock(mutex_);
    std::vector<LeaseT> found;
    for (const auto& [address, lease] : leases_) {
      const bool reclaimable =
          lease.state == LeaseState::kDefault || lease.state == LeaseState::kDeclined;
      if (reclaimable && lease.expired(now)) {
        found.push_back(lease);
      }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const LeaseT& a, const LeaseT& b) { return a.expire() < b.expire(); });
    if (limit != 0 && found.size() > limit) {
      found.resize(limit);
    }
    return found;
  }

  StoreResult<std::vector<Address>> findUnleased(const Address& first, const Address& last,
                                                 const Address& start, size_t limit,
                                                 unsigned step_bits) override {
    constexpr unsigned kBits = sizeof(Address) == 4 ? 32 : 128;
    if (step_bits >= kBits) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid, "step_bits too large"});
    }
    std::lock_guard lock(mutex_);
    std::vector<Address> found;
    const unsigned __int128 step = static_cast<unsigned __int128>(1) << step_bits;
    // Probes candidate by candidate: fine for a reference, not for a real backend.
    auto walk = [&](unsigned __int128 low, unsigned __int128 high) {
      unsigned __int128 candidate = (low + step - 1) / step * step;
      if (candidate < low) {
        return;  // rounding up overflowed
      }
      while (candidate <= high && found.size() < limit) {
        const Address address = fromUint(candidate);
        if (!leases_.contains(address)) {
          found.push_back(address);
        }
        if (high - candidate < step) {
          break;
        }
        candidate += step;
      }
    };
    walk(toUint(start), toUint(last));
    if (start > first) {
      walk(toUint(first), toUint(start) - 1);
    }
    return found;
  }

  StoreResult<void> add(const LeaseT& lease) override {
    if (auto problem = validateLease(lease); !problem.empty()) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid, problem});
    }
    std::lock_guard lock(mutex_);
    if (!leases_.emplace(lease.address, lease).second) {
      return makeUnexpected(StoreError{StoreError::Code::kConflict, "address is leased"});
    }
    return {};
  }

  StoreResult<void> update(const LeaseT& lease, const LeaseT* expected) override {
    if (auto problem = validateLease(lease); !problem.empty()) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid, problem});
    }
    std::lock_guard lock(mutex_);
    const auto it = leases_.find(lease.address);
    if (auto error = checkExpected(it, expected)) {
      return makeUnexpected(*error);
    }
    it->second = lease;
    return {};
  }

  StoreResult<void> remove(const Address& address, const LeaseT* expected) override {
    std::lock_guard lock(mutex_);
    const auto it = leases_.find(address);
    if (auto error = checkExpected(it, expected)) {
      return makeUnexpected(*error);
    }
    leases_.erase(it);
    return {};
  }

  StoreResult<uint64_t> wipe(std::optional<SubnetId> subnet_id) override {
    std::lock_guard lock(mutex_);
    return static_cast<uint64_t>(std::erase_if(leases_, [&](const auto& entry) {
      return !subnet_id || entry.second.subnet_id == *subnet_id;
    }));
  }

  StoreResult<std::vector<LeaseCount>> count(std::optional<SubnetId> subnet_id) override {
    std::lock_guard lock(mutex_);
    std::map<std::tuple<SubnetId, LeaseType, LeaseState>, uint64_t> counts;
    for (const auto& [address, lease] : leases_) {
      if (!subnet_id || lease.subnet_id == *subnet_id) {
        ++counts[{lease.subnet_id, typeOf(lease), lease.state}];
      }
    }
    std::vector<LeaseCount> result;
    for (const auto& [key, count] : counts) {
      result.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), count});
    }
    return result;
  }

 private:
  using Map = std::map<Address, LeaseT>;

  static unsigned __int128 toUint(const IPv4Address& address) { return address.toUint32(); }
  static unsigned __int128 toUint(const IPv6Address& address) { return address.toUint128(); }
  static Address fromUint(unsigned __int128 value) {
    if constexpr (std::is_same_v<Address, IPv4Address>) {
      return IPv4Address(static_cast<uint32_t>(value));
    } else {
      return IPv6Address::fromUint128(value);
    }
  }
  static LeaseType typeOf(const Lease4&) { return LeaseType::kNa; }
  static LeaseType typeOf(const Lease6& lease) { return lease.type; }

  static bool equalIgnoringCase(const std::string& a, const std::string& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
      return std::tolower(static_cast<unsigned char>(x)) ==
             std::tolower(static_cast<unsigned char>(y));
    });
  }

  static bool matchesCommon(const LeaseT& lease, const Query& query) {
    return (!query.hwaddr || lease.hwaddr == *query.hwaddr) &&
           (!query.hostname || equalIgnoringCase(lease.hostname, *query.hostname)) &&
           (!query.subnet_id || lease.subnet_id == *query.subnet_id) &&
           (!query.state || lease.state == *query.state) &&
           (!query.after || lease.address > *query.after);
  }
  static bool matches(const Lease4& lease, const LeaseQuery4& query) {
    return (!query.client_id || lease.client_id == *query.client_id) &&
           matchesCommon(lease, query);
  }
  static bool matches(const Lease6& lease, const LeaseQuery6& query) {
    return (!query.duid || lease.duid == *query.duid) &&
           (!query.iaid || lease.iaid == *query.iaid) &&
           (!query.type || lease.type == *query.type) && matchesCommon(lease, query);
  }

  // Returns the error for a write whose target is `it` and whose compare-and-set value is
  // `expected`, or nullopt when the write may go ahead.
  std::optional<StoreError> checkExpected(typename Map::iterator it, const LeaseT* expected) {
    if (it == leases_.end()) {
      return StoreError{expected ? StoreError::Code::kConflict : StoreError::Code::kNotFound,
                        "no lease at this address"};
    }
    if (expected && it->second != *expected) {
      return StoreError{StoreError::Code::kConflict, "stored lease differs"};
    }
    return std::nullopt;
  }

  std::mutex mutex_;
  Map leases_;  // GUARDED_BY(mutex_)
};

class ReferenceLeaseStore final : public LeaseStore {
 public:
  LeaseTable<Lease4>& leases4() override { return leases4_; }
  LeaseTable<Lease6>& leases6() override { return leases6_; }
  std::string describe() const override { return "reference store in memory"; }

 private:
  ReferenceLeaseTable<Lease4> leases4_;
  ReferenceLeaseTable<Lease6> leases6_;
};

}  // namespace leasehold::testing
