#include "server/stats/stats.h"

#include <algorithm>
#include <ctime>

namespace leasehold::stats {

namespace {

Value neutralValue(const Value& kind) {
  switch (kind.index()) {
    case 1:
      return 0.0;
    case 2:
      return std::chrono::microseconds{0};
    case 3:
      return std::string();
    default:
      return int64_t{0};
  }
}

nlohmann::json valueJson(const Value& value) {
  if (const auto* integer = std::get_if<int64_t>(&value)) {
    return *integer;
  }
  if (const auto* real = std::get_if<double>(&value)) {
    return *real;
  }
  if (const auto* duration = std::get_if<std::chrono::microseconds>(&value)) {
    // Kea prints durations as "HH:MM:SS.ffffff".
    const int64_t total = duration->count();
    const int64_t seconds = total / 1000000;
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%02lld:%02lld:%02lld.%06lld",
                  static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60),
                  static_cast<long long>(total % 1000000));
    return buffer;
  }
  return std::get<std::string>(value);
}

}  // namespace

std::string formatSampleTime(Clock::time_point time) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(since_epoch - seconds).count();
  const std::time_t whole = static_cast<std::time_t>(seconds.count());
  std::tm local{};
  localtime_r(&whole, &local);
  char buffer[64];
  const size_t length = std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S", &local);
  std::snprintf(buffer + length, sizeof buffer - length, ".%06lld",
                static_cast<long long>(micros));
  return buffer;
}

Statistic::Statistic(std::string name, Value initial, size_t max_samples)
    : name_(std::move(name)), max_samples_(max_samples == 0 ? 1 : max_samples) {
  samples_.reserve(std::min<size_t>(max_samples_, 64));
  recordLocked(std::move(initial));
}

void Statistic::putInOrderLocked() {
  std::rotate(samples_.begin(), samples_.begin() + static_cast<ptrdiff_t>(oldest_), samples_.end());
  oldest_ = 0;
}

void Statistic::recordLocked(Value value) {
  const auto now = Clock::now();
  // A full history is a ring: the newest sample overwrites the oldest in place, so recording
  // on the packet path moves nothing.
  if (samples_.size() < max_samples_) {
    samples_.push_back(Sample{std::move(value), now});
  } else {
    samples_[oldest_] = Sample{std::move(value), now};
    oldest_ = (oldest_ + 1) % samples_.size();
  }
  if (max_age_.count() > 0) {
    putInOrderLocked();
    const auto oldest_allowed = now - max_age_;
    size_t stale = 0;
    while (stale + 1 < samples_.size() && samples_[stale].time < oldest_allowed) {
      ++stale;
    }
    samples_.erase(samples_.begin(), samples_.begin() + static_cast<ptrdiff_t>(stale));
  }
  visible_ = true;
}

void Statistic::add(int64_t delta) {
  std::lock_guard lock(mutex_);
  int64_t base = 0;
  if (visible_ && !samples_.empty()) {
    if (const auto* integer = std::get_if<int64_t>(&newestLocked().value)) {
      base = *integer;
    }
  }
  recordLocked(base + delta);
}

void Statistic::set(Value value) {
  std::lock_guard lock(mutex_);
  recordLocked(std::move(value));
}

void Statistic::restart(Value value) {
  std::lock_guard lock(mutex_);
  samples_.clear();
  oldest_ = 0;
  visible_ = true;
  recordLocked(std::move(value));
}

Value Statistic::current() const {
  std::lock_guard lock(mutex_);
  if (!visible_ || samples_.empty()) {
    return int64_t{0};
  }
  return newestLocked().value;
}

int64_t Statistic::currentInteger() const {
  const Value value = current();
  if (const auto* integer = std::get_if<int64_t>(&value)) {
    return *integer;
  }
  return 0;
}

nlohmann::json Statistic::samplesJson() const {
  std::lock_guard lock(mutex_);
  nlohmann::json samples = nlohmann::json::array();
  const size_t count = samples_.size();
  for (size_t i = 0; i < count; ++i) {
    const Sample* it = &samples_[(oldest_ + count - 1 - i) % count];
    samples.push_back(nlohmann::json::array({valueJson(it->value), formatSampleTime(it->time)}));
  }
  return samples;
}

void Statistic::reset() {
  std::lock_guard lock(mutex_);
  Value neutral = samples_.empty() ? Value{int64_t{0}} : neutralValue(newestLocked().value);
  samples_.clear();
  oldest_ = 0;
  recordLocked(std::move(neutral));
}

void Statistic::hide() {
  std::lock_guard lock(mutex_);
  samples_.clear();
  oldest_ = 0;
  visible_ = false;
}

bool Statistic::visible() const {
  std::lock_guard lock(mutex_);
  return visible_;
}

void Statistic::setMaxSamples(size_t count) {
  std::lock_guard lock(mutex_);
  max_samples_ = count == 0 ? 1 : count;
  max_age_ = std::chrono::seconds{0};
  putInOrderLocked();
  if (samples_.size() > max_samples_) {
    samples_.erase(samples_.begin(), samples_.end() - static_cast<ptrdiff_t>(max_samples_));
  }
}

void Statistic::setMaxAge(std::chrono::seconds age) {
  std::lock_guard lock(mutex_);
  max_age_ = age;
  // Kea switches a statistic to age-based limiting; the count limit no longer trims.
  max_samples_ = std::max<size_t>(max_samples_, 1u << 20);
}

Statistic& StatsRegistry::get(std::string_view name, Value initial) {
  {
    std::shared_lock lock(mutex_);
    if (const auto found = stats_.find(name); found != stats_.end()) {
      return *found->second;
    }
  }
  std::unique_lock lock(mutex_);
  auto [it, inserted] = stats_.try_emplace(std::string(name), nullptr);
  if (inserted) {
    it->second = std::make_unique<Statistic>(it->first, std::move(initial), default_max_samples_);
    if (default_max_age_.count() > 0) {
      it->second->setMaxAge(default_max_age_);
    }
  }
  return *it->second;
}

Statistic* StatsRegistry::find(std::string_view name) {
  std::shared_lock lock(mutex_);
  const auto found = stats_.find(name);
  if (found == stats_.end() || !found->second->visible()) {
    return nullptr;
  }
  return found->second.get();
}

std::vector<std::string> StatsRegistry::names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> result;
  for (const auto& [name, statistic] : stats_) {
    if (statistic->visible()) {
      result.push_back(name);
    }
  }
  return result;
}

nlohmann::json StatsRegistry::allJson() const {
  std::shared_lock lock(mutex_);
  nlohmann::json all = nlohmann::json::object();
  for (const auto& [name, statistic] : stats_) {
    if (statistic->visible()) {
      all[name] = statistic->samplesJson();
    }
  }
  return all;
}

bool StatsRegistry::reset(std::string_view name) {
  Statistic* statistic = find(name);
  if (statistic == nullptr) {
    return false;
  }
  statistic->reset();
  return true;
}

void StatsRegistry::resetAll() {
  std::shared_lock lock(mutex_);
  for (const auto& [name, statistic] : stats_) {
    if (statistic->visible()) {
      statistic->reset();
    }
  }
}

bool StatsRegistry::remove(std::string_view name) {
  Statistic* statistic = find(name);
  if (statistic == nullptr) {
    return false;
  }
  statistic->hide();
  return true;
}

void StatsRegistry::removeAll() {
  std::shared_lock lock(mutex_);
  for (const auto& [name, statistic] : stats_) {
    statistic->hide();
  }
}

bool StatsRegistry::setMaxSamples(std::string_view name, size_t count) {
  Statistic* statistic = find(name);
  if (statistic == nullptr) {
    return false;
  }
  statistic->setMaxSamples(count);
  return true;
}

void StatsRegistry::setMaxSamplesAll(size_t count) {
  std::unique_lock lock(mutex_);
  default_max_samples_ = count == 0 ? 1 : count;
  default_max_age_ = std::chrono::seconds{0};
  for (const auto& [name, statistic] : stats_) {
    statistic->setMaxSamples(count);
  }
}

bool StatsRegistry::setMaxAge(std::string_view name, std::chrono::seconds age) {
  Statistic* statistic = find(name);
  if (statistic == nullptr) {
    return false;
  }
  statistic->setMaxAge(age);
  return true;
}

void StatsRegistry::setMaxAgeAll(std::chrono::seconds age) {
  std::unique_lock lock(mutex_);
  default_max_age_ = age;
  for (const auto& [name, statistic] : stats_) {
    statistic->setMaxAge(age);
  }
}

}  // namespace leasehold::stats
