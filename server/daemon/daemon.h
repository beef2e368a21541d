// Daemon<Family>: one DHCP server process (leasehold-dhcp4 or leasehold-dhcp6). It loads the
// configuration, opens the lease store and the sockets, runs the Service workers, and on its
// own thread handles signals (SIGHUP reloads, SIGTERM and SIGINT stop), the lease reclamation
// timers and reconfiguration.
//
// Threads: everything here runs on the daemon thread (the io_context), except the Service
// workers.
#pragma once

#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <cstdlib>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <thread>

#include "backends/clock.h"
#include "backends/lease_store_registry.h"
#include "backends/log.h"
#include "server/config/parser.h"
#include "server/daemon/command_line.h"
#include "server/daemon/logging.h"
#include "server/daemon/service.h"
#include "server/engine/reclaim.h"
#include "server/stats/stats.h"

namespace leasehold::daemon {

// Worker threads for a configuration: the configured thread pool size, or one per CPU. A SQL
// store blocks each worker for a commit round trip, so SQL stores get 32 workers per CPU
// slot; their commits are batched together (group commit), which is where the throughput
// comes from.
size_t workerCount(const config::DhcpCommon& config);

// Whether two lease-database settings open the same store.
bool sameDatabase(const DatabaseConfig& a, const DatabaseConfig& b);

template <typename Family>
class Daemon {
 public:
  using Config = typename Family::Config;
  using Runtime = typename Family::Runtime;
  using Lease = typename Family::Lease;

  Daemon(CommandLine command_line, const LeaseStoreRegistry& stores)
      : command_line_(std::move(command_line)),
        stores_(stores),
        signals_(io_, SIGHUP, SIGTERM, SIGINT),
        reclaim_timer_(io_),
        flush_timer_(io_) {}

  ~Daemon() {
    if (service_) {
      service_->stop();
    }
  }

  // Loads and validates a configuration file without touching any running server.
  static Result<std::shared_ptr<const Config>, std::string> loadConfig(
      const std::string& file, const CommandLine& command_line,
      const LeaseStoreRegistry& stores) {
    auto json = config::loadKeaJsonFile(file);
    if (!json) {
      return makeUnexpected(json.error().toString());
    }
    return validate(*json, command_line, stores);
  }

  // Validates configuration JSON ({"Dhcp4": {...}} or the inner object).
  static Result<std::shared_ptr<const Config>, std::string> validate(
      const nlohmann::json& json, const CommandLine& command_line,
      const LeaseStoreRegistry& stores) {
    config::ParseContext context;
    if (const char* data_dir = std::getenv("LEASEHOLD_DATA_DIR")) {
      context.default_data_dir = data_dir;
    }
    auto parsed = Family::parse(json, context);
    if (!parsed) {
      return makeUnexpected(parsed.error().toString());
    }
    auto config = std::make_shared<Config>(**parsed);
    if (!stores.contains(config->lease_database.type)) {
      std::string known;
      for (const auto& type : stores.types()) {
        known += (known.empty() ? "" : ", ") + type;
      }
      return makeUnexpected(std::string(Family::kConfigKey) +
                            "/lease-database/type: unsupported lease database type \"" +
                            config->lease_database.type + "\" (supported: " + known + ")");
    }
    Family::setPorts(*config, command_line.server_port, command_line.client_port);
    return std::shared_ptr<const Config>(std::move(config));
  }

  // Runs until SIGTERM or SIGINT; returns the process exit code.
  int run() {
    auto config = loadConfig(command_line_.config_file, command_line_, stores_);
    if (!config) {
      log::error(logId("CONFIG_INVALID"), "{}", config.error());
      return 1;
    }
    configureLogging((*config)->loggers, command_line_.debug, Family::kLoggerName);
    auto applied = apply(std::move(*config));
    if (!applied) {
      log::error(logId("START_FAILED"), "{}", applied.error());
      return 1;
    }
    log::info(logId("STARTED"), "{} {} started with {} (pid {})", Family::kProgram,
              versionText(), command_line_.config_file, getpid());

    waitForSignal();
    scheduleReclaim();
    scheduleFlush();
    io_.run();

    service_->stop();
    log::info(logId("STOPPED"), "{} stopped", Family::kProgram);
    spdlog::default_logger()->flush();
    return 0;
  }

  // Applies a validated configuration: reopens the store and the sockets when their settings
  // changed, builds a new runtime and publishes it. On error the running configuration stays
  // and the message says why.
  Result<void, std::string> apply(std::shared_ptr<const Config> config) {
    // 1. The lease store, reopened only when its settings changed.
    std::unique_ptr<LeaseStore> new_store;
    LeaseStore* store = store_.get();
    if (!store_ || !sameDatabase(config_->lease_database, config->lease_database)) {
      auto opened = stores_.open(config->lease_database);
      if (!opened) {
        return makeUnexpected("cannot open lease database " +
                              config->lease_database.redacted() + ": " +
                              opened.error().message);
      }
      new_store = std::move(*opened);
      store = new_store.get();
      log::info(logId("LEASE_STORE_OPENED"), "lease database {}", store->describe());
    }

    // 2. The runtime, built from the store's leases.
    const bool shared_store = config->lease_database.type != "memfile";
    if (node_salt_ == 0 && shared_store) {
      node_salt_ = std::random_device{}() | 1u;
    }
    stats_.setMaxSamplesAll(config->statistic_default_sample_count);
    if (config->statistic_default_sample_age.count() > 0) {
      stats_.setMaxAgeAll(config->statistic_default_sample_age);
    }
    auto runtime =
        Family::buildRuntime(config, *store, stats_, clock_, shared_store ? node_salt_ : 0);
    if (!runtime) {
      return makeUnexpected(runtime.error());
    }
    std::shared_ptr<Runtime> shared_runtime(std::move(*runtime));

    // 3. Sockets and workers: restarted when the store or the socket settings changed, else
    // the new runtime is swapped in under traffic.
    const bool restart = new_store != nullptr || !service_ ||
                         !Family::sameSockets(*config_, *config) ||
                         workerCount(*config_) != workerCount(*config);
    if (!restart) {
      Family::configureEngine(service_->engine(), *config);
      service_->setRuntime(std::move(shared_runtime));
      config_ = std::move(config);
      return {};
    }
    if (service_) {
      service_->stop();  // frees the ports before the new sockets bind them
    }
    typename Family::Addresses addresses;
    auto io = Family::openIo(*config, addresses);
    if (!io) {
      if (service_) {
        restartPrevious();
      }
      return makeUnexpected("cannot open sockets: " + io.error());
    }
    if (new_store) {
      service_.reset();
      store_ = std::move(new_store);
    }
    service_ = std::make_unique<Service<Family>>(*store_, clock_);
    Family::configureEngine(service_->engine(), *config);
    service_->setRuntime(std::move(shared_runtime));
    const size_t workers = workerCount(*config);
    service_->start(std::move(*io), std::move(addresses), workers);
    log::info(logId("SERVING"), "serving {} interface entr{} with {} worker(s)",
              config->interfaces.interfaces.size(),
              config->interfaces.interfaces.size() == 1 ? "y" : "ies", workers);
    config_ = std::move(config);
    return {};
  }

  // Reloads the configuration file (SIGHUP, config-reload).
  Result<void, std::string> reload() {
    log::info(logId("RELOAD_STARTED"), "reloading configuration from {}",
              command_line_.config_file);
    auto config = loadConfig(command_line_.config_file, command_line_, stores_);
    if (!config) {
      log::error(logId("RELOAD_FAILED"), "configuration rejected, the previous one stays: {}",
                 config.error());
      return makeUnexpected(config.error());
    }
    auto applied = apply(std::move(*config));
    if (!applied) {
      log::error(logId("RELOAD_FAILED"),
                 "configuration not applied, the previous one stays: {}", applied.error());
      return applied;
    }
    configureLogging(config_->loggers, command_line_.debug, Family::kLoggerName);
    log::info(logId("RELOAD_DONE"), "configuration reloaded");
    return {};
  }

  // Reclaims expired leases now (timer, leases-reclaim). Returns how many were reclaimed.
  size_t reclaimNow(bool remove_override = false) {
    if (!service_) {
      return 0;
    }
    std::shared_ptr<Runtime> runtime = service_->runtime();
    const auto& expiration = config_->expired_leases;
    const bool remove = remove_override || expiration.flush_reclaimed_timer_wait_time.count() == 0 ||
                        expiration.hold_reclaimed_time.count() == 0;
    const auto deadline = expiration.max_reclaim_time.count() == 0
                              ? std::chrono::steady_clock::time_point::max()
                              : std::chrono::steady_clock::now() + expiration.max_reclaim_time;
    const auto report = engine::reclaimExpired<Lease>(
        Family::table(*store_), clock_.now(), expiration.max_reclaim_leases, deadline, remove,
        [&runtime](const Lease& lease) { runtime->leaseReclaimed(lease); });
    if (report.failed > 0) {
      log::warn(logId("RECLAIM_FAILED"), "lease reclamation failed for {} lease(s)",
                report.failed);
    }
    return report.reclaimed;
  }

  void stop() { boost::asio::post(io_, [this] { shutdown(); }); }

  Service<Family>* service() { return service_.get(); }
  LeaseStore* store() { return store_.get(); }
  stats::StatsRegistry& stats() { return stats_; }
  const std::shared_ptr<const Config>& config() const { return config_; }
  boost::asio::io_context& ioContext() { return io_; }
  const CommandLine& commandLine() const { return command_line_; }
  const Clock& clock() const { return clock_; }

 private:
  static std::string logId(std::string_view suffix) {
    return std::string(Family::kLogPrefix) + "_" + std::string(suffix);
  }

  // After a failed socket reopen, serves again with the previous configuration.
  void restartPrevious() {
    typename Family::Addresses addresses;
    auto io = Family::openIo(*config_, addresses);
    if (!io) {
      log::error(logId("SOCKETS_LOST"), "cannot reopen the previous sockets either: {}",
                 io.error());
      return;
    }
    service_->start(std::move(*io), std::move(addresses), workerCount(*config_));
  }

  void waitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
      if (error) {
        return;
      }
      if (signal == SIGHUP) {
        reload();
        waitForSignal();
        return;
      }
      log::info(logId("SHUTDOWN"), "received signal {}, shutting down", signal);
      shutdown();
    });
  }

  void shutdown() {
    reclaim_timer_.cancel();
    flush_timer_.cancel();
    signals_.cancel();
    io_.stop();
  }

  void scheduleReclaim() {
    const auto wait = config_->expired_leases.reclaim_timer_wait_time;
    if (wait.count() == 0) {
      return;
    }
    reclaim_timer_.expires_after(wait);
    reclaim_timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) {
        return;
      }
      reclaimNow();
      scheduleReclaim();
    });
  }

  void scheduleFlush() {
    const auto wait = config_->expired_leases.flush_reclaimed_timer_wait_time;
    if (wait.count() == 0) {
      return;
    }
    flush_timer_.expires_after(wait);
    flush_timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) {
        return;
      }
      const auto cutoff = clock_.now() - config_->expired_leases.hold_reclaimed_time;
      engine::flushReclaimed<Lease>(Family::table(*store_), cutoff);
      scheduleFlush();
    });
  }

  CommandLine command_line_;
  const LeaseStoreRegistry& stores_;
  SystemClock clock_;
  stats::StatsRegistry stats_;
  boost::asio::io_context io_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer reclaim_timer_;
  boost::asio::steady_timer flush_timer_;

  std::shared_ptr<const Config> config_;
  std::unique_ptr<LeaseStore> store_;
  std::unique_ptr<Service<Family>> service_;
  uint64_t node_salt_ = 0;
};

}  // namespace leasehold::daemon
