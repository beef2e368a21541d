#include "server/alloc/pool_state.h"

namespace leasehold::alloc {

PoolState::PoolState(SlotIndex size, SlotIndex start)
    : size_(size), free_(size), cursor_(start < size ? start : 0) {}

std::optional<SlotIndex> PoolState::pickNext() {
  std::lock_guard lock(mutex_);
  const auto picked = free_.next(cursor_);
  if (picked) {
    cursor_ = *picked + 1 < size_ ? *picked + 1 : 0;
  }
  return picked;
}

void PoolState::markUsed(SlotIndex index) {
  std::lock_guard lock(mutex_);
  free_.take(index);
}

void PoolState::markFree(SlotIndex index) {
  std::lock_guard lock(mutex_);
  free_.release(index);
}

bool PoolState::isFree(SlotIndex index) const {
  std::lock_guard lock(mutex_);
  return free_.isFree(index);
}

SlotIndex PoolState::freeCount() const {
  std::lock_guard lock(mutex_);
  return free_.freeCount();
}

SlotIndex PoolState::cursor() const {
  std::lock_guard lock(mutex_);
  return cursor_;
}

void PoolState::moveCursor(SlotIndex index) {
  std::lock_guard lock(mutex_);
  cursor_ = index;
}

}  // namespace leasehold::alloc
