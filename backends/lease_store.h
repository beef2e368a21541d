// LeaseStore: the storage interface for DHCPv4 and DHCPv6 leases. Implementations live in
// backends/memfile/, backends/postgres/ and backends/mysql/; one conformance suite
// (tests/unit/backends/lease_store_conformance.h) checks every one of them against the
// contract written here.
//
// Threads: every method may be called from any thread at the same time. Methods may block on
// disk or network I/O. A write returns only once the change is durable as the backend defines
// it (memfile: appended to the lease file; SQL: transaction committed), so the caller may
// acknowledge the lease to a client as soon as a write returns success. Implementations are
// free to batch concurrent writes into one commit (group commit).
//
// Errors: no method throws for an expected failure. Each returns StoreResult, whose error
// carries one of the codes below; anything else a backend raises is a bug.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/lease.h"
#include "backends/result.h"
#include "backends/store_health.h"

namespace leasehold {

struct StoreError {
  enum class Code {
    kConflict,     // a conditional write lost: the stored lease is absent or differs
    kNotFound,     // update or remove of a lease that does not exist
    kInvalid,      // the lease or query breaks the store's rules (message says which)
    kUnavailable,  // the backend cannot be reached now; the caller may retry later
    kInternal,     // a bug or a corrupt record; the message names the record
  };
  Code code = Code::kInternal;
  std::string message;
};

template <typename T>
using StoreResult = Result<T, StoreError>;

// Lookup criteria for DHCPv4 leases; every field that is set must match. Results come back
// in ascending address order. `after` and `limit` page through the results.
struct LeaseQuery4 {
  std::optional<HwAddr> hwaddr;                    // matches type and bytes
  std::optional<std::vector<uint8_t>> client_id;
  std::optional<std::string> hostname;             // exact match, ASCII case-insensitive
  std::optional<SubnetId> subnet_id;
  std::optional<LeaseState> state;
  std::optional<IPv4Address> after;                // only addresses strictly greater
  size_t limit = 0;                                // 0 means no limit
};

struct LeaseQuery6 {
  std::optional<std::vector<uint8_t>> duid;
  std::optional<uint32_t> iaid;                    // usually with duid; alone it still filters
  std::optional<LeaseType> type;
  std::optional<HwAddr> hwaddr;
  std::optional<std::string> hostname;
  std::optional<SubnetId> subnet_id;
  std::optional<LeaseState> state;
  std::optional<IPv6Address> after;
  size_t limit = 0;
};

// Lease counts for one subnet, state and (DHCPv6) lease type.
struct LeaseCount {
  SubnetId subnet_id = 0;
  LeaseType type = LeaseType::kNa;  // always kNa for DHCPv4
  LeaseState state = LeaseState::kDefault;
  uint64_t count = 0;

  bool operator==(const LeaseCount&) const = default;
};

template <typename LeaseT>
struct LeaseTraits;

template <>
struct LeaseTraits<Lease4> {
  using Address = IPv4Address;
  using Query = LeaseQuery4;
};

template <>
struct LeaseTraits<Lease6> {
  using Address = IPv6Address;
  using Query = LeaseQuery6;
};

// What LeaseTable::findEitherAndGet() returns.
template <typename LeaseT>
struct EitherAndLease {
  std::vector<LeaseT> matching;     // the leases findEither() returns
  std::optional<LeaseT> at_address;  // the lease get() returns
};

// The leases of one address family, keyed by address (for DHCPv6 prefixes: the first address
// of the prefix). At most one lease exists per address at any time.
template <typename LeaseT>
class LeaseTable {
 public:
  using Address = typename LeaseTraits<LeaseT>::Address;
  using Query = typename LeaseTraits<LeaseT>::Query;

  virtual ~LeaseTable() = default;

  // Returns the lease for `address`, or nullopt when there is none (expired leases included).
  virtual StoreResult<std::optional<LeaseT>> get(const Address& address) = 0;

  // Returns the leases matching every field set in `query`, ascending by address. An empty
  // vector when none match.
  virtual StoreResult<std::vector<LeaseT>> find(const Query& query) = 0;

  // Returns the leases matching `first` or `second` (each as for find()), ascending by address
  // and each lease once. The DHCPv4 engine looks a client up by client identifier or hardware
  // address this way, and a SQL store runs it as one statement instead of two. kInvalid
  // when either query sets `after` or `limit`. The default runs find() twice and merges.
  virtual StoreResult<std::vector<LeaseT>> findEither(const Query& first, const Query& second);

  // Returns findEither(first, second) and get(address) together, which a SQL store runs as one
  // statement. A DHCPv4 DISCOVER on a shared store looks the client up and checks its first
  // candidate address this way. Errors as for findEither(). The default calls both.
  virtual StoreResult<EitherAndLease<LeaseT>> findEitherAndGet(const Query& first,
                                                               const Query& second,
                                                               const Address& address);

  // Returns up to `limit` leases in state kDefault or kDeclined whose expiry is at or before
  // `now`, oldest expiry first, and in ascending address order within one expiry time. Leases in
  // any other state (kExpiredReclaimed, kReleased, kRegistered) are not returned. A `limit` of 0
  // means no limit.
  virtual StoreResult<std::vector<LeaseT>> findExpired(UnixTime now, size_t limit) = 0;

  // Returns up to `limit` addresses in [first, last] that have no lease at all (a lease in any
  // state or expiry counts as present), in ascending order starting at `start` and wrapping
  // around to `first`. With `step_bits` > 0 only addresses that are multiples of
  // 2^step_bits are candidates (DHCPv6 prefix pools: step_bits = 128 - delegated length).
  // The answer is a snapshot: another writer may take an address before the caller does, so
  // callers claim each one with add(). Implementations find gaps through their address index
  // rather than probing address by address, because the allocation engine calls this when a
  // pool is nearly full. A `limit` of 0 returns an empty vector. kInvalid when `step_bits` is
  // not below the address width (32 or 128).
  // REQUIRES: first <= start <= last.
  virtual StoreResult<std::vector<Address>> findUnleased(const Address& first, const Address& last,
                                                         const Address& start, size_t limit,
                                                         unsigned step_bits = 0) = 0;

  // Inserts a lease for an address that has none. kConflict when a lease already exists,
  // whatever its state or expiry: replacing an expired lease goes through update(). kInvalid
  // when validateLease() rejects the lease or the backend cannot store it; add, update and
  // remove leave the store unchanged when they fail.
  virtual StoreResult<void> add(const LeaseT& lease) = 0;

  // Adds `lease` as add() does and then returns the leases matching `first` or `second` (as
  // findEither()) at other addresses. A SQL store runs both in the transaction of the add, so
  // a DHCPv4 REQUEST claims its address and learns of the client's other leases in one round
  // trip. Errors as for add() (kConflict leaves the store unchanged and returns no leases),
  // and kInvalid as for findEither(). The default runs add(), then findEither(): when the
  // lookup fails there, the lease stays added.
  virtual StoreResult<std::vector<LeaseT>> addAndFindEither(const LeaseT& lease,
                                                            const Query& first,
                                                            const Query& second);

  // Replaces the lease stored at lease.address. With `expected`, the replacement happens only
  // if the stored lease equals *expected in every field (compare-and-set), else kConflict;
  // without it, unconditionally. When no lease exists at that address: kNotFound without
  // `expected`, kConflict with it (the compare-and-set lost to a remove). kInvalid as for add().
  virtual StoreResult<void> update(const LeaseT& lease, const LeaseT* expected) = 0;

  // Deletes the lease at `address`. With `expected`, only if the stored lease equals it, else
  // kConflict. When no lease exists at that address: kNotFound without `expected`, kConflict
  // with it.
  virtual StoreResult<void> remove(const Address& address, const LeaseT* expected) = 0;

  // Deletes every lease, or every lease of one subnet, and returns how many were deleted.
  virtual StoreResult<uint64_t> wipe(std::optional<SubnetId> subnet_id) = 0;

  // Returns the number of leases per subnet, type and state, optionally for one subnet only,
  // in no particular order. Combinations with no leases are left out.
  virtual StoreResult<std::vector<LeaseCount>> count(std::optional<SubnetId> subnet_id) = 0;
};

template <typename LeaseT>
StoreResult<std::vector<LeaseT>> LeaseTable<LeaseT>::findEither(const Query& first,
                                                                const Query& second) {
  for (const Query* query : {&first, &second}) {
    if (query->after || query->limit != 0) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                       "findEither takes queries without after or limit"});
    }
  }
  auto leases = find(first);
  if (!leases) {
    return leases;
  }
  auto more = find(second);
  if (!more) {
    return more;
  }
  // Both lists are ascending by address: merge them, keeping a lease found twice once.
  std::vector<LeaseT> merged;
  merged.reserve(leases->size() + more->size());
  auto left = leases->begin();
  auto right = more->begin();
  while (left != leases->end() || right != more->end()) {
    if (right == more->end() || (left != leases->end() && left->address < right->address)) {
      merged.push_back(std::move(*left++));
    } else if (left == leases->end() || right->address < left->address) {
      merged.push_back(std::move(*right++));
    } else {
      merged.push_back(std::move(*left++));
      ++right;
    }
  }
  return merged;
}

template <typename LeaseT>
StoreResult<EitherAndLease<LeaseT>> LeaseTable<LeaseT>::findEitherAndGet(const Query& first,
                                                                         const Query& second,
                                                                         const Address& address) {
  auto matching = findEither(first, second);
  if (!matching) {
    return makeUnexpected(std::move(matching).error());
  }
  auto at_address = get(address);
  if (!at_address) {
    return makeUnexpected(std::move(at_address).error());
  }
  return EitherAndLease<LeaseT>{std::move(*matching), std::move(*at_address)};
}

template <typename LeaseT>
StoreResult<std::vector<LeaseT>> LeaseTable<LeaseT>::addAndFindEither(const LeaseT& lease,
                                                                      const Query& first,
                                                                      const Query& second) {
  for (const Query* query : {&first, &second}) {
    if (query->after || query->limit != 0) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                       "findEither takes queries without after or limit"});
    }
  }
  if (auto added = add(lease); !added) {
    return makeUnexpected(std::move(added).error());
  }
  auto leases = findEither(first, second);
  if (!leases) {
    return leases;
  }
  std::erase_if(*leases, [&](const LeaseT& found) { return found.address == lease.address; });
  return leases;
}

class LeaseStore {
 public:
  virtual ~LeaseStore() = default;

  virtual LeaseTable<Lease4>& leases4() = 0;
  virtual LeaseTable<Lease6>& leases6() = 0;

  // Describes the store for logs and answers ("memfile /var/lib/leasehold/leases4.csv",
  // "postgresql kea@127.0.0.1:5432/kea"). Never contains a password.
  virtual std::string describe() const = 0;

  // Returns the store's counters (failed writes, lost connections, ...) with their totals since
  // the store was opened, for the daemon to publish as statistics. Empty for a store that keeps
  // none. May be called from any thread.
  virtual std::vector<StoreCounter> counterValues() const { return {}; }

  // Sets the function the store calls when its database connection is lost, recovered or given
  // up on; the daemon applies `on-fail` from it. Stores with no connection never call it.
  // Call before the store is in use; a later call replaces the listener.
  virtual void setConnectionListener(ConnectionListener listener) {}
};

}  // namespace leasehold
