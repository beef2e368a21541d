// FreeRanges: the set of free slots of one pool, kept as disjoint inclusive ranges of slot
// indices. A slot is an address (DHCPv4, DHCPv6 NA) or a delegated prefix (DHCPv6 PD);
// index 0 is the pool's first slot. Finding the next free slot costs O(log r) for r ranges,
// however full the pool is, which is why allocation never probes address by address.
//
// Not thread-safe: PoolState serializes access.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace leasehold::alloc {

using SlotIndex = unsigned __int128;

class FreeRanges {
 public:
  // All `size` slots start free. REQUIRES: size > 0.
  explicit FreeRanges(SlotIndex size);

  SlotIndex size() const { return size_; }
  SlotIndex freeCount() const { return free_count_; }
  bool isFree(SlotIndex index) const;

  // Marks a slot used; no effect when it already is. REQUIRES: index < size().
  void take(SlotIndex index);
  // Marks a slot free; no effect when it already is. REQUIRES: index < size().
  void release(SlotIndex index);
  // Returns the first free slot at or after `from`, wrapping around to 0; nullopt when the
  // pool has no free slot.
  std::optional<SlotIndex> next(SlotIndex from) const;
  // Number of disjoint free ranges (a measure of fragmentation, for tests and statistics).
  size_t rangeCount() const { return ranges_.size(); }

 private:
  SlotIndex size_;
  SlotIndex free_count_;
  std::map<SlotIndex, SlotIndex> ranges_;  // first -> last, inclusive, disjoint, not adjacent
};

}  // namespace leasehold::alloc
