#include "server/alloc/free_ranges.h"

#include <gtest/gtest.h>

#include <set>

#include "server/alloc/pool_state.h"

namespace leasehold::alloc {
namespace {

TEST(FreeRangesTest, TakeSplitsAndReleaseMerges) {
  FreeRanges ranges(10);
  ranges.take(4);
  EXPECT_EQ(ranges.rangeCount(), 2u);
  EXPECT_EQ(ranges.freeCount(), 9u);
  EXPECT_FALSE(ranges.isFree(4));
  ranges.take(4);  // taking twice changes nothing
  EXPECT_EQ(ranges.freeCount(), 9u);
  ranges.release(4);
  EXPECT_EQ(ranges.rangeCount(), 1u);
  EXPECT_EQ(ranges.freeCount(), 10u);
}

TEST(FreeRangesTest, NextSkipsUsedAndWraps) {
  FreeRanges ranges(5);
  ranges.take(0);
  ranges.take(3);
  ranges.take(4);
  EXPECT_EQ(ranges.next(0), SlotIndex{1});
  EXPECT_EQ(ranges.next(2), SlotIndex{2});
  EXPECT_EQ(ranges.next(3), SlotIndex{1});  // wraps past the end
  ranges.take(1);
  ranges.take(2);
  EXPECT_FALSE(ranges.next(0).has_value());
}

TEST(FreeRangesTest, LastFreeSlotOfHugePoolFoundWithoutScanning) {
  // A /64 DHCPv6 pool: 2^64 slots, all taken but one near the end.
  const SlotIndex size = SlotIndex{1} << 64;
  FreeRanges ranges(size);
  ranges.take(0);
  for (SlotIndex i = 0; i < 1000; ++i) {
    ranges.take(i);
  }
  EXPECT_EQ(ranges.next(0), SlotIndex{1000});
  EXPECT_EQ(ranges.freeCount(), size - 1000);
}

TEST(FreeRangesTest, ReleaseMergesWithBothNeighbours) {
  FreeRanges ranges(3);
  ranges.take(0);
  ranges.take(1);
  ranges.take(2);
  ranges.release(0);
  ranges.release(2);
  EXPECT_EQ(ranges.rangeCount(), 2u);
  ranges.release(1);
  EXPECT_EQ(ranges.rangeCount(), 1u);
  EXPECT_EQ(ranges.next(1), SlotIndex{1});
}

TEST(PoolStateTest, PickAdvancesCursorSoOffersDiffer) {
  PoolState pool(4, 2);
  EXPECT_EQ(pool.pickNext(), SlotIndex{2});
  EXPECT_EQ(pool.pickNext(), SlotIndex{3});
  EXPECT_EQ(pool.pickNext(), SlotIndex{0});
  pool.markUsed(1);
  EXPECT_EQ(pool.pickNext(), SlotIndex{2});
  EXPECT_EQ(pool.freeCount(), SlotIndex{3});
}

TEST(PoolStateTest, TakenElsewhereMarksUsedAndMovesCursor) {
  // A lost race means another node allocates around the slot, so the cursor leaves it for a
  // random slot rather than following that node.
  const SlotIndex size = SlotIndex{1} << 20;
  PoolState state(size, 0);
  std::set<SlotIndex> cursors;
  for (SlotIndex slot = 100; slot < 108; ++slot) {
    state.markTakenElsewhere(slot);
    EXPECT_FALSE(state.isFree(slot));
    EXPECT_LT(state.cursor(), size);
    cursors.insert(state.cursor());
  }
  EXPECT_EQ(state.freeCount(), size - 8);
  EXPECT_GT(cursors.size(), 1u);
}

TEST(PoolStateTest, TakenElsewhereKeepsCursorInsideHugePool) {
  // A DHCPv6 /64 address pool has 2^64 slots, more than a 64-bit random number spans.
  const SlotIndex size = (SlotIndex{1} << 64) + 5;
  PoolState state(size, 0);
  for (int i = 0; i < 16; ++i) {
    state.markTakenElsewhere(SlotIndex{7});
    EXPECT_LT(state.cursor(), size);
  }
}

}  // namespace
}  // namespace leasehold::alloc
