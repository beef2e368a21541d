// Three node processes claim one pool in a shared database: no address is leased twice, the
// pool ends full, and a node killed with SIGKILL loses none of the leases it acknowledged.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <map>
#include <set>
#include <sstream>

#include "tests/integration/backends/command_runner.h"
#include "tests/integration/backends/sql_test_database.h"

namespace leasehold::testing {
namespace {

class MultiNodeTest : public ::testing::TestWithParam<SqlBackend> {
 protected:
  void SetUp() override {
    std::string error;
    const auto server = configFromEnvironment(GetParam(), error);
    ASSERT_TRUE(server) << error;
    database_ = std::make_unique<ScratchDatabase>(GetParam(), *server, scratchName("nodes"));
    database_->initSchema();
  }

  Child startNode(int node, const std::string& first, const std::string& last) {
    const DatabaseConfig& config = database_->config();
    return startCommand({LEASEHOLD_POOL_CLAIMER_PATH, config.type, config.host,
                         std::to_string(config.port), config.user, config.password, config.name,
                         std::to_string(node), first, last});
  }

  // Stored leases: address -> node byte of the hardware address.
  std::map<std::string, int> storedLeases() {
    auto connection = connectRaw(GetParam(), database_->config());
    const bool pg = GetParam() == SqlBackend::kPostgres;
    const auto rows = connection->query(
        {"stored", std::string("SELECT address, ") +
                       (pg ? "get_byte(hwaddr, 3)" : "ASCII(SUBSTRING(hwaddr, 4, 1))") +
                       " FROM leasehold_lease4"},
        {});
    std::map<std::string, int> leases;
    for (const auto& row : rows) {
      leases[IPv4Address(static_cast<uint32_t>(std::stoul(*row[0]))).toString()] =
          std::stoi(*row[1]);
    }
    return leases;
  }

  static std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream stream(text);
    std::string line;
    while (std::getline(stream, line)) {
      result.push_back(line);
    }
    return result;
  }

  std::unique_ptr<ScratchDatabase> database_;
};

TEST_P(MultiNodeTest, ThreeNodesFillOnePoolWithoutDuplicates) {
  // 10.20.0.0 - 10.20.1.243: 500 addresses.
  std::vector<Child> nodes;
  for (int node = 1; node <= 3; ++node) {
    nodes.push_back(startNode(node, "10.20.0.0", "10.20.1.243"));
  }
  std::map<std::string, int> acknowledged_by;
  for (int node = 1; node <= 3; ++node) {
    const CommandResult result = finishCommand(nodes[node - 1]);
    EXPECT_EQ(result.exit_code, 0) << "node " << node;
    for (const std::string& address : lines(result.output)) {
      const auto [it, inserted] = acknowledged_by.emplace(address, node);
      EXPECT_TRUE(inserted) << address << " acknowledged by nodes " << it->second << " and "
                            << node;
    }
  }
  EXPECT_EQ(acknowledged_by.size(), 500u);
  const auto stored = storedLeases();
  EXPECT_EQ(stored.size(), 500u);
  for (const auto& [address, node] : acknowledged_by) {
    const auto found = stored.find(address);
    ASSERT_NE(found, stored.end()) << address;
    EXPECT_EQ(found->second, node) << address << " is stored for another node";
  }
}

TEST_P(MultiNodeTest, KilledNodeLosesNoAcknowledgedLease) {
  // 10.21.0.0 - 10.21.7.207: 2000 addresses.
  std::vector<Child> nodes;
  for (int node = 1; node <= 3; ++node) {
    nodes.push_back(startNode(node, "10.21.0.0", "10.21.7.207"));
  }

  // Read what node 1 acknowledges until 100 leases, then kill it without warning.
  std::string node1_output;
  char buffer[512];
  while (std::count(node1_output.begin(), node1_output.end(), '\n') < 100) {
    const ssize_t count = read(nodes[0].output_fd, buffer, sizeof(buffer));
    ASSERT_GT(count, 0) << "node 1 ended before acknowledging 100 leases";
    node1_output.append(buffer, static_cast<size_t>(count));
  }
  ASSERT_EQ(kill(nodes[0].pid, SIGKILL), 0);
  const CommandResult killed = finishCommand(nodes[0]);
  node1_output += killed.output;
  // A line cut by the kill was not acknowledged.
  if (!node1_output.empty() && node1_output.back() != '\n') {
    node1_output.erase(node1_output.rfind('\n') + 1);
  }

  std::set<std::string> acknowledged;
  for (const std::string& address : lines(node1_output)) {
    acknowledged.insert(address);
  }
  for (int node = 2; node <= 3; ++node) {
    const CommandResult result = finishCommand(nodes[node - 1]);
    EXPECT_EQ(result.exit_code, 0) << "node " << node;
    for (const std::string& address : lines(result.output)) {
      EXPECT_TRUE(acknowledged.insert(address).second) << address << " acknowledged twice";
    }
  }

  const auto stored = storedLeases();
  EXPECT_EQ(stored.size(), 2000u);
  for (const std::string& address : lines(node1_output)) {
    const auto found = stored.find(address);
    ASSERT_NE(found, stored.end()) << "lease " << address << " acknowledged by the killed node is lost";
    EXPECT_EQ(found->second, 1) << address;
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, MultiNodeTest,
                         ::testing::Values(SqlBackend::kPostgres, SqlBackend::kMysql),
                         [](const auto& info) {
                           return info.param == SqlBackend::kPostgres ? "Postgres" : "Mysql";
                         });

}  // namespace
}  // namespace leasehold::testing
