// The LeaseStore conformance suite: the checks every LeaseStore implementation must pass, taken
// from the contract in backends/lease_store.h. A backend is done when it passes.
//
// Two value-parameterized suites:
//   LeaseStoreConformanceTest  every method of LeaseTable<Lease4> and LeaseTable<Lease6>, called
//                              from one thread;
//   LeaseStoreConcurrencyTest  claims, compare-and-set updates and removes racing on the same
//                              addresses, run once with concurrency off (1 thread doing all the
//                              work) and once with concurrency on (several threads).
//
// Instantiate both for a backend at file scope of its test file, which links the CMake object
// library `leasehold_lease_store_conformance`:
//
//   LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(Postgres, (LeaseStoreBackend{
//       .name = "Postgres",
//       .open = [] { return openTestStore(); },   // a store on the test database
//       .cleanup = [] { wipeTestDatabase(); },
//       .persistent = true,
//       .shared_between_instances = true,
//   }));
//
// The macro takes any expression yielding a LeaseStoreBackend; wrap it in parentheses when it
// contains commas.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "backends/lease_store.h"

namespace leasehold::testing {

// How the suites reach one backend.
struct LeaseStoreBackend {
  // Names the instantiation in test names; letters, digits and '_' only.
  std::string name{};
  // Opens a store on the backend's test data. The suites call it once per test, and again to
  // reopen or to get a second instance. Returning nullptr fails the test.
  std::function<std::unique_ptr<LeaseStore>()> open{};
  // Deletes every lease the tests left (files, rows). Called before each test and after it, once
  // every store the test opened is destroyed. May be empty.
  std::function<void()> cleanup{};
  // True when leases survive destroying the store and calling open() again.
  bool persistent = false;
  // True when two stores returned by open() that are alive at the same time see each other's
  // writes at once (a shared SQL database). The concurrency suite then gives every thread its own
  // store, as separate server nodes would have.
  bool shared_between_instances = false;
  // False when the backend's storage has no column for a DHCPv4 hardware type, so it reads back
  // as 1 (Ethernet) after a reopen. Kea's DHCPv4 lease file format is such a case.
  bool keeps_lease4_hwaddr_type = true;
};

// A backend with the number of threads the concurrency suite runs (1: concurrency off).
struct LeaseStoreConcurrency {
  LeaseStoreBackend backend{};
  unsigned threads = 1;
};

// Returns `backend` with concurrency off and on: 1 and `threads` threads.
std::vector<LeaseStoreConcurrency> withConcurrencyOffAndOn(const LeaseStoreBackend& backend,
                                                           unsigned threads = 8);

void PrintTo(const LeaseStoreBackend& backend, std::ostream* out);
void PrintTo(const LeaseStoreConcurrency& concurrency, std::ostream* out);

std::string backendTestName(const ::testing::TestParamInfo<LeaseStoreBackend>& info);
std::string concurrencyTestName(const ::testing::TestParamInfo<LeaseStoreConcurrency>& info);

// Opens stores and cleans up after them. setUpStore() opens the store that store() returns and
// fails the test, without running its body, when the backend cannot open one.
class LeaseStoreFixture {
 protected:
  explicit LeaseStoreFixture(const LeaseStoreBackend& backend) : backend_(backend) {}

  void setUpStore();
  void tearDownStore();

  // REQUIRES: setUpStore() succeeded.
  LeaseStore& store() { return *store_; }
  // Destroys the current store and opens a new one on the same data. Returns nullptr, and
  // fails the test, when the backend cannot open it.
  LeaseStore* reopen();
  // Opens one more store, which the fixture destroys before cleanup. Returns nullptr, and fails
  // the test, when the backend cannot open it.
  LeaseStore* openAnother();

  const LeaseStoreBackend& backend_;

 private:
  std::unique_ptr<LeaseStore> store_;
  std::vector<std::unique_ptr<LeaseStore>> others_;
};

class LeaseStoreConformanceTest : public ::testing::TestWithParam<LeaseStoreBackend>,
                                  protected LeaseStoreFixture {
 protected:
  LeaseStoreConformanceTest() : LeaseStoreFixture(GetParam()) {}
  void SetUp() override { setUpStore(); }
  void TearDown() override { tearDownStore(); }
};

class LeaseStoreConcurrencyTest : public ::testing::TestWithParam<LeaseStoreConcurrency>,
                                  protected LeaseStoreFixture {
 protected:
  LeaseStoreConcurrencyTest() : LeaseStoreFixture(GetParam().backend) {}
  void SetUp() override { setUpStore(); }
  void TearDown() override { tearDownStore(); }

  unsigned threads() const { return GetParam().threads; }
  // Returns one store per thread: separate instances when the backend shares data between
  // instances, else the same store for every thread. Returns an empty vector, and fails the
  // test, when an instance cannot be opened.
  std::vector<LeaseStore*> storesForThreads();
};

}  // namespace leasehold::testing

// Use at file scope, outside any namespace.
#define LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(prefix, backend)                          \
  namespace leasehold::testing {                                                               \
  INSTANTIATE_TEST_SUITE_P(prefix, LeaseStoreConformanceTest, ::testing::Values(backend),      \
                           backendTestName);                                                   \
  INSTANTIATE_TEST_SUITE_P(prefix, LeaseStoreConcurrencyTest,                                  \
                           ::testing::ValuesIn(withConcurrencyOffAndOn(backend)),              \
                           concurrencyTestName);                                               \
  }                                                                                            \
  static_assert(true, "requires a semicolon after the macro")
