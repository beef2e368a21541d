// Conformance checks for single-lease reads and writes: get, add, update, remove, wipe, count,
// field round trips and reopening. Queries are in lease_store_conformance_queries.cc and races in
// lease_store_conformance_concurrency.cc.
#include "tests/unit/backends/lease_store_conformance.h"

#include <algorithm>
#include <functional>

#include "tests/unit/backends/lease_store_test_vocabulary.h"

namespace leasehold::testing {

using Code = StoreError::Code;

std::vector<LeaseStoreConcurrency> withConcurrencyOffAndOn(const LeaseStoreBackend& backend,
                                                           unsigned threads) {
  return {LeaseStoreConcurrency{backend, 1}, LeaseStoreConcurrency{backend, threads}};
}

void PrintTo(const LeaseStoreBackend& backend, std::ostream* out) { *out << backend.name; }

void PrintTo(const LeaseStoreConcurrency& concurrency, std::ostream* out) {
  *out << concurrency.backend.name << " with " << concurrency.threads << " threads";
}

std::string backendTestName(const ::testing::TestParamInfo<LeaseStoreBackend>& info) {
  return info.param.name;
}

std::string concurrencyTestName(const ::testing::TestParamInfo<LeaseStoreConcurrency>& info) {
  if (info.param.threads <= 1) {
    return info.param.backend.name + "_ConcurrencyOff";
  }
  return info.param.backend.name + "_Threads" + std::to_string(info.param.threads);
}

void LeaseStoreFixture::setUpStore() {
  ASSERT_TRUE(backend_.open) << "LeaseStoreBackend " << backend_.name << " has no open function";
  if (backend_.cleanup) {
    backend_.cleanup();
  }
  store_ = backend_.open();
  ASSERT_TRUE(store_) << "LeaseStoreBackend " << backend_.name << " failed to open a store";
}

void LeaseStoreFixture::tearDownStore() {
  others_.clear();
  store_.reset();
  if (backend_.cleanup) {
    backend_.cleanup();
  }
}

LeaseStore* LeaseStoreFixture::reopen() {
  store_.reset();
  store_ = backend_.open();
  EXPECT_TRUE(store_) << "LeaseStoreBackend " << backend_.name << " failed to reopen a store";
  return store_.get();
}

LeaseStore* LeaseStoreFixture::openAnother() {
  auto other = backend_.open();
  if (!other) {
    ADD_FAILURE() << "LeaseStoreBackend " << backend_.name << " failed to open another store";
    return nullptr;
  }
  others_.push_back(std::move(other));
  return others_.back().get();
}

namespace {

constexpr LeaseState kEveryState[] = {LeaseState::kDefault, LeaseState::kDeclined,
                                      LeaseState::kExpiredReclaimed, LeaseState::kReleased,
                                      LeaseState::kRegistered};

// A DHCPv4 lease that sets every field to a value other than its default, with text that needs
// escaping in a CSV file.
Lease4 leaseWithEveryField4() {
  Lease4 lease;
  lease.address = v4("192.0.2.77");
  lease.hwaddr = HwAddr{6, {0x00, 0x1b, 0x21, 0xaa, 0xbb, 0xcc, 0xdd, 0xee}};
  lease.client_id = {0xff, 0x00, 0x01, 0x02, 0x03, 0x2c, 0x26};
  lease.valid_lifetime = std::chrono::seconds{kMaxLifetimeSeconds};
  lease.cltt = kT0 + 12345s;
  lease.subnet_id = 0xfffffffe;
  lease.fqdn_fwd = true;
  lease.fqdn_rev = false;
  lease.hostname = "Host,with,commas&#x2c;amp\nnewline\ttab,\xc3\xa9.example.org";
  lease.state = LeaseState::kDeclined;
  lease.user_context = R"({"comment": "a, b & c", "nested": {"list": [1, 2, 3]}})";
  lease.pool_id = 0xfffffff0;
  return lease;
}

Lease6 leaseWithEveryField6() {
  Lease6 lease;
  lease.address = v6("2001:db8:ff00::");
  lease.prefix_length = 40;
  lease.type = LeaseType::kPd;
  lease.duid.assign(kMaxDuidLength, 0x5a);
  lease.duid[0] = 0x00;
  lease.duid[1] = 0x02;
  lease.iaid = 0xffffffff;
  lease.preferred_lifetime = 1234s;
  lease.valid_lifetime = 5678s;
  lease.cltt = kT0 + 99s;
  lease.subnet_id = 0x7fffffff;
  lease.fqdn_fwd = false;
  lease.fqdn_rev = true;
  lease.hostname = "six,with,commas&amp;.example.org";
  lease.hwaddr = HwAddr{6, {0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14,
                            0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d}};
  lease.hwaddr_source = 64;
  lease.state = LeaseState::kReleased;
  lease.user_context = R"({"a": "1,2", "b": {"c": null}})";
  lease.pool_id = 42;
  return lease;
}

// Leases that validateLease() rejects, each with the reason.
std::vector<std::pair<std::string, Lease4>> invalidLeases4() {
  using F = Family<Lease4>;
  std::vector<std::pair<std::string, Lease4>> cases;
  auto add = [&](std::string reason, const std::function<void(Lease4&)>& change) {
    Lease4 lease = F::lease(5);
    change(lease);
    cases.emplace_back(std::move(reason), std::move(lease));
  };
  add("hwaddr of 21 bytes", [](Lease4& l) { l.hwaddr.bytes.assign(21, 0x11); });
  add("client_id of 1 byte", [](Lease4& l) { l.client_id = {0x01}; });
  add("client_id of 256 bytes", [](Lease4& l) { l.client_id.assign(256, 0x01); });
  add("no hwaddr and no client_id", [](Lease4& l) {
    l.hwaddr = HwAddr{};
    l.client_id.clear();
  });
  add("user_context that is a list", [](Lease4& l) { l.user_context = "[1, 2]"; });
  add("user_context that is not JSON", [](Lease4& l) { l.user_context = "{oops"; });
  add("valid_lifetime above 32 bits",
      [](Lease4& l) { l.valid_lifetime = std::chrono::seconds{kMaxLifetimeSeconds + 1}; });
  add("negative valid_lifetime", [](Lease4& l) { l.valid_lifetime = -1s; });
  add("cltt before 1970", [](Lease4& l) { l.cltt = UnixTime{-1s}; });
  add("state out of range", [](Lease4& l) { l.state = static_cast<LeaseState>(9); });
  add("hostname of 256 characters", [](Lease4& l) { l.hostname.assign(256, 'a'); });
  return cases;
}

std::vector<std::pair<std::string, Lease6>> invalidLeases6() {
  using F = Family<Lease6>;
  std::vector<std::pair<std::string, Lease6>> cases;
  auto add = [&](std::string reason, const std::function<void(Lease6&)>& change) {
    Lease6 lease = F::lease(5);
    change(lease);
    cases.emplace_back(std::move(reason), std::move(lease));
  };
  add("empty duid", [](Lease6& l) { l.duid.clear(); });
  add("duid of 129 bytes", [](Lease6& l) { l.duid.assign(129, 0x01); });
  add("address lease with prefix_length 64", [](Lease6& l) { l.prefix_length = 64; });
  add("prefix lease with prefix_length 129", [](Lease6& l) {
    l.type = LeaseType::kPd;
    l.prefix_length = 129;
  });
  add("prefix lease with prefix_length 0", [](Lease6& l) {
    l.type = LeaseType::kPd;
    l.prefix_length = 0;
  });
  add("type out of range", [](Lease6& l) { l.type = static_cast<LeaseType>(3); });
  add("preferred_lifetime above 32 bits",
      [](Lease6& l) { l.preferred_lifetime = std::chrono::seconds{kMaxLifetimeSeconds + 1}; });
  add("hwaddr of 21 bytes", [](Lease6& l) { l.hwaddr.bytes.assign(21, 0x11); });
  add("user_context that is a string", [](Lease6& l) { l.user_context = "\"text\""; });
  add("state out of range", [](Lease6& l) { l.state = static_cast<LeaseState>(5); });
  return cases;
}

// Sorts counts so that two results in different orders compare equal.
std::vector<LeaseCount> sorted(std::vector<LeaseCount> counts) {
  std::sort(counts.begin(), counts.end(), [](const LeaseCount& a, const LeaseCount& b) {
    return std::tuple(a.subnet_id, a.type, a.state, a.count) <
           std::tuple(b.subnet_id, b.type, b.state, b.count);
  });
  return counts;
}

template <typename LeaseT>
std::vector<LeaseCount> countsOf(LeaseTable<LeaseT>& table, std::optional<SubnetId> subnet_id) {
  auto counts = table.count(subnet_id);
  EXPECT_TRUE(succeeded(counts));
  return counts ? sorted(*counts) : std::vector<LeaseCount>{};
}

TEST_P(LeaseStoreConformanceTest, GetUnknownAddressReturnsNothing) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    auto found = table.get(F::address(1));
    ASSERT_TRUE(succeeded(found));
    EXPECT_FALSE(found->has_value());
  });
}

TEST_P(LeaseStoreConformanceTest, GetReturnsExpiredLease) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    auto lease = F::lease(1);
    lease.cltt = kT0 - 100000s;
    ASSERT_TRUE(succeeded(table.add(lease)));

    EXPECT_EQ(storedLease(table, lease.address), lease);
  });
}

TEST_P(LeaseStoreConformanceTest, EmptyTableReturnsNothing) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());

    EXPECT_TRUE(allLeases(table).empty());
    auto expired = table.findExpired(kT0 + 1000000s, 0);
    ASSERT_TRUE(succeeded(expired));
    EXPECT_TRUE(expired->empty());
    auto wiped = table.wipe(std::nullopt);
    ASSERT_TRUE(succeeded(wiped));
    EXPECT_EQ(*wiped, 0u);
    EXPECT_TRUE(countsOf(table, std::nullopt).empty());
    EXPECT_TRUE(countsOf(table, 1).empty());
    EXPECT_TRUE(failedWith(table.update(F::lease(1), nullptr), Code::kNotFound));
    EXPECT_TRUE(failedWith(table.remove(F::address(1), nullptr), Code::kNotFound));
  });
}

TEST_P(LeaseStoreConformanceTest, RoundTripKeepsEveryLease4Field) {
  auto& table = store().leases4();
  const Lease4 lease = leaseWithEveryField4();
  ASSERT_TRUE(succeeded(table.add(lease)));

  EXPECT_EQ(storedLease(table, lease.address), lease);
  LeaseQuery4 by_hwaddr;
  by_hwaddr.hwaddr = lease.hwaddr;
  auto found = table.find(by_hwaddr);
  ASSERT_TRUE(succeeded(found));
  EXPECT_EQ(*found, std::vector<Lease4>{lease});
}

TEST_P(LeaseStoreConformanceTest, RoundTripKeepsEveryLease6Field) {
  auto& table = store().leases6();
  const Lease6 lease = leaseWithEveryField6();
  ASSERT_TRUE(succeeded(table.add(lease)));

  EXPECT_EQ(storedLease(table, lease.address), lease);
  LeaseQuery6 by_duid;
  by_duid.duid = lease.duid;
  auto found = table.find(by_duid);
  ASSERT_TRUE(succeeded(found));
  EXPECT_EQ(*found, std::vector<Lease6>{lease});
}

TEST_P(LeaseStoreConformanceTest, RoundTripKeepsMinimalLeases) {
  // Lifetimes are 1 s rather than 0, which a backend may reject (memfile marks deleted leases
  // with 0).
  Lease4 lease4;
  lease4.address = v4("192.0.2.1");
  lease4.hwaddr = HwAddr{1, {0x01, 0x02, 0x03, 0x04, 0x05, 0x06}};
  lease4.valid_lifetime = 1s;
  ASSERT_TRUE(succeeded(store().leases4().add(lease4)));
  Lease4 declined;
  declined.address = v4("192.0.2.2");
  declined.state = LeaseState::kDeclined;
  declined.valid_lifetime = 1s;
  ASSERT_TRUE(succeeded(store().leases4().add(declined)));
  Lease6 lease6;
  lease6.address = v6("2001:db8::1");
  lease6.duid = {0x00};
  lease6.valid_lifetime = 1s;
  ASSERT_TRUE(succeeded(store().leases6().add(lease6)));

  EXPECT_EQ(storedLease(store().leases4(), lease4.address), lease4);
  EXPECT_EQ(storedLease(store().leases4(), declined.address), declined);
  EXPECT_EQ(storedLease(store().leases6(), lease6.address), lease6);
}

TEST_P(LeaseStoreConformanceTest, ReopenKeepsLeasesOnlyWhenPersistent) {
  Lease4 every4 = leaseWithEveryField4();
  if (!backend_.keeps_lease4_hwaddr_type) {
    every4.hwaddr.type = 1;
  }
  const Lease6 every6 = leaseWithEveryField6();
  ASSERT_TRUE(succeeded(store().leases4().add(every4)));
  ASSERT_TRUE(succeeded(store().leases6().add(every6)));
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (uint32_t i = 0; i < 5; ++i) {
      ASSERT_TRUE(succeeded(table.add(F::lease(i))));
    }
    auto renewed = F::lease(1);
    renewed.cltt = kT0 + 60s;
    ASSERT_TRUE(succeeded(table.update(renewed, nullptr)));
    ASSERT_TRUE(succeeded(table.remove(F::address(3), nullptr)));
  });

  LeaseStore* reopened_store = reopen();
  ASSERT_NE(reopened_store, nullptr);
  LeaseStore& reopened = *reopened_store;

  if (!backend_.persistent) {
    EXPECT_TRUE(allLeases(reopened.leases4()).empty());
    EXPECT_TRUE(allLeases(reopened.leases6()).empty());
    return;
  }
  auto renewed4 = Family<Lease4>::lease(1);
  renewed4.cltt = kT0 + 60s;
  const std::vector<Lease4> expected4{Family<Lease4>::lease(0), renewed4, Family<Lease4>::lease(2),
                                      Family<Lease4>::lease(4), every4};
  EXPECT_EQ(allLeases(reopened.leases4()), expected4);
  auto renewed6 = Family<Lease6>::lease(1);
  renewed6.cltt = kT0 + 60s;
  const std::vector<Lease6> expected6{Family<Lease6>::lease(0), renewed6, Family<Lease6>::lease(2),
                                      Family<Lease6>::lease(4), every6};
  EXPECT_EQ(allLeases(reopened.leases6()), expected6);
}

TEST_P(LeaseStoreConformanceTest, AddRejectsLeasedAddressInEveryState) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    uint32_t index = 0;
    for (const LeaseState state : kEveryState) {
      auto lease = F::lease(index);
      lease.state = state;
      lease.cltt = kT0 - 100000s;  // long expired
      ASSERT_TRUE(succeeded(table.add(lease)));

      auto claim = F::lease(index);
      F::setClient(claim, 1000 + index);
      EXPECT_TRUE(failedWith(table.add(claim), Code::kConflict))
          << "state " << static_cast<uint32_t>(state);
      EXPECT_EQ(storedLease(table, lease.address), lease);
      ++index;
    }
  });
}

TEST_P(LeaseStoreConformanceTest, AddRejectsInvalidLease4) {
  auto& table = store().leases4();
  for (const auto& [reason, lease] : invalidLeases4()) {
    EXPECT_TRUE(failedWith(table.add(lease), Code::kInvalid)) << reason;
    EXPECT_EQ(storedLease(table, lease.address), std::nullopt) << reason;
  }
}

TEST_P(LeaseStoreConformanceTest, AddRejectsInvalidLease6) {
  auto& table = store().leases6();
  for (const auto& [reason, lease] : invalidLeases6()) {
    EXPECT_TRUE(failedWith(table.add(lease), Code::kInvalid)) << reason;
    EXPECT_EQ(storedLease(table, lease.address), std::nullopt) << reason;
  }
}

TEST_P(LeaseStoreConformanceTest, UpdateRejectsInvalidLease) {
  auto& table4 = store().leases4();
  ASSERT_TRUE(succeeded(table4.add(Family<Lease4>::lease(5))));
  for (const auto& [reason, lease] : invalidLeases4()) {
    EXPECT_TRUE(failedWith(table4.update(lease, nullptr), Code::kInvalid)) << reason;
  }
  EXPECT_EQ(storedLease(table4, Family<Lease4>::address(5)), Family<Lease4>::lease(5));

  auto& table6 = store().leases6();
  ASSERT_TRUE(succeeded(table6.add(Family<Lease6>::lease(5))));
  for (const auto& [reason, lease] : invalidLeases6()) {
    EXPECT_TRUE(failedWith(table6.update(lease, nullptr), Code::kInvalid)) << reason;
  }
  EXPECT_EQ(storedLease(table6, Family<Lease6>::address(5)), Family<Lease6>::lease(5));
}

TEST_P(LeaseStoreConformanceTest, UpdateWithoutExpectedReplacesLease) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    ASSERT_TRUE(succeeded(table.add(F::lease(1))));

    auto renewed = F::lease(1);
    renewed.cltt = kT0 + 1800s;
    renewed.hostname = "renewed.example.org";
    renewed.state = LeaseState::kDeclined;
    ASSERT_TRUE(succeeded(table.update(renewed, nullptr)));

    EXPECT_EQ(storedLease(table, renewed.address), renewed);
  });
}

TEST_P(LeaseStoreConformanceTest, UpdateWithMatchingExpectedReplacesLease) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    const auto original = F::lease(1);
    ASSERT_TRUE(succeeded(table.add(original)));

    auto renewed = original;
    renewed.cltt = kT0 + 1800s;
    ASSERT_TRUE(succeeded(table.update(renewed, &original)));

    EXPECT_EQ(storedLease(table, renewed.address), renewed);
  });
}

// The compare-and-set must compare every field: each case changes one field of `expected`.
TEST_P(LeaseStoreConformanceTest, UpdateWithStaleExpectedConflicts) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    using LeaseT = typename F::Lease;
    auto& table = F::table(store());
    const auto stored = F::lease(1);
    ASSERT_TRUE(succeeded(table.add(stored)));
    const std::vector<std::pair<std::string, std::function<void(LeaseT&)>>> changes{
        {"hwaddr bytes", [](LeaseT& l) { l.hwaddr.bytes.back() ^= 1; }},
        {"hwaddr type", [](LeaseT& l) { l.hwaddr.type = 6; }},
        {"valid_lifetime", [](LeaseT& l) { l.valid_lifetime += 1s; }},
        {"cltt", [](LeaseT& l) { l.cltt += 1s; }},
        {"subnet_id", [](LeaseT& l) { l.subnet_id = 2; }},
        {"fqdn_fwd", [](LeaseT& l) { l.fqdn_fwd = !l.fqdn_fwd; }},
        {"fqdn_rev", [](LeaseT& l) { l.fqdn_rev = !l.fqdn_rev; }},
        {"hostname", [](LeaseT& l) { l.hostname += "x"; }},
        {"hostname case", [](LeaseT& l) { l.hostname[0] = 'C'; }},
        {"state", [](LeaseT& l) { l.state = LeaseState::kDeclined; }},
        {"user_context", [](LeaseT& l) { l.user_context = R"({"a": 1})"; }},
        {"pool_id", [](LeaseT& l) { l.pool_id = 3; }},
    };

    auto replacement = stored;
    replacement.cltt = kT0 + 999s;
    for (const auto& [field, change] : changes) {
      auto stale = stored;
      change(stale);
      EXPECT_TRUE(failedWith(table.update(replacement, &stale), Code::kConflict)) << field;
      EXPECT_TRUE(failedWith(table.remove(stored.address, &stale), Code::kConflict)) << field;
    }
    EXPECT_EQ(storedLease(table, stored.address), stored);
  });
}

TEST_P(LeaseStoreConformanceTest, UpdateComparesFamilySpecificFields) {
  auto& table4 = store().leases4();
  const auto stored4 = Family<Lease4>::lease(1);
  ASSERT_TRUE(succeeded(table4.add(stored4)));
  auto stale4 = stored4;
  stale4.client_id.back() ^= 1;
  EXPECT_TRUE(failedWith(table4.update(stored4, &stale4), Code::kConflict));

  auto& table6 = store().leases6();
  const auto stored6 = Family<Lease6>::lease(1);
  ASSERT_TRUE(succeeded(table6.add(stored6)));
  const std::vector<std::pair<std::string, std::function<void(Lease6&)>>> changes{
      {"duid", [](Lease6& l) { l.duid.back() ^= 1; }},
      {"iaid", [](Lease6& l) { l.iaid += 1; }},
      {"type", [](Lease6& l) { l.type = LeaseType::kTa; }},
      {"preferred_lifetime", [](Lease6& l) { l.preferred_lifetime += 1s; }},
      {"hwaddr_source", [](Lease6& l) { l.hwaddr_source = 4; }},
  };
  for (const auto& [field, change] : changes) {
    auto stale = stored6;
    change(stale);
    EXPECT_TRUE(failedWith(table6.update(stored6, &stale), Code::kConflict)) << field;
  }
  EXPECT_EQ(storedLease(table6, stored6.address), stored6);
}

TEST_P(LeaseStoreConformanceTest, UpdateOfMissingLeaseFails) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    const auto lease = F::lease(1);

    EXPECT_TRUE(failedWith(table.update(lease, nullptr), Code::kNotFound));
    EXPECT_TRUE(failedWith(table.update(lease, &lease), Code::kConflict));
    EXPECT_EQ(storedLease(table, lease.address), std::nullopt);
  });
}

TEST_P(LeaseStoreConformanceTest, UpdateReindexesChangedFields) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    using Query = typename F::Query;
    auto& table = F::table(store());
    const auto before = F::lease(1);
    ASSERT_TRUE(succeeded(table.add(before)));

    auto after = before;
    F::setClient(after, 2);
    after.hostname = "moved.example.org";
    after.subnet_id = 7;
    after.state = LeaseState::kDeclined;
    ASSERT_TRUE(succeeded(table.update(after, &before)));

    const std::vector<typename F::Lease> none;
    const std::vector<typename F::Lease> moved{after};
    Query old_hwaddr, new_hwaddr, old_name, new_name, old_subnet, new_subnet, old_state, new_state;
    old_hwaddr.hwaddr = before.hwaddr;
    new_hwaddr.hwaddr = after.hwaddr;
    old_name.hostname = before.hostname;
    new_name.hostname = after.hostname;
    old_subnet.subnet_id = before.subnet_id;
    new_subnet.subnet_id = after.subnet_id;
    old_state.state = before.state;
    new_state.state = after.state;
    EXPECT_EQ(findLeases(table, old_hwaddr), none);
    EXPECT_EQ(findLeases(table, new_hwaddr), moved);
    EXPECT_EQ(findLeases(table, old_name), none);
    EXPECT_EQ(findLeases(table, new_name), moved);
    EXPECT_EQ(findLeases(table, old_subnet), none);
    EXPECT_EQ(findLeases(table, new_subnet), moved);
    EXPECT_EQ(findLeases(table, old_state), none);
    EXPECT_EQ(findLeases(table, new_state), moved);
  });
}

TEST_P(LeaseStoreConformanceTest, RemoveDeletesLeaseAndFreesAddress) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    const auto lease = F::lease(1);
    ASSERT_TRUE(succeeded(table.add(lease)));
    ASSERT_TRUE(succeeded(table.add(F::lease(2))));

    ASSERT_TRUE(succeeded(table.remove(lease.address, nullptr)));

    EXPECT_EQ(storedLease(table, lease.address), std::nullopt);
    typename F::Query by_hwaddr;
    by_hwaddr.hwaddr = lease.hwaddr;
    EXPECT_TRUE(findLeases(table, by_hwaddr).empty());
    EXPECT_EQ(addressesOf(allLeases(table)), std::vector{F::address(2)});
    EXPECT_TRUE(failedWith(table.remove(lease.address, nullptr), Code::kNotFound));
    EXPECT_TRUE(succeeded(table.add(lease)));
  });
}

TEST_P(LeaseStoreConformanceTest, RemoveWithStaleExpectedConflicts) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    const auto lease = F::lease(1);
    ASSERT_TRUE(succeeded(table.add(lease)));
    auto stale = lease;
    stale.cltt -= 1s;

    EXPECT_TRUE(failedWith(table.remove(lease.address, &stale), Code::kConflict));
    EXPECT_EQ(storedLease(table, lease.address), lease);
    EXPECT_TRUE(succeeded(table.remove(lease.address, &lease)));
    EXPECT_EQ(storedLease(table, lease.address), std::nullopt);
    EXPECT_TRUE(failedWith(table.remove(lease.address, &lease), Code::kConflict));
  });
}

TEST_P(LeaseStoreConformanceTest, WipeOfSubnetDeletesOnlyThatSubnet) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    for (uint32_t i = 0; i < 9; ++i) {
      ASSERT_TRUE(succeeded(table.add(F::lease(i, 1 + i % 3))));
    }

    auto wiped = table.wipe(2);
    ASSERT_TRUE(succeeded(wiped));
    EXPECT_EQ(*wiped, 3u);

    EXPECT_EQ(addressesOf(allLeases(table)),
              (std::vector{F::address(0), F::address(2), F::address(3), F::address(5),
                           F::address(6), F::address(8)}));
    auto again = table.wipe(2);
    ASSERT_TRUE(succeeded(again));
    EXPECT_EQ(*again, 0u);
    EXPECT_TRUE(succeeded(table.add(F::lease(1, 2))));
  });
}

TEST_P(LeaseStoreConformanceTest, WipeOfAllDeletesOnlyOneFamily) {
  for (uint32_t i = 0; i < 4; ++i) {
    ASSERT_TRUE(succeeded(store().leases4().add(Family<Lease4>::lease(i, i))));
    ASSERT_TRUE(succeeded(store().leases6().add(Family<Lease6>::lease(i, i))));
  }

  auto wiped = store().leases4().wipe(std::nullopt);
  ASSERT_TRUE(succeeded(wiped));
  EXPECT_EQ(*wiped, 4u);

  EXPECT_TRUE(allLeases(store().leases4()).empty());
  EXPECT_EQ(allLeases(store().leases6()).size(), 4u);
  auto wiped6 = store().leases6().wipe(std::nullopt);
  ASSERT_TRUE(succeeded(wiped6));
  EXPECT_EQ(*wiped6, 4u);
  EXPECT_TRUE(allLeases(store().leases6()).empty());
}

TEST_P(LeaseStoreConformanceTest, CountGroupsLease4BySubnetAndState) {
  using F = Family<Lease4>;
  auto& table = store().leases4();
  const std::vector<std::pair<SubnetId, LeaseState>> leases{
      {1, LeaseState::kDefault},  {1, LeaseState::kDefault},          {1, LeaseState::kDefault},
      {1, LeaseState::kDeclined}, {2, LeaseState::kExpiredReclaimed}, {2, LeaseState::kExpiredReclaimed},
      {3, LeaseState::kReleased},
  };
  for (uint32_t i = 0; i < leases.size(); ++i) {
    auto lease = F::lease(i, leases[i].first);
    lease.state = leases[i].second;
    ASSERT_TRUE(succeeded(table.add(lease)));
  }

  EXPECT_EQ(countsOf(table, std::nullopt),
            (std::vector<LeaseCount>{{1, LeaseType::kNa, LeaseState::kDefault, 3},
                                     {1, LeaseType::kNa, LeaseState::kDeclined, 1},
                                     {2, LeaseType::kNa, LeaseState::kExpiredReclaimed, 2},
                                     {3, LeaseType::kNa, LeaseState::kReleased, 1}}));
  EXPECT_EQ(countsOf(table, 2),
            (std::vector<LeaseCount>{{2, LeaseType::kNa, LeaseState::kExpiredReclaimed, 2}}));
  EXPECT_TRUE(countsOf(table, 99).empty());
}

TEST_P(LeaseStoreConformanceTest, CountGroupsLease6BySubnetTypeAndState) {
  using F = Family<Lease6>;
  auto& table = store().leases6();
  auto add = [&](uint32_t index, SubnetId subnet, LeaseType type, LeaseState state) {
    auto lease = F::lease(index, subnet);
    lease.type = type;
    lease.prefix_length = type == LeaseType::kPd ? 64 : 128;
    lease.state = state;
    ASSERT_TRUE(succeeded(table.add(lease)));
  };
  add(0, 1, LeaseType::kNa, LeaseState::kDefault);
  add(1, 1, LeaseType::kNa, LeaseState::kDefault);
  add(2, 1, LeaseType::kTa, LeaseState::kDefault);
  add(3, 1, LeaseType::kPd, LeaseState::kDefault);
  add(4, 1, LeaseType::kPd, LeaseState::kDeclined);
  add(5, 2, LeaseType::kPd, LeaseState::kDefault);
  add(6, 2, LeaseType::kNa, LeaseState::kRegistered);

  EXPECT_EQ(countsOf(table, std::nullopt),
            (std::vector<LeaseCount>{{1, LeaseType::kNa, LeaseState::kDefault, 2},
                                     {1, LeaseType::kTa, LeaseState::kDefault, 1},
                                     {1, LeaseType::kPd, LeaseState::kDefault, 1},
                                     {1, LeaseType::kPd, LeaseState::kDeclined, 1},
                                     {2, LeaseType::kNa, LeaseState::kRegistered, 1},
                                     {2, LeaseType::kPd, LeaseState::kDefault, 1}}));
  EXPECT_EQ(countsOf(table, 2),
            (std::vector<LeaseCount>{{2, LeaseType::kNa, LeaseState::kRegistered, 1},
                                     {2, LeaseType::kPd, LeaseState::kDefault, 1}}));
}

TEST_P(LeaseStoreConformanceTest, CountFollowsUpdatesRemovesAndWipes) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    auto& table = F::table(store());
    const auto first = F::lease(1, 1);
    ASSERT_TRUE(succeeded(table.add(first)));
    ASSERT_TRUE(succeeded(table.add(F::lease(2, 1))));
    ASSERT_TRUE(succeeded(table.add(F::lease(3, 2))));

    auto declined = first;
    declined.state = LeaseState::kDeclined;
    ASSERT_TRUE(succeeded(table.update(declined, &first)));
    ASSERT_TRUE(succeeded(table.remove(F::address(2), nullptr)));

    EXPECT_EQ(countsOf(table, std::nullopt),
              (std::vector<LeaseCount>{{1, LeaseType::kNa, LeaseState::kDeclined, 1},
                                       {2, LeaseType::kNa, LeaseState::kDefault, 1}}));
    ASSERT_TRUE(succeeded(table.wipe(1)));
    EXPECT_EQ(countsOf(table, std::nullopt),
              (std::vector<LeaseCount>{{2, LeaseType::kNa, LeaseState::kDefault, 1}}));
  });
}

}  // namespace
}  // namespace leasehold::testing
