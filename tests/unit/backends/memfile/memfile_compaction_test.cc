// Lease file compaction: what it writes, writers appending during it, and compactions stopped
// at every step (as a kill would) followed by a restart.
#include <gtest/gtest.h>

#include <thread>

#include "backends/memfile/lease_file_format.h"
#include "tests/unit/backends/lease_store_test_vocabulary.h"
#include "tests/unit/backends/memfile/memfile_test_support.h"

namespace leasehold::testing {
namespace {

using memfile::CompactionStep;

constexpr CompactionStep kEveryStep[] = {
    CompactionStep::kRotate,       CompactionStep::kLoadInputs,   CompactionStep::kWriteOutput,
    CompactionStep::kRenameOutput, CompactionStep::kDeleteInputs, CompactionStep::kRenameCompleted,
};

int lineCount(const std::string& content) {
  return static_cast<int>(std::count(content.begin(), content.end(), '\n'));
}

class MemfileCompactionTest : public ::testing::Test {
 protected:
  std::unique_ptr<MemfileLeaseStore> open() { return openMemfile(memfileOptionsIn(dir_.path())); }

  // Writes a history with adds, renewals and removes to both families. Returns nothing; the
  // resulting leases are read back from the store by the caller.
  void writeHistory(MemfileLeaseStore& store, uint32_t first, uint32_t count) {
    forBothFamilies([&](auto family) {
      using F = decltype(family);
      auto& table = F::table(store);
      for (uint32_t i = first; i < first + count; ++i) {
        ASSERT_TRUE(succeeded(table.add(F::lease(i))));
        for (int renewal = 1; renewal <= 3; ++renewal) {
          auto renewed = F::lease(i);
          renewed.cltt = kT0 + std::chrono::seconds{renewal * 60};
          ASSERT_TRUE(succeeded(table.update(renewed, nullptr)));
        }
        if (i % 4 == 0) {
          ASSERT_TRUE(succeeded(table.remove(F::address(i), nullptr)));
        }
      }
    });
  }

  // Renews every lease of both families and removes every third, so that records written now
  // override records in older files.
  void renewAndThin(MemfileLeaseStore& store) {
    forBothFamilies([&](auto family) {
      using F = decltype(family);
      auto& table = F::table(store);
      int position = 0;
      for (auto lease : allLeases(table)) {
        if (++position % 3 == 0) {
          ASSERT_TRUE(succeeded(table.remove(lease.address, &lease)));
          continue;
        }
        const auto before = lease;
        lease.cltt += 3600s;
        lease.pool_id += 1;
        ASSERT_TRUE(succeeded(table.update(lease, &before)));
      }
    });
  }

  struct Snapshot {
    std::vector<Lease4> leases4;
    std::vector<Lease6> leases6;
    bool operator==(const Snapshot&) const = default;
  };
  static Snapshot snapshot(MemfileLeaseStore& store) {
    return {allLeases(store.leases4()), allLeases(store.leases6())};
  }

  QuietLogs quiet_logs_;
  TempDir dir_;
};

TEST_F(MemfileCompactionTest, CompactionWritesOneRecordPerLease) {
  auto store = open();
  ASSERT_TRUE(store);
  writeHistory(*store, 1, 12);  // 12 leases per family, of which 3 removed
  const Snapshot before = snapshot(*store);

  auto compacted = store->compactNow();
  ASSERT_TRUE(succeeded(compacted));
  ASSERT_EQ(compacted->size(), 2u);
  EXPECT_EQ((*compacted)[0].path, dir_.file("leases4.csv"));
  EXPECT_EQ((*compacted)[0].leases_written, 9u);
  EXPECT_EQ((*compacted)[1].leases_written, 9u);
  EXPECT_EQ(store->counters().compactions, 2u);

  EXPECT_EQ(dir_.files(), (std::vector<std::string>{"leases4.csv", "leases4.csv.1",
                                                    "leases6.csv", "leases6.csv.1"}));
  EXPECT_EQ(readFile(dir_.file("leases4.csv")), memfile::headerLine<Lease4>() + "\n");
  EXPECT_EQ(lineCount(readFile(dir_.file("leases4.csv.1"))), 10);
  EXPECT_EQ(lineCount(readFile(dir_.file("leases6.csv.1"))), 10);
  store.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(snapshot(*reopened), before);
}

TEST_F(MemfileCompactionTest, RepeatedCompactionsMergeNewRecords) {
  auto store = open();
  ASSERT_TRUE(store);
  writeHistory(*store, 1, 5);
  ASSERT_TRUE(succeeded(store->compactNow()));
  writeHistory(*store, 100, 5);
  ASSERT_TRUE(succeeded(store->leases4().remove(Family<Lease4>::address(1), nullptr)));
  ASSERT_TRUE(succeeded(store->compactNow()));
  const Snapshot before = snapshot(*store);
  ASSERT_TRUE(succeeded(store->compactNow()));

  EXPECT_EQ(lineCount(readFile(dir_.file("leases4.csv.1"))),
            1 + static_cast<int>(before.leases4.size()));
  store.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(snapshot(*reopened), before);
}

TEST_F(MemfileCompactionTest, CompactionDropsInvalidLines) {
  writeFile(dir_.file("leases4.csv"),
            memfile::headerLine<Lease4>() + "\nnot a record\n" +
                "192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,a,0,,0\n");
  auto store = open();
  ASSERT_TRUE(store);
  EXPECT_EQ(store->loadReport4().lines_skipped, 1u);

  auto compacted = store->compactNow();
  ASSERT_TRUE(succeeded(compacted));
  EXPECT_EQ((*compacted)[0].lines_skipped, 1u);
  EXPECT_EQ((*compacted)[0].leases_written, 1u);
  EXPECT_EQ(readFile(dir_.file("leases4.csv.1")),
            memfile::headerLine<Lease4>() +
                "\n192.0.2.1,1a:1b:1c:1d:1e:01,,7200,1900000000,1,0,0,a,0,,0\n");
}

TEST_F(MemfileCompactionTest, WritersAppendDuringCompactionsAndLoseNothing) {
  auto store = open();
  ASSERT_TRUE(store);
  constexpr uint32_t kLeases = 3000;
  std::thread writer([&] {
    for (uint32_t i = 0; i < kLeases; ++i) {
      ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(i))));
      auto renewed = Family<Lease4>::lease(i);
      renewed.cltt = kT0 + 1s;
      ASSERT_TRUE(succeeded(store->leases4().update(renewed, nullptr)));
    }
  });
  for (int run = 0; run < 20; ++run) {
    ASSERT_TRUE(succeeded(store->compactNow()));
  }
  writer.join();
  const Snapshot before = snapshot(*store);
  ASSERT_EQ(before.leases4.size(), kLeases);

  store.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(snapshot(*reopened), before);
}

// Stops a compaction before `step`, as if the process had been killed there, then restarts.
TEST_F(MemfileCompactionTest, CompactionStoppedAtAnyStepLoadsSameLeases) {
  for (const CompactionStep first_stop : kEveryStep) {
    for (const CompactionStep second_stop : kEveryStep) {
      SCOPED_TRACE("stopped at steps " + std::to_string(static_cast<int>(first_stop)) + " and " +
                   std::to_string(static_cast<int>(second_stop)));
      dir_.clear();
      Snapshot expected;
      {
        auto store = open();
        ASSERT_TRUE(store);
        writeHistory(*store, 1, 8);
        ASSERT_TRUE(succeeded(store->compactNow()));  // leaves a .1 behind
        writeHistory(*store, 50, 8);
        renewAndThin(*store);
        expected = snapshot(*store);
        store->compactor4ForTesting()->setStepHookForTesting(
            [&](CompactionStep step) { return step != first_stop; });
        EXPECT_FALSE(store->compactNow().hasValue());
        EXPECT_EQ(store->counters().compaction_failures, 1u);
      }

      // After a restart, a second run is stopped too, on what the first one left.
      {
        auto store = open();
        ASSERT_TRUE(store);
        EXPECT_EQ(snapshot(*store), expected);
        store->compactor4ForTesting()->setStepHookForTesting(
            [&](CompactionStep step) { return step != second_stop; });
        EXPECT_FALSE(store->compactNow().hasValue());
      }

      auto store = open();
      ASSERT_TRUE(store);
      EXPECT_EQ(snapshot(*store), expected);
      ASSERT_TRUE(succeeded(store->compactNow()));
      EXPECT_EQ(dir_.files(), (std::vector<std::string>{"leases4.csv", "leases4.csv.1",
                                                        "leases6.csv", "leases6.csv.1"}));
      store.reset();
      auto final_store = open();
      ASSERT_TRUE(final_store);
      EXPECT_EQ(snapshot(*final_store), expected);
    }
  }
}

TEST_F(MemfileCompactionTest, HalfWrittenOutputIsIgnoredAndRemoved) {
  {
    auto store = open();
    ASSERT_TRUE(store);
    writeHistory(*store, 1, 6);
  }
  writeFile(dir_.file("leases4.csv.output"),
            memfile::headerLine<Lease4>() + "\n10.9.9.9,1a:1b:1c:1d:1e:01,,72");
  auto store = open();
  ASSERT_TRUE(store);
  const Snapshot before = snapshot(*store);
  EXPECT_EQ(store->loadReport4().lines_skipped, 0u);

  ASSERT_TRUE(succeeded(store->compactNow()));
  EXPECT_FALSE(memfile::fileExists(dir_.file("leases4.csv.output")));
  store.reset();
  auto reopened = open();
  ASSERT_TRUE(reopened);
  EXPECT_EQ(snapshot(*reopened), before);
}

TEST_F(MemfileCompactionTest, FailedCompactionIsCountedAndKeepsRecords) {
  auto store = open();
  ASSERT_TRUE(store);
  writeHistory(*store, 1, 4);
  ASSERT_TRUE(succeeded(store->compactNow()));
  writeHistory(*store, 10, 4);
  const Snapshot before = snapshot(*store);
  writeFile(dir_.file("leases4.csv.1"), "damaged header\n");

  auto failed = store->compactNow();
  ASSERT_FALSE(failed.hasValue());
  EXPECT_EQ(failed.error().code, StoreError::Code::kInternal);
  EXPECT_EQ(store->counters().compaction_failures, 1u);
  EXPECT_EQ(store->counters().compactions, 1u + 2u);  // the DHCPv6 file still compacted
  // The records appended since the first compaction are still in the rotated file.
  EXPECT_TRUE(memfile::fileExists(dir_.file("leases4.csv.2")));
  EXPECT_EQ(snapshot(*store), before);
  ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(99))));
}

TEST_F(MemfileCompactionTest, CompactNowWithoutFilesDoesNothing) {
  auto store = openMemfile(MemfileOptions{});
  ASSERT_TRUE(store);
  auto compacted = store->compactNow();
  ASSERT_TRUE(succeeded(compacted));
  EXPECT_TRUE(compacted->empty());
}

TEST_F(MemfileCompactionTest, StoreWithCompactionTimerStopsAtOnce) {
  auto options = memfileOptionsIn(dir_.path());
  options.lfc_interval = std::chrono::hours{1};
  auto store = openMemfile(options);
  ASSERT_TRUE(store);
  ASSERT_TRUE(succeeded(store->leases4().add(Family<Lease4>::lease(1))));
  // Destruction must wake the timer thread rather than wait for the interval; a hang here
  // shows up as a test timeout.
  store.reset();
  auto reopened = openMemfile(options);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(allLeases(reopened->leases4()).size(), 1u);
}

}  // namespace
}  // namespace leasehold::testing
