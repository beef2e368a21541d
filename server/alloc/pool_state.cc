#include "server/alloc/pool_state.h"

#include <random>

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

void PoolState::markTakenElsewhere(SlotIndex index) {
  // 128 random bits, because a DHCPv6 pool can have more than 2^64 slots.
  thread_local std::mt19937_64 random(std::random_device{}());
  const SlotIndex bits = (static_cast<SlotIndex>(random()) << 64) | random();
  std::lock_guard lock(mutex_);
  free_.take(index);
  cursor_ = bits % size_;
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
