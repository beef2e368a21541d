#include "tests/integration/backends/sql_test_database.h"

#include <unistd.h>

#include <cstdlib>
#include <sstream>
#include <stdexcept>

#include "backends/lease_store_registry.h"
#include "backends/mysql/mysql_connection.h"
#include "backends/mysql/mysql_lease_store.h"
#include "backends/postgres/pg_connection.h"
#include "backends/postgres/postgres_lease_store.h"
#include "migrations/migrator.h"

namespace leasehold::testing {

std::string backendName(SqlBackend backend) {
  return backend == SqlBackend::kPostgres ? "pgsql" : "mysql";
}

std::optional<DatabaseConfig> configFromEnvironment(SqlBackend backend, std::string& error) {
  const char* variable =
      backend == SqlBackend::kPostgres ? "LEASEHOLD_TEST_PG" : "LEASEHOLD_TEST_MYSQL";
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0') {
    error = std::string(variable) +
            " is not set; run the integration tests through scripts/test, which starts the "
            "test databases, or eval \"$(scripts/lib/databases env)\" first";
    return std::nullopt;
  }
  DatabaseConfig config;
  config.type = backend == SqlBackend::kPostgres ? "postgresql" : "mysql";
  std::istringstream words(value);
  std::string word;
  while (words >> word) {
    const size_t equals = word.find('=');
    if (equals == std::string::npos) {
      error = std::string(variable) + " has \"" + word + "\", not key=value";
      return std::nullopt;
    }
    const std::string key = word.substr(0, equals);
    const std::string text = word.substr(equals + 1);
    if (key == "host") {
      config.host = text;
    } else if (key == "port") {
      config.port = static_cast<uint16_t>(std::stoul(text));
    } else if (key == "dbname") {
      config.name = text;
    } else if (key == "user") {
      config.user = text;
    } else if (key == "password") {
      config.password = text;
    }
  }
  return config;
}

std::unique_ptr<sql::SqlConnection> connectRaw(SqlBackend backend, const DatabaseConfig& config) {
  if (backend == SqlBackend::kPostgres) {
    auto text = postgres::connectionString(config);
    if (!text) {
      throw std::runtime_error(text.error());
    }
    return std::make_unique<postgres::PgConnection>(*text, false);
  }
  return std::make_unique<mysql::MysqlConnection>(config);
}

std::string scratchName(const std::string& tag) {
  std::string name = "leasehold_t_" + tag + "_" + std::to_string(getpid());
  return name.substr(0, 60);
}

ScratchDatabase::ScratchDatabase(SqlBackend backend, const DatabaseConfig& server,
                                 const std::string& name)
    : backend_(backend), server_(server), config_(server) {
  config_.name = name;
  auto admin = connectRaw(backend_, server_);
  admin->executeScript("DROP DATABASE IF EXISTS " + name);
  admin->executeScript("CREATE DATABASE " + name);
}

ScratchDatabase::~ScratchDatabase() {
  try {
    auto admin = connectRaw(backend_, server_);
    if (backend_ == SqlBackend::kPostgres) {
      // Sessions of a store still closing would make DROP DATABASE fail.
      admin->executeScript("DROP DATABASE IF EXISTS " + config_.name + " WITH (FORCE)");
    } else {
      admin->executeScript("DROP DATABASE IF EXISTS " + config_.name);
    }
  } catch (const std::exception&) {
    // A database left behind is dropped by the next run's constructor.
  }
}

void ScratchDatabase::initSchema() {
  auto connection = connectRaw(backend_, config_);
  migrations::upgrade(*connection);
}

void ScratchDatabase::execute(const std::string& sql) {
  auto connection = connectRaw(backend_, config_);
  connection->executeScript(sql);
}

StoreResult<std::unique_ptr<LeaseStore>> ScratchDatabase::openStore(
    const DatabaseConfig& config) const {
  LeaseStoreRegistry registry;
  registerPostgresLeaseStore(registry);
  registerMysqlLeaseStore(registry);
  return registry.open(config);
}

}  // namespace leasehold::testing
