// findUnleased against PostgreSQL and MySQL: gaps, wrap-around, prefixes and full pools.
#include <gtest/gtest.h>

#include "tests/integration/backends/sql_store_fixture.h"

namespace leasehold::testing {
namespace {

class SqlFindUnleasedTest : public SqlStoreTest {
 protected:
  void lease(const std::string& address) { ASSERT_TRUE(leases4().add(lease4(address))); }

  std::vector<std::string> unleased(const std::string& first, const std::string& last,
                                    const std::string& start, size_t limit) {
    const auto found = leases4().findUnleased(v4(first), v4(last), v4(start), limit);
    EXPECT_TRUE(found) << found.error().message;
    std::vector<std::string> texts;
    if (found) {
      for (const auto& address : *found) {
        texts.push_back(address.toString());
      }
    }
    return texts;
  }
};

using Strings = std::vector<std::string>;

TEST_P(SqlFindUnleasedTest, EmptyPoolReturnsAddressesFromStart) {
  EXPECT_EQ(unleased("10.0.0.1", "10.0.0.10", "10.0.0.4", 3),
            (Strings{"10.0.0.4", "10.0.0.5", "10.0.0.6"}));
}

TEST_P(SqlFindUnleasedTest, SkipsLeasedAddressesAndWrapsAround) {
  for (const char* address : {"10.0.0.2", "10.0.0.4", "10.0.0.5", "10.0.0.9", "10.0.0.10"}) {
    lease(address);
  }
  EXPECT_EQ(unleased("10.0.0.1", "10.0.0.10", "10.0.0.4", 10),
            (Strings{"10.0.0.6", "10.0.0.7", "10.0.0.8", "10.0.0.1", "10.0.0.3"}));
}

TEST_P(SqlFindUnleasedTest, AnyLeaseStateCountsAsPresent) {
  Lease4 reclaimed = lease4("10.0.1.1");
  reclaimed.state = LeaseState::kExpiredReclaimed;
  reclaimed.cltt = now() - std::chrono::hours(100);
  ASSERT_TRUE(leases4().add(reclaimed));
  EXPECT_EQ(unleased("10.0.1.1", "10.0.1.2", "10.0.1.1", 5), (Strings{"10.0.1.2"}));
}

TEST_P(SqlFindUnleasedTest, LeasesOutsideThePoolDoNotMatter) {
  lease("10.0.2.0");
  lease("10.0.2.11");
  EXPECT_EQ(unleased("10.0.2.1", "10.0.2.10", "10.0.2.10", 2), (Strings{"10.0.2.10", "10.0.2.1"}));
}

TEST_P(SqlFindUnleasedTest, NearlyFullPoolFindsItsLastHoles) {
  // 1000 leased addresses with two holes far from the start.
  for (int i = 0; i < 1000; ++i) {
    if (i == 400 || i == 998) {
      continue;
    }
    Lease4 entry = lease4("0.0.0.0");
    entry.address = IPv4Address(v4("10.1.0.0").toUint32() + i);
    ASSERT_TRUE(leases4().add(entry));
  }
  EXPECT_EQ(unleased("10.1.0.0", "10.1.3.231", "10.1.0.0", 5),
            (Strings{"10.1.1.144", "10.1.3.230"}));
  EXPECT_EQ(unleased("10.1.0.0", "10.1.3.231", "10.1.2.0", 1), (Strings{"10.1.3.230"}));
}

TEST_P(SqlFindUnleasedTest, FullPoolReturnsNothing) {
  for (const char* address : {"10.0.3.1", "10.0.3.2", "10.0.3.3"}) {
    lease(address);
  }
  EXPECT_TRUE(unleased("10.0.3.1", "10.0.3.3", "10.0.3.2", 4).empty());
}

TEST_P(SqlFindUnleasedTest, PrefixPoolStepsByDelegatedLength) {
  // A /48 pool delegating /56 prefixes: candidates are 2^72 apart.
  Lease6 taken = lease6("2001:db8:1:100::");
  taken.type = LeaseType::kPd;
  taken.prefix_length = 56;
  ASSERT_TRUE(leases6().add(taken));
  const auto found = leases6().findUnleased(v6("2001:db8:1::"), v6("2001:db8:1:ffff:ffff:ffff:ffff:ffff"),
                                            v6("2001:db8:1::"), 3, 72);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 3u);
  EXPECT_EQ((*found)[0], v6("2001:db8:1::"));
  EXPECT_EQ((*found)[1], v6("2001:db8:1:200::"));
  EXPECT_EQ((*found)[2], v6("2001:db8:1:300::"));
}

TEST_P(SqlFindUnleasedTest, Ipv6PoolAtTopOfAddressSpace) {
  ASSERT_TRUE(leases6().add(lease6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")));
  const auto found =
      leases6().findUnleased(v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd"),
                             v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
                             v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe"), 5);
  ASSERT_TRUE(found) << found.error().message;
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0], v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"));
  EXPECT_EQ((*found)[1], v6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffd"));
}

TEST_P(SqlFindUnleasedTest, StartOutsideRangeIsInvalid) {
  const auto found = leases4().findUnleased(v4("10.0.0.5"), v4("10.0.0.9"), v4("10.0.0.1"), 1);
  ASSERT_FALSE(found);
  EXPECT_EQ(found.error().code, StoreError::Code::kInvalid);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlFindUnleasedTest,
                         ::testing::Values(SqlBackend::kPostgres, SqlBackend::kMysql),
                         backendLabel);

}  // namespace
}  // namespace leasehold::testing
