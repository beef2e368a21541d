// Named statistics in Kea's model: each statistic keeps its recent samples (value and time of
// change), bounded by a sample count and optionally an age, and answers the statistic-*
// control commands in Kea's shapes.
//
// Threads: every method is safe to call from any thread. Recording a value locks only the
// statistic concerned, so the packet path never waits on the registry lock once it holds a
// reference. References returned by the registry stay valid for the registry's lifetime:
// "removing" a statistic hides it and clears its samples, and the next recorded value brings
// it back, which is how Kea behaves after statistic-remove.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

namespace leasehold::stats {

using Clock = std::chrono::system_clock;
using Value = std::variant<int64_t, double, std::chrono::microseconds, std::string>;

class Statistic {
 public:
  Statistic(std::string name, Value initial, size_t max_samples);

  const std::string& name() const { return name_; }

  // Adds `delta` to an integer statistic. A statistic of another kind becomes an integer
  // starting from zero, as Kea does when a name is reused with another type.
  void add(int64_t delta);
  void set(Value value);
  // Drops every sample and records `value` as the only one: a subnet's statistics start
  // afresh when a configuration is applied, as in Kea.
  void restart(Value value);
  // Returns the newest value; an integer statistic that has no samples returns 0.
  Value current() const;
  int64_t currentInteger() const;

  // Returns [[value, "YYYY-MM-DD HH:MM:SS.ffffff"], ...], newest first.
  nlohmann::json samplesJson() const;

  // Puts the statistic back to its kind's neutral value (0, 0.0, 0 s or "").
  void reset();
  void hide();
  bool visible() const;

  void setMaxSamples(size_t count);
  void setMaxAge(std::chrono::seconds age);  // 0 disables the age limit

 private:
  struct Sample {
    Value value;
    Clock::time_point time;
  };
  void recordLocked(Value value);
  // Rotates the ring so the oldest sample is first.
  void putInOrderLocked();
  const Sample& newestLocked() const {
    return samples_[(oldest_ + samples_.size() - 1) % samples_.size()];
  }

  const std::string name_;
  mutable std::mutex mutex_;
  // A ring once full: oldest_ indexes the oldest sample. GUARDED_BY(mutex_)
  std::vector<Sample> samples_;
  size_t oldest_ = 0;  // GUARDED_BY(mutex_)
  size_t max_samples_;           // GUARDED_BY(mutex_)
  std::chrono::seconds max_age_{0};  // GUARDED_BY(mutex_)
  bool visible_ = true;              // GUARDED_BY(mutex_)
};

class StatsRegistry {
 public:
  static constexpr size_t kDefaultMaxSamples = 20;

  // Returns the statistic called `name`, creating it (and making it visible) with `initial`
  // when it does not exist. The reference is valid for the registry's lifetime.
  Statistic& get(std::string_view name, Value initial = int64_t{0});
  // Returns the statistic if it exists and is visible, else nullptr.
  Statistic* find(std::string_view name);

  // Returns the names of visible statistics in name order.
  std::vector<std::string> names() const;
  // {"name": [[value, time], ...], ...} for every visible statistic.
  nlohmann::json allJson() const;

  bool reset(std::string_view name);
  void resetAll();
  bool remove(std::string_view name);
  void removeAll();
  bool setMaxSamples(std::string_view name, size_t count);
  void setMaxSamplesAll(size_t count);
  bool setMaxAge(std::string_view name, std::chrono::seconds age);
  void setMaxAgeAll(std::chrono::seconds age);

 private:
  mutable std::shared_mutex mutex_;
  // unique_ptr keeps each Statistic at a fixed address while the map grows.
  std::map<std::string, std::unique_ptr<Statistic>, std::less<>> stats_;  // GUARDED_BY(mutex_)
  size_t default_max_samples_ = kDefaultMaxSamples;  // GUARDED_BY(mutex_)
  std::chrono::seconds default_max_age_{0};          // GUARDED_BY(mutex_)
};

// Formats a time as Kea does in statistic samples: local time with microseconds.
std::string formatSampleTime(Clock::time_point time);

}  // namespace leasehold::stats
