// A one-line progress bar on standard error, drawn only when standard error is a terminal.
// Thread-safe: update() may be called from several threads.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>

namespace leasehold::admin {

class ProgressBar {
 public:
  ProgressBar(std::string label, uint64_t total);
  ~ProgressBar();

  void update(uint64_t done);
  // Draws the final state and ends the line.
  void finish();

 private:
  void draw(uint64_t done);

  const std::string label_;
  const uint64_t total_;
  const bool enabled_;
  std::mutex mutex_;
  std::chrono::steady_clock::time_point last_draw_{};  // GUARDED_BY(mutex_)
  uint64_t last_done_ = 0;                             // GUARDED_BY(mutex_)
  bool finished_ = false;                              // GUARDED_BY(mutex_)
};

}  // namespace leasehold::admin
