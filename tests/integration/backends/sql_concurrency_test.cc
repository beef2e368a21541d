// Concurrent writers on one SQL store: group commit keeps every write's own outcome.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/integration/backends/sql_store_fixture.h"

namespace leasehold::testing {
namespace {

using SqlConcurrencyTest = SqlStoreTest;

TEST_P(SqlConcurrencyTest, RacingAddsOfOneAddressHaveOneWinner) {
  constexpr int kWriters = 16;
  constexpr int kAddresses = 50;
  std::atomic<int> wins{0};
  std::atomic<int> conflicts{0};
  std::atomic<int> other_errors{0};
  std::vector<std::thread> writers;
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.emplace_back([&, writer] {
      for (int i = 0; i < kAddresses; ++i) {
        Lease4 lease = lease4("10.9.0.0", static_cast<uint8_t>(writer));
        lease.address = IPv4Address(v4("10.9.0.0").toUint32() + i);
        const auto added = leases4().add(lease);
        if (added) {
          ++wins;
        } else if (added.error().code == StoreError::Code::kConflict) {
          ++conflicts;
        } else {
          ++other_errors;
        }
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  EXPECT_EQ(wins.load(), kAddresses);
  EXPECT_EQ(conflicts.load(), kAddresses * (kWriters - 1));
  EXPECT_EQ(other_errors.load(), 0);
  const auto counts = leases4().count(std::nullopt);
  ASSERT_TRUE(counts);
  ASSERT_EQ(counts->size(), 1u);
  EXPECT_EQ((*counts)[0].count, static_cast<uint64_t>(kAddresses));
}

TEST_P(SqlConcurrencyTest, RacingRenewalsApplyExactlyOncePerVersion) {
  // Every writer moves the same lease forward from the version it read. Each version can be
  // replaced only once, so the final cltt counts the successful renewals.
  const Lease6 original = lease6("2001:db8:9::1");
  ASSERT_TRUE(leases6().add(original));
  constexpr int kWriters = 8;
  constexpr int kAttempts = 40;
  std::atomic<int> applied{0};
  std::vector<std::thread> writers;
  for (int writer = 0; writer < kWriters; ++writer) {
    writers.emplace_back([&] {
      for (int i = 0; i < kAttempts; ++i) {
        const auto current = leases6().get(original.address);
        if (!current || !current->has_value()) {
          continue;
        }
        Lease6 renewed = **current;
        renewed.cltt += std::chrono::seconds(1);
        if (leases6().update(renewed, &**current)) {
          ++applied;
        }
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  const auto final_lease = leases6().get(original.address);
  ASSERT_TRUE(final_lease);
  ASSERT_TRUE(final_lease->has_value());
  EXPECT_EQ((*final_lease)->cltt - original.cltt, std::chrono::seconds(applied.load()));
  EXPECT_GT(applied.load(), 0);
}

TEST_P(SqlConcurrencyTest, RowRejectedByDatabaseFailsAlone) {
  // A CHECK constraint represents any row the server rejects. The batch that carries it must
  // still commit every other write.
  database().execute(
      "ALTER TABLE leasehold_lease4 ADD CONSTRAINT poison CHECK (hostname <> 'poison.example.org')");
  Lease4 bad = lease4("10.9.1.1");
  bad.hostname = "poison.example.org";
  constexpr int kGood = 20;
  std::vector<std::thread> writers;
  std::atomic<int> good_written{0};
  StoreResult<void> bad_result;
  writers.emplace_back([&] { bad_result = leases4().add(bad); });
  for (int i = 0; i < kGood; ++i) {
    writers.emplace_back([&, i] {
      Lease4 lease = lease4("10.9.1.0");
      lease.address = IPv4Address(v4("10.9.1.10").toUint32() + i);
      if (leases4().add(lease)) {
        ++good_written;
      }
    });
  }
  for (auto& writer : writers) {
    writer.join();
  }
  database().execute("ALTER TABLE leasehold_lease4 DROP CONSTRAINT poison");
  ASSERT_FALSE(bad_result);
  EXPECT_EQ(bad_result.error().code, StoreError::Code::kInvalid);
  EXPECT_NE(bad_result.error().message.find("poison"), std::string::npos);
  EXPECT_EQ(good_written.load(), kGood);
  EXPECT_FALSE(leases4().get(bad.address)->has_value());
  EXPECT_EQ(counter("lease-db-write-failures"), 1);
}

INSTANTIATE_TEST_SUITE_P(Backends, SqlConcurrencyTest,
                         ::testing::Values(SqlBackend::kPostgres, SqlBackend::kMysql),
                         backendLabel);

}  // namespace
}  // namespace leasehold::testing
