#include "backends/sql/group_committer.h"

#include <algorithm>
#include <tuple>

#include "backends/sql/sql_error.h"

namespace leasehold::sql {

namespace {

// A deadlock between two batches aborts one of them, and rerunning it normally succeeds.
// Batches sort their ops by address, which makes deadlocks rare but not impossible: a
// PostgreSQL UPDATE over a set may lock its rows in another order.
constexpr int kMaxDeadlockRetries = 5;

// Orders ops by family, then address: every batch locks rows in the same order.
std::tuple<int, unsigned __int128> addressKey(const WriteOp& op) {
  if (const auto* lease = std::get_if<Lease4>(&op.lease)) {
    return {4, lease->address.toUint32()};
  }
  return {6, std::get<Lease6>(op.lease).address.toUint128()};
}

}  // namespace

GroupCommitter::GroupCommitter(SessionFactory factory, size_t committers, size_t max_batch,
                               ConnectionSupervisor& supervisor, StoreCounters& counters)
    : factory_(std::move(factory)),
      max_batch_(max_batch == 0 ? 1 : max_batch),
      supervisor_(supervisor),
      counters_(counters) {
  for (size_t i = 0; i < std::max<size_t>(committers, 1); ++i) {
    threads_.emplace_back([this] { committerLoop(); });
  }
}

GroupCommitter::~GroupCommitter() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  work_cv_.notify_all();
  for (auto& thread : threads_) {
    thread.join();
  }
}

void GroupCommitter::run(WriteOp& op) {
  if (!supervisor_.available()) {
    op.outcome = WriteOutcome::kFailed;
    op.error = {StoreError::Code::kUnavailable,
                "lease database unavailable: " + supervisor_.lastError()};
    bump(counters_.unavailable);
    return;
  }
  Pending pending{&op};
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(&pending);
  }
  work_cv_.notify_one();
  pending.done.acquire();
}

void GroupCommitter::resetSessions() {
  std::lock_guard lock(mutex_);
  ++session_generation_;
}

size_t GroupCommitter::queueDepth() const {
  std::lock_guard lock(mutex_);
  return queue_.size();
}

void GroupCommitter::committerLoop() {
  std::unique_ptr<SqlSession> session;
  uint64_t generation = 0;
  std::unique_lock lock(mutex_);
  while (true) {
    work_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) {
      return;  // stopping, with nothing left to commit
    }
    std::vector<Pending*> batch = takeBatch(lock);
    if (generation != session_generation_) {
      session.reset();
      generation = session_generation_;
    }
    // Another committer can start the next batch while this one waits for its commit.
    if (!queue_.empty()) {
      work_cv_.notify_one();
    }
    lock.unlock();

    execute(session, batch);
    for (Pending* pending : batch) {
      pending->done.release();
    }
    lock.lock();
  }
}

std::vector<GroupCommitter::Pending*> GroupCommitter::takeBatch(std::unique_lock<std::mutex>&) {
  // One op per address per batch: a later write to the same address waits for the next batch,
  // so writes to one address keep their queue order.
  std::vector<Pending*> batch;
  std::vector<std::tuple<int, unsigned __int128>> keys;
  for (auto it = queue_.begin(); it != queue_.end() && batch.size() < max_batch_;) {
    const auto key = addressKey(*(*it)->op);
    if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
      ++it;
      continue;
    }
    keys.push_back(key);
    batch.push_back(*it);
    it = queue_.erase(it);
  }
  std::sort(batch.begin(), batch.end(), [](const Pending* left, const Pending* right) {
    return addressKey(*left->op) < addressKey(*right->op);
  });
  return batch;
}

void GroupCommitter::execute(std::unique_ptr<SqlSession>& session, std::vector<Pending*>& batch) {
  std::vector<WriteOp*> ops;
  ops.reserve(batch.size());
  for (Pending* pending : batch) {
    ops.push_back(pending->op);
  }

  if (!supervisor_.available()) {
    failAll(ops, StoreError::Code::kUnavailable,
            "lease database unavailable: " + supervisor_.lastError());
  } else {
    int deadlocks = 0;
    while (!ops.empty()) {
      try {
        if (session == nullptr) {
          session = factory_();
        }
        for (WriteOp* op : ops) {
          op->outcome = WriteOutcome::kPending;
        }
        session->commitBatch(ops);
        bump(counters_.batches);
        break;
      } catch (const SqlError& error) {
        if (error.kind() == SqlError::Kind::kConnection) {
          session.reset();
          supervisor_.markLost(error.what());
          failAll(ops, StoreError::Code::kUnavailable, error.what());
          break;
        }
        if (error.kind() == SqlError::Kind::kRetryable) {
          bump(counters_.batch_retries);
          if (++deadlocks > kMaxDeadlockRetries) {
            failAll(ops, StoreError::Code::kUnavailable,
                    std::string("lease database kept aborting the transaction: ") + error.what());
            break;
          }
          continue;
        }
        const auto index = error.opIndex();
        if (index >= 0 && static_cast<size_t>(index) < ops.size()) {
          ops[index]->outcome = WriteOutcome::kFailed;
          ops[index]->error = {StoreError::Code::kInvalid, error.what()};
          ops.erase(ops.begin() + index);
          continue;
        }
        executeOneByOne(session, ops);
        break;
      }
    }
  }

  for (Pending* pending : batch) {
    switch (pending->op->outcome) {
      case WriteOutcome::kApplied:
        bump(counters_.writes_applied);
        break;
      case WriteOutcome::kConflict:
        bump(counters_.write_conflicts);
        break;
      case WriteOutcome::kNotFound:
        bump(counters_.write_not_found);
        break;
      case WriteOutcome::kFailed:
      case WriteOutcome::kPending:
        if (pending->op->error.code == StoreError::Code::kUnavailable) {
          bump(counters_.unavailable);
        } else {
          bump(counters_.write_failures);
        }
        break;
    }
  }
}

void GroupCommitter::executeOneByOne(std::unique_ptr<SqlSession>& session,
                                     std::vector<WriteOp*>& ops) {
  // The batch failed without naming the op at fault: each op gets a transaction of its own,
  // so only the bad one fails.
  for (size_t i = 0; i < ops.size(); ++i) {
    WriteOp* op = ops[i];
    op->outcome = WriteOutcome::kPending;
    try {
      if (session == nullptr) {
        session = factory_();
      }
      WriteOp* const single[] = {op};
      session->commitBatch(single);
    } catch (const SqlError& error) {
      if (error.kind() == SqlError::Kind::kConnection) {
        session.reset();
        supervisor_.markLost(error.what());
        std::vector<WriteOp*> rest(ops.begin() + static_cast<std::ptrdiff_t>(i), ops.end());
        failAll(rest, StoreError::Code::kUnavailable, error.what());
        return;
      }
      op->outcome = WriteOutcome::kFailed;
      op->error = {error.kind() == SqlError::Kind::kRetryable ? StoreError::Code::kUnavailable
                                                              : StoreError::Code::kInvalid,
                   error.what()};
    }
  }
}

void GroupCommitter::failAll(std::vector<WriteOp*>& ops, StoreError::Code code,
                             const std::string& message) {
  for (WriteOp* op : ops) {
    op->outcome = WriteOutcome::kFailed;
    op->error = {code, message};
  }
}

}  // namespace leasehold::sql
