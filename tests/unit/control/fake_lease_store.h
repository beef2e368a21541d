// An in-memory LeaseStore for control-plane tests, following the LeaseStore contract (sorted
// results, conflict on a duplicate add, compare-and-set updates). Not thread-safe: tests drive
// it from one thread at a time.
#pragma once

#include <algorithm>
#include <cctype>
#include <map>

#include "backends/lease_store.h"

namespace leasehold::testing {

template <typename LeaseT>
class FakeLeaseTable : public LeaseTable<LeaseT> {
 public:
  using Address = typename LeaseTable<LeaseT>::Address;
  using Query = typename LeaseTable<LeaseT>::Query;

  StoreResult<std::optional<LeaseT>> get(const Address& address) override {
    const auto found = leases_.find(address);
    if (found == leases_.end()) {
      return std::optional<LeaseT>();
    }
    return std::optional<LeaseT>(found->second);
  }

  StoreResult<std::vector<LeaseT>> find(const Query& query) override {
    std::vector<LeaseT> result;
    for (const auto& [address, lease] : leases_) {
      if (query.after && !(*query.after < address)) {
        continue;
      }
      if (!matches(lease, query)) {
        continue;
      }
      result.push_back(lease);
      if (query.limit != 0 && result.size() == query.limit) {
        break;
      }
    }
    return result;
  }

  StoreResult<std::vector<LeaseT>> findExpired(UnixTime now, size_t limit) override {
    std::vector<LeaseT> result;
    for (const auto& [address, lease] : leases_) {
      if (lease.state != LeaseState::kExpiredReclaimed && lease.expired(now)) {
        result.push_back(lease);
      }
    }
    if (limit != 0 && result.size() > limit) {
      result.resize(limit);
    }
    return result;
  }

  StoreResult<std::vector<Address>> findUnleased(const Address&, const Address&, const Address&,
                                                 size_t, unsigned) override {
    return makeUnexpected(StoreError{StoreError::Code::kInternal, "not used by these tests"});
  }

  StoreResult<void> add(const LeaseT& lease) override {
    if (fail_next_write) {
      fail_next_write = false;
      return makeUnexpected(StoreError{StoreError::Code::kUnavailable, "database went away"});
    }
    if (!leases_.emplace(lease.address, lease).second) {
      return makeUnexpected(StoreError{StoreError::Code::kConflict, "lease exists"});
    }
    return {};
  }

  StoreResult<void> update(const LeaseT& lease, const LeaseT* expected) override {
    const auto found = leases_.find(lease.address);
    if (found == leases_.end()) {
      return makeUnexpected(StoreError{StoreError::Code::kNotFound, "no lease"});
    }
    if (expected != nullptr && !(found->second == *expected)) {
      return makeUnexpected(StoreError{StoreError::Code::kConflict, "lease changed"});
    }
    found->second = lease;
    return {};
  }

  StoreResult<void> remove(const Address& address, const LeaseT* expected) override {
    const auto found = leases_.find(address);
    if (found == leases_.end()) {
      return makeUnexpected(StoreError{StoreError::Code::kNotFound, "no lease"});
    }
    if (expected != nullptr && !(found->second == *expected)) {
      return makeUnexpected(StoreError{StoreError::Code::kConflict, "lease changed"});
    }
    leases_.erase(found);
    return {};
  }

  StoreResult<uint64_t> wipe(std::optional<SubnetId> subnet_id) override {
    uint64_t removed = 0;
    for (auto it = leases_.begin(); it != leases_.end();) {
      if (!subnet_id || it->second.subnet_id == *subnet_id) {
        it = leases_.erase(it);
        ++removed;
      } else {
        ++it;
      }
    }
    return removed;
  }

  StoreResult<std::vector<LeaseCount>> count(std::optional<SubnetId> subnet_id) override {
    std::map<std::tuple<SubnetId, LeaseType, LeaseState>, uint64_t> counts;
    for (const auto& [address, lease] : leases_) {
      if (subnet_id && lease.subnet_id != *subnet_id) {
        continue;
      }
      counts[{lease.subnet_id, typeOf(lease), lease.state}]++;
    }
    std::vector<LeaseCount> result;
    for (const auto& [key, number] : counts) {
      result.push_back(
          LeaseCount{std::get<0>(key), std::get<1>(key), std::get<2>(key), number});
    }
    return result;
  }

  size_t size() const { return leases_.size(); }
  bool fail_next_write = false;

 private:
  static LeaseType typeOf(const Lease4&) { return LeaseType::kNa; }
  static LeaseType typeOf(const Lease6& lease) { return lease.type; }

  static bool sameHostname(const std::string& left, const std::string& right) {
    return std::equal(left.begin(), left.end(), right.begin(), right.end(),
                      [](char a, char b) { return std::tolower(a) == std::tolower(b); });
  }

  static bool matchesCommon(const LeaseT& lease, const Query& query) {
    if (query.hwaddr && !(lease.hwaddr == *query.hwaddr)) {
      return false;
    }
    if (query.hostname && !sameHostname(lease.hostname, *query.hostname)) {
      return false;
    }
    if (query.subnet_id && lease.subnet_id != *query.subnet_id) {
      return false;
    }
    return !query.state || lease.state == *query.state;
  }

  static bool matches(const Lease4& lease, const LeaseQuery4& query) {
    if (query.client_id && lease.client_id != *query.client_id) {
      return false;
    }
    return matchesCommon(lease, query);
  }

  static bool matches(const Lease6& lease, const LeaseQuery6& query) {
    if (query.duid && lease.duid != *query.duid) {
      return false;
    }
    if (query.iaid && lease.iaid != *query.iaid) {
      return false;
    }
    if (query.type && lease.type != *query.type) {
      return false;
    }
    return matchesCommon(lease, query);
  }

  std::map<Address, LeaseT> leases_;
};

class FakeLeaseStore : public LeaseStore {
 public:
  LeaseTable<Lease4>& leases4() override { return leases4_; }
  LeaseTable<Lease6>& leases6() override { return leases6_; }
  std::string describe() const override { return "fake in-memory store"; }

  FakeLeaseTable<Lease4> leases4_;
  FakeLeaseTable<Lease6> leases6_;
};

}  // namespace leasehold::testing
