// The LeaseStore conformance suite for MemfileLeaseStore: with lease files, with lease files
// compacted on every open, and in memory only (persist false).
#include "tests/unit/backends/lease_store_conformance.h"
#include "tests/unit/backends/memfile/memfile_test_support.h"

namespace leasehold::testing {
namespace {

const TempDir& conformanceDir() {
  static const TempDir directory;
  return directory;
}

std::unique_ptr<LeaseStore> openWithFiles(bool compact_on_open) {
  auto store = openMemfile(memfileOptionsIn(conformanceDir().path()));
  if (store && compact_on_open) {
    auto compacted = store->compactNow();
    EXPECT_TRUE(compacted.hasValue()) << compacted.error().message;
  }
  return store;
}

}  // namespace
}  // namespace leasehold::testing

LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(
    MemfilePersist, (LeaseStoreBackend{
                        .name = "MemfilePersist",
                        .open = [] { return openWithFiles(false); },
                        .cleanup = [] { conformanceDir().clear(); },
                        .persistent = true,
                        .keeps_lease4_hwaddr_type = false,
                    }));

LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(
    MemfileCompactOnOpen, (LeaseStoreBackend{
                              .name = "MemfileCompactOnOpen",
                              .open = [] { return openWithFiles(true); },
                              .cleanup = [] { conformanceDir().clear(); },
                              .persistent = true,
                              .keeps_lease4_hwaddr_type = false,
                          }));

LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(
    MemfileInMemory, (LeaseStoreBackend{
                         .name = "MemfileInMemory",
                         .open = [] { return openMemfile(MemfileOptions{}); },
                     }));
