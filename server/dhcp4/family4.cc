#include "server/dhcp4/family4.h"

#include "backends/log.h"
#include "server/net/socket_io4.h"

namespace leasehold::dhcp4 {

bool Family4::encode(const packet::Pkt4& reply, std::vector<uint8_t>& wire) {
  // Options that do not fit even with overload are left out by the encoder, which is how
  // Kea behaves too; the reply still goes out.
  packet::encodePkt4(reply, wire);
  return true;
}

void Family4::countSent(GlobalStats4& stats, const packet::Pkt4& reply) {
  switch (reply.messageType().value_or(packet::MessageType4::kAck)) {
    case packet::MessageType4::kOffer:
      stats.offer_sent->add(1);
      break;
    case packet::MessageType4::kAck:
      stats.ack_sent->add(1);
      break;
    case packet::MessageType4::kNak:
      stats.nak_sent->add(1);
      break;
    default:
      break;
  }
}

Result<std::shared_ptr<const Family4::Config>, config::ConfigError> Family4::parse(
    const nlohmann::json& json, const config::ParseContext& context) {
  auto parsed = config::parseDhcp4(json, context);
  if (!parsed) {
    return makeUnexpected(parsed.error());
  }
  return std::shared_ptr<const Config>(*parsed);
}

Result<std::unique_ptr<Family4::Io>, std::string> Family4::openIo(const Config& config,
                                                                   Addresses& addresses) {
  net::SocketIo4Options options;
  options.interfaces = config.interfaces.interfaces;
  options.raw = config.interfaces.raw_sockets;
  options.server_port = config.server_port;
  auto io = net::SocketIo4::open(options);
  if (!io) {
    return makeUnexpected(io.error());
  }
  addresses.clear();
  for (const auto& interface : (*io)->interfaces()) {
    ServedInterface4 served;
    served.name = interface.name;
    served.prefixes = interface.ipv4;
    if (!interface.ipv4.empty()) {
      served.server_address = interface.ipv4.front().address;
    }
    addresses.emplace(interface.index, std::move(served));
  }
  return std::unique_ptr<Io>(std::move(*io));
}

Result<std::unique_ptr<Runtime4>, std::string> Family4::buildRuntime(
    std::shared_ptr<const Config> config, LeaseStore& store, stats::StatsRegistry& registry,
    const Clock& clock, uint64_t node_salt) {
  return Runtime4::build(std::move(config), store, registry, clock, node_salt);
}

void Family4::configureEngine(Engine& engine, const Config& config) {
  engine.setServerPort(config.server_port);
  engine.setClientPort(config.client_port);
}

void Family4::setPorts(Config& config, std::optional<uint16_t> server,
                       std::optional<uint16_t> client) {
  if (server) {
    config.server_port = *server;
  }
  if (client) {
    config.client_port = *client;
  }
}

bool Family4::sameSockets(const Config& a, const Config& b) {
  return a.interfaces.interfaces == b.interfaces.interfaces &&
         a.interfaces.raw_sockets == b.interfaces.raw_sockets && a.server_port == b.server_port &&
         a.client_port == b.client_port;
}

}  // namespace leasehold::dhcp4
