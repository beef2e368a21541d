// Daemon4: the leasehold-dhcp4 process. Loads the configuration, opens the lease store and
// the sockets, runs the Service4 workers, and on its own thread handles signals (SIGHUP
// reloads, SIGTERM/SIGINT stop), lease reclamation timers and reconfiguration.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>

#include "backends/clock.h"
#include "backends/lease_store_registry.h"
#include "server/config/parser.h"
#include "server/daemon/command_line.h"
#include "server/dhcp4/service4.h"
#include "server/stats/stats.h"

namespace leasehold::dhcp4 {

class Daemon4 {
 public:
  Daemon4(daemon::CommandLine command_line, const LeaseStoreRegistry& stores);
  ~Daemon4();

  // Runs until SIGTERM or SIGINT; returns the process exit code.
  int run();

  // Loads and validates a configuration file without touching the running server.
  static Result<std::shared_ptr<const config::Dhcp4Config>, std::string> loadConfig(
      const std::string& file, const daemon::CommandLine& command_line,
      const LeaseStoreRegistry& stores);

 private:
  // Applies a validated configuration: reopens the store and the sockets when their settings
  // changed, builds a new runtime and publishes it. On error the running configuration stays.
  Result<void, std::string> apply(std::shared_ptr<const config::Dhcp4Config> config);
  void reload();
  void scheduleReclaim();
  void scheduleFlush();
  void reclaimNow();

  daemon::CommandLine command_line_;
  const LeaseStoreRegistry& stores_;
  SystemClock clock_;
  stats::StatsRegistry stats_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer reclaim_timer_;
  boost::asio::steady_timer flush_timer_;

  std::shared_ptr<const config::Dhcp4Config> config_;
  std::unique_ptr<LeaseStore> store_;
  std::unique_ptr<Service4> service_;
  uint64_t node_salt_ = 0;
};

}  // namespace leasehold::dhcp4
