#include "tests/integration/backends/sql_store_fixture.h"

#include <map>

namespace leasehold::testing {

namespace {

std::map<SqlBackend, std::unique_ptr<ScratchDatabase>>& databases() {
  static std::map<SqlBackend, std::unique_ptr<ScratchDatabase>> instances;
  return instances;
}

// Drops the scratch databases when the test program ends.
class DropScratchDatabases : public ::testing::Environment {
 public:
  void TearDown() override { databases().clear(); }
};

const auto* const kDropAtExit =
    ::testing::AddGlobalTestEnvironment(new DropScratchDatabases());

}  // namespace

std::string backendLabel(const ::testing::TestParamInfo<SqlBackend>& info) {
  return info.param == SqlBackend::kPostgres ? "Postgres" : "Mysql";
}

ScratchDatabase& SqlStoreTest::database() {
  auto& slot = databases()[GetParam()];
  if (slot == nullptr) {
    std::string error;
    const auto server = configFromEnvironment(GetParam(), error);
    if (!server) {
      throw std::runtime_error(error);
    }
    slot = std::make_unique<ScratchDatabase>(GetParam(), *server, scratchName("store"));
    slot->initSchema();
  }
  return *slot;
}

void SqlStoreTest::SetUp() {
  std::string error;
  if (!configFromEnvironment(GetParam(), error)) {
    FAIL() << error;
  }
  database().execute("DELETE FROM leasehold_lease4");
  database().execute("DELETE FROM leasehold_lease6");
  auto opened = database().openStore();
  ASSERT_TRUE(opened) << opened.error().message;
  store_ = std::move(*opened);
}

void SqlStoreTest::TearDown() { store_.reset(); }

void SqlStoreTest::reopen(const DatabaseConfig& config) {
  store_.reset();
  auto opened = database().openStore(config);
  ASSERT_TRUE(opened) << opened.error().message;
  store_ = std::move(*opened);
}

int64_t SqlStoreTest::counter(const std::string& name) const {
  for (const auto& [counter_name, value] : store_->counterValues()) {
    if (counter_name == name) {
      return value;
    }
  }
  ADD_FAILURE() << "no counter named " << name;
  return -1;
}

Lease4 SqlStoreTest::lease4(const std::string& address, uint8_t mac_last, SubnetId subnet) {
  Lease4 lease;
  lease.address = v4(address);
  lease.hwaddr.bytes = {0x02, 0x00, 0x00, 0x00, 0x00, mac_last};
  lease.client_id = {0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, mac_last};
  lease.valid_lifetime = std::chrono::seconds(3600);
  lease.cltt = now();
  lease.subnet_id = subnet;
  lease.hostname = "client-" + std::to_string(mac_last) + ".example.org";
  return lease;
}

Lease6 SqlStoreTest::lease6(const std::string& address, uint8_t duid_last, SubnetId subnet) {
  Lease6 lease;
  lease.address = v6(address);
  lease.duid = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, duid_last};
  lease.iaid = 1000u + duid_last;
  lease.preferred_lifetime = std::chrono::seconds(1800);
  lease.valid_lifetime = std::chrono::seconds(3600);
  lease.cltt = now();
  lease.subnet_id = subnet;
  return lease;
}

}  // namespace leasehold::testing
