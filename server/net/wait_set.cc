#include "server/net/wait_set.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace leasehold::net {

WaitSet::~WaitSet() {
  for (int fd : {epoll_fd_, wake_fd_}) {
    if (fd >= 0) {
      close(fd);
    }
  }
}

Result<void, std::string> WaitSet::open() {
  epoll_fd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) {
    return makeUnexpected(std::string("epoll/eventfd setup failed: ") + std::strerror(errno));
  }
  return watch(wake_fd_, kWakeTag);
}

Result<void, std::string> WaitSet::watch(int fd, uint64_t tag) {
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = tag;
  if (epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &event) != 0) {
    return makeUnexpected(std::string("epoll_ctl failed: ") + std::strerror(errno));
  }
  return {};
}

size_t WaitSet::wait(uint64_t* tags, size_t capacity, std::chrono::milliseconds timeout) {
  epoll_event events[8];
  const int max = static_cast<int>(capacity < 8 ? capacity : 8);
  const int ready = epoll_wait(epoll_fd_, events, max, static_cast<int>(timeout.count()));
  size_t count = 0;
  for (int i = 0; i < ready; ++i) {
    if (events[i].data.u64 == kWakeTag) {
      return 0;
    }
    tags[count++] = events[i].data.u64;
  }
  return count;
}

void WaitSet::wake() {
  const uint64_t one = 1;
  // The counter is never read back, so it stays readable and every waiter sees it.
  [[maybe_unused]] const auto written = write(wake_fd_, &one, sizeof one);
}

}  // namespace leasehold::net
