// Fixture for tests that run against both SQL lease backends: one scratch database per backend
// for the whole test program, emptied before each test, and a vocabulary for building leases.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>

#include "backends/lease.h"
#include "backends/lease_store.h"
#include "tests/integration/backends/sql_test_database.h"

namespace leasehold::testing {

class SqlStoreTest : public ::testing::TestWithParam<SqlBackend> {
 protected:
  void SetUp() override;
  void TearDown() override;

  // The backend's shared scratch database, created with the schema on first use.
  ScratchDatabase& database();
  LeaseStore& store() { return *store_; }
  LeaseTable<Lease4>& leases4() { return store_->leases4(); }
  LeaseTable<Lease6>& leases6() { return store_->leases6(); }
  // Reopens the store with `config` (e.g. readonly); the old one is closed first.
  void reopen(const DatabaseConfig& config);
  int64_t counter(const std::string& name) const;

  static UnixTime now() { return UnixTime(std::chrono::seconds(1'700'000'000)); }
  static Lease4 lease4(const std::string& address, uint8_t mac_last = 1, SubnetId subnet = 1);
  static Lease6 lease6(const std::string& address, uint8_t duid_last = 1, SubnetId subnet = 1);
  static IPv4Address v4(const std::string& text) { return *IPv4Address::parse(text); }
  static IPv6Address v6(const std::string& text) { return *IPv6Address::parse(text); }

  std::unique_ptr<LeaseStore> store_;
};

std::string backendLabel(const ::testing::TestParamInfo<SqlBackend>& info);

}  // namespace leasehold::testing
