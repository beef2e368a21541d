#include "server/alloc/free_ranges.h"

#include <cassert>
#include <iterator>

namespace leasehold::alloc {

FreeRanges::FreeRanges(SlotIndex size) : size_(size), free_count_(size) {
  assert(size > 0);
  ranges_.emplace(0, size - 1);
}

bool FreeRanges::isFree(SlotIndex index) const {
  auto it = ranges_.upper_bound(index);
  if (it == ranges_.begin()) {
    return false;
  }
  --it;
  return index <= it->second;
}

void FreeRanges::take(SlotIndex index) {
  assert(index < size_);
  auto it = ranges_.upper_bound(index);
  if (it == ranges_.begin()) {
    return;
  }
  --it;
  const SlotIndex first = it->first;
  const SlotIndex last = it->second;
  if (index > last) {
    return;
  }
  ranges_.erase(it);
  if (first < index) {
    ranges_.emplace(first, index - 1);
  }
  if (index < last) {
    ranges_.emplace(index + 1, last);
  }
  --free_count_;
}

void FreeRanges::release(SlotIndex index) {
  assert(index < size_);
  if (isFree(index)) {
    return;
  }
  SlotIndex first = index;
  SlotIndex last = index;
  // Merge with the range that ends right before `index`, if any.
  auto after = ranges_.upper_bound(index);
  if (after != ranges_.begin()) {
    auto before = std::prev(after);
    if (before->second + 1 == index) {
      first = before->first;
      ranges_.erase(before);
    }
  }
  // Merge with the range that starts right after `index`, if any.
  if (after != ranges_.end() && after->first == index + 1) {
    last = after->second;
    ranges_.erase(after);
  }
  ranges_.emplace(first, last);
  ++free_count_;
}

std::optional<SlotIndex> FreeRanges::next(SlotIndex from) const {
  if (ranges_.empty()) {
    return std::nullopt;
  }
  if (from >= size_) {
    from = 0;
  }
  auto it = ranges_.upper_bound(from);
  if (it != ranges_.begin()) {
    auto containing = std::prev(it);
    if (from <= containing->second) {
      return from;
    }
  }
  if (it != ranges_.end()) {
    return it->first;
  }
  return ranges_.begin()->first;
}

}  // namespace leasehold::alloc
