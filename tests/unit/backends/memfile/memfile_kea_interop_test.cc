// Kea 2.2 reads the lease files this store writes. Kea's lease file cleanup program kea-lfc,
// from Debian's kea-dhcp4-server package, loads a file written here with Kea's CSV reader and
// writes out the leases it understood. Those are compared with what was stored.
#include <gtest/gtest.h>

#include <spawn.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include "backends/memfile/lease_file_loader.h"
#include "tests/unit/backends/lease_store_test_vocabulary.h"
#include "tests/unit/backends/memfile/memfile_test_support.h"

extern char** environ;

namespace leasehold::testing {
namespace {

constexpr const char* kKeaLfc = "/usr/sbin/kea-lfc";

// Runs kea-lfc on `input` (Kea's -x "previous" file). When it is done, the cleaned-up leases
// are in `input` again, in Kea 2.2's format. Returns the exit status, or -1 if it did not run.
int runKeaLfc(const TempDir& dir, const std::string& family, const std::string& input) {
  const std::vector<std::string> arguments{
      kKeaLfc, family, "-x", input, "-i", dir.file("copy.csv"), "-o", dir.file("output.csv"),
      "-f", dir.file("finish.csv"), "-p", dir.file("kea-lfc.pid"), "-c", "ignored"};
  std::vector<char*> argv;
  for (const auto& argument : arguments) {
    argv.push_back(const_cast<char*>(argument.c_str()));
  }
  argv.push_back(nullptr);
  // Kea's logger needs a writable lock file directory; the default is under /run.
  std::vector<std::string> environment{"KEA_LOCKFILE_DIR=" + dir.path(),
                                       "KEA_PIDFILE_DIR=" + dir.path(),
                                       "KEA_LOGGER_DESTINATION=stdout"};
  std::vector<char*> envp;
  for (auto& variable : environment) {
    envp.push_back(variable.data());
  }
  envp.push_back(nullptr);

  pid_t pid = 0;
  if (::posix_spawn(&pid, kKeaLfc, nullptr, nullptr, argv.data(), envp.data()) != 0) {
    return -1;
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
    return -1;
  }
  return WEXITSTATUS(status);
}

// Kea 2.2 predates pool_id and rewrites user contexts in its own JSON layout, so compare those
// through their meaning.
template <typename LeaseT>
LeaseT asKea22Keeps(LeaseT lease) {
  lease.pool_id = 0;
  if (!lease.user_context.empty()) {
    lease.user_context = nlohmann::json::parse(lease.user_context).dump();
  }
  return lease;
}

template <typename LeaseT>
std::vector<LeaseT> loadAsKea22Keeps(const std::string& path) {
  memfile::LeaseMap<LeaseT> leases;
  std::vector<memfile::LeaseFileProblem> problems;
  auto loaded = memfile::loadLeaseFile<LeaseT>(path, leases, 0, problems);
  EXPECT_TRUE(succeeded(loaded));
  EXPECT_TRUE(problems.empty()) << problems.front().toString();
  std::vector<LeaseT> result;
  for (const auto& [address, lease] : leases) {
    result.push_back(asKea22Keeps(lease));
  }
  return result;
}

class MemfileKeaInteropTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(::access(kKeaLfc, X_OK), 0)
        << kKeaLfc << " is missing; install kea-dhcp4-server (scripts/lib/install-deps does)";
  }

  TempDir dir_;
};

// Newlines are left out of hostnames: Kea 2.2 reads "&#x0a" back, but its own writer then
// puts the raw newline into its output and breaks the record in two.
TEST_F(MemfileKeaInteropTest, KeaLfcReadsEveryLease4Field) {
  std::vector<Lease4> stored;
  {
    MemfileOptions options;
    options.lease_file4 = dir_.file("leases4.csv");
    auto store = openMemfile(options);
    ASSERT_TRUE(store);
    auto& table = store->leases4();
    auto every = Family<Lease4>::lease(1);
    every.client_id = {0x01, 0x2c, 0x26, 0x00};
    every.valid_lifetime = std::chrono::seconds{kMaxLifetimeSeconds};
    every.fqdn_fwd = true;
    every.hostname = "host,with&commas\xc3\xa9.example.org";
    every.state = LeaseState::kExpiredReclaimed;
    every.user_context = R"({"comment": "a, b & c", "list": [1, 2]})";
    every.pool_id = 5;
    auto declined = Family<Lease4>::lease(2);
    declined.hwaddr = HwAddr{};
    declined.client_id.clear();
    declined.state = LeaseState::kDeclined;
    auto removed = Family<Lease4>::lease(3);
    for (const auto& lease : {every, declined, removed}) {
      ASSERT_TRUE(succeeded(table.add(lease)));
    }
    ASSERT_TRUE(succeeded(table.remove(removed.address, nullptr)));
    auto renewed = every;
    renewed.cltt += 600s;
    ASSERT_TRUE(succeeded(table.update(renewed, &every)));
    stored = allLeases(table);
  }

  ASSERT_EQ(runKeaLfc(dir_, "-4", dir_.file("leases4.csv")), 0);
  // Kea 2.2's header, without pool_id, shows that Kea rewrote the file.
  EXPECT_TRUE(readFile(dir_.file("leases4.csv"))
                  .starts_with("address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,"
                               "fqdn_rev,hostname,state,user_context\n"));

  std::vector<Lease4> expected;
  for (const auto& lease : stored) {
    expected.push_back(asKea22Keeps(lease));
  }
  EXPECT_EQ(loadAsKea22Keeps<Lease4>(dir_.file("leases4.csv")), expected);
}

TEST_F(MemfileKeaInteropTest, KeaLfcReadsEveryLease6Field) {
  std::vector<Lease6> stored;
  {
    MemfileOptions options;
    options.lease_file6 = dir_.file("leases6.csv");
    auto store = openMemfile(options);
    ASSERT_TRUE(store);
    auto& table = store->leases6();
    auto address = Family<Lease6>::lease(1);
    address.hostname = "six,host&.example.org";
    address.hwaddr = HwAddr{6, {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f}};
    address.hwaddr_source = 4;
    address.user_context = R"({"x": {"y": "1,2"}})";
    address.fqdn_rev = true;
    auto prefix = Family<Lease6>::lease(2);
    prefix.address = v6("2001:db8:ff00::");
    prefix.type = LeaseType::kPd;
    prefix.prefix_length = 48;
    prefix.hwaddr = HwAddr{};
    prefix.hwaddr_source = 0;
    prefix.state = LeaseState::kDeclined;
    auto temporary = Family<Lease6>::lease(3);
    temporary.type = LeaseType::kTa;
    temporary.iaid = 0xffffffff;
    auto removed = Family<Lease6>::lease(4);
    for (const auto& lease : {address, prefix, temporary, removed}) {
      ASSERT_TRUE(succeeded(table.add(lease)));
    }
    ASSERT_TRUE(succeeded(table.remove(removed.address, &removed)));
    stored = allLeases(table);
  }

  ASSERT_EQ(runKeaLfc(dir_, "-6", dir_.file("leases6.csv")), 0);
  EXPECT_TRUE(readFile(dir_.file("leases6.csv"))
                  .starts_with("address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,"
                               "lease_type,iaid,prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,"
                               "state,user_context,hwtype,hwaddr_source\n"));

  std::vector<Lease6> expected;
  for (const auto& lease : stored) {
    expected.push_back(asKea22Keeps(lease));
  }
  EXPECT_EQ(loadAsKea22Keeps<Lease6>(dir_.file("leases6.csv")), expected);
}

}  // namespace
}  // namespace leasehold::testing
