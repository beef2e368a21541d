// Connection settings of both backends, checked without a server.
#include <gtest/gtest.h>

#include "backends/mysql/mysql_connection.h"
#include "backends/postgres/pg_connection.h"
#include "migrations/migrations.h"

namespace leasehold {
namespace {

TEST(PostgresConnectionStringTest, QuotesValuesAndMapsTls) {
  DatabaseConfig config;
  config.host = "db.example.org";
  config.port = 6543;
  config.name = "leases";
  config.user = "kea";
  config.password = "it's\\secret";
  config.connect_timeout = std::chrono::seconds(7);
  config.tcp_user_timeout = std::chrono::seconds(3);
  config.trust_anchor = "/etc/ca.pem";
  const auto text = postgres::connectionString(config);
  ASSERT_TRUE(text) << text.error();
  EXPECT_NE(text->find("host='db.example.org' port=6543 dbname='leases' user='kea'"),
            std::string::npos)
      << *text;
  EXPECT_NE(text->find("password='it\\'s\\\\secret'"), std::string::npos) << *text;
  EXPECT_NE(text->find("connect_timeout=7"), std::string::npos);
  EXPECT_NE(text->find("tcp_user_timeout=3000"), std::string::npos);
  EXPECT_NE(text->find("sslmode='verify-ca' sslrootcert='/etc/ca.pem'"), std::string::npos);
}

TEST(PostgresConnectionStringTest, RejectsCipherList) {
  DatabaseConfig config;
  config.name = "leases";
  config.cipher_list = "AES256-SHA";
  const auto text = postgres::connectionString(config);
  ASSERT_FALSE(text);
  EXPECT_NE(text.error().find("cipher-list"), std::string::npos);
}

TEST(MysqlSettingsTest, RejectsKeysTheDriverCannotHonour) {
  DatabaseConfig config;
  EXPECT_FALSE(mysql::unsupportedSetting(config).has_value());
  config.key_password = "x";
  EXPECT_TRUE(mysql::unsupportedSetting(config).has_value());
}

TEST(UpgradeCommandTest, NamesConnectionWithoutPassword) {
  DatabaseConfig config;
  config.host = "10.0.0.5";
  config.port = 5432;
  config.user = "kea";
  config.password = "hunter2";
  config.name = "leases";
  EXPECT_EQ(migrations::upgradeCommand(sql::Dialect::kPostgres, config),
            "leasehold-admin db-upgrade pgsql -h 10.0.0.5 -P 5432 -u kea -p PASSWORD -n leases");
}

TEST(EmbeddedMigrationsTest, StartAtOneWithoutGaps) {
  for (const auto dialect : {sql::Dialect::kPostgres, sql::Dialect::kMysql}) {
    const auto migrations = migrations::migrationsFor(dialect);
    ASSERT_FALSE(migrations.empty());
    for (size_t i = 0; i < migrations.size(); ++i) {
      EXPECT_EQ(migrations[i].version, static_cast<int>(i + 1));
      EXPECT_NE(std::string(migrations[i].sql).find("CREATE"), std::string::npos);
    }
  }
}

}  // namespace
}  // namespace leasehold
