// ControlServer: runs the control channels (UNIX stream sockets with Kea's protocol, HTTP and
// HTTPS with Boost.Beast) on its own io_context thread, so command handlers never run on, or
// wait for, a packet worker. Every channel dispatches into one CommandRegistry.
//
// UNIX socket: the client sends one JSON request, the server sends one answer and closes.
// HTTP(S): POST of a JSON body; keep-alive; basic authentication with a realm; TLS with an
// optional client certificate; extra response headers from the configuration. A request with
// Kea control agent's "service" list gets the agent's list-wrapped answer. GET /health and
// GET /ready answer the daemon's probes without authentication, for Kubernetes.
//
// Threads: the public methods may be called from any thread, including from a command handler
// running on the control thread (config-set reconfiguring the channels).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "backends/result.h"
#include "server/config/model.h"
#include "server/control/command_registry.h"

namespace leasehold::control {

// Bounds that protect the control plane from heavy or slow clients.
struct ChannelLimits {
  size_t max_body_bytes = 16 * 1024 * 1024;  // an HTTP body or a UNIX socket request
  size_t max_header_bytes = 16 * 1024;       // all HTTP request headers together
  size_t max_connections = 64;               // open connections per channel
  // A request must arrive whole within this time once its first byte came (HTTP 408, or
  // Kea's timeout answer on the UNIX socket).
  std::chrono::milliseconds request_timeout{10000};
  // An idle keep-alive HTTP connection is closed after this time.
  std::chrono::milliseconds idle_timeout{30000};
};

// Failure counts per kind; tests and statistics read them.
struct ChannelCounters {
  std::atomic<uint64_t> connections{0};
  std::atomic<uint64_t> rejected_connections{0};  // over max_connections
  std::atomic<uint64_t> timeouts{0};              // request_timeout expired mid-request
  std::atomic<uint64_t> auth_failures{0};
  std::atomic<uint64_t> bad_requests{0};          // invalid HTTP, method or JSON
  std::atomic<uint64_t> oversized_requests{0};    // body or header over its limit
  std::atomic<uint64_t> tls_failures{0};          // handshake failed
};

// The outcome of a health or readiness probe: `reason` describes the failure when `ok` is
// false.
struct ProbeResult {
  bool ok = true;
  std::string reason;
};

// The daemon's checks behind GET /health (its loops are running) and GET /ready (it can serve
// DHCP clients now). Each runs on the control thread for every probe request, so it must
// only read state that the daemon publishes, and never block.
struct Probes {
  std::function<ProbeResult()> health;
  std::function<ProbeResult()> ready;
};

class ControlServer {
 public:
  // `service_name` is the daemon's name in Kea control agent requests ("dhcp4", "dhcp6").
  // `registry` must outlive the server.
  ControlServer(CommandRegistry& registry, std::string service_name, ChannelLimits limits = {});
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Sets the probes that GET /health and GET /ready report; without them both return 200.
  // Applies to channels opened by later configure() calls.
  void setProbes(Probes probes);

  // Replaces the open channels with `sockets`. Connections already open finish their request.
  // On any error nothing is left open and the message names the channel and the fix.
  Result<void, std::string> configure(const std::vector<config::ControlSocketConfig>& sockets);

  // Closes every channel and stops the control thread. Idempotent.
  void stop();

  // Returns the bound TCP ports of the HTTP(S) channels in configuration order (port 0 in the
  // configuration binds an ephemeral port).
  std::vector<uint16_t> httpPorts() const;

  const ChannelCounters& counters() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace leasehold::control
