// LeaseStore contract tests run against PostgreSQL and MySQL.
#include <gtest/gtest.h>

#include "backends/sql/lease_session.h"
#include "tests/integration/backends/sql_store_fixture.h"

namespace leasehold::testing {
namespace {

using Code = StoreError::Code;

// Checks that findEitherAndGetMany() returns, per request, what findEitherAndGet() returns.
template <typename LeaseT>
void expectCombinedEqualsSingle(sql::LeaseSession& session,
                                const std::vector<sql::EitherGet<LeaseT>>& requests) {
  const auto combined =
      session.findEitherAndGetMany(std::span<const sql::EitherGet<LeaseT>>(requests));
  ASSERT_EQ(combined.size(), requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const auto single =
        session.findEitherAndGet(requests[i].first, requests[i].second, requests[i].address);
    EXPECT_EQ(combined[i].matching, single.matching) << "request " << i;
    EXPECT_EQ(combined[i].at_address, single.at_address) << "request " << i;
  }
}

TEST_P(SqlStoreTest, CombinedLease4ReadsMatchSingleReads) {
  Lease4 first = lease4("10.4.0.1", 1, 1);
  Lease4 same_client_other_subnet = lease4("10.4.0.2", 1, 2);
  Lease4 no_client_id = lease4("10.4.0.3", 2, 1);
  no_client_id.client_id.clear();
  Lease4 stranger = lease4("10.4.0.4", 3, 1);
  for (const Lease4* lease : {&first, &same_client_other_subnet, &no_client_id, &stranger}) {
    ASSERT_TRUE(leases4().add(*lease));
  }
  LeaseQuery4 by_client_id;
  by_client_id.client_id = first.client_id;
  by_client_id.subnet_id = 1;
  LeaseQuery4 by_hwaddr;
  by_hwaddr.hwaddr = first.hwaddr;
  by_hwaddr.subnet_id = 1;
  LeaseQuery4 anywhere_by_client_id;
  anywhere_by_client_id.client_id = first.client_id;
  LeaseQuery4 other_hwtype;
  other_hwtype.hwaddr = HwAddr{6, no_client_id.hwaddr.bytes};
  LeaseQuery4 by_state;
  by_state.hwaddr = no_client_id.hwaddr;
  by_state.state = LeaseState::kDeclined;
  LeaseQuery4 second_client;
  second_client.hwaddr = no_client_id.hwaddr;
  second_client.subnet_id = 1;

  sql::LeaseSession session(connectRaw(GetParam(), database().config()));
  expectCombinedEqualsSingle<Lease4>(
      session, {{by_client_id, by_hwaddr, v4("10.4.0.9")},
                {anywhere_by_client_id, by_hwaddr, first.address},
                {by_state, second_client, stranger.address},
                {other_hwtype, by_client_id, v4("10.4.0.3")},
                {by_client_id, by_hwaddr, v4("10.4.0.9")}});
}

TEST_P(SqlStoreTest, CombinedLease6ReadsMatchSingleReads) {
  Lease6 first = lease6("2001:db8:4::1", 1, 1);
  Lease6 prefix = lease6("2001:db8:4:100::", 1, 1);
  prefix.type = LeaseType::kPd;
  prefix.prefix_length = 56;
  Lease6 other = lease6("2001:db8:4::2", 2, 1);
  for (const Lease6* lease : {&first, &prefix, &other}) {
    ASSERT_TRUE(leases6().add(*lease));
  }
  LeaseQuery6 addresses;
  addresses.duid = first.duid;
  addresses.iaid = first.iaid;
  addresses.type = LeaseType::kNa;
  addresses.subnet_id = 1;
  LeaseQuery6 prefixes;
  prefixes.duid = first.duid;
  prefixes.type = LeaseType::kPd;
  LeaseQuery6 other_duid;
  other_duid.duid = other.duid;
  other_duid.subnet_id = 1;

  sql::LeaseSession session(connectRaw(GetParam(), database().config()));
  expectCombinedEqualsSingle<Lease6>(
      session, {{addresses, addresses, v6("2001:db8:4::9")},
                {prefixes, addresses, other.address},
                {other_duid, other_duid, first.address}});
}

TEST_P(SqlStoreTest, AddedLease4RoundTripsEveryField) {
  Lease4 lease = lease4("192.0.2.10", 7, 42);
  lease.hwaddr.type = 6;
  lease.client_id = {0x00, 0xff, 0x22, 0x00};
  lease.fqdn_fwd = true;
  lease.hostname = "Ümlaut-Host.example.org";
  lease.state = LeaseState::kDeclined;
  lease.user_context = R"({"comment": "quote \" and backslash \\ and 'single'"})";
  lease.pool_id = 3;
  ASSERT_TRUE(leases4().add(lease));

  const auto stored = leases4().get(lease.address);
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, lease);
}

TEST_P(SqlStoreTest, AddedLease6RoundTripsEveryField) {
  Lease6 lease = lease6("2001:db8:ffff:ffff:ffff:ffff:ffff:fff0", 9, 4294967295u);
  lease.type = LeaseType::kPd;
  lease.prefix_length = 60;
  lease.iaid = 4294967295u;
  lease.hwaddr = *HwAddr::parse("0a:0b:0c:0d:0e:0f");
  lease.hwaddr_source = 4;
  lease.fqdn_rev = true;
  lease.hostname = "v6.example.org";
  lease.state = LeaseState::kExpiredReclaimed;
  lease.user_context = "{}";
  ASSERT_TRUE(leases6().add(lease));

  const auto stored = leases6().get(lease.address);
  ASSERT_TRUE(stored) << stored.error().message;
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ(**stored, lease);
}

TEST_P(SqlStoreTest, HighestIpv6AddressKeepsAllBits) {
  const Lease6 lease = lease6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
  ASSERT_TRUE(leases6().add(lease));
  const auto stored = leases6().get(lease.address);
  ASSERT_TRUE(stored);
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->address, lease.address);
}

TEST_P(SqlStoreTest, GetOfUnleasedAddressReturnsNothing) {
  const auto stored = leases4().get(v4("192.0.2.99"));
  ASSERT_TRUE(stored);
  EXPECT_FALSE(stored->has_value());
}

TEST_P(SqlStoreTest, SecondAddOfAddressConflicts) {
  ASSERT_TRUE(leases4().add(lease4("192.0.2.1", 1)));
  const auto second = leases4().add(lease4("192.0.2.1", 2));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Code::kConflict);
  EXPECT_EQ((*leases4().get(v4("192.0.2.1")))->hwaddr.bytes.back(), 1);
  EXPECT_EQ(counter("lease-db-write-conflicts"), 1);
}

TEST_P(SqlStoreTest, SecondAddOfIdenticalLeaseConflicts) {
  const Lease4 lease = lease4("192.0.2.2", 1);
  Lease6 lease_v6 = lease6("2001:db8::2", 1);
  ASSERT_TRUE(leases4().add(lease));
  ASSERT_TRUE(leases6().add(lease_v6));
  const auto second = leases4().add(lease);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Code::kConflict);
  const auto second_v6 = leases6().add(lease_v6);
  ASSERT_FALSE(second_v6);
  EXPECT_EQ(second_v6.error().code, Code::kConflict);
}

TEST_P(SqlStoreTest, CompareAndSetAppliesOnlyToExpectedLease) {
  const Lease4 original = lease4("192.0.2.2");
  ASSERT_TRUE(leases4().add(original));
  Lease4 renewed = original;
  renewed.cltt += std::chrono::seconds(600);
  ASSERT_TRUE(leases4().update(renewed, &original));

  Lease4 stale = original;
  stale.cltt += std::chrono::seconds(900);
  const auto lost = leases4().update(stale, &original);
  ASSERT_FALSE(lost);
  EXPECT_EQ(lost.error().code, Code::kConflict);
  EXPECT_EQ(**leases4().get(original.address), renewed);
}

TEST_P(SqlStoreTest, CompareAndSetWithIdenticalValuesSucceeds) {
  const Lease4 original = lease4("192.0.2.3");
  ASSERT_TRUE(leases4().add(original));
  EXPECT_TRUE(leases4().update(original, &original));
}

TEST_P(SqlStoreTest, CompareAndSetSeesHostnameCaseDifference) {
  Lease4 original = lease4("192.0.2.4");
  original.hostname = "host.example.org";
  ASSERT_TRUE(leases4().add(original));
  Lease4 expected = original;
  expected.hostname = "HOST.example.org";
  const auto result = leases4().update(original, &expected);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Code::kConflict);
}

TEST_P(SqlStoreTest, WritesToMissingLeaseFailByKind) {
  // Without `expected` the lease is simply not there; with it the compare-and-set lost to a
  // remove, which is a conflict.
  const Lease6 absent = lease6("2001:db8::5");
  EXPECT_EQ(leases6().update(absent, nullptr).error().code, Code::kNotFound);
  EXPECT_EQ(leases6().remove(absent.address, nullptr).error().code, Code::kNotFound);
  EXPECT_EQ(leases6().update(absent, &absent).error().code, Code::kConflict);
  EXPECT_EQ(leases6().remove(absent.address, &absent).error().code, Code::kConflict);
  EXPECT_EQ(counter("lease-db-write-not-found"), 2);
  EXPECT_EQ(counter("lease-db-write-conflicts"), 2);
}

TEST_P(SqlStoreTest, RemoveWithExpectedKeepsChangedLease) {
  const Lease6 original = lease6("2001:db8::6");
  ASSERT_TRUE(leases6().add(original));
  Lease6 other = original;
  other.iaid = 77;
  EXPECT_EQ(leases6().remove(original.address, &other).error().code, Code::kConflict);
  ASSERT_TRUE(leases6().remove(original.address, &original));
  EXPECT_FALSE(leases6().get(original.address)->has_value());
}

TEST_P(SqlStoreTest, UnconditionalUpdateReplacesLease) {
  ASSERT_TRUE(leases4().add(lease4("192.0.2.7", 1)));
  const Lease4 replacement = lease4("192.0.2.7", 2, 9);
  ASSERT_TRUE(leases4().update(replacement, nullptr));
  EXPECT_EQ(**leases4().get(replacement.address), replacement);
}

TEST_P(SqlStoreTest, FindMatchesEveryCriterionInAddressOrder) {
  ASSERT_TRUE(leases4().add(lease4("192.0.2.30", 1, 1)));
  ASSERT_TRUE(leases4().add(lease4("192.0.2.20", 1, 2)));
  ASSERT_TRUE(leases4().add(lease4("192.0.2.10", 2, 1)));

  LeaseQuery4 by_mac;
  by_mac.hwaddr = lease4("0.0.0.0", 1).hwaddr;
  auto found = leases4().find(by_mac);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].address, v4("192.0.2.20"));
  EXPECT_EQ((*found)[1].address, v4("192.0.2.30"));

  by_mac.subnet_id = 1;
  found = leases4().find(by_mac);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].address, v4("192.0.2.30"));

  LeaseQuery4 by_client;
  by_client.client_id = lease4("0.0.0.0", 2).client_id;
  found = leases4().find(by_client);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].address, v4("192.0.2.10"));
}

TEST_P(SqlStoreTest, FindByHostnameIgnoresCase) {
  ASSERT_TRUE(leases4().add(lease4("192.0.2.40", 4)));
  LeaseQuery4 query;
  query.hostname = "CLIENT-4.Example.ORG";
  const auto found = leases4().find(query);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].hostname, "client-4.example.org");
}

TEST_P(SqlStoreTest, FindPagesWithAfterAndLimit) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(leases6().add(lease6("2001:db8::" + std::to_string(i), static_cast<uint8_t>(i))));
  }
  LeaseQuery6 query;
  query.limit = 2;
  query.after = v6("2001:db8::2");
  const auto page = leases6().find(query);
  ASSERT_TRUE(page);
  ASSERT_EQ(page->size(), 2u);
  EXPECT_EQ((*page)[0].address, v6("2001:db8::3"));
  EXPECT_EQ((*page)[1].address, v6("2001:db8::4"));
}

TEST_P(SqlStoreTest, FindByDuidAndIaidSelectsOneLease) {
  ASSERT_TRUE(leases6().add(lease6("2001:db8::a", 1)));
  Lease6 other_iaid = lease6("2001:db8::b", 1);
  other_iaid.iaid = 5;
  ASSERT_TRUE(leases6().add(other_iaid));
  LeaseQuery6 query;
  query.duid = other_iaid.duid;
  query.iaid = 5;
  query.type = LeaseType::kNa;
  const auto found = leases6().find(query);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].address, other_iaid.address);
}

TEST_P(SqlStoreTest, FindExpiredReturnsOldestFirstWithoutReclaimed) {
  Lease4 old = lease4("192.0.2.50", 1);
  old.cltt = now() - std::chrono::hours(10);
  Lease4 older = lease4("192.0.2.51", 2);
  older.cltt = now() - std::chrono::hours(20);
  older.state = LeaseState::kDeclined;
  Lease4 reclaimed = lease4("192.0.2.52", 3);
  reclaimed.cltt = now() - std::chrono::hours(30);
  reclaimed.state = LeaseState::kExpiredReclaimed;
  const Lease4 current = lease4("192.0.2.53", 4);
  for (const Lease4& lease : {old, older, reclaimed, current}) {
    ASSERT_TRUE(leases4().add(lease));
  }

  const auto expired = leases4().findExpired(now(), 10);
  ASSERT_TRUE(expired);
  ASSERT_EQ(expired->size(), 2u);
  EXPECT_EQ((*expired)[0].address, older.address);
  EXPECT_EQ((*expired)[1].address, old.address);

  const auto first = leases4().findExpired(now(), 1);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].address, older.address);
}

TEST_P(SqlStoreTest, WipeAndCountWorkPerSubnet) {
  ASSERT_TRUE(leases4().add(lease4("192.0.2.60", 1, 1)));
  Lease4 declined = lease4("192.0.2.61", 2, 1);
  declined.state = LeaseState::kDeclined;
  ASSERT_TRUE(leases4().add(declined));
  ASSERT_TRUE(leases4().add(lease4("192.0.2.62", 3, 2)));

  const auto counts = leases4().count(std::nullopt);
  ASSERT_TRUE(counts);
  ASSERT_EQ(counts->size(), 3u);
  EXPECT_EQ((*counts)[0].subnet_id, 1u);
  EXPECT_EQ((*counts)[0].state, LeaseState::kDefault);
  EXPECT_EQ((*counts)[0].count, 1u);
  EXPECT_EQ((*counts)[1].state, LeaseState::kDeclined);
  EXPECT_EQ((*counts)[2].subnet_id, 2u);

  const auto wiped = leases4().wipe(1);
  ASSERT_TRUE(wiped);
  EXPECT_EQ(*wiped, 2u);
  const auto remaining = leases4().count(std::nullopt);
  ASSERT_TRUE(remaining);
  ASSERT_EQ(remaining->size(), 1u);
  EXPECT_EQ((*remaining)[0].subnet_id, 2u);
}

TEST_P(SqlStoreTest, InvalidLeasesAreRejectedBeforeTheDatabase) {
  Lease4 long_name = lease4("192.0.2.70");
  long_name.hostname = std::string(256, 'a');
  EXPECT_EQ(leases4().add(long_name).error().code, Code::kInvalid);

  Lease4 bad_utf8 = lease4("192.0.2.71");
  bad_utf8.hostname = "bad\xff";
  EXPECT_EQ(leases4().add(bad_utf8).error().code, Code::kInvalid);

  Lease6 long_duid = lease6("2001:db8::70");
  long_duid.duid.assign(129, 0xaa);
  EXPECT_EQ(leases6().add(long_duid).error().code, Code::kInvalid);
  EXPECT_EQ(counter("lease-db-write-failures"), 3);
  EXPECT_FALSE(leases4().get(long_name.address)->has_value());
}

TEST_P(SqlStoreTest, ReadonlyStoreRejectsWrites) {
  ASSERT_TRUE(leases4().add(lease4("192.0.2.80")));
  DatabaseConfig config = database().config();
  config.readonly = true;
  reopen(config);
  EXPECT_EQ(leases4().add(lease4("192.0.2.81")).error().code, Code::kInvalid);
  EXPECT_EQ(leases4().wipe(std::nullopt).error().code, Code::kInvalid);
  EXPECT_TRUE(leases4().get(v4("192.0.2.80"))->has_value());
}

TEST_P(SqlStoreTest, DescribeAndErrorsNeverShowThePassword) {
  // The test password may also be the user's name, so describe() is compared whole.
  DatabaseConfig config = database().config();
  EXPECT_EQ(store().describe(), config.type + " " + config.user + "@" + config.host + ":" +
                                    std::to_string(config.port) + "/" + config.name);

  config.password = "wrong-secret-8472";
  auto opened = database().openStore(config);
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, Code::kUnavailable);
  EXPECT_EQ(opened.error().message.find(config.password), std::string::npos);
}

TEST_P(SqlStoreTest, CorruptRowSkippedAndReported) {
  ASSERT_TRUE(leases4().add(lease4("192.0.2.90", 1)));
  ASSERT_TRUE(leases4().add(lease4("192.0.2.91", 1)));
  // State 9 is no LeaseState: a row another tool wrote badly.
  database().execute("UPDATE leasehold_lease4 SET state = 9 WHERE address = 3221226075");

  LeaseQuery4 query;
  query.hwaddr = lease4("0.0.0.0", 1).hwaddr;
  const auto found = leases4().find(query);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].address, v4("192.0.2.90"));
  EXPECT_EQ(counter("lease-db-corrupt-rows"), 1);

  const auto corrupt = leases4().get(v4("192.0.2.91"));
  ASSERT_FALSE(corrupt);
  EXPECT_EQ(corrupt.error().code, Code::kInternal);
  EXPECT_NE(corrupt.error().message.find("192.0.2.91"), std::string::npos);
  EXPECT_NE(corrupt.error().message.find("state"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlStoreTest,
                         ::testing::Values(SqlBackend::kPostgres, SqlBackend::kMysql),
                         backendLabel);

}  // namespace
}  // namespace leasehold::testing
