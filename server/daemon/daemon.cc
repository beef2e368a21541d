#include "server/daemon/daemon.h"

#include <algorithm>

namespace leasehold::daemon {

namespace {

// Workers per thread-pool slot with a SQL store, and the bounds. Enough writers must wait on
// commits at once for group commit to fill batches while DISCOVERs still find a free worker:
// 4500 exchanges/s at 20 ms per commit on a busy disk keeps about 100 workers waiting.
// Workers hold no database connection (reads share a small session pool), so the count costs
// only threads.
constexpr size_t kSqlWorkersPerThread = 32;
constexpr size_t kMinSqlWorkers = 16;
constexpr size_t kMaxSqlWorkers = 256;

}  // namespace

size_t workerCount(const config::DhcpCommon& config) {
  const size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  size_t workers = 1;
  if (config.multi_threading.enable) {
    workers = config.multi_threading.thread_pool_size != 0
                  ? config.multi_threading.thread_pool_size
                  : cpus;
  }
  if (config.lease_database.type != "memfile") {
    workers = std::clamp<size_t>(workers * kSqlWorkersPerThread, kMinSqlWorkers, kMaxSqlWorkers);
  }
  return workers;
}

size_t receiveBatch(const config::DhcpCommon& config) {
  return config.lease_database.type == "memfile" ? 8 : 1;
}

bool sameDatabase(const DatabaseConfig& a, const DatabaseConfig& b) {
  return a.redacted() == b.redacted() && a.password == b.password && a.persist == b.persist &&
         a.lfc_interval == b.lfc_interval && a.family == b.family &&
         a.connect_timeout == b.connect_timeout && a.on_fail == b.on_fail &&
         a.max_reconnect_tries == b.max_reconnect_tries &&
         a.reconnect_wait_time == b.reconnect_wait_time && a.readonly == b.readonly &&
         a.trust_anchor == b.trust_anchor && a.cert_file == b.cert_file &&
         a.key_file == b.key_file;
}

}  // namespace leasehold::daemon
