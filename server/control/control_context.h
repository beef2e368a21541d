// What the control plane needs from a daemon: its configuration snapshots, its lease store,
// its statistics and the actions that only the daemon can carry out. leasehold-dhcp4 and
// leasehold-dhcp6 implement ConfigSource and DaemonActions and hand a ControlContext to
// registerControlCommands().
//
// Threads: every method below is called from the control plane's io_context thread while
// packet workers keep running, so implementations must be safe against the packet path and
// must not wait for it to drain. Methods may block on disk or database I/O; they block only
// the control plane.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backends/lease_store.h"
#include "backends/result.h"
#include "server/config/model.h"
#include "server/stats/stats.h"

namespace leasehold::control {

enum class Family { kV4, kV6 };

// The running configuration.
class ConfigSource {
 public:
  virtual ~ConfigSource() = default;

  // Return the current snapshot, never null for the daemon's own family. The DHCPv6 daemon
  // returns null from current4() and the DHCPv4 daemon null from current6(). The snapshot's
  // `source` member is the daemon object as loaded ({"subnet4": ...}, without "Dhcp4").
  virtual std::shared_ptr<const config::Dhcp4Config> current4() const = 0;
  virtual std::shared_ptr<const config::Dhcp6Config> current6() const = 0;

  // Returns the file the daemon loaded its configuration from (-c). config-write writes
  // there when the request names no file.
  virtual std::filesystem::path file() const = 0;
};

// How the packet sockets are doing, for status-get.
struct SocketStatus {
  enum class State { kReady, kRetrying, kFailed };
  State state = State::kReady;
  std::vector<std::string> errors;  // last errors while opening; empty when ready
};

struct DaemonStatus {
  int64_t pid = 0;
  std::chrono::seconds uptime{0};
  std::chrono::seconds since_reload{0};  // since the last successful configuration
  bool multi_threading = false;
  uint32_t thread_pool_size = 0;   // reported only when multi_threading
  uint32_t packet_queue_size = 0;  // reported only when multi_threading
  SocketStatus sockets;
};

// An action failed; `message` becomes the answer's text, so it names the value and the fix.
struct ActionError {
  std::string message;
};
using ActionResult = Result<void, ActionError>;

// The commands whose work only the daemon can do. Each returns once the work is done, except
// requestShutdown(), which only schedules it so the answer can leave first.
class DaemonActions {
 public:
  virtual ~DaemonActions() = default;

  // Validates `root` ({"Dhcp4": {...}} or {"Dhcp6": {...}}) without changing anything
  // (config-test). The error text names the key path and the offending value.
  virtual ActionResult testConfig(const nlohmann::json& root) = 0;
  // Validates and applies `root` (config-set): swaps the snapshot, reopens sockets and
  // control channels as needed. On error the running configuration is unchanged.
  virtual ActionResult applyConfig(const nlohmann::json& root) = 0;
  // Loads ConfigSource::file() again and applies it (config-reload).
  virtual ActionResult reloadConfig() = 0;

  // Schedules an orderly stop that ends the process with `exit_value` (shutdown).
  virtual void requestShutdown(int exit_value) = 0;

  // Stops answering DHCP clients until enableService() with the same origin, or until
  // `max_period` passes (dhcp-disable). `origin` is "user" for an operator's request or
  // Kea's HA origins ("ha-partner", or a numeric origin id as text).
  virtual void disableService(std::optional<std::chrono::seconds> max_period,
                              const std::string& origin) = 0;
  virtual void enableService(const std::string& origin) = 0;

  // Reclaims the expired leases now; with `remove` deletes them instead of keeping them in
  // the expired-reclaimed state (leases-reclaim).
  virtual ActionResult reclaimExpiredLeases(bool remove) = 0;

  // Re-initialises the built-in features that the configuration's hooks-libraries entries
  // switched on (libreload).
  virtual ActionResult reloadHooks() = 0;

  virtual DaemonStatus status() const = 0;
};

// Everything the command handlers use. The referenced objects must outlive every channel.
struct ControlContext {
  Family family = Family::kV4;
  ConfigSource& config;
  DaemonActions& actions;
  LeaseStore& leases;
  stats::StatsRegistry& stats;
};

}  // namespace leasehold::control
