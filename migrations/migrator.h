// Reading, checking and upgrading the schema version of a lease database.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backends/database_config.h"
#include "backends/sql/sql_connection.h"

namespace leasehold::migrations {

struct SchemaVersion {
  bool initialized = false;  // false when the version table does not exist
  int version = 0;
};

// Reads the schema version. Throws sql::SqlError when the server fails the query.
SchemaVersion readSchemaVersion(sql::SqlConnection& connection);

// Returns nullopt when the database has exactly the schema this build expects, else the
// message that tells the operator both versions and the command that fixes it.
std::optional<std::string> checkSchema(sql::SqlConnection& connection,
                                       const DatabaseConfig& config);

// Applies, in order, every migration above the current version, each recording its version,
// and returns the versions applied (none when the schema is current). On PostgreSQL each
// migration runs in one transaction; MySQL commits each DDL statement as it goes. Throws
// sql::SqlError when a statement fails, and std::runtime_error when the database has a newer
// schema than this build knows.
std::vector<int> upgrade(sql::SqlConnection& connection);

}  // namespace leasehold::migrations
