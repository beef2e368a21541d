// LeaseSession's range statements: the gap search behind findUnleased, wipe and count.
#include <algorithm>

#include "backends/sql/lease_session.h"
#include "backends/sql/lease_sql.h"
#include "backends/sql/sql_error.h"
#include "backends/sql/sql_values.h"

namespace leasehold::sql {

namespace {

unsigned __int128 parseAddress(const std::optional<std::string>& text) {
  const auto value = text ? parseDecimal(*text) : std::nullopt;
  if (!value) {
    throw SqlError(SqlError::Kind::kCorruptRow,
                   "gap search returned \"" + text.value_or("NULL") + "\", not an address");
  }
  return *value;
}

// PostgreSQL: lead() over an index scan of the range pairs each leased address with the next
// one. The window function streams, so the scan stops as soon as `limit` gaps are found.
void appendPostgresGaps(StatementBuilder& builder, const char* table, ColumnKind kind,
                        const GapRange& range, size_t part, const std::string& step,
                        size_t limit) {
  const std::string tag = std::to_string(part * 2);
  builder.sql("(SELECT ").sql(tag).sql(" AS part, min(address)::text AS a, NULL::text AS b FROM ");
  builder.sql(table).sql(" WHERE address >= ").param(kind, toDecimal(range.low));
  builder.sql(" AND address <= ").param(kind, toDecimal(range.high)).sql(")");
  builder.sql(" UNION ALL (SELECT ").sql(std::to_string(part * 2 + 1));
  builder.sql(", a::text, b::text FROM (SELECT address AS a, lead(address) OVER (ORDER BY address)"
              " AS b FROM ");
  builder.sql(table).sql(" WHERE address >= ").param(kind, toDecimal(range.low));
  builder.sql(" AND address <= ").param(kind, toDecimal(range.high));
  builder.sql(") pairs WHERE b IS NULL OR b - a > ").param(kind, step);
  builder.sql(" ORDER BY a").limit(limit).sql(")");
}

// MySQL: MariaDB computes window functions over the whole range before any LIMIT applies, so
// it gets an anti-join instead: every leased address whose next step is free starts a gap,
// and a primary-key lookup finds where the gap ends.
void appendMysqlGaps(StatementBuilder& builder, const char* table, ColumnKind kind,
                     const GapRange& range, size_t part, const std::string& step, size_t limit) {
  const std::string tag = std::to_string(part * 2);
  builder.sql("(SELECT ").sql(tag).sql(" AS part, CAST(MIN(address) AS CHAR) AS a, NULL AS b "
                                       "FROM ");
  builder.sql(table).sql(" WHERE address >= ").param(kind, toDecimal(range.low));
  builder.sql(" AND address <= ").param(kind, toDecimal(range.high)).sql(")");
  builder.sql(" UNION ALL (SELECT ").sql(std::to_string(part * 2 + 1));
  builder.sql(", CAST(l.address AS CHAR), CAST((SELECT MIN(n.address) FROM ").sql(table);
  builder.sql(" n WHERE n.address > l.address AND n.address <= ")
      .param(kind, toDecimal(range.high));
  builder.sql(") AS CHAR) FROM ").sql(table).sql(" l WHERE l.address >= ");
  builder.param(kind, toDecimal(range.low));
  builder.sql(" AND l.address <= ").param(kind, toDecimal(range.high));
  builder.sql(" AND NOT EXISTS (SELECT 1 FROM ").sql(table).sql(" x WHERE x.address = l.address + ");
  builder.param(kind, step).sql(") ORDER BY l.address").limit(limit).sql(")");
}

}  // namespace

std::vector<GapScan> LeaseSession::scanGaps(bool v4, std::span<const GapRange> ranges,
                                            unsigned __int128 step, size_t limit) {
  const Dialect dialect = connection_->dialect();
  const char* table = v4 ? kLease4Table : kLease6Table;
  const ColumnKind kind = v4 ? ColumnKind::kInteger : ColumnKind::kAddress6;
  StatementBuilder builder(dialect);
  for (size_t part = 0; part < ranges.size(); ++part) {
    if (part != 0) {
      builder.sql(" UNION ALL ");
    }
    if (dialect == Dialect::kPostgres) {
      appendPostgresGaps(builder, table, kind, ranges[part], part, toDecimal(step), limit);
    } else {
      appendMysqlGaps(builder, table, kind, ranges[part], part, toDecimal(step), limit);
    }
  }
  const std::string name =
      std::string("gaps") + (v4 ? "4_" : "6_") + std::to_string(ranges.size());
  const auto rows = connection_->query(builder.statement(name), builder.params());

  std::vector<GapScan> scans(ranges.size());
  for (const SqlRow& row : rows) {
    const size_t tag = row.size() == 3 && row[0] ? std::stoul(*row[0]) : SIZE_MAX;
    if (tag / 2 >= scans.size()) {
      throw SqlError(SqlError::Kind::kCorruptRow, "gap search returned an unexpected row");
    }
    GapScan& scan = scans[tag / 2];
    if (tag % 2 == 0) {
      if (row[1]) {
        scan.lowest_leased = parseAddress(row[1]);
      }
      continue;
    }
    std::optional<unsigned __int128> next;
    if (row[2]) {
      next = parseAddress(row[2]);
    }
    scan.gaps.emplace_back(parseAddress(row[1]), next);
  }
  // UNION ALL does not promise to keep each branch's order.
  for (GapScan& scan : scans) {
    std::sort(scan.gaps.begin(), scan.gaps.end());
  }
  return scans;
}

uint64_t LeaseSession::wipe(bool v4, std::optional<SubnetId> subnet_id) {
  StatementBuilder builder(connection_->dialect());
  builder.sql("DELETE FROM ").sql(v4 ? kLease4Table : kLease6Table);
  if (subnet_id) {
    builder.sql(" WHERE subnet_id = ").param(ColumnKind::kInteger, std::to_string(*subnet_id));
  }
  const std::string name = std::string("wipe") + (v4 ? "4" : "6") + (subnet_id ? "_s" : "");
  connection_->begin();
  try {
    const uint64_t rows = connection_->execute(builder.statement(name), builder.params());
    connection_->commit();
    return rows;
  } catch (const SqlError&) {
    connection_->rollback();
    throw;
  }
}

std::vector<LeaseCount> LeaseSession::count(bool v4, std::optional<SubnetId> subnet_id) {
  StatementBuilder builder(connection_->dialect());
  builder.sql("SELECT subnet_id, ").sql(v4 ? "0" : "lease_type").sql(", state, COUNT(*) FROM ");
  builder.sql(v4 ? kLease4Table : kLease6Table);
  if (subnet_id) {
    builder.sql(" WHERE subnet_id = ").param(ColumnKind::kInteger, std::to_string(*subnet_id));
  }
  builder.sql(v4 ? " GROUP BY subnet_id, state ORDER BY subnet_id, state"
                 : " GROUP BY subnet_id, lease_type, state ORDER BY subnet_id, lease_type, state");
  const std::string name = std::string("count") + (v4 ? "4" : "6") + (subnet_id ? "_s" : "");
  const auto rows = connection_->query(builder.statement(name), builder.params());

  std::vector<LeaseCount> counts;
  for (const SqlRow& row : rows) {
    try {
      LeaseCount count;
      count.subnet_id = static_cast<SubnetId>(std::stoul(row.at(0).value()));
      count.type = static_cast<LeaseType>(std::stoi(row.at(1).value()));
      count.state = static_cast<LeaseState>(std::stoul(row.at(2).value()));
      count.count = std::stoull(row.at(3).value());
      counts.push_back(count);
    } catch (const std::exception&) {
      throw SqlError(SqlError::Kind::kCorruptRow, "lease count returned a row that is not numbers");
    }
  }
  return counts;
}

}  // namespace leasehold::sql
