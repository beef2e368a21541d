// Schema creation, upgrade and version checks, through leasehold-admin and the store's open.
#include <gtest/gtest.h>

#include "migrations/migrations.h"
#include "tests/integration/backends/command_runner.h"
#include "tests/integration/backends/sql_test_database.h"

namespace leasehold::testing {
namespace {

class SchemaMigrationTest : public ::testing::TestWithParam<SqlBackend> {
 protected:
  void SetUp() override {
    std::string error;
    const auto server = configFromEnvironment(GetParam(), error);
    ASSERT_TRUE(server) << error;
    database_ = std::make_unique<ScratchDatabase>(GetParam(), *server, scratchName("schema"));
  }

  CommandResult admin(const std::string& command) {
    const DatabaseConfig& config = database_->config();
    return runCommand({LEASEHOLD_ADMIN_PATH, command, backendName(GetParam()), "-h", config.host,
                       "-P", std::to_string(config.port), "-u", config.user, "-p",
                       config.password, "-n", config.name});
  }

  int latest() const {
    return migrations::latestVersion(GetParam() == SqlBackend::kPostgres ? sql::Dialect::kPostgres
                                                                         : sql::Dialect::kMysql);
  }

  std::unique_ptr<ScratchDatabase> database_;
};

TEST_P(SchemaMigrationTest, DbInitCreatesLatestSchemaInEmptyDatabase) {
  const CommandResult init = admin("db-init");
  EXPECT_EQ(init.exit_code, 0);
  EXPECT_EQ(init.output, std::to_string(latest()) + "\n");

  const CommandResult version = admin("db-version");
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_EQ(version.output, std::to_string(latest()) + "\n");
  auto store = database_->openStore();
  EXPECT_TRUE(store) << store.error().message;
}

TEST_P(SchemaMigrationTest, DbInitRefusesInitializedDatabase) {
  ASSERT_EQ(admin("db-init").exit_code, 0);
  EXPECT_EQ(admin("db-init").exit_code, 1);
}

TEST_P(SchemaMigrationTest, DbUpgradeOfEmptyDatabaseReachesLatest) {
  const CommandResult upgrade = admin("db-upgrade");
  EXPECT_EQ(upgrade.exit_code, 0);
  EXPECT_EQ(upgrade.output, std::to_string(latest()) + "\n");
  EXPECT_EQ(admin("db-upgrade").output, std::to_string(latest()) + "\n");
}

TEST_P(SchemaMigrationTest, DbVersionOfEmptyDatabaseFails) {
  EXPECT_EQ(admin("db-version").exit_code, 1);
}

TEST_P(SchemaMigrationTest, StoreRefusesDatabaseWithoutSchema) {
  const auto store = database_->openStore();
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code, StoreError::Code::kInvalid);
  EXPECT_NE(store.error().message.find("leasehold-admin db-init"), std::string::npos)
      << store.error().message;
}

TEST_P(SchemaMigrationTest, StoreRefusesNewerSchemaNamingBothVersions) {
  database_->initSchema();
  database_->execute(
      "INSERT INTO leasehold_schema_version (version, description) VALUES (999, 'future')");
  const auto store = database_->openStore();
  ASSERT_FALSE(store);
  const std::string& message = store.error().message;
  EXPECT_EQ(store.error().code, StoreError::Code::kInvalid);
  EXPECT_NE(message.find("schema version 999"), std::string::npos) << message;
  EXPECT_NE(message.find("version " + std::to_string(latest())), std::string::npos) << message;
  EXPECT_NE(message.find("leasehold-admin db-upgrade"), std::string::npos) << message;
}

TEST_P(SchemaMigrationTest, StoreRefusesOlderSchemaWithUpgradeCommand) {
  database_->initSchema();
  database_->execute("DELETE FROM leasehold_schema_version");
  database_->execute(
      "INSERT INTO leasehold_schema_version (version, description) VALUES (0, 'older')");
  const auto store = database_->openStore();
  ASSERT_FALSE(store);
  const std::string& message = store.error().message;
  EXPECT_NE(message.find("schema version 0"), std::string::npos) << message;
  EXPECT_NE(message.find("needs version " + std::to_string(latest())), std::string::npos)
      << message;
  EXPECT_NE(message.find("leasehold-admin db-upgrade " + backendName(GetParam()) + " -h " +
                         database_->config().host),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("-p PASSWORD"), std::string::npos) << message;
  EXPECT_EQ(message.find("-p " + database_->config().password), std::string::npos) << message;
}

TEST_P(SchemaMigrationTest, AdminRejectsBadCommandLine) {
  EXPECT_EQ(runCommand({LEASEHOLD_ADMIN_PATH, "db-init", "sqlite", "-n", "x"}).exit_code, 2);
  EXPECT_EQ(runCommand({LEASEHOLD_ADMIN_PATH, "db-init", "pgsql"}).exit_code, 2);
  EXPECT_EQ(runCommand({LEASEHOLD_ADMIN_PATH, "db-init", "pgsql", "-n", "x", "-P", "99999"}).exit_code,
            2);
}

INSTANTIATE_TEST_SUITE_P(Backends, SchemaMigrationTest,
                         ::testing::Values(SqlBackend::kPostgres, SqlBackend::kMysql),
                         [](const auto& info) {
                           return info.param == SqlBackend::kPostgres ? "Postgres" : "Mysql";
                         });

}  // namespace
}  // namespace leasehold::testing
