// SqlLeaseStore: the LeaseStore of the PostgreSQL and MySQL backends. It owns what the two
// share (the read session pool, the group committer, the connection supervisor and the
// counters) and reaches the database only through SqlSession, which each backend implements.
//
// Threads: every LeaseStore method may be called from any thread (see lease_store.h). Reads
// borrow a pooled session; writes are batched by the GroupCommitter.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "backends/lease_store.h"
#include "backends/sql/connection_supervisor.h"
#include "backends/sql/group_committer.h"
#include "backends/sql/session_pool.h"
#include "backends/sql/store_counters.h"

namespace leasehold::sql {

struct SqlStoreOptions {
  std::string description;  // what describe() returns, with no password in it
  size_t read_sessions = 4;
  size_t committers = 2;
  size_t max_batch = 128;
  // How long a read waits for a pooled session before it fails with kUnavailable.
  std::chrono::milliseconds session_wait{5000};
  bool readonly = false;
  uint32_t max_reconnect_tries = 0;
  std::chrono::milliseconds reconnect_wait_time{0};
};

// Chooses pool and committer sizes for a daemon with `worker_threads` packet workers.
SqlStoreOptions sizeForWorkers(uint32_t worker_threads);

class SqlLeaseStore : public LeaseStore {
 public:
  // `factory` opens sessions of the backend. With `start_recovering` the store starts as if
  // the connection had just been lost (retry-on-startup after a failed first connect), with
  // `startup_error` as the reason.
  SqlLeaseStore(SessionFactory factory, SqlStoreOptions options, bool start_recovering = false,
                const std::string& startup_error = {});
  ~SqlLeaseStore() override;

  LeaseTable<Lease4>& leases4() override;
  LeaseTable<Lease6>& leases6() override;
  std::string describe() const override { return options_.description; }
  std::vector<StoreCounter> counterValues() const override { return counters_.snapshot(); }
  void setConnectionListener(ConnectionListener listener) override;

  ConnectionState connectionState() const { return supervisor_.state(); }

  // The pieces the per-family tables share; public so the table template can reach them.
  struct Core;

 private:
  const SqlStoreOptions options_;
  StoreCounters counters_;
  ConnectionSupervisor supervisor_;
  std::unique_ptr<Core> core_;
  std::unique_ptr<LeaseTable<Lease4>> leases4_;
  std::unique_ptr<LeaseTable<Lease6>> leases6_;
};

}  // namespace leasehold::sql
