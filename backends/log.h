// Logging for every component: spdlog underneath, with a stable message ID first on each line
// so operators can look the message up in docs/log-messages.md and filter on it.
//
// Rules (STYLE.md): the packet path logs nothing above debug; repeated warnings go through a
// RateLimitedLog; info is for lifecycle events. Never pass a password or key to a log call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string_view>

#include <spdlog/spdlog.h>

namespace leasehold::log {

template <typename... Args>
void debug(std::string_view id, fmt::format_string<Args...> format, Args&&... args) {
  if (spdlog::should_log(spdlog::level::debug)) {
    spdlog::debug("{} {}", id, fmt::format(format, std::forward<Args>(args)...));
  }
}

template <typename... Args>
void info(std::string_view id, fmt::format_string<Args...> format, Args&&... args) {
  spdlog::info("{} {}", id, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void warn(std::string_view id, fmt::format_string<Args...> format, Args&&... args) {
  spdlog::warn("{} {}", id, fmt::format(format, std::forward<Args>(args)...));
}

template <typename... Args>
void error(std::string_view id, fmt::format_string<Args...> format, Args&&... args) {
  spdlog::error("{} {}", id, fmt::format(format, std::forward<Args>(args)...));
}

inline bool debugEnabled() { return spdlog::should_log(spdlog::level::debug); }

// Lets one message through per interval and counts the ones it holds back, so a fault that
// repeats per packet (a database that went away) produces one line per interval with the
// number of repeats. Thread-safe.
class RateLimitedLog {
 public:
  explicit RateLimitedLog(std::chrono::seconds interval) : interval_(interval) {}

  // Returns the number of suppressed repeats to report (>= 0) when this call may log, or -1
  // when it must stay silent.
  int64_t admit() {
    const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::chrono::steady_clock::now().time_since_epoch())
                            .count();
    int64_t last = last_ms_.load(std::memory_order_relaxed);
    const int64_t interval_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(interval_).count();
    if (last != 0 && now - last < interval_ms) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return -1;
    }
    if (!last_ms_.compare_exchange_strong(last, now, std::memory_order_relaxed)) {
      suppressed_.fetch_add(1, std::memory_order_relaxed);
      return -1;
    }
    return suppressed_.exchange(0, std::memory_order_relaxed);
  }

 private:
  const std::chrono::seconds interval_;
  std::atomic<int64_t> last_ms_{0};
  std::atomic<int64_t> suppressed_{0};
};

}  // namespace leasehold::log
