#include "server/dhcp6/server_duid.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>

#include "backends/lease.h"

namespace leasehold::dhcp6 {

namespace {

// DUID types (RFC 8415 section 11.1).
constexpr uint16_t kDuidLlt = 1;
constexpr uint16_t kDuidEn = 2;
constexpr uint16_t kDuidLl = 3;
// DUID-LLT time counts seconds from 2000-01-01 00:00:00 UTC.
constexpr int64_t kDuidEpochOffset = 946684800;
// ISC's enterprise number, Kea's default for DUID-EN.
constexpr uint32_t kDefaultEnterpriseId = 2495;

void appendUint16(std::vector<uint8_t>& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

void appendUint32(std::vector<uint8_t>& out, uint32_t value) {
  appendUint16(out, static_cast<uint16_t>(value >> 16));
  appendUint16(out, static_cast<uint16_t>(value));
}

uint16_t typeCode(config::ServerIdConfig::Type type) {
  switch (type) {
    case config::ServerIdConfig::Type::kEn:
      return kDuidEn;
    case config::ServerIdConfig::Type::kLl:
      return kDuidLl;
    default:
      return kDuidLlt;
  }
}

}  // namespace

Result<std::vector<uint8_t>, std::string> loadOrCreateServerDuid(
    const config::ServerIdConfig& config, const std::string& file,
    const std::vector<net::NetworkInterface>& interfaces) {
  const uint16_t type = typeCode(config.type);
  const bool explicit_identifier = !config.identifier.empty();

  // A stored DUID of the configured type is reused unless the configuration spells one out.
  if (!explicit_identifier && std::filesystem::exists(file)) {
    std::ifstream in(file);
    std::string text;
    std::getline(in, text);
    auto stored = parseHex(text);
    if (stored && stored->size() >= 4 && (((*stored)[0] << 8) | (*stored)[1]) == type) {
      return *stored;
    }
  }

  std::vector<uint8_t> link_layer = config.identifier;
  uint16_t htype = config.htype;
  if (link_layer.empty() && type != kDuidEn) {
    for (const auto& interface : interfaces) {
      if (interface.has_mac && !interface.loopback &&
          interface.mac != std::array<uint8_t, 6>{}) {
        link_layer.assign(interface.mac.begin(), interface.mac.end());
        htype = 1;
        break;
      }
    }
    if (link_layer.empty()) {
      return makeUnexpected(std::string(
          "server-id: no interface with a link-layer address to build the server DUID from; "
          "set server-id \"type\": \"EN\" or give an \"identifier\""));
    }
  }

  std::vector<uint8_t> duid;
  appendUint16(duid, type);
  if (type == kDuidEn) {
    appendUint32(duid, config.enterprise_id != 0 ? config.enterprise_id : kDefaultEnterpriseId);
    std::vector<uint8_t> identifier = config.identifier;
    if (identifier.empty()) {
      std::random_device random;
      for (int i = 0; i < 6; ++i) {
        identifier.push_back(static_cast<uint8_t>(random()));
      }
    }
    duid.insert(duid.end(), identifier.begin(), identifier.end());
  } else {
    appendUint16(duid, htype);
    if (type == kDuidLlt) {
      uint32_t time = config.time;
      if (time == 0) {
        const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
        time = static_cast<uint32_t>(now - kDuidEpochOffset);
      }
      appendUint32(duid, time);
    }
    duid.insert(duid.end(), link_layer.begin(), link_layer.end());
  }

  if (config.persist) {
    std::error_code error;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path(), error);
    std::ofstream out(file, std::ios::trunc);
    out << toHexColon(duid) << "\n";
    if (!out) {
      return makeUnexpected("cannot write the server DUID to " + file +
                            "; set server-id \"persist\": false or fix the directory");
    }
  }
  return duid;
}

}  // namespace leasehold::dhcp6
