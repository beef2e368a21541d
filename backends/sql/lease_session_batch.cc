// LeaseSession::commitBatch: one transaction for a group commit, in one request.
//
// PostgreSQL gets set-based statements: per family and kind, one EXECUTE of a statement that
// unnests arrays of values, whose RETURNING clause names the rows that applied. The statements
// are prepared once per connection, so a batch costs the server no parsing or planning per row.
// MySQL has no arrays and no RETURNING on UPDATE. Its adds go into one multi-row INSERT per
// family, and one SELECT afterwards reads back every added address and every row of the
// clients the lookups name. From those rows the session decides which adds applied and which
// rows each lookup matches. Updates and removes stay one statement each, with a SELECT
// ROW_COUNT() after each. Everything is sent as one multi-statement request.
#include <algorithm>
#include <set>

#include "backends/sql/lease_session.h"
#include "backends/sql/lease_sql.h"
#include "backends/sql/lease_tables.h"
#include "backends/sql/sql_error.h"
#include "backends/sql/sql_values.h"

namespace leasehold::sql {

namespace {

// Appends " AND column = value" for every column but the address and expire, so a write
// applies only when the stored lease equals `expected` field by field.
void appendEqualsExpected(StatementBuilder& builder, std::span<const Column> columns,
                          const std::vector<std::string>& expected) {
  for (size_t i = 1; i < columns.size(); ++i) {
    if (columns[i].name == "expire") {
      continue;
    }
    builder.sql(" AND ").sql(columns[i].name).sql(" = ").param(columns[i].kind, expected[i]);
  }
}

const char* arrayType(ColumnKind kind) {
  switch (kind) {
    case ColumnKind::kInteger:
      return "bigint[]";
    case ColumnKind::kAddress6:
      return "numeric[]";
    case ColumnKind::kBoolean:
      return "boolean[]";
    case ColumnKind::kBytes:
    case ColumnKind::kText:
      return "text[]";
  }
  return "text[]";
}

// The value of unnested column `name` as the table column wants it: bytes arrive as hex text.
std::string unnested(const Column& column, const std::string& prefix) {
  const std::string name = prefix + std::string(column.name);
  return column.kind == ColumnKind::kBytes ? "decode(v." + name + ", 'hex')" : "v." + name;
}

// A PostgreSQL array literal whose elements are all quoted, so any text survives.
std::string arrayLiteral(const std::vector<std::string>& values) {
  std::string text = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    text += i == 0 ? "\"" : ",\"";
    for (char c : values[i]) {
      if (c == '"' || c == '\\') {
        text.push_back('\\');
      }
      text.push_back(c);
    }
    text += "\"";
  }
  return text + "}";
}

// The compared columns: all but the address and expire.
std::vector<Column> comparedColumns(std::span<const Column> columns) {
  std::vector<Column> compared;
  for (size_t i = 1; i < columns.size(); ++i) {
    if (columns[i].name != "expire") {
      compared.push_back(columns[i]);
    }
  }
  return compared;
}

// The PREPARE statements of one family: add, update and remove over unnested arrays.
template <typename LeaseT>
std::vector<std::string> setBasedDefinitions() {
  const auto columns = columnsOf<LeaseT>();
  const auto compared = comparedColumns(columns);
  const std::string table = tableOf<LeaseT>();
  const std::string suffix = familySuffix<LeaseT>();

  // Builds the parameter types, unnest() arguments and column names of one statement.
  struct Unnest {
    std::string types;
    std::string args;
    std::string names;
    size_t count = 0;

    void add(const std::string& type, const std::string& name) {
      ++count;
      types += (count == 1 ? "" : ", ") + type;
      args += (count == 1 ? "$" : ", $") + std::to_string(count);
      names += (count == 1 ? "" : ", ") + name;
    }
  };

  std::string column_list;
  std::string select_list;
  std::string set_list;
  Unnest values;
  for (size_t i = 0; i < columns.size(); ++i) {
    values.add(arrayType(columns[i].kind), std::string(columns[i].name));
    column_list += (i == 0 ? "" : ", ") + std::string(columns[i].name);
    select_list += (i == 0 ? "" : ", ") + unnested(columns[i], "");
    if (i != 0) {
      set_list += (i == 1 ? "" : ", ") + std::string(columns[i].name) + " = " +
                  unnested(columns[i], "");
    }
  }
  std::vector<std::string> definitions;
  definitions.push_back("PREPARE leasehold_add" + suffix + " (" + values.types +
                        ") AS INSERT INTO " + table + " (" + column_list + ") SELECT " +
                        select_list + " FROM unnest(" + values.args +
                        ") WITH ORDINALITY AS v(" + values.names +
                        ", position) ORDER BY v.position ON CONFLICT (address) DO NOTHING "
                        "RETURNING address::text");

  // Update takes the new values, remove only the address; both then take a compare flag and
  // the expected values.
  Unnest removal;
  removal.add(arrayType(columns[0].kind), std::string(columns[0].name));
  std::string matches;
  for (Unnest* unnest : {&values, &removal}) {
    unnest->add("boolean[]", "compare");
    for (const Column& column : compared) {
      unnest->add(arrayType(column.kind), "expected_" + std::string(column.name));
    }
  }
  for (const Column& column : compared) {
    matches += " AND t." + std::string(column.name) + " = " + unnested(column, "expected_");
  }
  const std::string condition =
      " WHERE t.address = v.address AND (NOT v.compare OR (TRUE" + matches + "))";
  definitions.push_back("PREPARE leasehold_update" + suffix + " (" + values.types +
                        ") AS UPDATE " + table + " AS t SET " + set_list + " FROM unnest(" +
                        values.args + ") AS v(" + values.names + ")" + condition +
                        " RETURNING t.address::text");
  definitions.push_back("PREPARE leasehold_remove" + suffix + " (" + removal.types +
                        ") AS DELETE FROM " + table + " AS t USING unnest(" + removal.args +
                        ") AS v(" + removal.names + ")" + condition +
                        " RETURNING t.address::text");
  return definitions;
}

// Column-major arrays of one kind of write: values[column][op].
struct Arrays {
  std::vector<std::vector<std::string>> values;

  void append(const std::vector<std::string>& row) {
    values.resize(std::max(values.size(), row.size()));
    for (size_t i = 0; i < row.size(); ++i) {
      values[i].push_back(row[i]);
    }
  }
};

BoundStatement executeStatement(const std::string& name, const Arrays& arrays) {
  BoundStatement statement;
  statement.text = "EXECUTE " + name + "(";
  for (size_t i = 0; i < arrays.values.size(); ++i) {
    statement.text += (i == 0 ? "$" : ", $") + std::to_string(i + 1);
    statement.params.push_back({arrayLiteral(arrays.values[i])});
  }
  statement.text += ")";
  return statement;
}

// The outcome of a write that changed no row: an add found the address taken, and a
// compare-and-set found another lease or none (both kConflict: it lost to another writer).
WriteOutcome missedOutcome(const WriteOp& op) {
  if (op.kind == WriteKind::kAdd || op.expected) {
    return WriteOutcome::kConflict;
  }
  return WriteOutcome::kNotFound;
}

// True when the rows of one client identifier (client identifier, DUID or hardware address)
// contain every match of `query`, so a read-back by identifier returns all its matches. Hostname
// matching is left to the server, whose case folding the session does not repeat.
bool readBackCanAnswer(const LeaseQuery4& query) {
  return (query.client_id || query.hwaddr) && !query.hostname && !query.after &&
         query.limit == 0;
}

bool readBackCanAnswer(const LeaseQuery6& query) {
  return (query.duid || query.hwaddr) && !query.hostname && !query.after && query.limit == 0;
}

// True when `lease` matches every criterion of `query`, as the lookup's SQL would decide.
// REQUIRES: readBackCanAnswer(query).
bool matchesQuery(const LeaseQuery4& query, const Lease4& lease) {
  return (!query.subnet_id || lease.subnet_id == *query.subnet_id) &&
         (!query.hwaddr || lease.hwaddr == *query.hwaddr) &&
         (!query.client_id || lease.client_id == *query.client_id) &&
         (!query.state || lease.state == *query.state);
}

bool matchesQuery(const LeaseQuery6& query, const Lease6& lease) {
  return (!query.subnet_id || lease.subnet_id == *query.subnet_id) &&
         (!query.hwaddr || lease.hwaddr == *query.hwaddr) &&
         (!query.duid || lease.duid == *query.duid) &&
         (!query.iaid || lease.iaid == *query.iaid) &&
         (!query.type || lease.type == *query.type) &&
         (!query.state || lease.state == *query.state);
}

// True when a read-back returns every match of every lookup in `ops` (readBackCanAnswer).
bool readBackCanAnswerAll(std::span<WriteOp* const> ops) {
  for (const WriteOp* op : ops) {
    if (const auto* queries = std::get_if<EitherQuery4>(&op->lookup)) {
      if (!readBackCanAnswer(queries->first) || !readBackCanAnswer(queries->second)) {
        return false;
      }
    } else if (const auto* queries = std::get_if<EitherQuery6>(&op->lookup)) {
      if (!readBackCanAnswer(queries->first) || !readBackCanAnswer(queries->second)) {
        return false;
      }
    }
  }
  return true;
}

// Appends the hex text of `bytes` to `values` unless it is already there.
void addUnique(std::vector<std::string>& values, const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  for (uint8_t byte : bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0x0f]);
  }
  if (std::find(values.begin(), values.end(), text) == values.end()) {
    values.push_back(std::move(text));
  }
}

// The read-back SELECT: every row at one of `addresses` (column text, as addressValue()
// writes it) or with a client identifier, DUID or hardware address that one of `queries`
// names. REQUIRES: readBackCanAnswer(*query) for every query.
template <typename LeaseT, typename Query>
StatementBuilder readBackSelect(Dialect dialect, const std::vector<std::string>& addresses,
                                const std::vector<const Query*>& queries) {
  std::vector<std::string> client_ids;  // client identifiers (DHCPv4) or DUIDs (DHCPv6)
  std::vector<std::string> hwaddrs;
  for (const Query* query : queries) {
    if constexpr (kIsV4<LeaseT>) {
      if (query->client_id) {
        addUnique(client_ids, *query->client_id);
        continue;
      }
    } else {
      if (query->duid) {
        addUnique(client_ids, *query->duid);
        continue;
      }
    }
    addUnique(hwaddrs, query->hwaddr->bytes);
  }

  const std::string table = tableOf<LeaseT>();
  const std::string client_column = kIsV4<LeaseT> ? "client_id" : "duid";
  StatementBuilder select(dialect);
  select.sql("SELECT ").selectList(columnsOf<LeaseT>()).sql(" FROM ").sql(table);
  if (dialect == Dialect::kMysql) {
    // FORCE INDEX makes MariaDB read each index for its own list and merge the row sets
    // (index_merge), whatever its row estimates are.
    std::string indexes = "PRIMARY";
    if (!client_ids.empty()) {
      indexes += ", " + table + "_by_" + client_column;
    }
    if (!hwaddrs.empty()) {
      indexes += ", " + table + "_by_hwaddr";
    }
    select.sql(" FORCE INDEX (").sql(indexes).sql(")");
  }
  select.sql(" WHERE address IN (");
  for (size_t i = 0; i < addresses.size(); ++i) {
    select.sql(i == 0 ? "" : ", ").param(addressKind<LeaseT>(), addresses[i]);
  }
  select.sql(")");
  for (const auto& [column, values] :
       {std::pair{client_column, &client_ids}, std::pair{std::string("hwaddr"), &hwaddrs}}) {
    if (values->empty()) {
      continue;
    }
    select.sql(" OR ").sql(column).sql(" IN (");
    for (size_t i = 0; i < values->size(); ++i) {
      select.sql(i == 0 ? "" : ", ").param(ColumnKind::kBytes, (*values)[i]);
    }
    select.sql(")");
  }
  return select;
}

}  // namespace

void LeaseSession::commitBatch(std::span<WriteOp* const> ops) {
  if (connection_->dialect() == Dialect::kPostgres) {
    commitSetBased(ops);
  } else if (readBackCanAnswerAll(ops)) {
    commitReadBack(ops);
  } else {
    commitRowByRow(ops);
  }
}

template <typename LeaseT>
void LeaseSession::appendReadBack(std::span<WriteOp* const> ops,
                                  std::vector<BoundStatement>& statements, ReadBackPart& part) {
  using Query = std::conditional_t<kIsV4<LeaseT>, LeaseQuery4, LeaseQuery6>;
  using Either = std::pair<Query, Query>;
  const auto columns = columnsOf<LeaseT>();
  const std::string table = tableOf<LeaseT>();

  for (WriteOp* op : ops) {
    if (op->isV4() != kIsV4<LeaseT>) {
      continue;
    }
    if (op->kind == WriteKind::kAdd) {
      part.adds.push_back(op);
    } else {
      part.row_writes.emplace_back(op, statements.size());
      appendWrite<LeaseT>(*op, statements);
    }
  }
  if (part.adds.empty()) {
    return;
  }

  // The addresses already taken before the INSERT: an add there conflicts even when the
  // stored lease equals it (a second import of the same lease file).
  std::vector<std::string> addresses;
  for (const WriteOp* op : part.adds) {
    addresses.push_back(addressValue(std::get<LeaseT>(op->lease).address));
  }
  StatementBuilder taken_select(Dialect::kMysql);
  taken_select.sql("SELECT address FROM ").sql(table).sql(" WHERE address IN (");
  for (size_t i = 0; i < addresses.size(); ++i) {
    taken_select.sql(i == 0 ? "" : ", ").param(addressKind<LeaseT>(), addresses[i]);
  }
  taken_select.sql(")");
  part.taken_index = statements.size();
  statements.push_back({taken_select.text(), taken_select.params()});

  // ON DUPLICATE KEY UPDATE turns an add over a taken address into a no-op that the read-back
  // reports as a conflict. IGNORE would also hide a row the server rejects for another reason
  // (a CHECK constraint, a value too long), which must fail the batch instead.
  StatementBuilder insert(Dialect::kMysql);
  insert.sql("INSERT INTO ").sql(table).sql(" (");
  for (size_t i = 0; i < columns.size(); ++i) {
    insert.sql(i == 0 ? "" : ", ").sql(columns[i].name);
  }
  insert.sql(") VALUES ");
  for (size_t row = 0; row < part.adds.size(); ++row) {
    const std::vector<std::string> values = encodeRow(std::get<LeaseT>(part.adds[row]->lease));
    insert.sql(row == 0 ? "(" : ", (");
    for (size_t i = 0; i < columns.size(); ++i) {
      insert.sql(i == 0 ? "" : ", ").param(columns[i].kind, values[i]);
    }
    insert.sql(")");
  }
  insert.sql(" ON DUPLICATE KEY UPDATE address = address");
  statements.push_back({insert.text(), insert.params()});

  std::vector<const Query*> queries;
  for (const WriteOp* op : part.adds) {
    if (const auto* either = std::get_if<Either>(&op->lookup)) {
      queries.push_back(&either->first);
      queries.push_back(&either->second);
    }
  }
  const StatementBuilder select = readBackSelect<LeaseT>(Dialect::kMysql, addresses, queries);
  part.select_index = statements.size();
  statements.push_back({select.text(), select.params()});
}

template <typename LeaseT>
void LeaseSession::applyReadBack(const ReadBackPart& part, const std::vector<BatchResult>& results) {
  using Query = std::conditional_t<kIsV4<LeaseT>, LeaseQuery4, LeaseQuery6>;
  using Either = std::pair<Query, Query>;
  for (const auto& [op, index] : part.row_writes) {
    op->outcome = results.at(index).changed > 0 ? WriteOutcome::kApplied : missedOutcome(*op);
  }
  if (part.adds.empty()) {
    return;
  }

  const auto rows = decodeKeepingRows<LeaseT>(results.at(part.select_index).rows);
  std::vector<std::string> taken_addresses;
  for (const SqlRow& row : results.at(part.taken_index).rows) {
    if (!row.empty() && row[0]) {
      taken_addresses.push_back(*row[0]);
    }
  }
  for (WriteOp* op : part.adds) {
    const LeaseT& lease = std::get<LeaseT>(op->lease);
    // The row at the address is this add's when it holds exactly its values: an add that lost
    // to another writer finds that writer's lease there.
    const auto stored = std::find_if(rows.begin(), rows.end(), [&](const auto& row) {
      return row.second.address == lease.address;
    });
    const bool was_taken = std::find(taken_addresses.begin(), taken_addresses.end(),
                                     addressValue(lease.address)) != taken_addresses.end();
    op->outcome = !was_taken && stored != rows.end() && stored->second == lease
                      ? WriteOutcome::kApplied
                      : WriteOutcome::kConflict;
    const auto* either = std::get_if<Either>(&op->lookup);
    if (either == nullptr) {
      continue;
    }
    for (const auto& [raw, found] : rows) {
      if (matchesQuery(either->first, found) || matchesQuery(either->second, found)) {
        op->lookup_rows.push_back(*raw);
      }
    }
  }
}

void LeaseSession::commitReadBack(std::span<WriteOp* const> ops) {
  std::vector<BoundStatement> statements;
  ReadBackPart parts[2];
  appendReadBack<Lease4>(ops, statements, parts[0]);
  appendReadBack<Lease6>(ops, statements, parts[1]);

  std::vector<BatchResult> results;
  try {
    results = connection_->executeBatch(statements);
  } catch (const SqlError& error) {
    if (error.kind() != SqlError::Kind::kStatement || error.opIndex() < 0) {
      throw;
    }
    // A row write's failure names its op. A failing INSERT or SELECT covers many ops, so the
    // committer retries them one by one.
    for (const ReadBackPart& part : parts) {
      for (const auto& [op, index] : part.row_writes) {
        if (index == static_cast<size_t>(error.opIndex())) {
          const auto position = std::find(ops.begin(), ops.end(), op) - ops.begin();
          throw SqlError(error.kind(), error.what(), position);
        }
      }
    }
    throw SqlError(error.kind(), error.what());
  }
  applyReadBack<Lease4>(parts[0], results);
  applyReadBack<Lease6>(parts[1], results);
}

template <typename LeaseT>
void LeaseSession::appendSetBased(std::span<WriteOp* const> ops,
                                  std::vector<BoundStatement>& statements,
                                  std::vector<SetBasedPart>& parts) {
  const size_t family = kIsV4<LeaseT> ? 0 : 1;
  const auto columns = columnsOf<LeaseT>();
  Arrays adds;
  Arrays updates;
  Arrays removes;
  std::vector<WriteOp*> add_ops;
  std::vector<WriteOp*> update_ops;
  std::vector<WriteOp*> remove_ops;

  for (WriteOp* op : ops) {
    if (op->isV4() != kIsV4<LeaseT>) {
      continue;
    }
    const auto& lease = std::get<LeaseT>(op->lease);
    if (op->kind == WriteKind::kAdd) {
      adds.append(encodeRow(lease));
      add_ops.push_back(op);
      continue;
    }
    // Update and remove carry a compare flag and the expected values (placeholders when the
    // write is unconditional; the flag makes the statement ignore them).
    std::vector<std::string> row = op->kind == WriteKind::kUpdate
                                       ? encodeRow(lease)
                                       : std::vector<std::string>{addressValue(lease.address)};
    row.push_back(op->expected ? "true" : "false");
    const std::vector<std::string> expected =
        encodeRow(op->expected ? std::get<LeaseT>(*op->expected) : lease);
    for (size_t i = 1; i < columns.size(); ++i) {
      if (columns[i].name != "expire") {
        row.push_back(expected[i]);
      }
    }
    if (op->kind == WriteKind::kUpdate) {
      updates.append(row);
      update_ops.push_back(op);
    } else {
      removes.append(row);
      remove_ops.push_back(op);
    }
  }

  if (!prepared_set_based_[family] && (!add_ops.empty() || !update_ops.empty() || !remove_ops.empty())) {
    for (const std::string& definition : setBasedDefinitions<LeaseT>()) {
      connection_->executeScript(definition);
    }
    prepared_set_based_[family] = true;
  }
  const std::string suffix = familySuffix<LeaseT>();
  if (!add_ops.empty()) {
    statements.push_back(executeStatement("leasehold_add" + suffix, adds));
    parts.push_back({std::move(add_ops)});
  }
  if (!update_ops.empty()) {
    statements.push_back(executeStatement("leasehold_update" + suffix, updates));
    parts.push_back({std::move(update_ops)});
  }
  if (!remove_ops.empty()) {
    statements.push_back(executeStatement("leasehold_remove" + suffix, removes));
    parts.push_back({std::move(remove_ops)});
  }
}

void LeaseSession::commitSetBased(std::span<WriteOp* const> ops) {
  std::vector<BoundStatement> statements;
  std::vector<SetBasedPart> parts;
  appendSetBased<Lease4>(ops, statements, parts);
  appendSetBased<Lease6>(ops, statements, parts);
  // Lookups run after every write of the batch, so they see the rows it added.
  std::vector<std::pair<WriteOp*, size_t>> lookups;  // op and the index of its statement
  for (WriteOp* op : ops) {
    if (auto lookup = lookupStatement(*op)) {
      lookups.emplace_back(op, statements.size());
      statements.push_back(std::move(*lookup));
    }
  }

  // A statement error cannot be pinned on one op of a set; the committer then retries the ops
  // one by one.
  const std::vector<BatchResult> results = connection_->executeBatch(statements);
  for (const auto& [op, index] : lookups) {
    op->lookup_rows = results.at(index).rows;
  }

  std::set<std::pair<bool, std::string>> applied;  // (v4, address) of every write that applied
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool v4 = parts[i].ops.front()->isV4();
    for (const SqlRow& row : results.at(i).rows) {
      if (!row.empty() && row[0]) {
        applied.emplace(v4, *row[0]);
      }
    }
  }
  for (WriteOp* op : ops) {
    const bool v4 = op->isV4();
    const std::string address = v4 ? addressValue(std::get<Lease4>(op->lease).address)
                                   : addressValue(std::get<Lease6>(op->lease).address);
    op->outcome = applied.contains({v4, address}) ? WriteOutcome::kApplied : missedOutcome(*op);
  }
}

void LeaseSession::commitRowByRow(std::span<WriteOp* const> ops) {
  std::vector<BoundStatement> statements;
  std::vector<size_t> first_statement;
  statements.reserve(ops.size());
  for (WriteOp* op : ops) {
    first_statement.push_back(statements.size());
    if (op->isV4()) {
      appendWrite<Lease4>(*op, statements);
    } else {
      appendWrite<Lease6>(*op, statements);
    }
    if (auto lookup = lookupStatement(*op)) {
      statements.push_back(std::move(*lookup));
    }
  }

  std::vector<BatchResult> results;
  try {
    results = connection_->executeBatch(statements);
  } catch (const SqlError& error) {
    if (error.kind() != SqlError::Kind::kStatement || error.opIndex() < 0) {
      throw;
    }
    // Map the failing statement back to its op.
    const auto op = std::upper_bound(first_statement.begin(), first_statement.end(),
                                     static_cast<size_t>(error.opIndex())) -
                    first_statement.begin() - 1;
    throw SqlError(error.kind(), error.what(), op);
  }

  for (size_t i = 0; i < ops.size(); ++i) {
    WriteOp& op = *ops[i];
    op.outcome = results.at(first_statement[i]).changed > 0 ? WriteOutcome::kApplied
                                                            : missedOutcome(op);
    // A lookup follows its op's write; it saw the batch's writes up to that op.
    if (!std::holds_alternative<std::monostate>(op.lookup)) {
      op.lookup_rows = results.at(first_statement[i] + 1).rows;
    }
  }
}

template <typename LeaseT>
void LeaseSession::appendWrite(const WriteOp& op, std::vector<BoundStatement>& statements) {
  const auto& lease = std::get<LeaseT>(op.lease);
  const auto columns = columnsOf<LeaseT>();
  const Dialect dialect = connection_->dialect();
  const std::string address = addressValue(lease.address);
  const bool compare = op.expected.has_value();
  std::vector<std::string> expected;
  if (compare) {
    expected = encodeRow(std::get<LeaseT>(*op.expected));
  }

  StatementBuilder builder(dialect);
  switch (op.kind) {
    case WriteKind::kAdd: {
      // A duplicate address is an outcome (0 rows), not an error, so the batch goes on.
      const std::vector<std::string> values = encodeRow(lease);
      builder.sql(dialect == Dialect::kPostgres ? "INSERT INTO " : "INSERT IGNORE INTO ");
      builder.sql(tableOf<LeaseT>()).sql(" (");
      for (size_t i = 0; i < columns.size(); ++i) {
        builder.sql(i == 0 ? "" : ", ").sql(columns[i].name);
      }
      builder.sql(") VALUES (");
      for (size_t i = 0; i < columns.size(); ++i) {
        builder.sql(i == 0 ? "" : ", ").param(columns[i].kind, values[i]);
      }
      builder.sql(")");
      if (dialect == Dialect::kPostgres) {
        builder.sql(" ON CONFLICT (address) DO NOTHING");
      }
      break;
    }
    case WriteKind::kUpdate: {
      const std::vector<std::string> values = encodeRow(lease);
      builder.sql("UPDATE ").sql(tableOf<LeaseT>()).sql(" SET ");
      for (size_t i = 1; i < columns.size(); ++i) {
        builder.sql(i == 1 ? "" : ", ").sql(columns[i].name).sql(" = ").param(columns[i].kind,
                                                                              values[i]);
      }
      builder.sql(" WHERE address = ").param(addressKind<LeaseT>(), address);
      if (compare) {
        appendEqualsExpected(builder, columns, expected);
      }
      break;
    }
    case WriteKind::kRemove:
      builder.sql("DELETE FROM ").sql(tableOf<LeaseT>()).sql(" WHERE address = ");
      builder.param(addressKind<LeaseT>(), address);
      if (compare) {
        appendEqualsExpected(builder, columns, expected);
      }
      break;
  }
  statements.push_back({builder.text(), builder.params()});
}

template <typename LeaseT>
std::vector<std::pair<const SqlRow*, LeaseT>> LeaseSession::decodeKeepingRows(
    const std::vector<SqlRow>& rows) {
  std::vector<std::pair<const SqlRow*, LeaseT>> decoded;
  decoded.reserve(rows.size());
  for (const SqlRow& row : rows) {
    try {
      if constexpr (kIsV4<LeaseT>) {
        decoded.emplace_back(&row, decodeLease4(row));
      } else {
        decoded.emplace_back(&row, decodeLease6(row));
      }
    } catch (const SqlError&) {
      ++skipped_rows_;  // one corrupt row must not hide the others
    }
  }
  return decoded;
}

template <typename LeaseT>
std::vector<EitherAndLease<LeaseT>> LeaseSession::findEitherAndGetCombined(
    std::span<const EitherGet<LeaseT>> requests) {
  using Query = typename EitherGet<LeaseT>::Query;
  const bool combinable = requests.size() > 1 && std::all_of(
      requests.begin(), requests.end(), [](const EitherGet<LeaseT>& request) {
        return readBackCanAnswer(request.first) && readBackCanAnswer(request.second);
      });
  if (!combinable) {
    return findEachEitherAndGet(*this, requests);
  }

  std::vector<std::string> addresses;
  std::vector<const Query*> queries;
  for (const auto& request : requests) {
    const std::string address = addressValue(request.address);
    if (std::find(addresses.begin(), addresses.end(), address) == addresses.end()) {
      addresses.push_back(address);
    }
    queries.push_back(&request.first);
    queries.push_back(&request.second);
  }
  // Unnamed: its text differs with every mix of requests, and keeping each prepared would run
  // into the server's cap on prepared statements (MySQL: max_prepared_stmt_count).
  const StatementBuilder select = readBackSelect<LeaseT>(connection_->dialect(), addresses, queries);
  const std::vector<SqlRow> rows = connection_->query(select.statement(""), select.params());

  std::vector<EitherAndLease<LeaseT>> found(requests.size());
  for (const auto& [row, lease] : decodeKeepingRows<LeaseT>(rows)) {
    for (size_t i = 0; i < requests.size(); ++i) {
      if (lease.address == requests[i].address) {
        found[i].at_address = lease;
      }
      if (matchesQuery(requests[i].first, lease) || matchesQuery(requests[i].second, lease)) {
        found[i].matching.push_back(lease);
      }
    }
  }
  for (auto& one : found) {
    sortUniqueByAddress(one.matching);
  }
  return found;
}

std::vector<EitherAndLease<Lease4>> LeaseSession::findEitherAndGetMany(
    std::span<const EitherGet<Lease4>> requests) {
  return findEitherAndGetCombined<Lease4>(requests);
}

std::vector<EitherAndLease<Lease6>> LeaseSession::findEitherAndGetMany(
    std::span<const EitherGet<Lease6>> requests) {
  return findEitherAndGetCombined<Lease6>(requests);
}

}  // namespace leasehold::sql
