#include "migrations/migrator.h"

#include <stdexcept>

#include "backends/sql/sql_error.h"
#include "migrations/migrations.h"

namespace leasehold::migrations {

namespace {

constexpr const char* kVersionTable = "leasehold_schema_version";

// Splits a MySQL migration into statements: each ends with ';' at the end of a line.
// Comment lines are dropped.
std::vector<std::string> splitStatements(const std::string& script) {
  std::vector<std::string> statements;
  std::string current;
  size_t start = 0;
  while (start < script.size()) {
    size_t end = script.find('\n', start);
    if (end == std::string::npos) {
      end = script.size();
    }
    std::string line = script.substr(start, end - start);
    start = end + 1;
    const size_t first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line.compare(first, 2, "--") == 0) {
      continue;
    }
    current += line + "\n";
    const size_t last = line.find_last_not_of(" \t\r");
    if (line[last] == ';') {
      statements.push_back(current);
      current.clear();
    }
  }
  if (current.find_first_not_of(" \t\r\n") != std::string::npos) {
    statements.push_back(current);
  }
  return statements;
}

void recordVersion(sql::SqlConnection& connection, const Migration& migration) {
  const bool postgres = connection.dialect() == sql::Dialect::kPostgres;
  const sql::Statement statement{
      "record_schema_version",
      std::string("INSERT INTO ") + kVersionTable + " (version, description) VALUES " +
          (postgres ? "($1::integer, $2::text)" : "(?, ?)")};
  const sql::SqlParam params[] = {{std::to_string(migration.version), true}, {migration.name}};
  connection.execute(statement, params);
}

}  // namespace

SchemaVersion readSchemaVersion(sql::SqlConnection& connection) {
  const bool postgres = connection.dialect() == sql::Dialect::kPostgres;
  const sql::Statement exists{
      "schema_table_exists",
      std::string("SELECT COUNT(*) FROM information_schema.tables WHERE table_name = '") +
          kVersionTable + "' AND table_schema = " + (postgres ? "current_schema()" : "DATABASE()")};
  const auto found = connection.query(exists, {});
  if (found.empty() || !found[0][0] || *found[0][0] == "0") {
    return {};
  }
  const sql::Statement version{"schema_version",
                               std::string("SELECT MAX(version) FROM ") + kVersionTable};
  const auto rows = connection.query(version, {});
  SchemaVersion result;
  result.initialized = true;
  if (!rows.empty() && rows[0][0]) {
    result.version = std::stoi(*rows[0][0]);
  }
  return result;
}

std::optional<std::string> checkSchema(sql::SqlConnection& connection,
                                       const DatabaseConfig& config) {
  const sql::Dialect dialect = connection.dialect();
  const int expected = latestVersion(dialect);
  const SchemaVersion found = readSchemaVersion(connection);
  const std::string where = "lease database " + config.redacted();
  if (!found.initialized) {
    return where + " has no Leasehold schema (expected version " + std::to_string(expected) +
           "); create it with: leasehold-admin db-init " + adminBackendName(dialect) + " -h " +
           config.host + (config.port != 0 ? " -P " + std::to_string(config.port) : "") +
           (config.user.empty() ? "" : " -u " + config.user) + " -p PASSWORD -n " + config.name;
  }
  if (found.version < expected) {
    return where + " has schema version " + std::to_string(found.version) +
           " but this server needs version " + std::to_string(expected) +
           "; upgrade it with: " + upgradeCommand(dialect, config);
  }
  if (found.version > expected) {
    return where + " has schema version " + std::to_string(found.version) +
           ", newer than version " + std::to_string(expected) +
           " that this server knows; run a Leasehold release that supports schema version " +
           std::to_string(found.version) + " (there is no downgrade; '" +
           upgradeCommand(dialect, config) + "' of this release cannot help)";
  }
  return std::nullopt;
}

std::vector<int> upgrade(sql::SqlConnection& connection) {
  const sql::Dialect dialect = connection.dialect();
  const SchemaVersion current = readSchemaVersion(connection);
  if (current.version > latestVersion(dialect)) {
    throw std::runtime_error("the database has schema version " +
                             std::to_string(current.version) + ", newer than version " +
                             std::to_string(latestVersion(dialect)) +
                             " that this leasehold-admin knows");
  }
  std::vector<int> applied;
  for (const Migration& migration : migrationsFor(dialect)) {
    if (migration.version <= current.version) {
      continue;
    }
    if (dialect == sql::Dialect::kPostgres) {
      connection.begin();
      try {
        connection.executeScript(migration.sql);
        recordVersion(connection, migration);
        connection.commit();
      } catch (...) {
        connection.rollback();
        throw;
      }
    } else {
      for (const std::string& statement : splitStatements(migration.sql)) {
        connection.executeScript(statement);
      }
      recordVersion(connection, migration);
    }
    applied.push_back(migration.version);
  }
  return applied;
}

}  // namespace leasehold::migrations
