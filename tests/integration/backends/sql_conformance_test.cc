// The LeaseStore conformance suite on PostgreSQL and MySQL, with concurrency off and on. Every
// store the suite opens is a separate instance on one shared database, as separate server
// nodes would be.
#include <iostream>
#include <map>

#include "tests/integration/backends/sql_test_database.h"
#include "tests/unit/backends/lease_store_conformance.h"

namespace leasehold::testing {
namespace {

std::map<SqlBackend, std::unique_ptr<ScratchDatabase>>& databases() {
  static std::map<SqlBackend, std::unique_ptr<ScratchDatabase>> instances;
  return instances;
}

// Drops the scratch databases after the last test, while the client libraries still work (at
// static destruction time they may not).
class DropConformanceDatabases : public ::testing::Environment {
 public:
  void TearDown() override { databases().clear(); }
};

const auto* const kDropAtEnd = ::testing::AddGlobalTestEnvironment(new DropConformanceDatabases());

// The scratch database of each backend, created with the schema on first use.
ScratchDatabase* conformanceDatabase(SqlBackend backend) {
  auto& slot = databases()[backend];
  if (slot == nullptr) {
    std::string error;
    const auto server = configFromEnvironment(backend, error);
    if (!server) {
      std::cerr << error << "\n";
      return nullptr;
    }
    slot = std::make_unique<ScratchDatabase>(backend, *server, scratchName("conformance"));
    slot->initSchema();
  }
  return slot.get();
}

std::unique_ptr<LeaseStore> openConformanceStore(SqlBackend backend) {
  ScratchDatabase* database = conformanceDatabase(backend);
  if (database == nullptr) {
    return nullptr;
  }
  auto store = database->openStore();
  if (!store) {
    std::cerr << "opening the test store failed: " << store.error().message << "\n";
    return nullptr;
  }
  return std::move(*store);
}

void wipeConformanceDatabase(SqlBackend backend) {
  if (ScratchDatabase* database = conformanceDatabase(backend)) {
    database->execute("DELETE FROM leasehold_lease4");
    database->execute("DELETE FROM leasehold_lease6");
  }
}

LeaseStoreBackend sqlBackend(SqlBackend backend, const std::string& name) {
  return LeaseStoreBackend{
      .name = name,
      .open = [backend] { return openConformanceStore(backend); },
      .cleanup = [backend] { wipeConformanceDatabase(backend); },
      .persistent = true,
      .shared_between_instances = true,
  };
}

}  // namespace
}  // namespace leasehold::testing

LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(Postgres, sqlBackend(SqlBackend::kPostgres, "Postgres"));
LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(Mysql, sqlBackend(SqlBackend::kMysql, "Mysql"));
