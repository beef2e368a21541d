// SwappableLeaseStore: a LeaseStore that forwards every call to the store currently set, so
// long-lived users (the control plane) keep working when a reconfiguration opens a different
// lease database. A replaced store is destroyed once the last call running on it returns.
//
// Threads: every method is thread-safe; set() may run while calls are in flight.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "backends/lease_store.h"

namespace leasehold {

class SwappableLeaseStore final : public LeaseStore {
 public:
  SwappableLeaseStore() : v4_(*this), v6_(*this) {}

  void set(std::shared_ptr<LeaseStore> store) {
    std::lock_guard lock(mutex_);
    store_ = std::move(store);
  }

  // Returns the current store. REQUIRES: set() was called.
  std::shared_ptr<LeaseStore> current() const {
    std::lock_guard lock(mutex_);
    return store_;
  }

  LeaseTable<Lease4>& leases4() override { return v4_; }
  LeaseTable<Lease6>& leases6() override { return v6_; }
  std::string describe() const override { return current()->describe(); }

 private:
  template <typename LeaseT>
  class Table final : public LeaseTable<LeaseT> {
   public:
    using Address = typename LeaseTable<LeaseT>::Address;
    using Query = typename LeaseTable<LeaseT>::Query;

    explicit Table(SwappableLeaseStore& owner) : owner_(owner) {}

    StoreResult<std::optional<LeaseT>> get(const Address& address) override {
      auto store = owner_.current();
      return table(*store).get(address);
    }
    StoreResult<std::vector<LeaseT>> find(const Query& query) override {
      auto store = owner_.current();
      return table(*store).find(query);
    }
    StoreResult<std::vector<LeaseT>> findEither(const Query& first, const Query& second) override {
      auto store = owner_.current();
      return table(*store).findEither(first, second);
    }
    StoreResult<EitherAndLease<LeaseT>> findEitherAndGet(const Query& first, const Query& second,
                                                         const Address& address) override {
      auto store = owner_.current();
      return table(*store).findEitherAndGet(first, second, address);
    }
    StoreResult<std::vector<LeaseT>> findExpired(UnixTime now, size_t limit) override {
      auto store = owner_.current();
      return table(*store).findExpired(now, limit);
    }
    StoreResult<std::vector<Address>> findUnleased(const Address& first, const Address& last,
                                                   const Address& start, size_t limit,
                                                   unsigned step_bits) override {
      auto store = owner_.current();
      return table(*store).findUnleased(first, last, start, limit, step_bits);
    }
    StoreResult<void> add(const LeaseT& lease) override {
      auto store = owner_.current();
      return table(*store).add(lease);
    }
    StoreResult<std::vector<LeaseT>> addAndFindEither(const LeaseT& lease, const Query& first,
                                                      const Query& second) override {
      auto store = owner_.current();
      return table(*store).addAndFindEither(lease, first, second);
    }
    StoreResult<void> update(const LeaseT& lease, const LeaseT* expected) override {
      auto store = owner_.current();
      return table(*store).update(lease, expected);
    }
    StoreResult<void> remove(const Address& address, const LeaseT* expected) override {
      auto store = owner_.current();
      return table(*store).remove(address, expected);
    }
    StoreResult<uint64_t> wipe(std::optional<SubnetId> subnet_id) override {
      auto store = owner_.current();
      return table(*store).wipe(subnet_id);
    }
    StoreResult<std::vector<LeaseCount>> count(std::optional<SubnetId> subnet_id) override {
      auto store = owner_.current();
      return table(*store).count(subnet_id);
    }

   private:
    static LeaseTable<LeaseT>& table(LeaseStore& store) {
      if constexpr (std::is_same_v<LeaseT, Lease4>) {
        return store.leases4();
      } else {
        return store.leases6();
      }
    }
    SwappableLeaseStore& owner_;
  };

  mutable std::mutex mutex_;
  std::shared_ptr<LeaseStore> store_;  // GUARDED_BY(mutex_)
  Table<Lease4> v4_;
  Table<Lease6> v6_;
};

}  // namespace leasehold
