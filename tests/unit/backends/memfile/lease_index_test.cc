// LeaseIndex's free-address search, which jumps over runs of leased addresses, checked against
// a brute-force search after random inserts and erases.
#include "backends/memfile/lease_index.h"

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "tests/unit/backends/lease_store_test_vocabulary.h"

namespace leasehold::testing {
namespace {

using Uint128 = unsigned __int128;

template <typename F>
std::vector<typename F::Address> bruteForceUnleased(const std::set<Uint128>& leased, Uint128 first,
                                                    Uint128 last, Uint128 start, size_t limit,
                                                    unsigned step_bits) {
  std::vector<typename F::Address> found;
  const Uint128 step = Uint128{1} << step_bits;
  auto walk = [&](Uint128 low, Uint128 high) {
    for (Uint128 candidate = low; candidate <= high && found.size() < limit; ++candidate) {
      if (candidate % step == 0 && !leased.contains(candidate)) {
        found.push_back(F::fromUint(candidate));
      }
      if (candidate == high) {
        break;
      }
    }
  };
  walk(start, last);
  if (start > first) {
    walk(first, start - 1);
  }
  return found;
}

// Leases and frees addresses in a window of 64 at `base`, then compares findUnleased with the
// brute-force search for random ranges, starts, limits and steps.
template <typename F>
void compareWithBruteForce(Uint128 base, uint32_t seed) {
  std::mt19937 random(seed);
  memfile::LeaseIndex<typename F::Lease> index;
  std::set<Uint128> leased;
  constexpr unsigned kWindow = 64;

  for (int round = 0; round < 400; ++round) {
    const Uint128 address = base + random() % kWindow;
    if (leased.contains(address)) {
      index.erase(F::fromUint(address));
      leased.erase(address);
    } else {
      auto lease = F::lease(0);
      lease.address = F::fromUint(address);
      index.insert(lease);
      leased.insert(address);
    }

    Uint128 first = base + random() % kWindow;
    Uint128 last = base + random() % kWindow;
    if (first > last) {
      std::swap(first, last);
    }
    const Uint128 start = first + random() % static_cast<unsigned>(last - first + 1);
    const size_t limit = random() % 6 == 0 ? 0 : 1 + random() % 20;
    const unsigned step_bits = random() % 4 == 0 ? random() % 4 : 0;
    SCOPED_TRACE("round " + std::to_string(round) + " step_bits " + std::to_string(step_bits));
    ASSERT_EQ(index.findUnleased(F::fromUint(first), F::fromUint(last), F::fromUint(start), limit,
                                 step_bits),
              bruteForceUnleased<F>(leased, first, last, start, limit, step_bits));
  }
}

TEST(LeaseIndexTest, FindUnleasedMatchesBruteForce4) {
  compareWithBruteForce<Family<Lease4>>(0x0a000000, 1);
  compareWithBruteForce<Family<Lease4>>(0, 2);
  compareWithBruteForce<Family<Lease4>>(0xffffffffu - 63, 3);
}

TEST(LeaseIndexTest, FindUnleasedMatchesBruteForce6) {
  const Uint128 top = ~Uint128{0};
  compareWithBruteForce<Family<Lease6>>(v6("2001:db8::").toUint128(), 4);
  compareWithBruteForce<Family<Lease6>>(0, 5);
  compareWithBruteForce<Family<Lease6>>(top - 63, 6);
}

TEST(LeaseIndexTest, FindUnleasedSkipsLongLeasedRun) {
  using F = Family<Lease4>;
  memfile::LeaseIndex<Lease4> index;
  // Even addresses first, so that each odd one joins two runs into one.
  for (const uint32_t parity : {0u, 1u}) {
    for (uint32_t i = parity; i < 5000; i += 2) {
      if (i != 4321) {
        index.insert(F::lease(i));
      }
    }
  }
  index.erase(F::address(17));
  EXPECT_EQ(index.runCountForTesting(), 3u);

  EXPECT_EQ(index.findUnleased(F::address(0), F::address(4999), F::address(100), 5, 0),
            (std::vector{F::address(4321), F::address(17)}));
  EXPECT_EQ(index.findUnleased(F::address(0), F::address(5001), F::address(4999), 3, 0),
            (std::vector{F::address(5000), F::address(5001), F::address(17)}));
}

}  // namespace
}  // namespace leasehold::testing
