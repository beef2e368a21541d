// Wall-clock time source, injected wherever lease times are computed so that tests can move
// time forward instantly (expiry, reclamation, probation).
#pragma once

#include <atomic>
#include <chrono>

#include "backends/lease.h"

namespace leasehold {

class Clock {
 public:
  virtual ~Clock() = default;
  // Returns the current time in whole seconds since the Unix epoch. Thread-safe.
  virtual UnixTime now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixTime now() const override {
    return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  }
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(UnixTime start = UnixTime{std::chrono::seconds{1'700'000'000}})
      : seconds_(start.time_since_epoch().count()) {}
  UnixTime now() const override { return UnixTime{std::chrono::seconds{seconds_.load()}}; }
  void advance(std::chrono::seconds delta) { seconds_ += delta.count(); }

 private:
  std::atomic<int64_t> seconds_;
};

}  // namespace leasehold
