// leasehold-admin lease-import from a Kea 2.2 lease database created with kea-admin db-init.
#include <gtest/gtest.h>

#include <unistd.h>

#include "tests/integration/backends/command_runner.h"
#include "tests/integration/backends/sql_test_database.h"

namespace leasehold::testing {
namespace {

constexpr const char* kKeaAdmin = "/usr/sbin/kea-admin";

// Creates Kea's schema in `database` with Kea's own tool.
void keaDbInit(SqlBackend backend, const DatabaseConfig& config) {
  std::vector<std::string> argv{kKeaAdmin, "db-init", backendName(backend), "-h", config.host,
                                "-P", std::to_string(config.port), "-u", config.user,
                                "-p", config.password, "-n", config.name};
  if (backend == SqlBackend::kMysql) {
    // kea-admin 2.2 drops -P in the last step of a MySQL db-init, so -x passes the port again.
    argv.insert(argv.end(), {"-x", "--port=" + std::to_string(config.port)});
  }
  const CommandResult result = runCommand(argv);
  ASSERT_EQ(result.exit_code, 0) << "kea-admin db-init failed: " << result.output;
}

// Kea rows: two good leases per family, and rows that must be skipped for a named reason.
void plantKeaLeases(SqlBackend backend, ScratchDatabase& kea) {
  const bool pg = backend == SqlBackend::kPostgres;
  const auto bytes = [pg](const std::string& hex) {
    return pg ? "decode('" + hex + "', 'hex')" : "X'" + hex + "'";
  };
  const auto time = [pg](long seconds) {
    return (pg ? "to_timestamp(" : "FROM_UNIXTIME(") + std::to_string(seconds) + ")";
  };
  const std::string v4 = "INSERT INTO lease4 (address, hwaddr, client_id, valid_lifetime, expire, "
                         "subnet_id, fqdn_fwd, fqdn_rev, hostname, state, user_context) VALUES ";
  // 192.0.2.1 and 192.0.2.2 import; 192.0.2.3 collides with a lease already in the target;
  // 192.0.2.4 expires before its lifetime could have started.
  kea.execute(v4 + "(3221225985, " + bytes("0a0b0c0d0e0f") + ", " + bytes("01020304") +
              ", 3600, " + time(1700003600) + ", 7, " + (pg ? "true, false" : "1, 0") +
              ", 'host-a.example.org', 0, '{\"a\": 1}')");
  kea.execute(v4 + "(3221225986, NULL, NULL, 7200, " + time(1700007200) + ", 7, " +
              (pg ? "false, false" : "0, 0") + ", NULL, 1, NULL)");
  kea.execute(v4 + "(3221225987, " + bytes("0a0b0c0d0e10") + ", NULL, 3600, " + time(1700003600) +
              ", 7, " + (pg ? "false, false" : "0, 0") + ", '', 0, NULL)");
  kea.execute(v4 + "(3221225988, " + bytes("0a0b0c0d0e11") + ", NULL, 3600, " + time(100) +
              ", 7, " + (pg ? "false, false" : "0, 0") + ", '', 0, NULL)");

  const std::string v6 = "INSERT INTO lease6 (address, duid, valid_lifetime, expire, subnet_id, "
                         "pref_lifetime, lease_type, iaid, prefix_len, fqdn_fwd, fqdn_rev, "
                         "hostname, state, hwaddr, hwtype, hwaddr_source, user_context) VALUES ";
  // PostgreSQL's Kea schema keeps IAIDs above 2^31 as negative numbers.
  kea.execute(v6 + "('2001:db8::1', " + bytes("000300010a0b0c0d0e0f") + ", 3600, " +
              time(1700003600) + ", 9, 1800, 0, " + (pg ? "-1" : "4294967295") + ", 128, " +
              (pg ? "false, false" : "0, 0") + ", 'v6.example.org', 0, " + bytes("0a0b0c0d0e0f") +
              ", 1, 4, NULL)");
  kea.execute(v6 + "('2001:db8:1:100::', " + bytes("000300010a0b0c0d0e10") + ", 3600, " +
              time(1700003600) + ", 9, 1800, 2, 5, 56, " + (pg ? "false, false" : "0, 0") +
              ", NULL, 0, NULL, NULL, NULL, NULL)");
  kea.execute(v6 + "('not-an-address', " + bytes("0003") + ", 3600, " + time(1700003600) +
              ", 9, 1800, 0, 1, 128, " + (pg ? "false, false" : "0, 0") +
              ", NULL, 0, NULL, NULL, NULL, NULL)");
}

class LeaseImportTest : public ::testing::TestWithParam<std::pair<SqlBackend, SqlBackend>> {
 protected:
  // GetParam(): (Kea's backend, Leasehold's backend).
  void SetUp() override {
    std::string error;
    const auto kea_server = configFromEnvironment(GetParam().first, error);
    ASSERT_TRUE(kea_server) << error;
    const auto target_server = configFromEnvironment(GetParam().second, error);
    ASSERT_TRUE(target_server) << error;
    ASSERT_EQ(access(kKeaAdmin, X_OK), 0) << kKeaAdmin << " is missing; install kea-admin";
    kea_ = std::make_unique<ScratchDatabase>(GetParam().first, *kea_server,
                                             "kea_" + scratchName("import"));
    target_ = std::make_unique<ScratchDatabase>(GetParam().second, *target_server,
                                                scratchName("import_target"));
    keaDbInit(GetParam().first, kea_->config());
    plantKeaLeases(GetParam().first, *kea_);
    target_->initSchema();
  }

  CommandResult import() {
    const DatabaseConfig& target = target_->config();
    const DatabaseConfig& kea = kea_->config();
    return runCommand({LEASEHOLD_ADMIN_PATH, "lease-import", backendName(GetParam().second),
                       "-h", target.host, "-P", std::to_string(target.port), "-u", target.user,
                       "-p", target.password, "-n", target.name, "--kea-backend",
                       backendName(GetParam().first), "--kea-host", kea.host, "--kea-port",
                       std::to_string(kea.port), "--kea-user", kea.user, "--kea-password",
                       kea.password, "--kea-name", kea.name});
  }

  std::unique_ptr<ScratchDatabase> kea_;
  std::unique_ptr<ScratchDatabase> target_;
};

TEST_P(LeaseImportTest, ImportsGoodRowsAndExplainsSkippedOnes) {
  auto store = target_->openStore();
  ASSERT_TRUE(store) << store.error().message;
  Lease4 existing;
  existing.address = *IPv4Address::parse("192.0.2.3");
  existing.subnet_id = 7;
  existing.hwaddr = *HwAddr::parse("0a:0b:0c:0d:0e:99");
  ASSERT_TRUE((*store)->leases4().add(existing));

  const CommandResult result = import();
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("imported 2 DHCPv4 leases, skipped 2 (1 already in the target, "
                               "1 expire before lifetime)"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("imported 2 DHCPv6 leases, skipped 1 (1 invalid address)"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find("not-an-address"), std::string::npos) << result.output;
  // Skipped DHCPv4 rows are named by dotted address, not by Kea's integer column.
  EXPECT_NE(result.output.find("192.0.2.3: the target already has a lease there"),
            std::string::npos)
      << result.output;

  const auto first = (*store)->leases4().get(*IPv4Address::parse("192.0.2.1"));
  ASSERT_TRUE(first);
  ASSERT_TRUE(first->has_value());
  EXPECT_EQ((*first)->hwaddr.toString(), "0a:0b:0c:0d:0e:0f");
  EXPECT_EQ((*first)->client_id, (std::vector<uint8_t>{1, 2, 3, 4}));
  EXPECT_EQ((*first)->cltt.time_since_epoch(), std::chrono::seconds(1700000000));
  EXPECT_EQ((*first)->valid_lifetime, std::chrono::seconds(3600));
  EXPECT_EQ((*first)->subnet_id, 7u);
  EXPECT_TRUE((*first)->fqdn_fwd);
  EXPECT_EQ((*first)->hostname, "host-a.example.org");
  EXPECT_EQ((*first)->user_context, "{\"a\": 1}");

  const auto declined = (*store)->leases4().get(*IPv4Address::parse("192.0.2.2"));
  ASSERT_TRUE(declined);
  ASSERT_TRUE(declined->has_value());
  EXPECT_EQ((*declined)->state, LeaseState::kDeclined);
  EXPECT_TRUE((*declined)->hwaddr.empty());

  const auto v6 = (*store)->leases6().get(*IPv6Address::parse("2001:db8::1"));
  ASSERT_TRUE(v6);
  ASSERT_TRUE(v6->has_value());
  EXPECT_EQ((*v6)->iaid, 4294967295u);
  EXPECT_EQ((*v6)->hwaddr_source, 4u);
  const auto prefix = (*store)->leases6().get(*IPv6Address::parse("2001:db8:1:100::"));
  ASSERT_TRUE(prefix);
  ASSERT_TRUE(prefix->has_value());
  EXPECT_EQ((*prefix)->type, LeaseType::kPd);
  EXPECT_EQ((*prefix)->prefix_length, 56);
}

TEST_P(LeaseImportTest, SecondImportSkipsEverythingAsPresent) {
  ASSERT_EQ(import().exit_code, 0);
  const CommandResult again = import();
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_NE(again.output.find("imported 0 DHCPv4 leases, skipped 4 (3 already in the target"),
            std::string::npos)
      << again.output;
}

INSTANTIATE_TEST_SUITE_P(
    Backends, LeaseImportTest,
    ::testing::Values(std::pair{SqlBackend::kPostgres, SqlBackend::kPostgres},
                      std::pair{SqlBackend::kMysql, SqlBackend::kMysql},
                      std::pair{SqlBackend::kPostgres, SqlBackend::kMysql}),
    [](const auto& info) {
      const auto name = [](SqlBackend backend) {
        return backend == SqlBackend::kPostgres ? std::string("Postgres") : std::string("Mysql");
      };
      return "Kea" + name(info.param.first) + "To" + name(info.param.second);
    });

}  // namespace
}  // namespace leasehold::testing
