// Test databases for the SQL lease store tests. Connection settings come from the environment
// that scripts/lib/databases prints (LEASEHOLD_TEST_PG, LEASEHOLD_TEST_MYSQL: libpq keyword
// form "host=... port=... dbname=... user=... password=..."). Each test suite gets a scratch
// database of its own, created empty and dropped afterwards.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "backends/database_config.h"
#include "backends/lease_store.h"
#include "backends/sql/sql_connection.h"

namespace leasehold::testing {

enum class SqlBackend { kPostgres, kMysql };

std::string backendName(SqlBackend backend);  // "pgsql" or "mysql", as kea-admin names them

// Reads the connection settings of `backend` from the environment; nullopt with `error` set
// when the variable is missing or malformed.
std::optional<DatabaseConfig> configFromEnvironment(SqlBackend backend, std::string& error);

// Opens a raw connection (no schema check) to the database `config` names.
std::unique_ptr<sql::SqlConnection> connectRaw(SqlBackend backend, const DatabaseConfig& config);

// An empty database created for one test suite and dropped when this object goes away.
class ScratchDatabase {
 public:
  // Creates database `name` (dropping a leftover of that name first) on the server of
  // `server`, which names an existing database to connect to. Throws std::runtime_error.
  ScratchDatabase(SqlBackend backend, const DatabaseConfig& server, const std::string& name);
  ~ScratchDatabase();

  const DatabaseConfig& config() const { return config_; }
  SqlBackend backend() const { return backend_; }

  // Creates the Leasehold schema with the embedded migrations.
  void initSchema();
  // Runs SQL text on the scratch database (for fixtures that plant rows).
  void execute(const std::string& sql);
  // Opens a store on the scratch database through the backend's registered factory.
  StoreResult<std::unique_ptr<LeaseStore>> openStore(const DatabaseConfig& config) const;
  StoreResult<std::unique_ptr<LeaseStore>> openStore() const { return openStore(config_); }

 private:
  SqlBackend backend_;
  DatabaseConfig server_;
  DatabaseConfig config_;
};

// A database name unique to this process and `tag`, within both servers' name rules.
std::string scratchName(const std::string& tag);

}  // namespace leasehold::testing
