// leasehold-admin lease-import with Kea memfile lease files: a file into a SQL database, and a
// SQL source into a memfile lease file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "backends/lease_store_registry.h"
#include "backends/memfile/memfile_lease_store.h"
#include "tests/integration/backends/command_runner.h"
#include "tests/integration/backends/sql_test_database.h"

namespace leasehold::testing {
namespace {

// A Kea 2.2 DHCPv4 lease file: 192.0.2.3 is written twice (the later line wins), 192.0.2.1 is
// deleted by a record with valid_lifetime 0, and the last line has a malformed hwaddr.
constexpr const char* kLeaseFile4 =
    "address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,hostname,state,"
    "user_context\n"
    "192.0.2.1,1a:1b:1c:1d:1e:1f,,7200,1900000000,1,0,0,,0,\n"
    "192.0.2.2,01:02:03:04:05:06,01:aa:bb,3600,1900000000,1,1,0,"
    "host&#x2cwith&#x2ccommas.example.org,1,\n"
    "192.0.2.3,1a:1b:1c:1d:1e:20,,7200,1900000000,1,0,0,,0,\n"
    "192.0.2.3,1a:1b:1c:1d:1e:21,,7200,1900000100,1,0,0,updated.example.org,0,\n"
    "192.0.2.1,1a:1b:1c:1d:1e:1f,,0,1899992800,1,0,0,,0,\n"
    "192.0.2.9,zz:zz,,7200,1900000000,1,0,0,,0,\n";

class MemfileImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    const auto server = configFromEnvironment(SqlBackend::kPostgres, error);
    ASSERT_TRUE(server) << error;
    server_ = *server;
    char pattern[] = "/tmp/leasehold-import-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    directory_ = pattern;
  }

  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::vector<std::string> connection(const std::string& command, const std::string& backend,
                                      const std::string& name) {
    return {LEASEHOLD_ADMIN_PATH, command,       backend,      "-h", server_.host,
            "-P",                 std::to_string(server_.port), "-u", server_.user,
            "-p",                 server_.password, "-n",       name};
  }

  DatabaseConfig server_;
  std::string directory_;
};

TEST_F(MemfileImportTest, LeaseFileLoadsIntoPostgres) {
  ScratchDatabase target(SqlBackend::kPostgres, server_, scratchName("file_import"));
  target.initSchema();
  const std::string path = directory_ + "/kea-leases4.csv";
  std::ofstream(path) << kLeaseFile4;

  auto argv = connection("lease-import", "pgsql", target.config().name);
  argv.insert(argv.end(), {"-i", path});
  const CommandResult result = runCommand(argv);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("imported 2 DHCPv4 leases, skipped 1 (1 invalid line)"),
            std::string::npos)
      << result.output;
  EXPECT_NE(result.output.find(path + ":7"), std::string::npos) << result.output;

  auto store = target.openStore();
  ASSERT_TRUE(store) << store.error().message;
  auto& leases = (*store)->leases4();
  EXPECT_FALSE(leases.get(*IPv4Address::parse("192.0.2.1"))->has_value());
  const auto renamed = leases.get(*IPv4Address::parse("192.0.2.2"));
  ASSERT_TRUE(renamed);
  ASSERT_TRUE(renamed->has_value());
  EXPECT_EQ((*renamed)->hostname, "host,with,commas.example.org");
  EXPECT_EQ((*renamed)->state, LeaseState::kDeclined);
  const auto updated = leases.get(*IPv4Address::parse("192.0.2.3"));
  ASSERT_TRUE(updated);
  ASSERT_TRUE(updated->has_value());
  EXPECT_EQ((*updated)->hostname, "updated.example.org");
  EXPECT_EQ((*updated)->cltt.time_since_epoch(), std::chrono::seconds(1900000100 - 7200));
}

TEST_F(MemfileImportTest, ImportRejectsFileOfOtherFamily) {
  const std::string path = directory_ + "/kea-leases4.csv";
  std::ofstream(path) << kLeaseFile4;
  auto argv = connection("lease-import", "pgsql", "unused");
  argv.insert(argv.end(), {"-i", path, "-6"});
  EXPECT_EQ(runCommand(argv).exit_code, 1);

  const std::string not_leases = directory_ + "/notes.txt";
  std::ofstream(not_leases) << "hello\n";
  auto other = connection("lease-import", "pgsql", "unused");
  other.insert(other.end(), {"-i", not_leases});
  EXPECT_EQ(runCommand(other).exit_code, 1);
}

TEST_F(MemfileImportTest, SqlLeasesLoadIntoMemfile) {
  // A Kea 2.2 database on PostgreSQL goes into a memfile lease file, which the memfile store
  // then loads.
  ASSERT_EQ(access("/usr/sbin/kea-admin", X_OK), 0) << "kea-admin is missing";
  ScratchDatabase kea(SqlBackend::kPostgres, server_, "kea_" + scratchName("to_memfile"));
  const CommandResult init = runCommand({"/usr/sbin/kea-admin", "db-init", "pgsql", "-h",
                                         server_.host, "-P", std::to_string(server_.port), "-u",
                                         server_.user, "-p", server_.password, "-n",
                                         kea.config().name});
  ASSERT_EQ(init.exit_code, 0) << init.output;
  kea.execute("INSERT INTO lease4 (address, hwaddr, valid_lifetime, expire, subnet_id, fqdn_fwd, "
              "fqdn_rev, hostname, state) VALUES (3221225985, decode('0a0b0c0d0e0f', 'hex'), "
              "3600, to_timestamp(1900003600), 3, false, false, 'a,b.example.org', 0)");

  const std::string path = directory_ + "/leasehold-leases4.csv";
  std::vector<std::string> argv = {LEASEHOLD_ADMIN_PATH, "lease-import", "memfile", "-n", path,
                                   "-4", "--kea-backend", "pgsql", "--kea-host", server_.host,
                                   "--kea-port", std::to_string(server_.port), "--kea-user",
                                   server_.user, "--kea-password", server_.password,
                                   "--kea-name", kea.config().name};
  const CommandResult result = runCommand(argv);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  EXPECT_NE(result.output.find("imported 1 DHCPv4 leases, skipped 0"), std::string::npos)
      << result.output;

  DatabaseConfig memfile;
  memfile.type = "memfile";
  memfile.family = 4;
  memfile.name = path;
  memfile.lfc_interval = std::chrono::seconds(0);
  LeaseStoreRegistry registry;
  registerMemfileLeaseStore(registry);
  auto store = registry.open(memfile);
  ASSERT_TRUE(store) << store.error().message;
  const auto lease = (*store)->leases4().get(*IPv4Address::parse("192.0.2.1"));
  ASSERT_TRUE(lease);
  ASSERT_TRUE(lease->has_value());
  EXPECT_EQ((*lease)->hostname, "a,b.example.org");
  EXPECT_EQ((*lease)->subnet_id, 3u);
}

}  // namespace
}  // namespace leasehold::testing
