// PoolState: the allocation state of one configured pool, shared by every worker thread.
//
// It caches which slots have no active lease, so picking a candidate costs no store round trip.
// The cache is a hint, never the truth: the store decides when a candidate is claimed (the
// first committed writer wins), and a lost claim marks the slot used here. On a shared SQL
// database other nodes change leases behind this cache, so callers refill it from the store
// (LeaseTable::findUnleased) when it runs dry.
//
// Threads: every method is thread-safe; each holds the pool's own mutex briefly.
#pragma once

#include <mutex>
#include <optional>

#include "server/alloc/free_ranges.h"

namespace leasehold::alloc {

class PoolState {
 public:
  // `start` spreads nodes of a cluster over the pool: each begins allocating at its own
  // offset, so they rarely race for the same slot. REQUIRES: size > 0, start < size.
  PoolState(SlotIndex size, SlotIndex start);

  // Returns the next free slot at or after the cursor and moves the cursor past it, so
  // concurrent DISCOVERs are offered different addresses. nullopt when the cache has no
  // free slot.
  std::optional<SlotIndex> pickNext();
  void markUsed(SlotIndex index);
  // Marks `index` used because another node (or an operator) leased it behind this cache, and
  // moves the cursor to a random slot. The other node is allocating next to `index`, so a
  // cursor that followed it would race it for every next slot and lose most of the races.
  void markTakenElsewhere(SlotIndex index);
  void markFree(SlotIndex index);
  bool isFree(SlotIndex index) const;
  SlotIndex freeCount() const;
  SlotIndex size() const { return size_; }
  SlotIndex cursor() const;
  // Moves the cursor to `index`, so that a pool state replacing another one for the same
  // range goes on where that one stopped instead of offering its recent offers again.
  // REQUIRES: index < size().
  void moveCursor(SlotIndex index);

 private:
  const SlotIndex size_;
  mutable std::mutex mutex_;
  FreeRanges free_;   // GUARDED_BY(mutex_)
  SlotIndex cursor_;  // GUARDED_BY(mutex_)
};

}  // namespace leasehold::alloc
