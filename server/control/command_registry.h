// CommandRegistry: the one table of control commands that every channel (UNIX socket, HTTP,
// HTTPS) dispatches into. A handler receives the request's "arguments" (null when absent) and
// returns Kea's answer; it may throw CommandError or any std::exception, which the registry
// turns into an error answer, so nothing escapes into a channel.
//
// Threads: add() and execute() may be called from any thread. Handlers run on the caller's
// thread, which for the channels is the control plane's own io_context thread, never a packet
// worker.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "server/control/answer.h"

namespace leasehold::control {

using CommandHandler = std::function<Json(const Json& arguments)>;

// Failure counts, one per way a request can fail; read them for tests and statistics.
struct CommandCounters {
  std::atomic<uint64_t> executed{0};
  std::atomic<uint64_t> malformed_requests{0};  // not JSON, not an object, bad "command"
  std::atomic<uint64_t> unknown_commands{0};
  std::atomic<uint64_t> failed_commands{0};     // handler threw CommandError
  std::atomic<uint64_t> handler_exceptions{0};  // handler threw anything else
};

class CommandRegistry {
 public:
  // Registers `name`. Throws std::logic_error when the name is taken, because two handlers
  // for one command is a programming error.
  void add(std::string name, CommandHandler handler);
  bool contains(std::string_view name) const;
  // Returns the registered names in ascending order.
  std::vector<std::string> names() const;

  // Executes one request object {"command", "arguments"?, "service"?, "remote-address"?} and
  // returns the answer. Malformed requests get Kea's error answers. Never throws.
  Json execute(const Json& request) noexcept;

  // Parses `text` as one request and executes it. Never throws.
  Json executeText(std::string_view text) noexcept;

  // Executes a request as Kea's control agent did for a daemon named `service_name`
  // ("dhcp4"): with a "service" list, the answer is a list with one answer per listed
  // service, and services other than this daemon get the agent's forwarding error. Without
  // "service" the plain answer is returned. Never throws.
  Json executeForAgent(const Json& request, std::string_view service_name) noexcept;

  const CommandCounters& counters() const { return counters_; }

 private:
  CommandHandler find(std::string_view name) const;

  mutable std::shared_mutex mutex_;
  std::map<std::string, CommandHandler, std::less<>> handlers_;  // GUARDED_BY(mutex_)
  CommandCounters counters_;
};

// Parses a request text as Kea's command channel does: the first character must open an
// object or a list, and anything after the first complete JSON value is ignored. Returns the
// value, or an error answer (result 1) in `error`.
bool parseRequestText(std::string_view text, Json& request, Json& error);

}  // namespace leasehold::control
