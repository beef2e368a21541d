#include "backends/sql/sql_lease_store.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <type_traits>

#include "backends/sql/lease_sql.h"
#include "backends/sql/sql_error.h"
#include "backends/sql/sql_values.h"

namespace leasehold::sql {

struct SqlLeaseStore::Core {
  Core(SessionFactory factory, const SqlStoreOptions& options, ConnectionSupervisor& supervisor,
       StoreCounters& counters)
      : pool(factory, options.read_sessions, options.session_wait),
        committer(std::make_unique<GroupCommitter>(factory, options.committers, options.max_batch,
                                                   supervisor, counters)),
        supervisor(supervisor),
        counters(counters),
        readonly(options.readonly) {}

  SessionPool pool;
  std::unique_ptr<GroupCommitter> committer;
  ConnectionSupervisor& supervisor;
  StoreCounters& counters;
  const bool readonly;
};

namespace {

StoreError unavailable(const std::string& message) {
  return {StoreError::Code::kUnavailable, message};
}

unsigned __int128 toWide(const IPv4Address& address) { return address.toUint32(); }
unsigned __int128 toWide(const IPv6Address& address) { return address.toUint128(); }

template <typename Address>
Address fromWide(unsigned __int128 value) {
  if constexpr (std::is_same_v<Address, IPv4Address>) {
    return IPv4Address(static_cast<uint32_t>(value));
  } else {
    return IPv6Address::fromUint128(value);
  }
}

template <typename LeaseT>
class SqlLeaseTable final : public LeaseTable<LeaseT> {
 public:
  using Address = typename LeaseTable<LeaseT>::Address;
  using Query = typename LeaseTable<LeaseT>::Query;
  static constexpr bool kV4 = std::is_same_v<LeaseT, Lease4>;

  explicit SqlLeaseTable(SqlLeaseStore::Core& core) : core_(core) {}

  StoreResult<std::optional<LeaseT>> get(const Address& address) override {
    return read([&](SqlSession& session) { return session.get(address); });
  }

  StoreResult<std::vector<LeaseT>> find(const Query& query) override {
    return read([&](SqlSession& session) { return session.find(query); });
  }

  StoreResult<std::vector<LeaseT>> findEither(const Query& first, const Query& second) override {
    for (const Query* query : {&first, &second}) {
      if (query->after || query->limit != 0) {
        return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                         "findEither takes queries without after or limit"});
      }
    }
    return read([&](SqlSession& session) { return session.findEither(first, second); });
  }

  StoreResult<std::vector<LeaseT>> findExpired(UnixTime now, size_t limit) override {
    if (limit == 0) {
      limit = SIZE_MAX;  // no limit; StatementBuilder::limit() caps it for the server
    }
    return read([&](SqlSession& session) {
      if constexpr (kV4) {
        return session.findExpired4(now, limit);
      } else {
        return session.findExpired6(now, limit);
      }
    });
  }

  StoreResult<std::vector<Address>> findUnleased(const Address& first, const Address& last,
                                                 const Address& start, size_t limit,
                                                 unsigned step_bits) override;

  StoreResult<void> add(const LeaseT& lease) override {
    return write(WriteKind::kAdd, lease, nullptr);
  }

  StoreResult<EitherAndLease<LeaseT>> findEitherAndGet(const Query& first, const Query& second,
                                                       const Address& address) override {
    for (const Query* query : {&first, &second}) {
      if (query->after || query->limit != 0) {
        return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                         "findEither takes queries without after or limit"});
      }
    }
    return findEitherAndGetCombined(EitherGet<LeaseT>{first, second, address});
  }

  StoreResult<std::vector<LeaseT>> addAndFindEither(const LeaseT& lease, const Query& first,
                                                    const Query& second) override {
    for (const Query* query : {&first, &second}) {
      if (query->after || query->limit != 0) {
        return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                         "findEither takes queries without after or limit"});
      }
    }
    std::vector<SqlRow> rows;
    if (auto added = write(WriteKind::kAdd, lease, nullptr, std::pair{first, second}, &rows);
        !added) {
      return makeUnexpected(std::move(added).error());
    }
    std::vector<LeaseT> others;
    for (const SqlRow& row : rows) {
      try {
        LeaseT found;
        if constexpr (kV4) {
          found = decodeLease4(row);
        } else {
          found = decodeLease6(row);
        }
        if (found.address != lease.address) {
          others.push_back(std::move(found));
        }
      } catch (const SqlError&) {
        bump(core_.counters.corrupt_rows);  // as find() does: one bad row hides no other
      }
    }
    sortUniqueByAddress(others);
    return others;
  }

  StoreResult<void> update(const LeaseT& lease, const LeaseT* expected) override {
    return write(WriteKind::kUpdate, lease, expected);
  }

  StoreResult<void> remove(const Address& address, const LeaseT* expected) override {
    LeaseT key;
    key.address = address;
    return write(WriteKind::kRemove, key, expected);
  }

  StoreResult<uint64_t> wipe(std::optional<SubnetId> subnet_id) override {
    if (core_.readonly) {
      return readonlyError();
    }
    return read([&](SqlSession& session) { return session.wipe(kV4, subnet_id); });
  }

  StoreResult<std::vector<LeaseCount>> count(std::optional<SubnetId> subnet_id) override {
    return read([&](SqlSession& session) { return session.count(kV4, subnet_id); });
  }

 private:
  // One caller's findEitherAndGet() waiting in the read combiner.
  struct CombinedRead {
    EitherGet<LeaseT> request;
    StoreResult<EitherAndLease<LeaseT>> result = EitherAndLease<LeaseT>{};
    enum class State { kWaiting, kTaken, kDone } state = State::kWaiting;
  };

  // Runs `request` together with the requests of other callers that wait at the same time.
  // At most kCombinedReadsInFlight statements run at once. A caller that finds them all busy
  // waits until one ends, then runs every request waiting by then in one statement
  // (findEitherAndGetMany). At low rates each request therefore runs alone without waiting.
  // Under load one statement serves many DISCOVERs, so the database spends less CPU per lease.
  StoreResult<EitherAndLease<LeaseT>> findEitherAndGetCombined(EitherGet<LeaseT> request) {
    CombinedRead own{std::move(request)};
    std::unique_lock lock(combiner_mutex_);
    waiting_reads_.push_back(&own);
    while (own.state != CombinedRead::State::kDone) {
      if (own.state != CombinedRead::State::kWaiting || reads_in_flight_ >= kCombinedReadsInFlight) {
        combiner_done_.wait(lock);
        continue;
      }
      // This caller runs the waiting requests, its own first.
      std::vector<CombinedRead*> batch{&own};
      std::erase(waiting_reads_, &own);
      while (!waiting_reads_.empty() && batch.size() < kMaxCombinedReads) {
        batch.push_back(waiting_reads_.front());
        waiting_reads_.pop_front();
      }
      for (CombinedRead* read : batch) {
        read->state = CombinedRead::State::kTaken;
      }
      ++reads_in_flight_;
      lock.unlock();

      std::vector<EitherGet<LeaseT>> requests;
      requests.reserve(batch.size());
      for (const CombinedRead* read : batch) {
        requests.push_back(read->request);
      }
      auto found = read([&](SqlSession& session) {
        return session.findEitherAndGetMany(std::span<const EitherGet<LeaseT>>(requests));
      });

      lock.lock();
      for (size_t i = 0; i < batch.size(); ++i) {
        if (!found) {
          batch[i]->result = makeUnexpected(found.error());
        } else if (i < found->size()) {
          batch[i]->result = std::move((*found)[i]);
        } else {
          batch[i]->result = makeUnexpected(StoreError{
              StoreError::Code::kInternal,
              "combined lease read failed: " + std::to_string(found->size()) + " results for " +
                  std::to_string(batch.size()) + " requests"});
        }
        batch[i]->state = CombinedRead::State::kDone;
      }
      --reads_in_flight_;
      combiner_done_.notify_all();
    }
    return std::move(own.result);
  }

  static Unexpected<StoreError> readonlyError() {
    return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                     "the lease database is configured read-only (readonly: "
                                     "true); writes are rejected"});
  }

  // Runs `call` on a pooled session and turns SqlErrors into StoreErrors.
  template <typename Call>
  auto read(Call call) -> StoreResult<decltype(call(std::declval<SqlSession&>()))> {
    if (!core_.supervisor.available()) {
      bump(core_.counters.unavailable);
      return makeUnexpected(unavailable("lease database unavailable: " +
                                        core_.supervisor.lastError()));
    }
    try {
      SessionPool::Handle session = core_.pool.acquire();
      try {
        auto value = call(*session);
        if (const uint64_t skipped = session->takeSkippedRows(); skipped != 0) {
          bump(core_.counters.corrupt_rows, static_cast<int64_t>(skipped));
        }
        return value;
      } catch (const SqlError& error) {
        if (error.kind() == SqlError::Kind::kConnection) {
          session.discard();
        }
        throw;
      }
    } catch (const SqlError& error) {
      return makeUnexpected(failedRead(error));
    }
  }

  StoreError failedRead(const SqlError& error) {
    switch (error.kind()) {
      case SqlError::Kind::kConnection:
        core_.supervisor.markLost(error.what());
        bump(core_.counters.unavailable);
        return unavailable(error.what());
      case SqlError::Kind::kBusy:
      case SqlError::Kind::kRetryable:
        bump(core_.counters.unavailable);
        return unavailable(error.what());
      case SqlError::Kind::kCorruptRow:
        bump(core_.counters.corrupt_rows);
        return {StoreError::Code::kInternal, error.what()};
      case SqlError::Kind::kStatement:
        break;
    }
    bump(core_.counters.read_failures);
    return {StoreError::Code::kInternal, error.what()};
  }

  // With `lookup`, the batch also runs that lookup after the write and `lookup_rows` receives
  // its rows (only when the write applied).
  StoreResult<void> write(WriteKind kind, const LeaseT& lease, const LeaseT* expected,
                          std::optional<std::pair<Query, Query>> lookup = std::nullopt,
                          std::vector<SqlRow>* lookup_rows = nullptr) {
    if (core_.readonly) {
      return readonlyError();
    }
    if (kind != WriteKind::kRemove) {
      if (auto problem = checkLease(lease)) {
        bump(core_.counters.write_failures);
        return makeUnexpected(StoreError{
            StoreError::Code::kInvalid,
            "invalid lease for " + lease.address.toString() + ": " + *problem});
      }
    }

    WriteOp op;
    op.kind = kind;
    op.lease = lease;
    if (expected != nullptr) {
      op.expected = *expected;
    }
    if (lookup) {
      op.lookup = std::move(*lookup);
    }
    core_.committer->run(op);

    const std::string address = lease.address.toString();
    switch (op.outcome) {
      case WriteOutcome::kApplied:
        if (lookup_rows != nullptr) {
          *lookup_rows = std::move(op.lookup_rows);
        }
        return {};
      case WriteOutcome::kConflict:
        return makeUnexpected(StoreError{
            StoreError::Code::kConflict,
            kind == WriteKind::kAdd ? "a lease for " + address + " already exists"
                                    : "the lease for " + address + " differs from the expected one"});
      case WriteOutcome::kNotFound:
        return makeUnexpected(
            StoreError{StoreError::Code::kNotFound, "no lease for " + address});
      case WriteOutcome::kFailed:
      case WriteOutcome::kPending:
        break;
    }
    op.error.message = "writing the lease for " + address + " failed: " + op.error.message;
    return makeUnexpected(std::move(op.error));
  }

  SqlLeaseStore::Core& core_;

  // The max number of combined-read statements running at once, and of requests per statement.
  // NOTE: two in flight is a guess that lets requests queue up to be combined. Other values
  // were not measured.
  static constexpr size_t kCombinedReadsInFlight = 2;
  static constexpr size_t kMaxCombinedReads = 64;
  std::mutex combiner_mutex_;
  std::condition_variable combiner_done_;
  std::deque<CombinedRead*> waiting_reads_;  // GUARDED_BY(combiner_mutex_)
  size_t reads_in_flight_ = 0;               // GUARDED_BY(combiner_mutex_)
};

template <typename LeaseT>
StoreResult<std::vector<typename SqlLeaseTable<LeaseT>::Address>>
SqlLeaseTable<LeaseT>::findUnleased(const Address& first, const Address& last,
                                    const Address& start, size_t limit, unsigned step_bits) {
  constexpr unsigned kBits = kV4 ? 32 : 128;
  if (!(first <= start && start <= last)) {
    return makeUnexpected(StoreError{
        StoreError::Code::kInvalid, "findUnleased range " + first.toString() + "-" +
                                        last.toString() + " does not contain the start " +
                                        start.toString()});
  }
  if (step_bits >= kBits) {
    return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                     "findUnleased step of 2^" + std::to_string(step_bits) +
                                         " addresses is not below 2^" + std::to_string(kBits)});
  }
  if (limit == 0) {
    return std::vector<Address>{};
  }

  // The range [start, last] first, then [first, start) to wrap around.
  const unsigned __int128 step = static_cast<unsigned __int128>(1) << step_bits;
  std::vector<GapRange> ranges{{toWide(start), toWide(last)}};
  if (first < start) {
    ranges.push_back({toWide(first), toWide(start) - 1});
  }
  auto scans = read([&](SqlSession& session) {
    return session.scanGaps(kV4, ranges, step, limit);
  });
  if (!scans) {
    return makeUnexpected(std::move(scans).error());
  }

  std::vector<Address> free;
  for (size_t i = 0; i < ranges.size() && i < scans->size() && free.size() < limit; ++i) {
    for (unsigned __int128 value : expandGaps((*scans)[i], ranges[i], step, limit - free.size())) {
      free.push_back(fromWide<Address>(value));
    }
  }
  return free;
}

}  // namespace

// Read sessions per store at most; see sizeForWorkers().
constexpr uint32_t kMaxReadSessions = 16;

SqlStoreOptions sizeForWorkers(uint32_t worker_threads) {
  SqlStoreOptions options;
  const uint32_t workers =
      worker_threads != 0 ? worker_threads : std::max(1u, std::thread::hardware_concurrency());
  // Each worker runs at most one read at a time. Reads are short, so a few sessions serve many
  // workers, and the cap keeps a cluster of nodes within the server's connection limit
  // (PostgreSQL's default max_connections is 100).
  options.read_sessions = std::min<uint32_t>(workers, kMaxReadSessions);
  // Writers block on their commit, so at most `workers` writes are queued. Several committers
  // keep transactions building while others wait for their commit. Four measured faster than
  // two on MariaDB (about 6300 against 4600 adds/s with 64 writers, docs/benchmarks.md) and no
  // slower on PostgreSQL.
  options.committers = 4;
  options.max_batch = std::max<size_t>(workers, 16);
  return options;
}

SqlLeaseStore::SqlLeaseStore(SessionFactory factory, SqlStoreOptions options,
                             bool start_recovering, const std::string& startup_error)
    : options_(std::move(options)),
      supervisor_(
          options_.max_reconnect_tries, options_.reconnect_wait_time,
          [factory] { factory(); },
          [this] {
            // Null while the store is being built or torn down.
            if (core_ != nullptr) {
              core_->pool.invalidate();
              if (core_->committer != nullptr) {
                core_->committer->resetSessions();
              }
            }
          },
          counters_),
      core_(std::make_unique<Core>(factory, options_, supervisor_, counters_)),
      leases4_(std::make_unique<SqlLeaseTable<Lease4>>(*core_)),
      leases6_(std::make_unique<SqlLeaseTable<Lease6>>(*core_)) {
  if (start_recovering) {
    supervisor_.startRecovering(startup_error);
  }
}

SqlLeaseStore::~SqlLeaseStore() {
  // Committers finish their queued writes first; they may still report a lost connection,
  // which reaches core_ through the supervisor, so core_ must outlive them.
  core_->committer.reset();
}

LeaseTable<Lease4>& SqlLeaseStore::leases4() { return *leases4_; }
LeaseTable<Lease6>& SqlLeaseStore::leases6() { return *leases6_; }

void SqlLeaseStore::setConnectionListener(ConnectionListener listener) {
  supervisor_.setListener(std::move(listener));
}

}  // namespace leasehold::sql
