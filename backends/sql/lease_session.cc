#include "backends/sql/lease_session.h"

#include <algorithm>
#include <type_traits>

#include "backends/sql/lease_sql.h"
#include "backends/sql/lease_tables.h"
#include "backends/sql/sql_error.h"
#include "backends/sql/sql_values.h"

namespace leasehold::sql {

namespace {

std::string bytesParam(const std::vector<uint8_t>& bytes) {
  std::string text;
  static constexpr char kDigits[] = "0123456789abcdef";
  for (uint8_t byte : bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0x0f]);
  }
  return text;
}

}  // namespace

template <typename LeaseT>
std::vector<LeaseT> LeaseSession::decodeRows(const std::vector<SqlRow>& rows) {
  std::vector<LeaseT> leases;
  leases.reserve(rows.size());
  for (const SqlRow& row : rows) {
    try {
      if constexpr (kIsV4<LeaseT>) {
        leases.push_back(decodeLease4(row));
      } else {
        leases.push_back(decodeLease6(row));
      }
    } catch (const SqlError&) {
      // One corrupt row must not hide the others; the store counts the skipped rows.
      ++skipped_rows_;
    }
  }
  return leases;
}

template <typename LeaseT>
std::optional<LeaseT> LeaseSession::getLease(const typename LeaseTraits<LeaseT>::Address& address) {
  StatementBuilder builder(connection_->dialect());
  builder.sql("SELECT ").selectList(columnsOf<LeaseT>()).sql(" FROM ").sql(tableOf<LeaseT>());
  builder.sql(" WHERE address = ").param(addressKind<LeaseT>(), addressValue(address));
  const auto rows =
      connection_->query(builder.statement("get" + familySuffix<LeaseT>()), builder.params());
  if (rows.empty()) {
    return std::nullopt;
  }
  if constexpr (kIsV4<LeaseT>) {
    return decodeLease4(rows.front());
  } else {
    return decodeLease6(rows.front());
  }
}

std::optional<Lease4> LeaseSession::get(const IPv4Address& address) {
  return getLease<Lease4>(address);
}

std::optional<Lease6> LeaseSession::get(const IPv6Address& address) {
  return getLease<Lease6>(address);
}

namespace {

// Appends " AND column = value" for every criterion of `query` but `after` and `limit`, and
// a letter per criterion to `name`, so each shape of statement is prepared once.
template <typename LeaseT, typename Query>
void appendCriteria(StatementBuilder& builder, const Query& query, std::string& name) {
  const auto criterion = [&](bool present, char code, auto&& append) {
    if (present) {
      name += code;
      builder.sql(" AND ");
      append();
    }
  };
  criterion(query.subnet_id.has_value(), 's', [&] {
    builder.sql("subnet_id = ").param(ColumnKind::kInteger, std::to_string(*query.subnet_id));
  });
  criterion(query.hwaddr.has_value(), 'h', [&] {
    builder.sql("hwaddr = ").param(ColumnKind::kBytes, bytesParam(query.hwaddr->bytes));
    builder.sql(" AND hwtype = ").param(ColumnKind::kInteger, std::to_string(query.hwaddr->type));
  });
  if constexpr (kIsV4<LeaseT>) {
    criterion(query.client_id.has_value(), 'c', [&] {
      builder.sql("client_id = ").param(ColumnKind::kBytes, bytesParam(*query.client_id));
    });
  } else {
    criterion(query.duid.has_value(), 'd', [&] {
      builder.sql("duid = ").param(ColumnKind::kBytes, bytesParam(*query.duid));
    });
    criterion(query.iaid.has_value(), 'i', [&] {
      builder.sql("iaid = ").param(ColumnKind::kInteger, std::to_string(*query.iaid));
    });
    criterion(query.type.has_value(), 't', [&] {
      builder.sql("lease_type = ")
          .param(ColumnKind::kInteger, std::to_string(static_cast<int>(*query.type)));
    });
  }
  criterion(query.hostname.has_value(), 'n', [&] { builder.hostnameMatches(*query.hostname); });
  criterion(query.state.has_value(), 'x', [&] {
    builder.sql("state = ")
        .param(ColumnKind::kInteger, std::to_string(static_cast<int>(*query.state)));
  });
}

}  // namespace

template <typename LeaseT, typename Query>
std::vector<LeaseT> LeaseSession::findLeases(const Query& query) {
  StatementBuilder builder(connection_->dialect());
  std::string name = "find" + familySuffix<LeaseT>() + "_";
  builder.sql("SELECT ").selectList(columnsOf<LeaseT>()).sql(" FROM ").sql(tableOf<LeaseT>());
  builder.sql(" WHERE 1 = 1");
  appendCriteria<LeaseT>(builder, query, name);
  if (query.after) {
    name += 'a';
    builder.sql(" AND address > ").param(addressKind<LeaseT>(), addressValue(*query.after));
  }
  builder.sql(" ORDER BY address");
  if (query.limit != 0) {
    name += 'l';
    builder.limit(query.limit);
  }
  return decodeRows<LeaseT>(connection_->query(builder.statement(name), builder.params()));
}

template <typename LeaseT, typename Query>
StatementBuilder LeaseSession::eitherStatement(const Query& first, const Query& second,
                                               std::string& name) {
  // One SELECT per query joined by UNION ALL, so each uses its own index. With an OR of both in
  // one WHERE clause, MariaDB 10.11 chose the subnet index, common to both branches, and read
  // every lease of the subnet. UNION or ORDER BY would make MariaDB build a temporary table on
  // disk for every lookup (the rows hold a TEXT column), so callers sort and deduplicate.
  StatementBuilder builder(connection_->dialect());
  name = "either" + familySuffix<LeaseT>() + "_";
  builder.sql("(SELECT ").selectList(columnsOf<LeaseT>()).sql(" FROM ").sql(tableOf<LeaseT>());
  builder.sql(" WHERE 1 = 1");
  appendCriteria<LeaseT>(builder, first, name);
  name += '_';
  builder.sql(") UNION ALL (SELECT ").selectList(columnsOf<LeaseT>()).sql(" FROM ");
  builder.sql(tableOf<LeaseT>()).sql(" WHERE 1 = 1");
  appendCriteria<LeaseT>(builder, second, name);
  builder.sql(")");
  return builder;
}

template <typename LeaseT, typename Query>
std::vector<LeaseT> LeaseSession::findEitherLeases(const Query& first, const Query& second) {
  std::string name;
  const StatementBuilder builder = eitherStatement<LeaseT>(first, second, name);
  std::vector<LeaseT> leases =
      decodeRows<LeaseT>(connection_->query(builder.statement(name), builder.params()));
  sortUniqueByAddress(leases);
  return leases;
}

template <typename LeaseT, typename Query>
EitherAndLease<LeaseT> LeaseSession::findEitherAndGetLeases(
    const Query& first, const Query& second,
    const typename LeaseTraits<LeaseT>::Address& address) {
  // One SELECT per part, as in eitherStatement(), each followed by a flag column that is 1 for
  // the row at `address`. A lease that is both may come back in three rows.
  StatementBuilder builder(connection_->dialect());
  std::string name = "either_get" + familySuffix<LeaseT>() + "_";
  builder.sql("(SELECT ").selectList(columnsOf<LeaseT>()).sql(", 0 FROM ");
  builder.sql(tableOf<LeaseT>()).sql(" WHERE 1 = 1");
  appendCriteria<LeaseT>(builder, first, name);
  name += '_';
  builder.sql(") UNION ALL (SELECT ").selectList(columnsOf<LeaseT>()).sql(", 0 FROM ");
  builder.sql(tableOf<LeaseT>()).sql(" WHERE 1 = 1");
  appendCriteria<LeaseT>(builder, second, name);
  builder.sql(") UNION ALL (SELECT ").selectList(columnsOf<LeaseT>()).sql(", 1 FROM ");
  builder.sql(tableOf<LeaseT>()).sql(" WHERE address = ");
  builder.param(addressKind<LeaseT>(), addressValue(address)).sql(")");

  std::vector<SqlRow> rows = connection_->query(builder.statement(name), builder.params());
  EitherAndLease<LeaseT> found;
  for (SqlRow& row : rows) {
    if (row.empty()) {
      ++skipped_rows_;
      continue;
    }
    const bool at_address = row.back() && *row.back() == "1";
    row.pop_back();
    std::vector<LeaseT> decoded = decodeRows<LeaseT>({row});
    if (decoded.empty()) {
      continue;  // decodeRows() counted the skipped row
    }
    if (at_address) {
      found.at_address = std::move(decoded.front());
    } else {
      found.matching.push_back(std::move(decoded.front()));
    }
  }
  sortUniqueByAddress(found.matching);
  return found;
}

std::optional<BoundStatement> LeaseSession::lookupStatement(const WriteOp& op) {
  std::string name;
  std::optional<StatementBuilder> builder;
  if (const auto* queries = std::get_if<EitherQuery4>(&op.lookup)) {
    builder = eitherStatement<Lease4>(queries->first, queries->second, name);
  } else if (const auto* queries = std::get_if<EitherQuery6>(&op.lookup)) {
    builder = eitherStatement<Lease6>(queries->first, queries->second, name);
  } else {
    return std::nullopt;
  }
  if (connection_->dialect() != Dialect::kPostgres) {
    return BoundStatement{builder->text(), builder->params()};
  }
  // PostgreSQL would plan an inlined SELECT on every batch; a prepared one is planned once
  // per connection. The name differs from the read sessions' protocol-level ones.
  name = "leasehold_batch_" + name;
  if (prepared_lookups_.insert(name).second) {
    connection_->executeScript("PREPARE " + name + " AS " + builder->text());
  }
  BoundStatement statement{"EXECUTE " + name + "(", builder->params()};
  for (size_t i = 0; i < statement.params.size(); ++i) {
    statement.text += (i == 0 ? "$" : ", $") + std::to_string(i + 1);
  }
  statement.text += ")";
  return statement;
}

std::vector<Lease4> LeaseSession::find(const LeaseQuery4& query) {
  return findLeases<Lease4>(query);
}

std::vector<Lease6> LeaseSession::find(const LeaseQuery6& query) {
  return findLeases<Lease6>(query);
}

std::vector<Lease4> LeaseSession::findEither(const LeaseQuery4& first, const LeaseQuery4& second) {
  return findEitherLeases<Lease4>(first, second);
}

std::vector<Lease6> LeaseSession::findEither(const LeaseQuery6& first, const LeaseQuery6& second) {
  return findEitherLeases<Lease6>(first, second);
}

EitherAndLease<Lease4> LeaseSession::findEitherAndGet(const LeaseQuery4& first,
                                                      const LeaseQuery4& second,
                                                      const IPv4Address& address) {
  return findEitherAndGetLeases<Lease4>(first, second, address);
}

EitherAndLease<Lease6> LeaseSession::findEitherAndGet(const LeaseQuery6& first,
                                                      const LeaseQuery6& second,
                                                      const IPv6Address& address) {
  return findEitherAndGetLeases<Lease6>(first, second, address);
}

template <typename LeaseT>
std::vector<LeaseT> LeaseSession::findExpiredLeases(UnixTime now, size_t limit) {
  // One branch per state, each an ordered range scan of the (state, expire) index, so
  // neither server sorts all expired leases to return the oldest few. The branches are merged
  // here: an outer ORDER BY would make MariaDB copy the rows, TEXT column included, into a
  // temporary table on disk.
  StatementBuilder builder(connection_->dialect());
  const std::string seconds = std::to_string(now.time_since_epoch().count());
  for (int state : {0, 1}) {
    builder.sql(state == 0 ? "(" : " UNION ALL (");
    builder.sql("SELECT ").selectList(columnsOf<LeaseT>()).sql(", expire FROM ");
    builder.sql(tableOf<LeaseT>()).sql(" WHERE state = ").sql(std::to_string(state));
    builder.sql(" AND expire <= ").param(ColumnKind::kInteger, seconds);
    builder.sql(" ORDER BY expire").limit(limit).sql(")");
  }
  auto rows = connection_->query(builder.statement("expired" + familySuffix<LeaseT>()),
                                 builder.params());
  std::vector<std::pair<int64_t, LeaseT>> dated;  // (expire, lease)
  dated.reserve(rows.size());
  for (SqlRow& row : rows) {
    const std::optional<std::string> expire = row.empty() ? std::nullopt : row.back();
    if (row.empty()) {
      ++skipped_rows_;
      continue;
    }
    row.pop_back();
    std::vector<LeaseT> decoded = decodeRows<LeaseT>({row});
    if (decoded.empty()) {
      continue;  // decodeRows() counted the skipped row
    }
    int64_t seconds_at = 0;
    try {
      seconds_at = expire ? std::stoll(*expire) : 0;
    } catch (const std::exception&) {
      ++skipped_rows_;
      continue;
    }
    dated.emplace_back(seconds_at, std::move(decoded.front()));
  }
  std::sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.address < b.second.address;
  });
  if (limit != 0 && dated.size() > limit) {
    dated.resize(limit);
  }
  std::vector<LeaseT> leases;
  leases.reserve(dated.size());
  for (auto& entry : dated) {
    leases.push_back(std::move(entry.second));
  }
  return leases;
}

std::vector<Lease4> LeaseSession::findExpired4(UnixTime now, size_t limit) {
  return findExpiredLeases<Lease4>(now, limit);
}

std::vector<Lease6> LeaseSession::findExpired6(UnixTime now, size_t limit) {
  return findExpiredLeases<Lease6>(now, limit);
}

uint64_t LeaseSession::takeSkippedRows() { return std::exchange(skipped_rows_, 0); }

}  // namespace leasehold::sql
