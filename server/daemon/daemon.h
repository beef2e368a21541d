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
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <csignal>
#include <cstdlib>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "backends/clock.h"
#include "backends/lease_store_registry.h"
#include "backends/log.h"
#include "backends/store_health.h"
#include "backends/swappable_lease_store.h"
#include "server/config/parser.h"
#include "server/control/control_context.h"
#include "server/control/control_server.h"
#include "server/control/daemon_commands.h"
#include "server/daemon/command_line.h"
#include "server/daemon/logging.h"
#include "server/daemon/service.h"
#include "server/engine/reclaim.h"
#include "server/stats/stats.h"

namespace leasehold::daemon {

// Worker threads for a configuration: the configured thread pool size, or one per CPU. A SQL
// store blocks each worker for a commit round trip, so SQL stores get 32 workers per
// thread-pool slot (16 to 256); their commits are batched together (group commit), which is
// where the throughput comes from.
size_t workerCount(const config::DhcpCommon& config);

// Datagrams a worker reads per wake-up: 8 with memfile, 1 with a SQL store. A SQL worker
// blocks for a commit while processing a REQUEST, and the datagrams read with it would wait
// behind that commit while other workers sit idle.
size_t receiveBatch(const config::DhcpCommon& config);

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
        flush_timer_(io_),
        disable_timer_(io_),
        recount_timer_(io_),
        heartbeat_timer_(io_),
        settle_timer_(io_),
        control_(*this),
        started_(std::chrono::steady_clock::now()),
        reloaded_(started_) {}

  ~Daemon() {
    if (control_server_) {
      control_server_->stop();
    }
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
    warnUnimplementedHooks(**config);
    auto applied = apply(std::move(*config));
    if (!applied) {
      log::error(logId("START_FAILED"), "{}", applied.error());
      return 1;
    }
    daemon_thread_ = std::this_thread::get_id();
    control_store_.set(store_);
    control::ControlContext context{Family::kControlFamily, control_, control_, control_store_,
                                    stats_};
    control::registerControlCommands(registry_, context);
    scheduleHeartbeat();  // before the probes can be asked
    control_server_ = std::make_unique<control::ControlServer>(registry_, Family::kServiceName);
    control_server_->setProbes({[this] { return healthProbe(); }, [this] { return readyProbe(); }});
    if (auto channels = control_server_->configure(config_->control_sockets); !channels) {
      log::error(logId("START_FAILED"), "cannot open the control channels: {}", channels.error());
      service_->stop();
      return 1;
    }
    log::info(logId("STARTED"), "{} {} started with {} (pid {})", Family::kProgram,
              versionText(), command_line_.config_file, getpid());

    waitForSignal();
    scheduleReclaim();
    scheduleFlush();
    scheduleRecount();
    io_.run();

    control_server_->stop();
    service_->stop();
    log::info(logId("STOPPED"), "{} stopped", Family::kProgram);
    spdlog::default_logger()->flush();
    return exit_value_;
  }

  // Applies a validated configuration: reopens the store and the sockets when their settings
  // changed, builds a new runtime and publishes it. On error the running configuration stays
  // and the message says why.
  Result<void, std::string> apply(std::shared_ptr<const Config> config) {
    // 1. The lease store, reopened only when its settings changed.
    std::shared_ptr<LeaseStore> new_store;
    LeaseStore* store = store_.get();
    if (!store_ || !sameDatabase(config_->lease_database, config->lease_database)) {
      DatabaseConfig database = config->lease_database;
      database.worker_threads = static_cast<uint32_t>(workerCount(*config));
      auto opened = stores_.open(database);
      if (!opened) {
        // SQL stores already name the database in their message; memfile's does not.
        const std::string prefix = "cannot open lease database ";
        const std::string& message = opened.error().message;
        if (message.starts_with(prefix)) {
          return makeUnexpected(message);
        }
        return makeUnexpected(prefix + config->lease_database.redacted() + ": " + message);
      }
      new_store = std::move(*opened);
      store = new_store.get();
      const std::string on_fail = config->lease_database.on_fail;
      new_store->setConnectionListener([this, on_fail](const ConnectionEvent& event) {
        boost::asio::post(io_, [this, event, on_fail] { onConnectionEvent(event, on_fail); });
      });
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
      retired_runtimes_.push_back(service_->runtime());
      shared_runtime->continueCursorsFrom(*retired_runtimes_.back());
      shared_runtime->checkPoolCandidates();
      service_->setRuntime(std::move(shared_runtime));
      setConfig(std::move(config));
      scheduleSettle();
      return {};
    }
    bool need_settle = false;
    if (service_) {
      service_->stop();  // frees the ports before the new sockets bind them
      // The stopped workers may have committed leases after the new runtime read the store.
      retired_runtimes_.clear();
      settle_timer_.cancel();
      shared_runtime->continueCursorsFrom(*service_->runtime());
      if (!shared_runtime->settlePools(*store, clock_)) {
        // The store failed just now: check candidates until the timer's settle succeeds.
        shared_runtime->checkPoolCandidates();
        need_settle = true;
      }
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
      control_store_.set(store_);
    }
    service_ = std::make_unique<Service<Family>>(*store_, clock_);
    Family::configureEngine(service_->engine(), *config);
    service_->setRuntime(std::move(shared_runtime));
    const size_t workers = workerCount(*config);
    service_->start(std::move(*io), std::move(addresses), workers);
    log::info(logId("SERVING"), "serving {} interface entr{} with {} worker(s)",
              config->interfaces.interfaces.size(),
              config->interfaces.interfaces.size() == 1 ? "y" : "ies", workers);
    setConfig(std::move(config));
    if (need_settle) {
      scheduleSettle();
    }
    return {};
  }

  // Reloads the configuration file (SIGHUP, config-reload). The caller reopens the control
  // channels afterwards with reconfigureChannels().
  Result<void, std::string> reload() {
    log::info(logId("RELOAD_STARTED"), "reloading configuration from {}",
              command_line_.config_file);
    auto config = loadConfig(command_line_.config_file, command_line_, stores_);
    if (!config) {
      log::error(logId("RELOAD_FAILED"), "configuration rejected, the previous one stays: {}",
                 config.error());
      return makeUnexpected(config.error());
    }
    auto applied = applyAll(std::move(*config));
    if (!applied) {
      log::error(logId("RELOAD_FAILED"),
                 "configuration not applied, the previous one stays: {}", applied.error());
      return applied;
    }
    log::info(logId("RELOAD_DONE"), "configuration reloaded");
    return {};
  }

  // Logs one warning per hooks-libraries entry that is accepted but whose commands return
  // "not supported", so an operator migrating from Kea learns it before a script fails.
  static void warnUnimplementedHooks(const Config& config) {
    for (const config::HookLibrary& hook : config.hooks_libraries) {
      if (!hook.commands_implemented) {
        log::warn(logId("HOOK_COMMANDS_NOT_IMPLEMENTED"),
                  "hook library {} is accepted, but its commands are not implemented yet and "
                  "answer \"not supported\"",
                  hook.library);
      }
    }
  }

  // apply() plus what follows a successful reconfiguration on the daemon thread: logging and
  // timers. The control channels are left to reconfigureChannels(), because a command
  // handler that waits for this on the control thread would deadlock if this waited for the
  // control thread in turn.
  Result<void, std::string> applyAll(std::shared_ptr<const Config> config) {
    auto applied = apply(std::move(config));
    if (!applied) {
      return applied;
    }
    configureLogging(config_->loggers, command_line_.debug, Family::kLoggerName);
    warnUnimplementedHooks(*config_);
    reloaded_ = std::chrono::steady_clock::now();
    scheduleReclaim();
    scheduleFlush();
    scheduleRecount();
    return {};
  }

  // Reopens the control channels of the running configuration. May be called from any
  // thread except the daemon thread while the control thread waits for it.
  Result<void, std::string> reconfigureChannels() {
    if (!control_server_) {
      return {};
    }
    if (auto channels = control_server_->configure(snapshot()->control_sockets); !channels) {
      log::error(logId("CONTROL_CHANNELS_FAILED"),
                 "the new configuration is serving, but its control channels failed: {}",
                 channels.error());
      return makeUnexpected("control channels: " + channels.error());
    }
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

  // The running configuration; safe to call from any thread.
  std::shared_ptr<const Config> snapshot() const {
    std::lock_guard lock(config_mutex_);
    return config_;
  }

  Service<Family>* service() { return service_.get(); }
  LeaseStore* store() { return store_.get(); }
  stats::StatsRegistry& stats() { return stats_; }
  const std::shared_ptr<const Config>& config() const { return config_; }
  boost::asio::io_context& ioContext() { return io_; }
  const CommandLine& commandLine() const { return command_line_; }
  const Clock& clock() const { return clock_; }

 private:
  // The control plane's view of this daemon. Its methods run on the control thread and hand
  // anything that changes the daemon to the daemon thread.
  class Control final : public control::ConfigSource, public control::DaemonActions {
   public:
    explicit Control(Daemon& daemon) : daemon_(daemon) {}

    std::shared_ptr<const config::Dhcp4Config> current4() const override {
      if constexpr (std::is_same_v<Config, config::Dhcp4Config>) {
        return daemon_.snapshot();
      } else {
        return nullptr;
      }
    }
    std::shared_ptr<const config::Dhcp6Config> current6() const override {
      if constexpr (std::is_same_v<Config, config::Dhcp6Config>) {
        return daemon_.snapshot();
      } else {
        return nullptr;
      }
    }
    std::filesystem::path file() const override { return daemon_.command_line_.config_file; }

    control::ActionResult testConfig(const nlohmann::json& root) override {
      auto config = validate(root, daemon_.command_line_, daemon_.stores_);
      if (!config) {
        return makeUnexpected(control::ActionError{config.error()});
      }
      return {};
    }
    control::ActionResult applyConfig(const nlohmann::json& root) override {
      auto config = validate(root, daemon_.command_line_, daemon_.stores_);
      if (!config) {
        return makeUnexpected(control::ActionError{config.error()});
      }
      auto applied = daemon_.onDaemonThread(
          [this, config = *config]() { return daemon_.applyAll(config); });
      if (!applied) {
        return makeUnexpected(control::ActionError{applied.error()});
      }
      return channelsResult();
    }
    control::ActionResult reloadConfig() override {
      auto reloaded = daemon_.onDaemonThread([this] { return daemon_.reload(); });
      if (!reloaded) {
        return makeUnexpected(control::ActionError{reloaded.error()});
      }
      return channelsResult();
    }
    void requestShutdown(int exit_value) override {
      daemon_.exit_value_ = exit_value;
      daemon_.stop();
    }
    void disableService(std::optional<std::chrono::seconds> max_period,
                        const std::string& origin) override {
      daemon_.onDaemonThread([&]() -> Result<void, std::string> {
        daemon_.disableService(max_period, origin);
        return {};
      });
    }
    void enableService(const std::string& origin) override {
      daemon_.onDaemonThread([&]() -> Result<void, std::string> {
        daemon_.enableService(origin);
        return {};
      });
    }
    control::ActionResult reclaimExpiredLeases(bool remove) override {
      daemon_.onDaemonThread([&]() -> Result<void, std::string> {
        daemon_.reclaimNow(remove);
        return {};
      });
      return {};
    }
    control::ActionResult reloadHooks() override { return {}; }
    control::DaemonStatus status() const override {
      control::DaemonStatus status;
      status.pid = getpid();
      const auto now = std::chrono::steady_clock::now();
      status.uptime = std::chrono::duration_cast<std::chrono::seconds>(now - daemon_.started_);
      status.since_reload =
          std::chrono::duration_cast<std::chrono::seconds>(now - daemon_.reloaded_.load());
      const auto config = daemon_.snapshot();
      status.multi_threading = config->multi_threading.enable;
      status.thread_pool_size = static_cast<uint32_t>(workerCount(*config));
      status.packet_queue_size = config->multi_threading.packet_queue_size;
      return status;
    }

   private:
    // Runs on the control thread, where ControlServer::configure() runs inline.
    control::ActionResult channelsResult() {
      if (auto channels = daemon_.reconfigureChannels(); !channels) {
        return makeUnexpected(control::ActionError{channels.error()});
      }
      return {};
    }

    Daemon& daemon_;
  };

  // Runs `work` on the daemon thread and returns its result; runs it directly when already
  // there (a signal handler, a timer).
  template <typename Work>
  Result<void, std::string> onDaemonThread(Work work) {
    if (std::this_thread::get_id() == daemon_thread_ || io_.stopped()) {
      return work();
    }
    std::promise<Result<void, std::string>> done;
    auto result = done.get_future();
    boost::asio::post(io_, [&] { done.set_value(work()); });
    return result.get();
  }

  // dhcp-disable: service stops until every origin that disabled it re-enables it, or until
  // `max_period` passes.
  void disableService(std::optional<std::chrono::seconds> max_period, const std::string& origin) {
    disabled_by_.insert(origin);
    publishServiceState();
    service_->setEnabled(false);
    log::info(logId("SERVICE_DISABLED"), "DHCP service disabled by {}{}", origin,
              max_period ? " for " + std::to_string(max_period->count()) + " s" : "");
    disable_timer_.cancel();
    if (max_period) {
      disable_timer_.expires_after(*max_period);
      disable_timer_.async_wait([this](const boost::system::error_code& error) {
        if (error) {
          return;
        }
        disabled_by_.clear();
        publishServiceState();
        service_->setEnabled(true);
        log::info(logId("SERVICE_ENABLED"), "DHCP service enabled again: max-period passed");
      });
    }
  }

  void enableService(const std::string& origin) {
    disabled_by_.erase(origin);
    if (origin == "user") {
      disabled_by_.clear();
    }
    publishServiceState();
    if (disabled_by_.empty()) {
      disable_timer_.cancel();
      service_->setEnabled(true);
      log::info(logId("SERVICE_ENABLED"), "DHCP service enabled by {}", origin);
    }
  }

  // Copies what GET /ready reports about dhcp-disable for the control thread to read.
  void publishServiceState() {
    std::string origins;
    for (const std::string& origin : disabled_by_) {
      origins += (origins.empty() ? "" : ", ") + origin;
    }
    std::lock_guard lock(readiness_mutex_);
    disabled_by_text_ = std::move(origins);
  }

  // GET /health: the daemon's loop ran recently. The control loop is running, since it
  // serves the probe.
  control::ProbeResult healthProbe() const {
    const auto beat = std::chrono::steady_clock::time_point(
        std::chrono::steady_clock::duration(heartbeat_.load()));
    const auto silent = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::steady_clock::now() - beat);
    if (silent > kMainLoopStall) {
      return {false, "the main loop has not run for " + std::to_string(silent.count()) + " s"};
    }
    return {};
  }

  // GET /ready: a configuration is serving, the lease database is reachable and DHCP service
  // is enabled.
  control::ProbeResult readyProbe() const {
    if (!snapshot()) {
      return {false, "no configuration loaded"};
    }
    std::lock_guard lock(readiness_mutex_);
    if (database_state_ != ConnectionState::kConnected) {
      return {false, "lease database unreachable: " + database_message_};
    }
    if (!disabled_by_text_.empty()) {
      return {false, "DHCP service disabled by " + disabled_by_text_};
    }
    return {};
  }

  // Settles the pools of the serving runtime once no worker still runs an exchange on a
  // runtime that a reconfiguration replaced. Workers let go of the old runtime when their
  // next receive returns, so this takes up to one receive timeout.
  void scheduleSettle() {
    settle_timer_.expires_after(kSettlePoll);
    settle_timer_.async_wait([this](const boost::system::error_code& error) {
      if (error || !service_) {
        return;
      }
      std::erase_if(retired_runtimes_, [](const std::shared_ptr<Runtime>& runtime) {
        return runtime.use_count() == 1;
      });
      if (!retired_runtimes_.empty() || !service_->runtime()->settlePools(*store_, clock_)) {
        scheduleSettle();
      }
    });
  }

  void scheduleHeartbeat() {
    heartbeat_ = std::chrono::steady_clock::now().time_since_epoch().count();
    heartbeat_timer_.expires_after(kHeartbeatInterval);
    heartbeat_timer_.async_wait([this](const boost::system::error_code& error) {
      if (!error) {
        scheduleHeartbeat();
      }
    });
  }

  void setConfig(std::shared_ptr<const Config> config) {
    std::lock_guard lock(config_mutex_);
    config_ = std::move(config);
  }

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
    service_->start(std::move(*io), std::move(addresses), workerCount(*config_),
                    receiveBatch(*config_));
  }

  void waitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& error, int signal) {
      if (error) {
        return;
      }
      if (signal == SIGHUP) {
        if (reload()) {
          reconfigureChannels();
        }
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
    disable_timer_.cancel();
    recount_timer_.cancel();
    heartbeat_timer_.cancel();
    settle_timer_.cancel();
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

  // Every few seconds: publishes the store's own counters (lost connections, failed writes)
  // as statistics, and on a shared SQL store refreshes the lease statistics from the
  // database, where every node's changes meet.
  void scheduleRecount() {
    recount_timer_.expires_after(kRecountInterval);
    recount_timer_.async_wait([this](const boost::system::error_code& error) {
      if (error) {
        return;
      }
      for (const auto& [name, value] : store_->counterValues()) {
        stats::Statistic& statistic = stats_.get(name);
        if (statistic.currentInteger() != value) {
          statistic.set(value);
        }
      }
      if (service_ && config_->lease_database.type != "memfile") {
        service_->runtime()->recountLeases(*store_);
      }
      scheduleRecount();
    });
  }

  // Kea's on-fail policy for a lost database connection:
  //   stop-retry-exit      stop serving while reconnecting; exit when reconnecting fails
  //   serve-retry-exit     keep serving (writes fail and are counted); exit when it fails
  //   serve-retry-continue keep serving; keep running when it fails
  void onConnectionEvent(const ConnectionEvent& event, const std::string& on_fail) {
    static const std::string kOrigin = "database-connection";
    {
      std::lock_guard lock(readiness_mutex_);
      database_state_ = event.state;
      database_message_ = event.message;
    }
    switch (event.state) {
      case ConnectionState::kReconnecting:
        log::warn(logId("LEASE_DB_LOST"), "lease database connection lost ({}), reconnecting, "
                  "attempt {}", event.message, event.attempt);
        if (on_fail == "stop-retry-exit" && service_ && !disabled_by_.contains(kOrigin)) {
          disableService(std::nullopt, kOrigin);
        }
        break;
      case ConnectionState::kConnected:
        log::info(logId("LEASE_DB_RECOVERED"), "lease database connection restored");
        if (disabled_by_.contains(kOrigin)) {
          enableService(kOrigin);
        }
        break;
      case ConnectionState::kFailed:
        if (on_fail == "serve-retry-continue") {
          log::error(logId("LEASE_DB_FAILED"), "lease database unreachable ({}); serving on "
                     "without it (on-fail serve-retry-continue)", event.message);
          break;
        }
        log::error(logId("LEASE_DB_FAILED"), "lease database unreachable ({}); exiting "
                   "(on-fail {})", event.message, on_fail);
        exit_value_ = 1;
        shutdown();
        break;
    }
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

  boost::asio::steady_timer disable_timer_;
  boost::asio::steady_timer recount_timer_;
  static constexpr std::chrono::seconds kRecountInterval{5};
  boost::asio::steady_timer heartbeat_timer_;
  static constexpr std::chrono::seconds kHeartbeatInterval{1};
  // GET /health fails once the daemon's loop has been busy this long. Applying a large
  // configuration can legitimately hold it for seconds, so the bound is generous.
  static constexpr std::chrono::seconds kMainLoopStall{30};
  std::atomic<std::chrono::steady_clock::rep> heartbeat_{0};  // steady_clock ticks
  boost::asio::steady_timer settle_timer_;
  static constexpr std::chrono::milliseconds kSettlePoll{50};
  // Runtimes replaced under traffic that a worker may still hold; daemon thread only.
  std::vector<std::shared_ptr<Runtime>> retired_runtimes_;
  mutable std::mutex readiness_mutex_;
  std::string disabled_by_text_;                               // GUARDED_BY(readiness_mutex_)
  ConnectionState database_state_ = ConnectionState::kConnected;  // GUARDED_BY(readiness_mutex_)
  std::string database_message_;                               // GUARDED_BY(readiness_mutex_)

  mutable std::mutex config_mutex_;
  std::shared_ptr<const Config> config_;  // written on the daemon thread, GUARDED_BY(config_mutex_)
  std::shared_ptr<LeaseStore> store_;
  std::unique_ptr<Service<Family>> service_;
  uint64_t node_salt_ = 0;

  SwappableLeaseStore control_store_;
  Control control_;
  control::CommandRegistry registry_;
  std::unique_ptr<control::ControlServer> control_server_;
  std::thread::id daemon_thread_;
  std::set<std::string> disabled_by_;  // origins of dhcp-disable in force
  const std::chrono::steady_clock::time_point started_;
  std::atomic<std::chrono::steady_clock::time_point> reloaded_;
  std::atomic<int> exit_value_{0};
};

}  // namespace leasehold::daemon
