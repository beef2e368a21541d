#include "backends/sql/connection_supervisor.h"

#include "backends/log.h"
#include "backends/sql/sql_error.h"

namespace leasehold::sql {

ConnectionSupervisor::ConnectionSupervisor(uint32_t max_reconnect_tries,
                                           std::chrono::milliseconds reconnect_wait_time,
                                           std::function<void()> probe,
                                           std::function<void()> on_lost,
                                           StoreCounters& counters)
    : max_tries_(max_reconnect_tries),
      wait_time_(reconnect_wait_time),
      probe_(std::move(probe)),
      on_lost_(std::move(on_lost)),
      counters_(counters) {}

ConnectionSupervisor::~ConnectionSupervisor() {
  std::thread thread;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    thread = std::move(thread_);
  }
  stop_cv_.notify_all();
  if (thread.joinable()) {
    thread.join();
  }
}

bool ConnectionSupervisor::available() const {
  std::lock_guard lock(mutex_);
  return state_ == ConnectionState::kConnected;
}

ConnectionState ConnectionSupervisor::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

std::string ConnectionSupervisor::lastError() const {
  std::lock_guard lock(mutex_);
  return last_error_;
}

void ConnectionSupervisor::setListener(ConnectionListener listener) {
  std::lock_guard lock(listener_mutex_);
  listener_ = std::move(listener);
}

void ConnectionSupervisor::startRecovering(const std::string& reason) { markLost(reason); }

void ConnectionSupervisor::markLost(const std::string& reason) {
  std::thread finished;
  {
    std::lock_guard lock(mutex_);
    if (state_ != ConnectionState::kConnected || stopping_) {
      return;
    }
    state_ = ConnectionState::kReconnecting;
    last_error_ = reason;
    bump(counters_.connections_lost);
    if (!loop_running_) {
      // The previous loop, if any, has left reconnectLoop(), so joining it below is quick.
      finished = std::move(thread_);
      loop_running_ = true;
      thread_ = std::thread([this] { reconnectLoop(); });
    }
  }
  if (finished.joinable()) {
    finished.join();
  }
  if (on_lost_) {
    on_lost_();
  }
}

void ConnectionSupervisor::reconnectLoop() {
  std::unique_lock lock(mutex_);
  while (state_ == ConnectionState::kReconnecting && !stopping_) {
    const std::string reason = last_error_;
    lock.unlock();
    log::error("LEASEDB_CONNECTION_LOST",
               "lease database connection lost: {}; retrying up to {} times, {} ms apart", reason,
               max_tries_, wait_time_.count());
    notify({ConnectionState::kReconnecting, 0, reason});
    lock.lock();

    uint32_t attempt = 0;
    bool connected = false;
    while (attempt < max_tries_ && !stopping_) {
      if (stop_cv_.wait_for(lock, wait_time_, [this] { return stopping_; })) {
        break;
      }
      ++attempt;
      lock.unlock();
      bump(counters_.reconnect_attempts);
      std::string failure;
      try {
        probe_();
        connected = true;
      } catch (const SqlError& error) {
        failure = error.what();
      }
      lock.lock();
      if (connected) {
        break;
      }
      last_error_ = failure;
      if (const int64_t suppressed = attempt_log_.admit(); suppressed >= 0) {
        log::warn("LEASEDB_RECONNECT_FAILED",
                  "lease database reconnect attempt {} of {} failed: {} ({} similar messages "
                  "suppressed)",
                  attempt, max_tries_, failure, suppressed);
      }
    }
    if (stopping_) {
      break;
    }

    ConnectionEvent event;
    event.attempt = attempt;
    if (connected) {
      state_ = ConnectionState::kConnected;
      last_error_.clear();
      bump(counters_.reconnects);
      event.state = ConnectionState::kConnected;
      log::info("LEASEDB_RECONNECTED", "lease database connection restored after {} attempts",
                attempt);
    } else {
      state_ = ConnectionState::kFailed;
      bump(counters_.reconnect_give_ups);
      event.state = ConnectionState::kFailed;
      event.message = last_error_;
      log::error("LEASEDB_RECONNECT_GAVE_UP",
                 "lease database still unreachable after {} reconnect attempts: {}", attempt,
                 last_error_);
    }
    lock.unlock();
    notify(event);
    lock.lock();
    // A session may have lost the connection again while the listener ran; the loop goes on.
  }
  loop_running_ = false;
}

void ConnectionSupervisor::notify(const ConnectionEvent& event) {
  std::lock_guard lock(listener_mutex_);
  if (listener_) {
    listener_(event);
  }
}

}  // namespace leasehold::sql
