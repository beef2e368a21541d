// Family6: what the shared Service and Daemon templates need to know about DHCPv6.
#pragma once

#include <memory>
#include <string>

#include "backends/lease_store.h"
#include "server/config/parser.h"
#include "server/control/control_context.h"
#include "server/dhcp6/engine6.h"
#include "server/dhcp6/runtime6.h"
#include "server/net/packet_io6.h"

namespace leasehold::dhcp6 {

struct Family6 {
  using Config = config::Dhcp6Config;
  using Runtime = Runtime6;
  using Engine = Engine6;
  using Io = net::PacketIo6;
  using Received = net::Received6;
  using Addresses = InterfaceAddresses;
  using Lease = Lease6;

  static constexpr const char* kProgram = "leasehold-dhcp6";
  static constexpr const char* kLoggerName = "kea-dhcp6";
  static constexpr const char* kConfigKey = "Dhcp6";
  static constexpr const char* kLogPrefix = "DHCP6";
  static constexpr const char* kServiceName = "dhcp6";  // in Kea control agent requests
  static constexpr control::Family kControlFamily = control::Family::kV6;

  static Result<packet::Pkt6, packet::DecodeError> decode(std::span<const uint8_t> bytes) {
    return packet::decodePkt6(bytes);
  }
  // Encodes a reply into `wire`; false when it cannot be encoded.
  // DHCPv6 has no raw sockets, so no frame is ever dropped below the UDP payload.
  static bool countFrameDrop(GlobalStats6& /*stats*/, const net::Received6& /*received*/) {
    return false;
  }
  static bool encode(const Reply6& reply, std::vector<uint8_t>& wire, GlobalStats6& stats);
  // Counts a sent reply in its message-type statistic.
  static void countSent(GlobalStats6& stats, const packet::Pkt6& reply);
  static Result<std::shared_ptr<const Config>, config::ConfigError> parse(
      const nlohmann::json& json, const config::ParseContext& context);
  static Result<std::unique_ptr<Io>, std::string> openIo(const Config& config,
                                                         Addresses& addresses);
  // Also settles the server DUID (see server_duid.h).
  static Result<std::unique_ptr<Runtime>, std::string> buildRuntime(
      std::shared_ptr<const Config> config, LeaseStore& store, stats::StatsRegistry& registry,
      const Clock& clock, uint64_t node_salt);
  static void configureEngine(Engine& engine, const Config& config);
  static LeaseTable<Lease>& table(LeaseStore& store) { return store.leases6(); }
  static void setPorts(Config& config, std::optional<uint16_t> server, std::optional<uint16_t> client);
  static bool sameSockets(const Config& a, const Config& b);
};

}  // namespace leasehold::dhcp6
