// Connection handlers behind ControlServer (internal to the control library): one UNIX socket
// session per request, one HTTP(S) session per connection.
#pragma once

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "server/config/model.h"
#include "server/control/command_registry.h"
#include "server/control/control_server.h"

namespace leasehold::control::detail {

// What every session of one channel shares. Lives as long as its longest session.
struct ChannelState {
  ChannelState(CommandRegistry& registry_in, std::string service_name_in, ChannelLimits limits_in,
               ChannelCounters& counters_in, config::ControlSocketConfig config_in)
      : registry(registry_in),
        service_name(std::move(service_name_in)),
        limits(limits_in),
        counters(counters_in),
        config(std::move(config_in)) {}

  CommandRegistry& registry;
  std::string service_name;
  ChannelLimits limits;
  ChannelCounters& counters;
  config::ControlSocketConfig config;
  std::vector<std::string> authorizations;  // "Basic <base64(user:password)>" per client
  std::atomic<size_t> active{0};            // open connections of this channel
  std::shared_ptr<boost::asio::ssl::context> tls;  // HTTPS only; sessions borrow it
  Probes probes;  // GET /health and GET /ready; unset functions report success
};

void startUnixSession(std::shared_ptr<ChannelState> state,
                      boost::asio::local::stream_protocol::socket socket);
void startHttpSession(std::shared_ptr<ChannelState> state, boost::asio::ip::tcp::socket socket);
// REQUIRES: state->tls is set.
void startHttpsSession(std::shared_ptr<ChannelState> state, boost::asio::ip::tcp::socket socket);

// Base64 of `text`, for the expected Authorization header values.
std::string encodeBase64(const std::string& text);

}  // namespace leasehold::control::detail
