#include "server/dhcp4/daemon4.h"

#include <unistd.h>

#include <csignal>
#include <random>
#include <thread>

#include "backends/log.h"
#include "server/daemon/logging.h"
#include "server/engine/reclaim.h"
#include "server/net/socket_io4.h"

namespace leasehold::dhcp4 {

namespace {

bool sameDatabase(const DatabaseConfig& a, const DatabaseConfig& b) {
  return a.redacted() == b.redacted() && a.password == b.password && a.persist == b.persist &&
         a.lfc_interval == b.lfc_interval && a.family == b.family;
}

bool sameSockets(const config::Dhcp4Config& a, const config::Dhcp4Config& b) {
  return a.interfaces.interfaces == b.interfaces.interfaces &&
         a.interfaces.raw_sockets == b.interfaces.raw_sockets && a.server_port == b.server_port &&
         a.client_port == b.client_port && a.multi_threading.enable == b.multi_threading.enable &&
         a.multi_threading.thread_pool_size == b.multi_threading.thread_pool_size;
}

// Worker threads: the configured thread pool size (or one per CPU). SQL stores block each
// worker for a commit round trip, so they get many workers per CPU; their commits are
// batched together (group commit), which is where the throughput comes from.
size_t workerCount(const config::Dhcp4Config& config) {
  size_t cpus = std::max(1u, std::thread::hardware_concurrency());
  size_t workers = config.multi_threading.enable
                       ? (config.multi_threading.thread_pool_size != 0
                              ? config.multi_threading.thread_pool_size
                              : cpus)
                       : 1;
  if (config.lease_database.type != "memfile") {
    workers *= 32;
  }
  return workers;
}

InterfaceAddresses servedAddresses(const net::SocketIo4& io) {
  InterfaceAddresses addresses;
  for (const auto& interface : io.interfaces()) {
    ServedInterface4 served;
    served.name = interface.name;
    served.prefixes = interface.ipv4;
    if (!interface.ipv4.empty()) {
      served.server_address = interface.ipv4.front().address;
    }
    addresses.emplace(interface.index, std::move(served));
  }
  return addresses;
}

}  // namespace

Daemon4::Daemon4(daemon::CommandLine command_line, const LeaseStoreRegistry& stores)
    : command_line_(std::move(command_line)),
      stores_(stores),
      signals_(io_, SIGHUP, SIGTERM, SIGINT),
      reclaim_timer_(io_),
      flush_timer_(io_) {}

Daemon4::~Daemon4() {
  if (service_) {
    service_->stop();
  }
}

Result<std::shared_ptr<const config::Dhcp4Config>, std::string> Daemon4::loadConfig(
    const std::string& file, const daemon::CommandLine& command_line,
    const LeaseStoreRegistry& stores) {
  auto json = config::loadKeaJsonFile(file);
  if (!json) {
    return makeUnexpected(json.error().toString());
  }
  config::ParseContext context;
  if (const char* data_dir = std::getenv("LEASEHOLD_DATA_DIR")) {
    context.default_data_dir = data_dir;
  }
  auto parsed = config::parseDhcp4(*json, context);
  if (!parsed) {
    return makeUnexpected(parsed.error().toString());
  }
  auto config = std::make_shared<config::Dhcp4Config>(**parsed);
  if (!stores.contains(config->lease_database.type)) {
    std::string known;
    for (const auto& type : stores.types()) {
      known += (known.empty() ? "" : ", ") + type;
    }
    return makeUnexpected("Dhcp4/lease-database/type: unsupported lease database type \"" +
                          config->lease_database.type + "\" (supported: " + known + ")");
  }
  if (command_line.server_port) {
    config->server_port = *command_line.server_port;
  }
  if (command_line.client_port) {
    config->client_port = *command_line.client_port;
  }
  return std::shared_ptr<const config::Dhcp4Config>(std::move(config));
}

Result<void, std::string> Daemon4::apply(std::shared_ptr<const config::Dhcp4Config> config) {
  // 1. The lease store: reopened only when its settings changed.
  std::unique_ptr<LeaseStore> new_store;
  LeaseStore* store = store_.get();
  if (!store_ || !sameDatabase(config_->lease_database, config->lease_database)) {
    auto opened = stores_.open(config->lease_database);
    if (!opened) {
      return makeUnexpected("cannot open lease database " + config->lease_database.redacted() +
                            ": " + opened.error().message);
    }
    new_store = std::move(*opened);
    store = new_store.get();
    log::info("DHCP4_LEASE_STORE_OPENED", "lease database {}", store->describe());
  }

  // 2. The runtime built from the store's leases.
  if (node_salt_ == 0 && config->lease_database.type != "memfile") {
    node_salt_ = std::random_device{}() | 1u;
  }
  stats_.setMaxSamplesAll(config->statistic_default_sample_count);
  if (config->statistic_default_sample_age.count() > 0) {
    stats_.setMaxAgeAll(config->statistic_default_sample_age);
  }
  auto runtime = Runtime4::build(config, *store, stats_, clock_,
                                 config->lease_database.type == "memfile" ? 0 : node_salt_);
  if (!runtime) {
    return makeUnexpected(runtime.error());
  }
  std::shared_ptr<Runtime4> shared_runtime(std::move(*runtime));

  // 3. Sockets and workers: restarted when the store or the socket settings changed, else
  // the new runtime is swapped in under traffic.
  const bool restart = new_store != nullptr || !service_ || !sameSockets(*config_, *config);
  if (!restart) {
    service_->setRuntime(std::move(shared_runtime));
    config_ = std::move(config);
    return {};
  }
  net::SocketIo4Options options;
  options.interfaces = config->interfaces.interfaces;
  options.raw = config->interfaces.raw_sockets;
  options.server_port = config->server_port;
  if (service_) {
    service_->stop();  // frees the port before the new sockets bind it
  }
  auto io = net::SocketIo4::open(options);
  if (!io) {
    return makeUnexpected("cannot open DHCPv4 sockets: " + io.error());
  }
  InterfaceAddresses addresses = servedAddresses(**io);
  if (new_store) {
    service_.reset();
    store_ = std::move(new_store);
  }
  service_ = std::make_unique<Service4>(*store_, clock_);
  service_->setRuntime(std::move(shared_runtime));
  const size_t workers = workerCount(*config);
  service_->start(std::move(*io), std::move(addresses), workers, config->server_port,
                  config->client_port);
  log::info("DHCP4_SERVING", "serving {} interface(s) with {} worker(s), {} sockets",
            options.interfaces.size(), workers, options.raw ? "raw" : "udp");
  config_ = std::move(config);
  return {};
}

void Daemon4::reload() {
  log::info("DHCP4_RELOAD_STARTED", "reloading configuration from {}", command_line_.config_file);
  auto config = loadConfig(command_line_.config_file, command_line_, stores_);
  if (!config) {
    log::error("DHCP4_RELOAD_FAILED", "configuration rejected, the previous one stays: {}",
               config.error());
    return;
  }
  auto applied = apply(std::move(*config));
  if (!applied) {
    log::error("DHCP4_RELOAD_FAILED", "configuration not applied, the previous one stays: {}",
               applied.error());
    return;
  }
  daemon::configureLogging(config_->loggers, command_line_.debug, "kea-dhcp4");
  log::info("DHCP4_RELOAD_DONE", "configuration reloaded");
}

void Daemon4::reclaimNow() {
  if (!service_) {
    return;
  }
  std::shared_ptr<Runtime4> runtime = service_->runtime();
  const auto& expiration = config_->expired_leases;
  const bool remove = expiration.flush_reclaimed_timer_wait_time.count() == 0 ||
                      expiration.hold_reclaimed_time.count() == 0;
  const auto deadline = expiration.max_reclaim_time.count() == 0
                            ? std::chrono::steady_clock::time_point::max()
                            : std::chrono::steady_clock::now() + expiration.max_reclaim_time;
  auto on_reclaimed = [&runtime](const Lease4& lease) {
    GlobalStats4& stats = runtime->stats();
    SubnetState4* subnet = runtime->findSubnet(lease.subnet_id);
    stats.reclaimed_leases->add(1);
    if (lease.state == LeaseState::kDeclined) {
      stats.declined_addresses->add(-1);
      stats.reclaimed_declined_addresses->add(1);
    }
    if (subnet == nullptr) {
      return;
    }
    subnet->stats.reclaimed_leases->add(1);
    subnet->stats.assigned_addresses->add(-1);
    if (lease.state == LeaseState::kDeclined) {
      subnet->stats.declined_addresses->add(-1);
      subnet->stats.reclaimed_declined_addresses->add(1);
    }
    const auto& pools = subnet->subnet->pools;
    for (size_t p = 0; p < pools.size(); ++p) {
      if (pools[p].contains(lease.address)) {
        subnet->pools[p]->markFree(slotOf(pools[p], lease.address));
      }
    }
  };
  const auto report = engine::reclaimExpired<Lease4>(
      store_->leases4(), clock_.now(), expiration.max_reclaim_leases, deadline, remove,
      on_reclaimed);
  if (report.reclaimed > 0 || report.failed > 0) {
    log::debug("DHCP4_RECLAIM_DONE", "reclaimed {} expired lease(s), {} failed{}",
               report.reclaimed, report.failed, report.incomplete ? ", more remain" : "");
  }
}

void Daemon4::scheduleReclaim() {
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

void Daemon4::scheduleFlush() {
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
    engine::flushReclaimed<Lease4>(store_->leases4(), cutoff);
    scheduleFlush();
  });
}

int Daemon4::run() {
  auto config = loadConfig(command_line_.config_file, command_line_, stores_);
  if (!config) {
    log::error("DHCP4_CONFIG_INVALID", "{}", config.error());
    return 1;
  }
  daemon::configureLogging((*config)->loggers, command_line_.debug, "kea-dhcp4");
  config_ = *config;
  auto applied = apply(std::move(*config));
  if (!applied) {
    log::error("DHCP4_START_FAILED", "{}", applied.error());
    return 1;
  }
  log::info("DHCP4_STARTED", "leasehold-dhcp4 {} started with {} (pid {})",
            daemon::versionText(), command_line_.config_file, getpid());

  std::function<void()> waitForSignal = [&] {
    signals_.async_wait([&](const boost::system::error_code& error, int signal) {
      if (error) {
        return;
      }
      if (signal == SIGHUP) {
        reload();
        waitForSignal();
        return;
      }
      log::info("DHCP4_SHUTDOWN", "received signal {}, shutting down", signal);
      reclaim_timer_.cancel();
      flush_timer_.cancel();
      io_.stop();
    });
  };
  waitForSignal();
  scheduleReclaim();
  scheduleFlush();
  io_.run();

  service_->stop();
  log::info("DHCP4_STOPPED", "leasehold-dhcp4 stopped");
  spdlog::default_logger()->flush();
  return 0;
}

}  // namespace leasehold::dhcp4
