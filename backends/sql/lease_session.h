// LeaseSession: SqlSession for both SQL backends. It writes each statement in the
// connection's dialect with StatementBuilder and leaves connecting, preparing and binding to
// the backend's SqlConnection.
#pragma once

#include <memory>
#include <set>
#include <string>

#include "backends/sql/lease_sql.h"

#include "backends/sql/sql_connection.h"
#include "backends/sql/sql_session.h"

namespace leasehold::sql {

// Names of the lease tables in both schemas. They differ from Kea's (lease4, lease6) so a
// Kea schema and a Leasehold schema can share a database during a migration.
inline constexpr const char* kLease4Table = "leasehold_lease4";
inline constexpr const char* kLease6Table = "leasehold_lease6";

class LeaseSession final : public SqlSession {
 public:
  explicit LeaseSession(std::unique_ptr<SqlConnection> connection)
      : connection_(std::move(connection)) {}

  void commitBatch(std::span<WriteOp* const> ops) override;

  std::optional<Lease4> get(const IPv4Address& address) override;
  std::optional<Lease6> get(const IPv6Address& address) override;
  std::vector<Lease4> find(const LeaseQuery4& query) override;
  std::vector<Lease6> find(const LeaseQuery6& query) override;
  std::vector<Lease4> findEither(const LeaseQuery4& first, const LeaseQuery4& second) override;
  std::vector<Lease6> findEither(const LeaseQuery6& first, const LeaseQuery6& second) override;
  EitherAndLease<Lease4> findEitherAndGet(const LeaseQuery4& first, const LeaseQuery4& second,
                                          const IPv4Address& address) override;
  EitherAndLease<Lease6> findEitherAndGet(const LeaseQuery6& first, const LeaseQuery6& second,
                                          const IPv6Address& address) override;
  std::vector<EitherAndLease<Lease4>> findEitherAndGetMany(
      std::span<const EitherGet<Lease4>> requests) override;
  std::vector<EitherAndLease<Lease6>> findEitherAndGetMany(
      std::span<const EitherGet<Lease6>> requests) override;
  std::vector<Lease4> findExpired4(UnixTime now, size_t limit) override;
  std::vector<Lease6> findExpired6(UnixTime now, size_t limit) override;
  std::vector<GapScan> scanGaps(bool v4, std::span<const GapRange> ranges,
                                unsigned __int128 step, size_t limit) override;
  uint64_t wipe(bool v4, std::optional<SubnetId> subnet_id) override;
  std::vector<LeaseCount> count(bool v4, std::optional<SubnetId> subnet_id) override;
  uint64_t takeSkippedRows() override;

  SqlConnection& connection() { return *connection_; }

 private:
  // The ops of one set-based statement.
  struct SetBasedPart {
    std::vector<WriteOp*> ops;
  };

  // The statements of one family in a MySQL read-back batch, and where their results land.
  struct ReadBackPart {
    std::vector<WriteOp*> adds;                         // in the multi-row INSERT
    std::vector<std::pair<WriteOp*, size_t>> row_writes;  // updates and removes, statement index
    size_t taken_index = 0;   // the SELECT of addresses taken before the INSERT, when adds exist
    size_t select_index = 0;  // the read-back SELECT, when adds exist
  };

  void commitSetBased(std::span<WriteOp* const> ops);
  void commitRowByRow(std::span<WriteOp* const> ops);
  void commitReadBack(std::span<WriteOp* const> ops);
  template <typename LeaseT>
  void appendReadBack(std::span<WriteOp* const> ops, std::vector<BoundStatement>& statements,
                      ReadBackPart& part);
  template <typename LeaseT>
  void applyReadBack(const ReadBackPart& part, const std::vector<BatchResult>& results);
  template <typename LeaseT>
  std::vector<EitherAndLease<LeaseT>> findEitherAndGetCombined(
      std::span<const EitherGet<LeaseT>> requests);
  // Decodes `rows`, keeping each lease with its row; counts and skips rows that do not decode.
  template <typename LeaseT>
  std::vector<std::pair<const SqlRow*, LeaseT>> decodeKeepingRows(const std::vector<SqlRow>& rows);
  template <typename LeaseT>
  void appendSetBased(std::span<WriteOp* const> ops, std::vector<BoundStatement>& statements,
                      std::vector<SetBasedPart>& parts);
  template <typename LeaseT>
  void appendWrite(const WriteOp& op, std::vector<BoundStatement>& statements);
  template <typename LeaseT>
  std::optional<LeaseT> getLease(const typename LeaseTraits<LeaseT>::Address& address);
  template <typename LeaseT, typename Query>
  std::vector<LeaseT> findLeases(const Query& query);
  template <typename LeaseT, typename Query>
  std::vector<LeaseT> findEitherLeases(const Query& first, const Query& second);
  // The findEither() SELECT, with `name` set to a name unique to its shape.
  template <typename LeaseT, typename Query>
  StatementBuilder eitherStatement(const Query& first, const Query& second, std::string& name);
  template <typename LeaseT, typename Query>
  EitherAndLease<LeaseT> findEitherAndGetLeases(const Query& first, const Query& second,
                                                const typename LeaseTraits<LeaseT>::Address& address);
  // The statement that runs `op.lookup` inside a batch, or nullopt when it has none.
  std::optional<BoundStatement> lookupStatement(const WriteOp& op);
  template <typename LeaseT>
  std::vector<LeaseT> findExpiredLeases(UnixTime now, size_t limit);
  template <typename LeaseT>
  std::vector<LeaseT> decodeRows(const std::vector<SqlRow>& rows);

  std::unique_ptr<SqlConnection> connection_;
  uint64_t skipped_rows_ = 0;
  bool prepared_set_based_[2] = {false, false};  // PREPAREd on this connection, per family
  std::set<std::string> prepared_lookups_;        // PREPAREd lookup statements (PostgreSQL)
};

}  // namespace leasehold::sql
