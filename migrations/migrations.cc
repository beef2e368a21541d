#include "migrations/migrations.h"

namespace leasehold::migrations {

extern const Migration kPostgresMigrations[];
extern const size_t kPostgresMigrationCount;
extern const Migration kMysqlMigrations[];
extern const size_t kMysqlMigrationCount;

std::span<const Migration> migrationsFor(sql::Dialect dialect) {
  if (dialect == sql::Dialect::kPostgres) {
    return {kPostgresMigrations, kPostgresMigrationCount};
  }
  return {kMysqlMigrations, kMysqlMigrationCount};
}

int latestVersion(sql::Dialect dialect) {
  const auto migrations = migrationsFor(dialect);
  return migrations.empty() ? 0 : migrations.back().version;
}

const char* adminBackendName(sql::Dialect dialect) {
  return dialect == sql::Dialect::kPostgres ? "pgsql" : "mysql";
}

std::string upgradeCommand(sql::Dialect dialect, const DatabaseConfig& config) {
  std::string command = std::string("leasehold-admin db-upgrade ") + adminBackendName(dialect);
  command += " -h " + config.host;
  if (config.port != 0) {
    command += " -P " + std::to_string(config.port);
  }
  if (!config.user.empty()) {
    command += " -u " + config.user;
  }
  command += " -p PASSWORD -n " + config.name;
  return command;
}

}  // namespace leasehold::migrations
