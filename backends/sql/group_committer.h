// GroupCommitter: turns concurrent lease writes into few transactions. Writers queue their
// WriteOp and block. A few committer threads, each with its own session, take whatever is
// queued (up to max_batch ops, one per address) and run it as one transaction. They wake the
// writers once it has committed. A write therefore returns only after its commit, and under
// load one fsync covers many writes. Each op keeps its own outcome: one conflicting or invalid
// row does not fail the others.
//
// Threads: run() may be called from any number of threads at once.
#pragma once

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "backends/sql/connection_supervisor.h"
#include "backends/sql/session_pool.h"
#include "backends/sql/sql_session.h"
#include "backends/sql/store_counters.h"

namespace leasehold::sql {

class GroupCommitter {
 public:
  GroupCommitter(SessionFactory factory, size_t committers, size_t max_batch,
                 ConnectionSupervisor& supervisor, StoreCounters& counters);
  // Finishes every queued write, then stops the committer threads.
  ~GroupCommitter();

  GroupCommitter(const GroupCommitter&) = delete;
  GroupCommitter& operator=(const GroupCommitter&) = delete;

  // Queues `op` and blocks until its transaction committed or failed; the outcome is in `op`.
  // While the database is unreachable it returns at once with kFailed/kUnavailable.
  void run(WriteOp& op);

  // Closes the committers' sessions at their next batch, after the server went away.
  void resetSessions();

  // Returns the number of writes waiting for a committer (not those being committed).
  size_t queueDepth() const;

 private:
  struct Pending {
    WriteOp* op;
    std::binary_semaphore done{0};
  };

  void committerLoop();
  std::vector<Pending*> takeBatch(std::unique_lock<std::mutex>& lock);
  void execute(std::unique_ptr<SqlSession>& session, std::vector<Pending*>& batch);
  void executeOneByOne(std::unique_ptr<SqlSession>& session, std::vector<WriteOp*>& ops);
  void failAll(std::vector<WriteOp*>& ops, StoreError::Code code, const std::string& message);

  const SessionFactory factory_;
  const size_t max_batch_;
  ConnectionSupervisor& supervisor_;
  StoreCounters& counters_;

  mutable std::mutex mutex_;
  std::condition_variable work_cv_;
  std::deque<Pending*> queue_;     // GUARDED_BY(mutex_)
  bool stopping_ = false;          // GUARDED_BY(mutex_)
  uint64_t session_generation_ = 0;  // GUARDED_BY(mutex_), bumped by resetSessions()
  std::vector<std::thread> threads_;
};

}  // namespace leasehold::sql
