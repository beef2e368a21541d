// The schema migrations of each SQL backend, embedded in the binaries at build time from
// migrations/postgres/NNN_*.sql and migrations/mysql/NNN_*.sql, and the checks and upgrades
// built on them.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "backends/database_config.h"
#include "backends/sql/sql_connection.h"

namespace leasehold::migrations {

struct Migration {
  int version;             // the schema version after this migration ran
  const char* name;        // the file name's description part ("initial")
  const char* sql;
};

// Returns the migrations of a dialect in version order; the last one's version is the
// schema version this build expects.
std::span<const Migration> migrationsFor(sql::Dialect dialect);
int latestVersion(sql::Dialect dialect);

// Kea's name of the backend on the kea-admin command line ("pgsql", "mysql").
const char* adminBackendName(sql::Dialect dialect);

// The leasehold-admin command that upgrades the database `config` names, with no password.
std::string upgradeCommand(sql::Dialect dialect, const DatabaseConfig& config);

}  // namespace leasehold::migrations
