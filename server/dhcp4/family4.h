// Family4: what the shared Service and Daemon templates need to know about DHCPv4.
#pragma once

#include <memory>
#include <string>

#include "backends/lease_store.h"
#include "server/config/parser.h"
#include "server/control/control_context.h"
#include "server/dhcp4/engine4.h"
#include "server/dhcp4/runtime4.h"
#include "server/net/packet_io4.h"

namespace leasehold::dhcp4 {

struct Family4 {
  using Config = config::Dhcp4Config;
  using Runtime = Runtime4;
  using Engine = Engine4;
  using Io = net::PacketIo4;
  using Received = net::Received4;
  using Addresses = InterfaceAddresses;
  using Lease = Lease4;

  static constexpr const char* kProgram = "leasehold-dhcp4";
  static constexpr const char* kLoggerName = "kea-dhcp4";
  static constexpr const char* kConfigKey = "Dhcp4";
  static constexpr const char* kLogPrefix = "DHCP4";
  static constexpr const char* kServiceName = "dhcp4";  // in Kea control agent requests
  static constexpr control::Family kControlFamily = control::Family::kV4;

  static Result<packet::Pkt4, packet::DecodeError> decode(std::span<const uint8_t> bytes) {
    return packet::decodePkt4(bytes);
  }
  // Encodes a reply into `wire` within its max_size; false when it cannot be encoded. Options
  // that do not fit are left out and counted in pkt4-reply-options-dropped.
  static bool encode(const Reply4& reply, std::vector<uint8_t>& wire, GlobalStats4& stats);
  // Counts a frame that a raw socket could not unwrap (received.frame_drop) in
  // pkt4-receive-drop and its own statistic; returns false for a frame that was unwrapped.
  static bool countFrameDrop(GlobalStats4& stats, const net::Received4& received);
  // Counts a sent reply in its message-type statistic.
  static void countSent(GlobalStats4& stats, const packet::Pkt4& reply);

  static Result<std::shared_ptr<const Config>, config::ConfigError> parse(
      const nlohmann::json& json, const config::ParseContext& context);
  static Result<std::unique_ptr<Io>, std::string> openIo(const Config& config,
                                                         Addresses& addresses);
  static Result<std::unique_ptr<Runtime>, std::string> buildRuntime(
      std::shared_ptr<const Config> config, LeaseStore& store, stats::StatsRegistry& registry,
      const Clock& clock, uint64_t node_salt);
  static void configureEngine(Engine& engine, const Config& config);
  static LeaseTable<Lease>& table(LeaseStore& store) { return store.leases4(); }
  static void setPorts(Config& config, std::optional<uint16_t> server, std::optional<uint16_t> client);
  static bool sameSockets(const Config& a, const Config& b);
};

}  // namespace leasehold::dhcp4
