#include "server/daemon/daemon.h"

namespace leasehold::daemon {

size_t workerCount(const config::DhcpCommon& config) {
  const size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  size_t workers = 1;
  if (config.multi_threading.enable) {
    workers = config.multi_threading.thread_pool_size != 0
                  ? config.multi_threading.thread_pool_size
                  : cpus;
  }
  if (config.lease_database.type != "memfile") {
    workers *= 32;
  }
  return workers;
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
