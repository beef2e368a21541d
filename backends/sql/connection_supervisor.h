// ConnectionSupervisor: the connection state of one SQL store and Kea's reconnect policy.
// When a session reports a lost connection, the supervisor marks the store unavailable (calls
// then fail fast with kUnavailable instead of each waiting on a dead server) and retries on its
// own thread: up to max-reconnect-tries attempts, reconnect-wait-time apart. It reports each
// change to the daemon through the ConnectionListener.
//
// Threads: every method may be called from any thread. The listener runs on the supervisor's
// thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "backends/log.h"
#include "backends/sql/store_counters.h"
#include "backends/store_health.h"

namespace leasehold::sql {

class ConnectionSupervisor {
 public:
  // `probe` opens and closes one connection, throwing SqlError when it cannot. `on_lost` runs
  // on the thread of markLost() when an outage starts, to close the sessions of the old server.
  ConnectionSupervisor(uint32_t max_reconnect_tries, std::chrono::milliseconds reconnect_wait_time,
                       std::function<void()> probe, std::function<void()> on_lost,
                       StoreCounters& counters);
  ~ConnectionSupervisor();

  ConnectionSupervisor(const ConnectionSupervisor&) = delete;
  ConnectionSupervisor& operator=(const ConnectionSupervisor&) = delete;

  bool available() const;
  ConnectionState state() const;
  // The message of the failure that made the store unavailable; empty while connected.
  std::string lastError() const;

  // Records that a session lost its connection (or could not open one) and starts the
  // reconnect loop, unless one is already running or the store has given up.
  void markLost(const std::string& reason);

  // Starts in the reconnecting state, for retry-on-startup when the first connect failed.
  void startRecovering(const std::string& reason);

  void setListener(ConnectionListener listener);

 private:
  void reconnectLoop();
  void notify(const ConnectionEvent& event);

  const uint32_t max_tries_;
  const std::chrono::milliseconds wait_time_;
  const std::function<void()> probe_;
  const std::function<void()> on_lost_;
  StoreCounters& counters_;

  mutable std::mutex mutex_;
  std::condition_variable stop_cv_;
  ConnectionState state_ = ConnectionState::kConnected;  // GUARDED_BY(mutex_)
  std::string last_error_;                               // GUARDED_BY(mutex_)
  bool stopping_ = false;                                // GUARDED_BY(mutex_)
  bool loop_running_ = false;                            // GUARDED_BY(mutex_)
  std::thread thread_;                                   // GUARDED_BY(mutex_)

  // One warning per interval about failed attempts, however short reconnect-wait-time is.
  log::RateLimitedLog attempt_log_{std::chrono::seconds(10)};

  std::mutex listener_mutex_;
  ConnectionListener listener_;  // GUARDED_BY(listener_mutex_)
};

}  // namespace leasehold::sql
