// Building DHCPv6 replies: identifiers, IA options, configured options and the way back
// through the relays.
#include <algorithm>

#include "server/dhcp6/exchange6.h"
#include "server/engine/option_levels.h"

namespace leasehold::dhcp6 {

namespace {

constexpr std::string_view kSpace = "dhcp6";
// RFC 8357 relay source port option, echoed back to the relay like interface-id.
constexpr uint16_t kRelaySourcePort = 135;

// Options the server builds itself; configured values for them are never copied.
bool serverOwned(uint16_t code) {
  switch (code) {
    case packet::option6::kClientId:
    case packet::option6::kServerId:
    case packet::option6::kIaNa:
    case packet::option6::kIaTa:
    case packet::option6::kIaAddr:
    case packet::option6::kOro:
    case packet::option6::kElapsedTime:
    case packet::option6::kRelayMsg:
    case packet::option6::kStatusCode:
    case packet::option6::kRapidCommit:
    case packet::option6::kInterfaceId:
    case packet::option6::kIaPd:
    case packet::option6::kIaPrefix:
    case packet::option6::kPdExclude:
      return true;
    default:
      return false;
  }
}

uint32_t seconds32(std::chrono::seconds value) {
  return static_cast<uint32_t>(std::clamp<int64_t>(value.count(), 0, 0xffffffffll));
}

// Writes the body of OPTION_PD_EXCLUDE (RFC 6603 section 4.2): the excluded prefix's length,
// then its bits between the delegated length and that length (the "IPv6 subnet ID"),
// left-aligned in as few octets as hold them.
void writePdExclude(packet::OptionWriter6& writer, const IPv6Prefix& excluded,
                    uint8_t delegated_length) {
  writer.appendUint8(excluded.length);
  const unsigned subnet_id_bits = excluded.length - delegated_length;
  const unsigned __int128 subnet_id = excluded.address.toUint128() << delegated_length;
  for (unsigned octet = 0; octet * 8 < subnet_id_bits; ++octet) {
    writer.appendUint8(static_cast<uint8_t>(subnet_id >> (120 - 8 * octet)));
  }
}

}  // namespace

bool Exchange6::requested(uint16_t option_code) const {
  const auto oro = query_.options.find(packet::option6::kOro);
  if (!oro) {
    return false;
  }
  for (size_t i = 0; i + 1 < oro->size(); i += 2) {
    if ((((*oro)[i] << 8) | (*oro)[i + 1]) == option_code) {
      return true;
    }
  }
  return false;
}

std::optional<IPv6Prefix> Exchange6::excludedPrefix(const IPv6Address& prefix,
                                                    uint8_t length) const {
  if (reservation_ != nullptr) {
    for (size_t i = 0; i < reservation_->excluded_prefixes.size(); ++i) {
      const IPv6Prefix& reserved = reservation_->prefixes[i];
      if (reserved.address == prefix && reserved.length == length) {
        return reservation_->excluded_prefixes[i];
      }
    }
  }
  const SubnetState6* subnet = candidateContaining(prefix);
  if (subnet == nullptr) {
    return std::nullopt;
  }
  const PoolRuntime6* pool = subnet->findPool(LeaseType::kPd, prefix);
  if (pool == nullptr || !pool->pool->excluded_prefix ||
      pool->pool->delegated_length != length) {
    return std::nullopt;
  }
  // The pool's excluded prefix lies in its first delegated prefix. Every delegated prefix
  // excludes the same subnet ID bits, and only those bits are sent.
  return pool->pool->excluded_prefix;
}

void Exchange6::addStatus(packet::OptionList& options, packet::StatusCode6 code,
                          std::string_view text) const {
  std::vector<uint8_t> payload;
  packet::OptionWriter6 writer(payload);
  writer.appendUint16(static_cast<uint16_t>(code));
  writer.appendBytes({reinterpret_cast<const uint8_t*>(text.data()), text.size()});
  options.add(packet::option6::kStatusCode, payload);
}

std::pair<uint32_t, uint32_t> Exchange6::timers(const SubnetState6& subnet,
                                                const Lease6& lease) const {
  // Configured renew/rebind timers, else computed from the preferred lifetime when
  // calculate-tee-times is on, else 0 (the client decides, RFC 8415 section 21.4).
  const config::Subnet6& cfg = *subnet.subnet;
  const uint32_t preferred = seconds32(lease.preferred_lifetime);
  uint32_t t1 = cfg.renew_timer ? seconds32(*cfg.renew_timer) : 0;
  uint32_t t2 = cfg.rebind_timer ? seconds32(*cfg.rebind_timer) : 0;
  if (cfg.calculate_tee_times) {
    if (!cfg.renew_timer) {
      t1 = static_cast<uint32_t>(preferred * cfg.t1_percent);
    }
    if (!cfg.rebind_timer) {
      t2 = static_cast<uint32_t>(preferred * cfg.t2_percent);
    }
  }
  if (t2 > preferred && preferred != 0) {
    t2 = 0;
  }
  if (t1 > t2 && t2 != 0) {
    t1 = 0;
  }
  return {t1, t2};
}

void Exchange6::writeIa(packet::Pkt6& reply, uint16_t option_code, uint32_t iaid, uint32_t t1,
                        uint32_t t2, const std::vector<Lease6>& leases,
                        const std::vector<IPv6Address>& zeroed,
                        std::optional<packet::StatusCode6> status, std::string_view status_text,
                        uint8_t zeroed_length) const {
  std::vector<uint8_t> payload;
  packet::OptionWriter6 writer(payload);
  writer.appendUint32(iaid);
  if (option_code != packet::option6::kIaTa) {
    writer.appendUint32(t1);
    writer.appendUint32(t2);
  }
  const bool prefixes = option_code == packet::option6::kIaPd;
  const bool pd_exclude_requested = prefixes && requested(packet::option6::kPdExclude);
  auto writeEntry = [&](const IPv6Address& address, uint8_t length, uint32_t preferred,
                        uint32_t valid) {
    if (prefixes) {
      const size_t marker = writer.open(packet::option6::kIaPrefix);
      writer.appendUint32(preferred);
      writer.appendUint32(valid);
      writer.appendUint8(length);
      writer.appendBytes(address.bytes());
      if (valid != 0 && pd_exclude_requested) {
        if (const auto excluded = excludedPrefix(address, length)) {
          const size_t exclude_marker = writer.open(packet::option6::kPdExclude);
          writePdExclude(writer, *excluded, length);
          writer.close(exclude_marker);
        }
      }
      writer.close(marker);
    } else {
      const size_t marker = writer.open(packet::option6::kIaAddr);
      writer.appendBytes(address.bytes());
      writer.appendUint32(preferred);
      writer.appendUint32(valid);
      writer.close(marker);
    }
  };
  for (const Lease6& lease : leases) {
    writeEntry(lease.address, lease.prefix_length, seconds32(lease.preferred_lifetime),
               seconds32(lease.valid_lifetime));
  }
  for (const IPv6Address& address : zeroed) {
    writeEntry(address, zeroed_length, 0, 0);
  }
  if (status) {
    const size_t marker = writer.open(packet::option6::kStatusCode);
    writer.appendUint16(static_cast<uint16_t>(*status));
    writer.appendBytes({reinterpret_cast<const uint8_t*>(status_text.data()), status_text.size()});
    writer.close(marker);
  }
  reply.options.add(option_code, payload);
}

Reply6 Exchange6::makeReply(packet::MessageType6 type) {
  Reply6 reply;
  packet::Pkt6& out = reply.packet;
  out.type = type;
  out.transaction_id = query_.transaction_id;
  out.options.reserve(12, 512);
  const auto& duid = runtime_.serverDuid();
  out.options.add(packet::option6::kServerId, duid);
  if (const auto client_id = query_.options.find(packet::option6::kClientId)) {
    out.options.add(packet::option6::kClientId, *client_id);
  }

  // The way back: one RELAY-REPL per relay, each echoing its interface-id (RFC 8415 section
  // 19.3) and relay source port (RFC 8357).
  for (const packet::RelayInfo6& relay : query_.relays) {
    packet::RelayInfo6 back;
    back.hop_count = relay.hop_count;
    back.link_address = relay.link_address;
    back.peer_address = relay.peer_address;
    for (const uint16_t echoed : {packet::option6::kInterfaceId, kRelaySourcePort}) {
      if (const auto option = relay.options.find(echoed)) {
        back.options.add(echoed, *option);
      }
    }
    out.relays.push_back(std::move(back));
  }
  return reply;
}

// Collects, as Kea 2.2 does, the pools of every address and prefix that the reply grants
// (lifetime above 0), in reply order and without repeats.
void Exchange6::collectReplyPools(const packet::Pkt6& out) {
  reply_pools_.clear();
  auto note = [&](LeaseType type, const IPv6Address& address) {
    const SubnetState6* subnet = candidateContaining(address);
    const PoolRuntime6* pool = subnet != nullptr ? subnet->findPool(type, address) : nullptr;
    if (pool != nullptr &&
        std::find(reply_pools_.begin(), reply_pools_.end(), pool->pool) == reply_pools_.end()) {
      reply_pools_.push_back(pool->pool);
    }
  };
  for (const auto& entry : out.options.entries()) {
    if (entry.code != packet::option6::kIaNa && entry.code != packet::option6::kIaPd) {
      continue;
    }
    const auto ia = packet::decodeIa6(entry.code, out.options.payload(entry));
    if (!ia) {
      continue;
    }
    for (const auto& inner : ia->options.entries()) {
      if (inner.code == packet::option6::kIaAddr) {
        const auto address = packet::decodeIaAddress6(ia->options.payload(inner));
        if (address && address->valid_lifetime > 0) {
          note(LeaseType::kNa, address->address);
        }
      } else if (inner.code == packet::option6::kIaPrefix) {
        const auto prefix = packet::decodeIaPrefix6(ia->options.payload(inner));
        if (prefix && prefix->valid_lifetime > 0) {
          note(LeaseType::kPd, prefix->prefix);
        }
      }
    }
  }
}

void Exchange6::addConfiguredOptions(Reply6& reply) {
  collectReplyPools(reply.packet);
  classifyAdditional();
  packet::Pkt6& out = reply.packet;
  const config::Dhcp6Config& cfg = runtime_.config();

  engine::OptionLevels levels;
  if (reservation_ != nullptr) {
    levels.push(reservation_->options);
  }
  for (const config::Pool6* pool : reply_pools_) {
    levels.push(pool->options);
  }
  if (options_subnet_ != nullptr) {
    levels.push(options_subnet_->subnet->options);
    if (options_subnet_->shared_network != nullptr) {
      levels.push(options_subnet_->shared_network->options);
    }
  }
  for (const auto& name : classes_.names()) {
    if (const config::ClientClass* client_class = cfg.findClass(name)) {
      levels.push(client_class->options);
    }
  }
  levels.push(cfg.global_options);

  // The options the client requests (Option Request Option, 2-byte codes) and the
  // always-send ones.
  std::vector<uint16_t> codes;
  if (const auto oro = query_.options.find(packet::option6::kOro)) {
    for (size_t i = 0; i + 1 < oro->size(); i += 2) {
      codes.push_back(static_cast<uint16_t>(((*oro)[i] << 8) | (*oro)[i + 1]));
    }
  }
  for (const uint16_t code : levels.alwaysSendCodes(kSpace, classes_)) {
    codes.push_back(code);
  }
  for (const uint16_t code : codes) {
    if (serverOwned(code) || out.options.contains(code)) {
      continue;
    }
    const config::OptionValue* option = levels.find(kSpace, code, classes_);
    if (option == nullptr || option->never_send) {
      continue;
    }
    out.options.add(code, option->payload);
  }
}

void Exchange6::setDestination(Reply6& reply) const {
  net::Destination6& to = reply.destination;
  to.address = query_.transport.remote_address;
  to.interface_index = query_.transport.interface_index;
  if (query_.relayed()) {
    // Back to the relay that sent it, on the port it used (547 unless RFC 8357 applies).
    to.port = query_.transport.remote_port != 0 ? query_.transport.remote_port
                                                : engine_.server_port_;
  } else {
    to.port = engine_.client_port_;
  }
  if (query_.transport.received_unicast) {
    to.source = query_.transport.local_address;
  }
}

}  // namespace leasehold::dhcp6
