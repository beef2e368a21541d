#include "backends/sql/open_store.h"

#include "backends/log.h"
#include "backends/sql/lease_session.h"
#include "backends/sql/sql_error.h"
#include "backends/sql/sql_lease_store.h"
#include "migrations/migrator.h"

namespace leasehold::sql {

StoreResult<std::unique_ptr<LeaseStore>> openSqlLeaseStore(const DatabaseConfig& config,
                                                          ConnectionFactory connect) {
  SqlStoreOptions options = sizeForWorkers(config.worker_threads);
  options.description = config.redacted();
  options.readonly = config.readonly;
  options.max_reconnect_tries = config.max_reconnect_tries;
  options.reconnect_wait_time = config.reconnect_wait_time;
  // A read waits for a pooled session at most as long as a connect may take.
  options.session_wait = std::chrono::milliseconds(
      std::max<int64_t>(config.connect_timeout.count(), 1) * 1000);
  SessionFactory sessions = [connect] { return std::make_unique<LeaseSession>(connect()); };

  std::unique_ptr<SqlConnection> first;
  try {
    first = connect();
    if (auto problem = migrations::checkSchema(*first, config)) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid, *problem});
    }
  } catch (const SqlError& error) {
    const std::string reason =
        "cannot open lease database " + config.redacted() + ": " + error.what();
    if (error.kind() != SqlError::Kind::kConnection) {
      return makeUnexpected(StoreError{StoreError::Code::kInternal, reason});
    }
    if (!config.retry_on_startup) {
      return makeUnexpected(StoreError{StoreError::Code::kUnavailable, reason});
    }
    // NOTE: the schema version of a store that opened this way is not checked. A write to a
    // wrong schema then fails with the server's own error.
    log::warn("LEASEDB_START_RETRY", "{}; retry-on-startup is set, so the server starts and "
                                     "keeps reconnecting", reason);
    return std::unique_ptr<LeaseStore>(
        std::make_unique<SqlLeaseStore>(sessions, std::move(options), true, reason));
  }

  log::info("LEASEDB_OPENED", "lease database {} opened: {} read sessions, {} committers",
            options.description, options.read_sessions, options.committers);
  return std::unique_ptr<LeaseStore>(std::make_unique<SqlLeaseStore>(sessions, std::move(options)));
}

}  // namespace leasehold::sql
