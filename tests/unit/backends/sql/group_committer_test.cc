// GroupCommitter against an in-memory fake session: batching, per-op outcomes, and what one
// bad row, a deadlock or a lost connection does to a batch.
#include "backends/sql/group_committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "backends/sql/sql_error.h"

namespace leasehold::sql {
namespace {

// The shared state of every fake session: DHCPv4 leases by address, and the faults to inject.
struct FakeDatabase {
  std::mutex mutex;
  std::map<uint32_t, Lease4> leases;
  std::vector<size_t> batch_sizes;
  bool duplicate_address_in_batch = false;

  uint32_t poison = 0;               // an op on this address makes the batch fail
  bool poison_names_op = true;       // whether that failure names the op
  int deadlocks_left = 0;            // batches to abort with a deadlock first
  bool connection_down = false;

  // Holds the first batch until release(), so writers pile up in the queue meanwhile.
  bool gate_closed = false;
  size_t held_at_gate = 0;  // ops of the batch waiting at the gate
  std::condition_variable gate_cv;
  void release() {
    std::lock_guard lock(mutex);
    gate_closed = false;
    gate_cv.notify_all();
  }
};

class FakeSession final : public SqlSession {
 public:
  explicit FakeSession(FakeDatabase& database) : database_(database) {}

  void commitBatch(std::span<WriteOp* const> ops) override {
    std::unique_lock lock(database_.mutex);
    if (database_.gate_closed) {
      database_.held_at_gate = ops.size();
    }
    database_.gate_cv.wait(lock, [&] { return !database_.gate_closed; });
    if (database_.connection_down) {
      throw SqlError(SqlError::Kind::kConnection, "server closed the connection");
    }
    if (database_.deadlocks_left > 0) {
      --database_.deadlocks_left;
      throw SqlError(SqlError::Kind::kRetryable, "deadlock detected");
    }
    std::set<uint32_t> seen;
    for (size_t i = 0; i < ops.size(); ++i) {
      const uint32_t address = std::get<Lease4>(ops[i]->lease).address.toUint32();
      database_.duplicate_address_in_batch |= !seen.insert(address).second;
      if (address == database_.poison) {
        throw SqlError(SqlError::Kind::kStatement, "value rejected by a constraint",
                       database_.poison_names_op ? static_cast<std::ptrdiff_t>(i) : -1);
      }
    }
    // Nothing failed, so the whole batch commits.
    database_.batch_sizes.push_back(ops.size());
    for (WriteOp* op : ops) {
      const Lease4& lease = std::get<Lease4>(op->lease);
      const bool exists = database_.leases.contains(lease.address.toUint32());
      if (op->kind == WriteKind::kAdd) {
        op->outcome = exists ? WriteOutcome::kConflict : WriteOutcome::kApplied;
        if (!exists) {
          database_.leases[lease.address.toUint32()] = lease;
        }
      } else {
        op->outcome = exists ? WriteOutcome::kApplied : WriteOutcome::kNotFound;
      }
    }
  }

  std::optional<Lease4> get(const IPv4Address&) override { return std::nullopt; }
  std::optional<Lease6> get(const IPv6Address&) override { return std::nullopt; }
  std::vector<Lease4> find(const LeaseQuery4&) override { return {}; }
  std::vector<Lease6> find(const LeaseQuery6&) override { return {}; }
  std::vector<Lease4> findEither(const LeaseQuery4&, const LeaseQuery4&) override { return {}; }
  std::vector<Lease6> findEither(const LeaseQuery6&, const LeaseQuery6&) override { return {}; }
  EitherAndLease<Lease4> findEitherAndGet(const LeaseQuery4&, const LeaseQuery4&,
                                          const IPv4Address&) override {
    return {};
  }
  EitherAndLease<Lease6> findEitherAndGet(const LeaseQuery6&, const LeaseQuery6&,
                                          const IPv6Address&) override {
    return {};
  }
  std::vector<Lease4> findExpired4(UnixTime, size_t) override { return {}; }
  std::vector<Lease6> findExpired6(UnixTime, size_t) override { return {}; }
  std::vector<GapScan> scanGaps(bool, std::span<const GapRange>, unsigned __int128,
                                size_t) override {
    return {};
  }
  uint64_t wipe(bool, std::optional<SubnetId>) override { return 0; }
  std::vector<LeaseCount> count(bool, std::optional<SubnetId>) override { return {}; }
  uint64_t takeSkippedRows() override { return 0; }

 private:
  FakeDatabase& database_;
};

class GroupCommitterTest : public ::testing::Test {
 protected:
  void start(size_t committers, uint32_t max_reconnect_tries = 0) {
    supervisor_ = std::make_unique<ConnectionSupervisor>(
        max_reconnect_tries, std::chrono::milliseconds(0),
        [] { throw SqlError(SqlError::Kind::kConnection, "still down"); }, nullptr, counters_);
    committer_ = std::make_unique<GroupCommitter>(
        [this] { return std::make_unique<FakeSession>(database_); }, committers, 64,
        *supervisor_, counters_);
  }

  static WriteOp addOf(uint32_t address) {
    WriteOp op;
    Lease4 lease;
    lease.address = IPv4Address(address);
    op.lease = lease;
    return op;
  }

  // Runs one add per address, each from its own thread, and returns the ops with outcomes.
  std::vector<WriteOp> addConcurrently(const std::vector<uint32_t>& addresses) {
    std::vector<WriteOp> ops;
    for (uint32_t address : addresses) {
      ops.push_back(addOf(address));
    }
    std::vector<std::thread> writers;
    for (WriteOp& op : ops) {
      writers.emplace_back([this, &op] { committer_->run(op); });
    }
    for (auto& writer : writers) {
      writer.join();
    }
    return ops;
  }

  FakeDatabase database_;
  StoreCounters counters_;
  std::unique_ptr<ConnectionSupervisor> supervisor_;
  std::unique_ptr<GroupCommitter> committer_;
};

TEST_F(GroupCommitterTest, QueuedWritesShareTransactions) {
  start(1);
  database_.gate_closed = true;
  std::vector<WriteOp> ops;
  for (uint32_t address = 1; address <= 32; ++address) {
    ops.push_back(addOf(address));
  }
  std::vector<std::thread> writers;
  for (WriteOp& op : ops) {
    writers.emplace_back([this, &op] { committer_->run(op); });
  }
  // The first batch is held at the gate while the remaining writes queue behind it.
  const auto held = [this] {
    std::lock_guard lock(database_.mutex);
    return database_.held_at_gate;
  };
  while (held() == 0 || held() + committer_->queueDepth() < 32) {
    std::this_thread::yield();
  }
  const size_t first_batch = held();
  database_.release();
  for (auto& writer : writers) {
    writer.join();
  }

  for (const WriteOp& op : ops) {
    EXPECT_EQ(op.outcome, WriteOutcome::kApplied);
  }
  EXPECT_EQ(database_.leases.size(), 32u);
  // Every write queued while the first batch waited goes into one second batch; when all 32
  // were queued before the committer woke, the first batch took them all.
  const std::vector<size_t> expected_batches =
      first_batch == 32 ? std::vector<size_t>{32} : std::vector<size_t>{first_batch, 32 - first_batch};
  EXPECT_EQ(database_.batch_sizes, expected_batches);
  EXPECT_EQ(counters_.writes_applied.load(), 32);
  EXPECT_EQ(counters_.batches.load(), static_cast<int64_t>(expected_batches.size()));
}

TEST_F(GroupCommitterTest, SecondAddOfAddressConflicts) {
  start(2);
  WriteOp first = addOf(7);
  committer_->run(first);
  WriteOp second = addOf(7);
  committer_->run(second);
  EXPECT_EQ(first.outcome, WriteOutcome::kApplied);
  EXPECT_EQ(second.outcome, WriteOutcome::kConflict);
  EXPECT_EQ(counters_.write_conflicts.load(), 1);
}

TEST_F(GroupCommitterTest, SameAddressNeverSharesBatch) {
  start(1);
  const auto ops = addConcurrently({5, 5, 5, 5, 6, 6, 6, 6});
  EXPECT_FALSE(database_.duplicate_address_in_batch);
  int applied = 0;
  for (const WriteOp& op : ops) {
    applied += op.outcome == WriteOutcome::kApplied ? 1 : 0;
  }
  EXPECT_EQ(applied, 2);
}

TEST_F(GroupCommitterTest, NamedBadOpFailsAlone) {
  start(1);
  database_.poison = 13;
  const auto ops = addConcurrently({11, 12, 13, 14});
  for (const WriteOp& op : ops) {
    const uint32_t address = std::get<Lease4>(op.lease).address.toUint32();
    if (address == 13) {
      EXPECT_EQ(op.outcome, WriteOutcome::kFailed);
      EXPECT_EQ(op.error.code, StoreError::Code::kInvalid);
    } else {
      EXPECT_EQ(op.outcome, WriteOutcome::kApplied) << address;
    }
  }
  EXPECT_EQ(counters_.write_failures.load(), 1);
}

TEST_F(GroupCommitterTest, UnnamedBadOpIsFoundOneByOne) {
  start(1);
  database_.poison = 22;
  database_.poison_names_op = false;
  const auto ops = addConcurrently({21, 22, 23});
  for (const WriteOp& op : ops) {
    const uint32_t address = std::get<Lease4>(op.lease).address.toUint32();
    EXPECT_EQ(op.outcome, address == 22 ? WriteOutcome::kFailed : WriteOutcome::kApplied)
        << address;
  }
  EXPECT_EQ(database_.leases.size(), 2u);
}

TEST_F(GroupCommitterTest, DeadlockedBatchIsRerun) {
  start(1);
  database_.deadlocks_left = 2;
  WriteOp op = addOf(31);
  committer_->run(op);
  EXPECT_EQ(op.outcome, WriteOutcome::kApplied);
  EXPECT_EQ(counters_.batch_retries.load(), 2);
}

TEST_F(GroupCommitterTest, LostConnectionFailsLaterWritesFast) {
  start(1);
  database_.connection_down = true;
  WriteOp lost = addOf(41);
  committer_->run(lost);
  EXPECT_EQ(lost.outcome, WriteOutcome::kFailed);
  EXPECT_EQ(lost.error.code, StoreError::Code::kUnavailable);
  EXPECT_FALSE(supervisor_->available());
  EXPECT_EQ(counters_.connections_lost.load(), 1);

  // With max-reconnect-tries 0 the store gives up at once and later writes never queue.
  WriteOp refused = addOf(42);
  committer_->run(refused);
  EXPECT_EQ(refused.error.code, StoreError::Code::kUnavailable);
  EXPECT_EQ(counters_.unavailable.load(), 2);
  EXPECT_TRUE(database_.batch_sizes.empty());
}

}  // namespace
}  // namespace leasehold::sql
