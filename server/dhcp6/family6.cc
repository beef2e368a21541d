#include "server/dhcp6/family6.h"

#include <mutex>

#include "backends/log.h"
#include "server/dhcp6/server_duid.h"
#include "server/net/socket_io6.h"

namespace leasehold::dhcp6 {

bool Family6::encode(const Reply6& reply, std::vector<uint8_t>& wire, GlobalStats6& /*stats*/) {
  return packet::encodePkt6(reply.packet, wire);
}

void Family6::countSent(GlobalStats6& stats, const packet::Pkt6& reply) {
  if (reply.type == packet::MessageType6::kAdvertise) {
    stats.advertise_sent->add(1);
  } else {
    stats.reply_sent->add(1);
  }
}

Result<std::shared_ptr<const Family6::Config>, config::ConfigError> Family6::parse(
    const nlohmann::json& json, const config::ParseContext& context) {
  auto parsed = config::parseDhcp6(json, context);
  if (!parsed) {
    return makeUnexpected(parsed.error());
  }
  return std::shared_ptr<const Config>(*parsed);
}

Result<std::unique_ptr<Family6::Io>, std::string> Family6::openIo(const Config& config,
                                                                   Addresses& addresses) {
  net::SocketIo6Options options;
  options.interfaces = config.interfaces.interfaces;
  options.server_port = config.server_port;
  auto io = net::SocketIo6::open(options);
  if (!io) {
    return makeUnexpected(io.error());
  }
  addresses.clear();
  for (const auto& interface : (*io)->interfaces()) {
    ServedInterface6 served;
    served.name = interface.name;
    served.prefixes = interface.ipv6;
    for (const auto& unicast : (*io)->unicastAddresses()) {
      for (const auto& prefix : interface.ipv6) {
        served.unicast = served.unicast || prefix.address == unicast;
      }
    }
    addresses.emplace(interface.index, std::move(served));
  }
  return std::unique_ptr<Io>(std::move(*io));
}

Result<std::unique_ptr<Runtime6>, std::string> Family6::buildRuntime(
    std::shared_ptr<const Config> config, LeaseStore& store, stats::StatsRegistry& registry,
    const Clock& clock, uint64_t node_salt) {
  // The DUID is settled once per process unless server-id changes, so a reload without
  // persistence does not make clients see a new server.
  static std::mutex mutex;
  static std::vector<uint8_t> cached_duid;
  static std::string cached_key;
  const auto& server_id = config->server_id;
  const std::string key = std::to_string(static_cast<int>(server_id.type)) + "/" +
                          toHexColon(server_id.identifier) + "/" +
                          std::to_string(server_id.time) + "/" +
                          std::to_string(server_id.enterprise_id) + "/" +
                          std::to_string(server_id.htype) + "/" + config->data_directory;
  std::vector<uint8_t> duid;
  {
    std::lock_guard lock(mutex);
    if (cached_key != key || cached_duid.empty()) {
      auto interfaces = net::listInterfaces();
      if (!interfaces) {
        return makeUnexpected(interfaces.error());
      }
      auto loaded = loadOrCreateServerDuid(
          server_id, config->data_directory + "/leasehold-dhcp6-serverid", *interfaces);
      if (!loaded) {
        return makeUnexpected(loaded.error());
      }
      cached_duid = std::move(*loaded);
      cached_key = key;
    }
    duid = cached_duid;
  }
  return Runtime6::build(std::move(config), store, registry, clock, node_salt, std::move(duid));
}

void Family6::configureEngine(Engine& engine, const Config& config) {
  engine.setServerPort(config.server_port);
  engine.setClientPort(config.client_port);
}

void Family6::setPorts(Config& config, std::optional<uint16_t> server,
                       std::optional<uint16_t> client) {
  if (server) {
    config.server_port = *server;
  }
  if (client) {
    config.client_port = *client;
  }
}

bool Family6::sameSockets(const Config& a, const Config& b) {
  return a.interfaces.interfaces == b.interfaces.interfaces && a.server_port == b.server_port &&
         a.client_port == b.client_port;
}

}  // namespace leasehold::dhcp6
