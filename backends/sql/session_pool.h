// SessionPool: the database sessions that serve reads, at most one per daemon worker thread,
// opened on demand and reused. Writes go through GroupCommitter's own sessions instead.
//
// Threads: acquire() may be called from any thread; a Handle is used by one thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "backends/sql/sql_session.h"

namespace leasehold::sql {

// Opens a connected session; throws SqlError(kConnection) when the server cannot be reached.
using SessionFactory = std::function<std::unique_ptr<SqlSession>()>;

class SessionPool {
 public:
  // A session borrowed from the pool; it goes back on destruction unless discard() was called.
  class Handle {
   public:
    Handle(SessionPool& pool, std::unique_ptr<SqlSession> session, uint64_t generation)
        : pool_(&pool), session_(std::move(session)), generation_(generation) {}
    Handle(Handle&& other) noexcept = default;
    Handle& operator=(Handle&&) = delete;
    ~Handle();

    SqlSession& operator*() const { return *session_; }
    SqlSession* operator->() const { return session_.get(); }
    // Closes the session instead of returning it, after its connection failed.
    void discard();

   private:
    SessionPool* pool_;
    std::unique_ptr<SqlSession> session_;
    uint64_t generation_;
  };

  // `wait_timeout` bounds how long acquire() waits for a busy pool to return a session.
  SessionPool(SessionFactory factory, size_t max_sessions, std::chrono::milliseconds wait_timeout);

  // Returns an idle session, or opens one while fewer than max_sessions exist, or waits for
  // one to come back. Throws SqlError(kConnection) when opening fails, SqlError(kBusy) when
  // the wait times out.
  Handle acquire();

  // Closes every idle session and marks the borrowed ones to be closed when they come back,
  // after the server went away, so no session of the old server is reused.
  void invalidate();

 private:
  void release(std::unique_ptr<SqlSession> session, uint64_t generation);
  void forget();

  const SessionFactory factory_;
  const size_t max_sessions_;
  const std::chrono::milliseconds wait_timeout_;

  std::mutex mutex_;
  std::condition_variable returned_cv_;
  std::vector<std::unique_ptr<SqlSession>> idle_;  // GUARDED_BY(mutex_)
  size_t open_ = 0;                                // GUARDED_BY(mutex_), idle and borrowed
  // Sessions this pool opens at most: max_sessions_, lowered to what the server accepted
  // when it refused more. GUARDED_BY(mutex_)
  size_t capacity_;
  uint64_t generation_ = 0;                        // GUARDED_BY(mutex_), bumped by invalidate()
};

}  // namespace leasehold::sql
