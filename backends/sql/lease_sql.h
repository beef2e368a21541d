// The lease tables as both SQL backends store them: column lists, the text form of each
// value, and a builder that writes a statement in either dialect. Every column is NOT NULL;
// absent identifiers are stored as empty byte strings.
#pragma once

#include <algorithm>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backends/lease.h"
#include "backends/sql/sql_connection.h"

namespace leasehold::sql {

enum class ColumnKind {
  kInteger,   // BIGINT
  kAddress6,  // NUMERIC(39,0) / DECIMAL(39,0): an IPv6 address as a 128-bit number
  kBytes,     // BYTEA / VARBINARY, carried as hex text
  kText,      // TEXT / VARCHAR
  kBoolean,   // BOOLEAN / TINYINT(1)
};

struct Column {
  std::string_view name;
  ColumnKind kind;
};

// The columns in the order encodeRow() writes and decodeLease4/6() read them. The `expire`
// column (cltt + valid lifetime, for the expiry index) is written but not read back.
std::span<const Column> lease4Columns();
std::span<const Column> lease6Columns();

std::vector<std::string> encodeRow(const Lease4& lease);
std::vector<std::string> encodeRow(const Lease6& lease);

// Decode a row selected with selectList(). Throw SqlError(kCorruptRow) naming the address
// and the column for a value that does not parse.
Lease4 decodeLease4(const SqlRow& row);
Lease6 decodeLease6(const SqlRow& row);

// Sorts `leases` by address and keeps one lease per address. Lookups that combine two queries
// with UNION ALL return a lease that both match twice, in no particular order. Deduplicating
// here rather than with UNION or ORDER BY spares MariaDB a temporary table per lookup, which
// it writes to disk because the rows contain a TEXT column.
template <typename LeaseT>
void sortUniqueByAddress(std::vector<LeaseT>& leases) {
  std::stable_sort(leases.begin(), leases.end(),
                   [](const LeaseT& a, const LeaseT& b) { return a.address < b.address; });
  leases.erase(std::unique(leases.begin(), leases.end(),
                           [](const LeaseT& a, const LeaseT& b) { return a.address == b.address; }),
               leases.end());
}

// Text of one address in its column's form ("3221225985" for 192.0.2.1).
std::string addressValue(const IPv4Address& address);
std::string addressValue(const IPv6Address& address);

// Writes one statement and collects its parameters: PostgreSQL gets $n placeholders with
// casts, MySQL gets ? placeholders, in the order the parameters are added.
class StatementBuilder {
 public:
  explicit StatementBuilder(Dialect dialect) : dialect_(dialect) {}

  StatementBuilder& sql(std::string_view text);
  StatementBuilder& param(ColumnKind kind, std::string value);
  // " LIMIT n" with n as a parameter.
  StatementBuilder& limit(size_t count);
  // A case-insensitive match of the hostname column.
  StatementBuilder& hostnameMatches(std::string hostname);
  // A column as a select-list item: byte columns come out as hex text.
  StatementBuilder& selectColumn(const Column& column);
  // Every column of `columns` except `expire`, comma-separated, for decodeLease4/6().
  StatementBuilder& selectList(std::span<const Column> columns);

  Dialect dialect() const { return dialect_; }
  const std::string& text() const { return text_; }
  const std::vector<SqlParam>& params() const { return params_; }
  Statement statement(std::string name) const { return {std::move(name), text_}; }

 private:
  Dialect dialect_;
  std::string text_;
  std::vector<SqlParam> params_;
};

}  // namespace leasehold::sql
