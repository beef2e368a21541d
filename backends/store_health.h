// Connection health that a LeaseStore backed by a database server reports to the daemon, so
// the daemon can apply Kea's `on-fail` policy (stop serving, keep serving, exit) and publish
// the store's failure counters as statistics.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace leasehold {

enum class ConnectionState {
  kConnected,     // the store reaches its database; after a loss this means it recovered
  kReconnecting,  // the connection was lost; calls fail with kUnavailable while it retries
  kFailed,        // max-reconnect-tries attempts failed; the store no longer retries
};

struct ConnectionEvent {
  ConnectionState state = ConnectionState::kConnected;
  uint32_t attempt = 0;  // reconnect attempts made so far in this outage
  std::string message;   // the last error, with no password in it
};

// Called on the store's own reconnect thread, never on a caller's thread, so it must not block
// for long and must not call back into the store while holding its own locks.
using ConnectionListener = std::function<void(const ConnectionEvent&)>;

// A counter name ("lease-db-write-conflicts") and its value since the store was opened.
using StoreCounter = std::pair<std::string, int64_t>;

}  // namespace leasehold
