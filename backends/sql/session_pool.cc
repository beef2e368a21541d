#include "backends/sql/session_pool.h"

#include <algorithm>

#include "backends/sql/sql_error.h"

namespace leasehold::sql {

SessionPool::Handle::~Handle() {
  if (session_ != nullptr) {
    pool_->release(std::move(session_), generation_);
  }
}

void SessionPool::Handle::discard() {
  if (session_ != nullptr) {
    session_.reset();
    pool_->forget();
  }
}

SessionPool::SessionPool(SessionFactory factory, size_t max_sessions,
                         std::chrono::milliseconds wait_timeout)
    : factory_(std::move(factory)),
      max_sessions_(max_sessions == 0 ? 1 : max_sessions),
      wait_timeout_(wait_timeout),
      capacity_(max_sessions_) {}

SessionPool::Handle SessionPool::acquire() {
  uint64_t generation = 0;
  {
    std::unique_lock lock(mutex_);
    const bool ready = returned_cv_.wait_for(
        lock, wait_timeout_, [this] { return !idle_.empty() || open_ < capacity_; });
    if (!ready) {
      throw SqlError(SqlError::Kind::kBusy,
                     "all " + std::to_string(max_sessions_) +
                         " lease database sessions stayed busy for " +
                         std::to_string(wait_timeout_.count()) + " ms");
    }
    if (!idle_.empty()) {
      std::unique_ptr<SqlSession> session = std::move(idle_.back());
      idle_.pop_back();
      return Handle(*this, std::move(session), generation_);
    }
    ++open_;
    generation = generation_;
  }

  // Connecting happens outside the lock so a slow server does not block returning sessions.
  try {
    return Handle(*this, factory_(), generation);
  } catch (const SqlError& error) {
    forget();
    // The server refused one more session (its connection limit) while others work: stay at
    // the sessions we have and wait for one of them, rather than report the database lost.
    std::unique_lock lock(mutex_);
    if (error.kind() != SqlError::Kind::kConnection || open_ == 0) {
      throw;
    }
    capacity_ = std::max<size_t>(open_, 1);
    const bool ready = returned_cv_.wait_for(lock, wait_timeout_, [this] { return !idle_.empty(); });
    if (!ready) {
      throw;
    }
    std::unique_ptr<SqlSession> session = std::move(idle_.back());
    idle_.pop_back();
    return Handle(*this, std::move(session), generation_);
  } catch (...) {
    forget();
    throw;
  }
}

void SessionPool::invalidate() {
  std::vector<std::unique_ptr<SqlSession>> closing;
  {
    std::lock_guard lock(mutex_);
    ++generation_;
    capacity_ = max_sessions_;  // a new server may allow more sessions
    closing.swap(idle_);
    open_ -= closing.size();
  }
  returned_cv_.notify_all();
}

void SessionPool::release(std::unique_ptr<SqlSession> session, uint64_t generation) {
  {
    std::lock_guard lock(mutex_);
    if (generation != generation_) {
      --open_;
    } else {
      idle_.push_back(std::move(session));
    }
  }
  returned_cv_.notify_one();
}

void SessionPool::forget() {
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  returned_cv_.notify_one();
}

}  // namespace leasehold::sql
