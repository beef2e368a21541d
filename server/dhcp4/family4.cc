#include "server/dhcp4/family4.h"

#include "backends/log.h"
#include "server/net/socket_io4.h"

namespace leasehold::dhcp4 {

bool Family4::encode(const Reply4& reply, std::vector<uint8_t>& wire, GlobalStats4& stats) {
  // Options that do not fit even with overload are left out, the least important first
  // (rankReplyOptions()), and the reply still goes out.
  const size_t dropped = packet::encodePkt4(reply.packet, wire, reply.max_size);
  if (dropped == 0) {
    return true;
  }
  stats.reply_options_dropped->add(static_cast<int64_t>(dropped));

  static log::RateLimitedLog limiter(std::chrono::seconds(10));
  if (log::debugEnabled()) {
    if (const int64_t held_back = limiter.admit(); held_back >= 0) {
      log::debug("DHCP4_REPLY_OPTIONS_DROPPED",
                 "reply to {} (xid 0x{:08x}) left out {} options that did not fit in {} bytes "
                 "({} similar lines held back)",
                 reply.packet.hwAddr().toString(), reply.packet.xid, dropped, reply.max_size,
                 held_back);
    }
  }
  return true;
}

bool Family4::countFrameDrop(GlobalStats4& stats, const net::Received4& received) {
  switch (received.frame_drop) {
    case net::FrameDrop::kNone:
      return false;
    case net::FrameDrop::kFragment:
      stats.fragment_dropped->add(1);
      break;
    case net::FrameDrop::kBadChecksum:
      stats.checksum_dropped->add(1);
      break;
    case net::FrameDrop::kMalformed:
      stats.parse_failed->add(1);
      break;
  }
  stats.receive_drop->add(1);
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
