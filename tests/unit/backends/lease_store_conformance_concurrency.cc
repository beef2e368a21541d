// Conformance checks for writers racing on the same addresses: every claim has one winner, no
// compare-and-set update is lost, and readers never see a half-written lease. With one thread
// (concurrency off) the same steps run one after another.
#include <latch>
#include <map>
#include <thread>

#include "tests/unit/backends/lease_store_conformance.h"
#include "tests/unit/backends/lease_store_test_vocabulary.h"

namespace leasehold::testing {

std::vector<LeaseStore*> LeaseStoreConcurrencyTest::storesForThreads() {
  std::vector<LeaseStore*> stores;
  for (unsigned thread = 0; thread < threads(); ++thread) {
    LeaseStore* instance = &store();
    if (backend_.shared_between_instances && thread > 0) {
      instance = openAnother();
    }
    if (instance == nullptr) {
      return {};
    }
    stores.push_back(instance);
  }
  return stores;
}

namespace {

using Code = StoreError::Code;

enum class Outcome { kNotTried, kWon, kLost, kFailed };

// Runs body(thread) on `count` threads that start together, and joins them.
void runThreads(unsigned count, const std::function<void(unsigned)>& body) {
  std::latch start(count);
  std::vector<std::thread> workers;
  for (unsigned thread = 0; thread < count; ++thread) {
    workers.emplace_back([&, thread] {
      start.arrive_and_wait();
      body(thread);
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
}

Outcome outcomeOf(const StoreResult<void>& result) {
  if (result) {
    return Outcome::kWon;
  }
  return result.error().code == Code::kConflict ? Outcome::kLost : Outcome::kFailed;
}

constexpr uint32_t kClientBase = 1000;

// Marks `lease` as generation `generation` in several fields at once, so a reader can tell a
// whole lease from a mix of two writes.
template <typename LeaseT>
void setGeneration(LeaseT& lease, uint32_t generation) {
  lease.pool_id = generation;
  lease.hostname = "gen-" + std::to_string(generation) + ".example.org";
  lease.cltt = kT0 + std::chrono::seconds{generation};
  lease.user_context = R"({"generation": )" + std::to_string(generation) + "}";
}

template <typename LeaseT>
bool isWholeGeneration(const LeaseT& lease) {
  LeaseT expected = lease;
  setGeneration(expected, lease.pool_id);
  return expected == lease;
}

// Increments the generation of the lease at `address` with compare-and-set, retrying after each
// kConflict. Returns false when the store failed in another way or the lease vanished.
template <typename F>
bool incrementGeneration(LeaseTable<typename F::Lease>& table, const typename F::Address& address,
                         uint64_t& conflicts) {
  // Each round some writer succeeds, so this bound is only reached if the store livelocks.
  for (int attempt = 0; attempt < 1'000'000; ++attempt) {
    auto current = table.get(address);
    if (!current || !current->has_value()) {
      return false;
    }
    auto next = **current;
    setGeneration(next, next.pool_id + 1);
    auto result = table.update(next, &**current);
    if (result) {
      return true;
    }
    if (result.error().code != Code::kConflict) {
      return false;
    }
    ++conflicts;
  }
  return false;
}

TEST_P(LeaseStoreConcurrencyTest, AddsClaimEachAddressExactlyOnce) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    constexpr uint32_t kAddresses = 64;
    const auto stores = storesForThreads();
    ASSERT_EQ(stores.size(), threads());
    std::vector<std::vector<Outcome>> outcomes(threads(),
                                               std::vector<Outcome>(kAddresses, Outcome::kNotTried));

    runThreads(threads(), [&](unsigned thread) {
      auto& table = F::table(*stores[thread]);
      for (uint32_t i = 0; i < kAddresses; ++i) {
        auto lease = F::lease(i);
        F::setClient(lease, kClientBase + thread);
        outcomes[thread][i] = outcomeOf(table.add(lease));
      }
    });

    auto& table = F::table(store());
    for (uint32_t i = 0; i < kAddresses; ++i) {
      std::vector<unsigned> winners;
      for (unsigned thread = 0; thread < threads(); ++thread) {
        EXPECT_NE(outcomes[thread][i], Outcome::kFailed) << "address " << i << " thread " << thread;
        if (outcomes[thread][i] == Outcome::kWon) {
          winners.push_back(thread);
        }
      }
      ASSERT_EQ(winners.size(), 1u) << "address " << i;
      auto expected = F::lease(i);
      F::setClient(expected, kClientBase + winners[0]);
      EXPECT_EQ(storedLease(table, F::address(i)), expected);
    }
    EXPECT_EQ(allLeases(table).size(), kAddresses);
  });
}

TEST_P(LeaseStoreConcurrencyTest, CompareAndSetUpdatesLoseNoIncrement) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    constexpr uint32_t kAddresses = 4;
    constexpr uint32_t kIncrementsPerThread = 40;
    for (uint32_t i = 0; i < kAddresses; ++i) {
      auto lease = F::lease(i);
      setGeneration(lease, 0);
      ASSERT_TRUE(succeeded(F::table(store()).add(lease)));
    }
    const auto stores = storesForThreads();
    ASSERT_EQ(stores.size(), threads());
    std::vector<uint64_t> failures(threads(), 0);
    std::vector<uint64_t> conflicts(threads(), 0);

    runThreads(threads(), [&](unsigned thread) {
      auto& table = F::table(*stores[thread]);
      for (uint32_t n = 0; n < kIncrementsPerThread; ++n) {
        for (uint32_t i = 0; i < kAddresses; ++i) {
          if (!incrementGeneration<F>(table, F::address(i), conflicts[thread])) {
            ++failures[thread];
          }
        }
      }
    });

    for (unsigned thread = 0; thread < threads(); ++thread) {
      EXPECT_EQ(failures[thread], 0u) << "thread " << thread;
    }
    for (uint32_t i = 0; i < kAddresses; ++i) {
      auto expected = F::lease(i);
      setGeneration(expected, threads() * kIncrementsPerThread);
      EXPECT_EQ(storedLease(F::table(store()), F::address(i)), expected);
    }
  });
}

TEST_P(LeaseStoreConcurrencyTest, RemovesAndReclaimsHaveOneWinner) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    constexpr uint32_t kAddresses = 32;
    for (uint32_t i = 0; i < kAddresses; ++i) {
      ASSERT_TRUE(succeeded(F::table(store()).add(F::lease(i))));
    }
    const auto stores = storesForThreads();
    ASSERT_EQ(stores.size(), threads());
    std::vector<std::vector<Outcome>> removes(threads(), std::vector<Outcome>(kAddresses));
    std::vector<std::vector<Outcome>> claims(threads(), std::vector<Outcome>(kAddresses));

    runThreads(threads(), [&](unsigned thread) {
      auto& table = F::table(*stores[thread]);
      for (uint32_t i = 0; i < kAddresses; ++i) {
        const auto original = F::lease(i);
        removes[thread][i] = outcomeOf(table.remove(original.address, &original));
        auto claim = F::lease(i);
        F::setClient(claim, kClientBase + thread);
        claims[thread][i] = outcomeOf(table.add(claim));
      }
    });

    for (uint32_t i = 0; i < kAddresses; ++i) {
      unsigned removed = 0;
      std::vector<unsigned> claimed;
      for (unsigned thread = 0; thread < threads(); ++thread) {
        EXPECT_NE(removes[thread][i], Outcome::kFailed) << "address " << i;
        EXPECT_NE(claims[thread][i], Outcome::kFailed) << "address " << i;
        removed += removes[thread][i] == Outcome::kWon ? 1 : 0;
        if (claims[thread][i] == Outcome::kWon) {
          claimed.push_back(thread);
        }
      }
      EXPECT_EQ(removed, 1u) << "address " << i;
      ASSERT_EQ(claimed.size(), 1u) << "address " << i;
      auto expected = F::lease(i);
      F::setClient(expected, kClientBase + claimed[0]);
      EXPECT_EQ(storedLease(F::table(store()), F::address(i)), expected);
    }
  });
}

TEST_P(LeaseStoreConcurrencyTest, ReadersSeeOnlyWholeLeasesInOrder) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    constexpr uint32_t kAddresses = 8;
    constexpr uint32_t kWritesPerWriter = 30;
    constexpr uint32_t kReadPasses = 60;
    for (uint32_t i = 0; i < kAddresses; ++i) {
      auto lease = F::lease(i);
      setGeneration(lease, 0);
      ASSERT_TRUE(succeeded(F::table(store()).add(lease)));
    }
    const auto stores = storesForThreads();
    ASSERT_EQ(stores.size(), threads());
    // With one thread, that thread writes and then reads.
    const unsigned writers = threads() == 1 ? 1 : threads() / 2;
    std::vector<uint64_t> write_failures(threads(), 0);
    std::vector<uint64_t> torn(threads(), 0);
    std::vector<uint64_t> backwards(threads(), 0);
    std::vector<uint64_t> read_failures(threads(), 0);

    runThreads(threads(), [&](unsigned thread) {
      auto& table = F::table(*stores[thread]);
      uint64_t conflicts = 0;
      if (thread < writers) {
        for (uint32_t n = 0; n < kWritesPerWriter; ++n) {
          for (uint32_t i = 0; i < kAddresses; ++i) {
            write_failures[thread] += incrementGeneration<F>(table, F::address(i), conflicts) ? 0 : 1;
          }
        }
      }
      if (thread >= writers || threads() == 1) {
        std::map<typename F::Address, uint32_t> last_seen;
        typename F::Query by_subnet;
        by_subnet.subnet_id = 1;
        for (uint32_t pass = 0; pass < kReadPasses; ++pass) {
          auto found = table.find(by_subnet);
          if (!found || found->size() != kAddresses) {
            ++read_failures[thread];
            continue;
          }
          for (const auto& lease : *found) {
            torn[thread] += isWholeGeneration(lease) ? 0 : 1;
            backwards[thread] += lease.pool_id < last_seen[lease.address] ? 1 : 0;
            last_seen[lease.address] = lease.pool_id;
          }
        }
      }
    });

    for (unsigned thread = 0; thread < threads(); ++thread) {
      EXPECT_EQ(write_failures[thread], 0u) << "thread " << thread;
      EXPECT_EQ(read_failures[thread], 0u) << "thread " << thread;
      EXPECT_EQ(torn[thread], 0u) << "thread " << thread;
      EXPECT_EQ(backwards[thread], 0u) << "thread " << thread;
    }
    for (uint32_t i = 0; i < kAddresses; ++i) {
      auto expected = F::lease(i);
      setGeneration(expected, writers * kWritesPerWriter);
      EXPECT_EQ(storedLease(F::table(store()), F::address(i)), expected);
    }
  });
}

TEST_P(LeaseStoreConcurrencyTest, WipeRacingAddsKeepsOtherSubnets) {
  forBothFamilies([&](auto family) {
    using F = decltype(family);
    constexpr uint32_t kPrefilled = 32;
    constexpr uint32_t kAddsPerThread = 16;
    for (uint32_t i = 0; i < kPrefilled; ++i) {
      ASSERT_TRUE(succeeded(F::table(store()).add(F::lease(i, 2))));
    }
    const auto stores = storesForThreads();
    ASSERT_EQ(stores.size(), threads());
    std::vector<uint64_t> added_to_wiped_subnet(threads(), 0);
    std::vector<uint64_t> failures(threads(), 0);
    uint64_t wiped = 0;

    runThreads(threads(), [&](unsigned thread) {
      auto& table = F::table(*stores[thread]);
      // Thread t adds leases 1000 + t * kAddsPerThread + n, alternating subnets 1 and 2; with
      // one thread it adds first and wipes afterwards.
      if (thread > 0 || threads() == 1) {
        for (uint32_t n = 0; n < kAddsPerThread; ++n) {
          const SubnetId subnet = n % 2 == 0 ? 1 : 2;
          const auto result = table.add(F::lease(1000 + thread * kAddsPerThread + n, subnet));
          failures[thread] += result ? 0 : 1;
          added_to_wiped_subnet[thread] += result && subnet == 2 ? 1 : 0;
        }
      }
      if (thread == 0) {
        auto result = table.wipe(2);
        failures[thread] += result ? 0 : 1;
        wiped = result ? *result : 0;
      }
    });

    uint64_t added = 0;
    for (unsigned thread = 0; thread < threads(); ++thread) {
      EXPECT_EQ(failures[thread], 0u) << "thread " << thread;
      added += added_to_wiped_subnet[thread];
    }
    auto& table = F::table(store());
    typename F::Query subnet1, subnet2;
    subnet1.subnet_id = 1;
    subnet2.subnet_id = 2;
    const uint64_t adding_threads = threads() == 1 ? 1 : threads() - 1;
    EXPECT_EQ(findLeases(table, subnet1).size(), adding_threads * kAddsPerThread / 2);
    EXPECT_GE(wiped, kPrefilled);
    EXPECT_EQ(wiped + findLeases(table, subnet2).size(), kPrefilled + added);
  });
}

}  // namespace
}  // namespace leasehold::testing
