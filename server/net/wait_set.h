// WaitSet: an epoll set that worker threads wait on together, with a wake-up that releases
// every waiter at once (for shutdown). Shared by the DHCPv4 and DHCPv6 socket layers.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "backends/result.h"

namespace leasehold::net {

class WaitSet {
 public:
  static constexpr uint64_t kWakeTag = ~uint64_t{0};

  WaitSet() = default;
  ~WaitSet();
  WaitSet(const WaitSet&) = delete;
  WaitSet& operator=(const WaitSet&) = delete;

  // Creates the epoll set and the wake-up descriptor. Errors carry the system error.
  Result<void, std::string> open();
  // Watches `fd` for input; wait() reports it as `tag`.
  Result<void, std::string> watch(int fd, uint64_t tag);
  // Waits up to `timeout`; fills `tags` with up to `capacity` ready tags and returns how many.
  // Returns 0 after wake(). Thread-safe (level-triggered, several threads may wait).
  size_t wait(uint64_t* tags, size_t capacity, std::chrono::milliseconds timeout);
  // Releases every current and future wait().
  void wake();

 private:
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
};

}  // namespace leasehold::net
