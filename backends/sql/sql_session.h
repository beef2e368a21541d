// SqlSession: one connection to a lease database, as the shared SQL layer sees it. The
// PostgreSQL and MySQL backends implement it; SqlLeaseStore pools sessions, batches writes
// through them and turns their exceptions into StoreErrors.
//
// Threads: a session is used by one thread at a time (the pool hands it out exclusively).
// Errors: every method throws SqlError; a session whose call threw SqlError::kConnection is
// discarded by its owner.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "backends/lease.h"
#include "backends/lease_store.h"

namespace leasehold::sql {

enum class WriteKind { kAdd, kUpdate, kRemove };

enum class WriteOutcome {
  kPending,
  kApplied,
  kConflict,  // add over an existing lease, or a compare-and-set that found another lease
  kNotFound,  // update or remove of an address with no lease
  kFailed,    // the write itself failed; `error` says why
};

// Two lookups of one family whose matches are wanted together (LeaseTable::findEither).
using EitherQuery4 = std::pair<LeaseQuery4, LeaseQuery4>;
using EitherQuery6 = std::pair<LeaseQuery6, LeaseQuery6>;

// One write waiting for, or done by, a group commit. For kRemove only lease's address is read.
struct WriteOp {
  WriteKind kind = WriteKind::kAdd;
  std::variant<Lease4, Lease6> lease;
  std::optional<std::variant<Lease4, Lease6>> expected;  // compare-and-set when present
  // kAdd only: a lookup that the batch runs after its writes, in the same transaction. Its
  // rows (the table's columns, as find() selects them) land in `lookup_rows`.
  std::variant<std::monostate, EitherQuery4, EitherQuery6> lookup;

  WriteOutcome outcome = WriteOutcome::kPending;
  StoreError error;  // meaningful when outcome is kFailed
  std::vector<std::vector<std::optional<std::string>>> lookup_rows;

  bool isV4() const { return std::holds_alternative<Lease4>(lease); }
};

// The gap rows of one address range [low, high], as findUnleased's query returns them.
// Addresses are 128-bit so one type serves both families.
struct GapScan {
  std::optional<unsigned __int128> lowest_leased;  // lowest leased address in range, if any
  // (leased address, next leased address above it or nullopt) pairs whose distance is larger
  // than one step, ascending; the pair with no next is the highest leased address.
  std::vector<std::pair<unsigned __int128, std::optional<unsigned __int128>>> gaps;
};

// One findEitherAndGet() call of a combined read (SqlSession::findEitherAndGetMany).
template <typename LeaseT>
struct EitherGet {
  using Query = std::conditional_t<std::is_same_v<LeaseT, Lease4>, LeaseQuery4, LeaseQuery6>;
  using Address = std::conditional_t<std::is_same_v<LeaseT, Lease4>, IPv4Address, IPv6Address>;

  Query first;
  Query second;
  Address address;
};

struct GapRange {
  unsigned __int128 low = 0;
  unsigned __int128 high = 0;
};

class SqlSession;

// Runs session.findEitherAndGet() once per request and returns the results in request order.
template <typename LeaseT>
std::vector<EitherAndLease<LeaseT>> findEachEitherAndGet(
    SqlSession& session, std::span<const EitherGet<LeaseT>> requests);

class SqlSession {
 public:
  virtual ~SqlSession() = default;

  // Runs `ops` in one transaction and sets each op's outcome. Conflicts and missing leases are
  // outcomes, not errors. Throws SqlError for a failure of the whole transaction, with
  // opIndex() set when one op caused it (the caller then drops that op and runs the rest).
  // REQUIRES: no two ops of one family share an address; ops are sorted by family, then address.
  virtual void commitBatch(std::span<WriteOp* const> ops) = 0;

  virtual std::optional<Lease4> get(const IPv4Address& address) = 0;
  virtual std::optional<Lease6> get(const IPv6Address& address) = 0;
  virtual std::vector<Lease4> find(const LeaseQuery4& query) = 0;
  virtual std::vector<Lease6> find(const LeaseQuery6& query) = 0;
  // The leases matching `first` or `second`, in one statement, ascending by address.
  // REQUIRES: neither query sets `after` or `limit`.
  virtual std::vector<Lease4> findEither(const LeaseQuery4& first, const LeaseQuery4& second) = 0;
  virtual std::vector<Lease6> findEither(const LeaseQuery6& first, const LeaseQuery6& second) = 0;
  // findEither() and get(address) in one statement.
  virtual EitherAndLease<Lease4> findEitherAndGet(const LeaseQuery4& first,
                                                  const LeaseQuery4& second,
                                                  const IPv4Address& address) = 0;
  virtual EitherAndLease<Lease6> findEitherAndGet(const LeaseQuery6& first,
                                                  const LeaseQuery6& second,
                                                  const IPv6Address& address) = 0;
  // Returns findEitherAndGet() for each request, in request order. A session may run one
  // statement for all of them; this default runs one per request.
  virtual std::vector<EitherAndLease<Lease4>> findEitherAndGetMany(
      std::span<const EitherGet<Lease4>> requests) {
    return findEachEitherAndGet(*this, requests);
  }
  virtual std::vector<EitherAndLease<Lease6>> findEitherAndGetMany(
      std::span<const EitherGet<Lease6>> requests) {
    return findEachEitherAndGet(*this, requests);
  }
  virtual std::vector<Lease4> findExpired4(UnixTime now, size_t limit) = 0;
  virtual std::vector<Lease6> findExpired6(UnixTime now, size_t limit) = 0;

  // Runs the gap search of findUnleased over up to two ranges in one statement, returning one
  // GapScan per range with at most `limit` gaps each. `step` is the distance between
  // candidate addresses (1, or 2^step_bits for prefixes).
  virtual std::vector<GapScan> scanGaps(bool v4, std::span<const GapRange> ranges,
                                        unsigned __int128 step, size_t limit) = 0;

  virtual uint64_t wipe(bool v4, std::optional<SubnetId> subnet_id) = 0;
  virtual std::vector<LeaseCount> count(bool v4, std::optional<SubnetId> subnet_id) = 0;

  // Returns the number of rows that could not be decoded and were left out of find results
  // since the last call, and resets it.
  virtual uint64_t takeSkippedRows() = 0;
};

template <typename LeaseT>
std::vector<EitherAndLease<LeaseT>> findEachEitherAndGet(
    SqlSession& session, std::span<const EitherGet<LeaseT>> requests) {
  std::vector<EitherAndLease<LeaseT>> found;
  found.reserve(requests.size());
  for (const auto& request : requests) {
    found.push_back(session.findEitherAndGet(request.first, request.second, request.address));
  }
  return found;
}

}  // namespace leasehold::sql
