// Building DHCPv4 replies: header fields, options and where the reply goes.
#include <algorithm>
#include <array>

#include "server/dhcp4/exchange4.h"
#include "server/engine/option_levels.h"

namespace leasehold::dhcp4 {

namespace {

constexpr IPv4Address kBroadcast{0xffffffffu};
constexpr std::string_view kSpace = "dhcp4";

std::array<uint8_t, 4> uint32Bytes(uint32_t value) {
  return {static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
          static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)};
}

// Options the server always fills itself; configured values for them are ignored, except the
// server identifier, which Kea lets the configuration override.
bool serverOwned(uint16_t code) {
  switch (code) {
    case packet::option4::kMessageType:
    case packet::option4::kLeaseTime:
    case packet::option4::kRenewalTime:
    case packet::option4::kRebindingTime:
    case packet::option4::kClientIdentifier:
    case packet::option4::kRelayAgentInformation:
    case packet::option4::kOverload:
    case packet::option4::kParameterRequestList:
    case packet::option4::kEnd:
    case packet::option4::kPad:
      return true;
    default:
      return false;
  }
}

void copyText(std::string_view text, std::span<uint8_t> field) {
  std::fill(field.begin(), field.end(), 0);
  std::copy_n(text.begin(), std::min(text.size(), field.size() - 1), field.begin());
}

}  // namespace

IPv4Address Exchange4::serverAddress() const {
  const auto served = addresses_.find(query_.transport.interface_index);
  if (served != addresses_.end() && !served->second.server_address.isZero()) {
    return served->second.server_address;
  }
  if (query_.transport.local_address != kBroadcast) {
    return query_.transport.local_address;
  }
  return IPv4Address{};
}

Reply4 Exchange4::makeReply(packet::MessageType4 type) {
  Reply4 reply;
  packet::Pkt4& out = reply.packet;
  out.op = packet::kBootReply;
  out.htype = query_.htype;
  out.hlen = query_.hlen;
  out.xid = query_.xid;
  out.flags = query_.flags;
  out.giaddr = query_.giaddr;
  out.chaddr = query_.chaddr;
  if (type == packet::MessageType4::kAck) {
    out.ciaddr = query_.ciaddr;
  }
  out.options.reserve(16, 256);

  const uint8_t message_type = static_cast<uint8_t>(type);
  out.options.add(packet::option4::kMessageType, {&message_type, 1});
  const auto server_id = uint32Bytes(serverAddress().toUint32());
  out.options.add(packet::option4::kServerIdentifier, server_id);
  return reply;
}

void Exchange4::addLeaseOptions(Reply4& reply, const Lease4& lease) {
  packet::Pkt4& out = reply.packet;
  out.yiaddr = lease.address;
  const SubnetState4& subnet = *lease_subnet_;
  const config::Subnet4& cfg = *subnet.subnet;

  const auto valid = static_cast<uint32_t>(lease.valid_lifetime.count());
  out.options.add(packet::option4::kLeaseTime, uint32Bytes(valid));

  // T1 and T2: configured values, or computed from the lifetime when calculate-tee-times is
  // on. T2 is sent only when shorter than the lifetime, T1 only when shorter than T2.
  std::optional<uint32_t> t1;
  std::optional<uint32_t> t2;
  if (cfg.renew_timer) {
    t1 = static_cast<uint32_t>(cfg.renew_timer->count());
  }
  if (cfg.rebind_timer) {
    t2 = static_cast<uint32_t>(cfg.rebind_timer->count());
  }
  if (cfg.calculate_tee_times) {
    if (!t1) {
      t1 = static_cast<uint32_t>(valid * cfg.t1_percent);
    }
    if (!t2) {
      t2 = static_cast<uint32_t>(valid * cfg.t2_percent);
    }
  }
  if (t2 && *t2 >= valid) {
    t2.reset();
  }
  if (t1 && (*t1 >= valid || (t2 && *t1 >= *t2))) {
    t1.reset();
  }
  if (t1) {
    out.options.add(packet::option4::kRenewalTime, uint32Bytes(*t1));
  }
  if (t2) {
    out.options.add(packet::option4::kRebindingTime, uint32Bytes(*t2));
  }

  // next-server, server-hostname and boot-file-name: reservation, then class, then subnet
  // (which already carries the inherited global value).
  std::optional<IPv4Address> next_server = cfg.next_server;
  std::string server_hostname = cfg.server_hostname;
  std::string boot_file_name = cfg.boot_file_name;
  for (auto it = classes_.names().rbegin(); it != classes_.names().rend(); ++it) {
    const config::ClientClass* client_class = runtime_.config().findClass(*it);
    if (client_class == nullptr) {
      continue;
    }
    if (client_class->next_server) {
      next_server = client_class->next_server;
    }
    if (!client_class->server_hostname.empty()) {
      server_hostname = client_class->server_hostname;
    }
    if (!client_class->boot_file_name.empty()) {
      boot_file_name = client_class->boot_file_name;
    }
  }
  if (reservation_ != nullptr) {
    if (reservation_->next_server) {
      next_server = reservation_->next_server;
    }
    if (!reservation_->server_hostname.empty()) {
      server_hostname = reservation_->server_hostname;
    }
    if (!reservation_->boot_file_name.empty()) {
      boot_file_name = reservation_->boot_file_name;
    }
  }
  if (next_server) {
    out.siaddr = *next_server;
  }
  copyText(server_hostname, out.sname);
  copyText(boot_file_name, out.file);

  // Kea 2.2 sends the host name whether or not the client asked for option 12.
  if (const std::string hostname = clientHostname(); !hostname.empty()) {
    out.options.add(packet::option4::kHostName,
                    {reinterpret_cast<const uint8_t*>(hostname.data()), hostname.size()});
  }
}

void Exchange4::addConfiguredOptions(Reply4& reply) {
  packet::Pkt4& out = reply.packet;
  const config::Dhcp4Config& cfg = runtime_.config();

  engine::OptionLevels levels;
  if (reservation_ != nullptr) {
    levels.push(reservation_->options);
  }
  const SubnetState4* subnet = lease_subnet_ != nullptr ? lease_subnet_ : subnet_;
  if (subnet != nullptr) {
    if (!out.yiaddr.isZero()) {
      if (const config::Pool4* pool = subnet->subnet->findPool(out.yiaddr)) {
        levels.push(pool->options);
      }
    }
    levels.push(subnet->subnet->options);
    if (subnet->shared_network != nullptr) {
      levels.push(subnet->shared_network->options);
    }
  }
  for (const auto& name : classes_.names()) {
    if (const config::ClientClass* client_class = cfg.findClass(name)) {
      levels.push(client_class->options);
    }
  }
  levels.push(cfg.global_options);

  // What to send: the requested options (55), the ones Kea sends unasked when configured
  // (routers, domain name servers, domain name), and always-send options.
  std::vector<uint16_t> codes;
  if (const auto prl = query_.options.find(packet::option4::kParameterRequestList)) {
    codes.assign(prl->begin(), prl->end());
  }
  for (const uint16_t basic : {3, 6, 15}) {
    codes.push_back(basic);
  }
  for (const uint16_t code : levels.alwaysSendCodes(kSpace, classes_)) {
    codes.push_back(code);
  }

  for (const uint16_t code : codes) {
    if (serverOwned(code) || (code != packet::option4::kServerIdentifier &&
                              out.options.contains(static_cast<uint8_t>(code)))) {
      continue;
    }
    const config::OptionValue* option = levels.find(kSpace, code, classes_);
    if (option == nullptr || option->never_send) {
      continue;
    }
    out.options.set(static_cast<uint8_t>(code), option->payload);
  }

  // The subnet mask comes from the subnet when the configuration does not set it.
  if (!out.yiaddr.isZero() && subnet != nullptr &&
      !out.options.contains(packet::option4::kSubnetMask)) {
    const uint8_t length = subnet->subnet->prefix.length;
    const uint32_t mask = length == 0 ? 0 : 0xffffffffu << (32 - length);
    out.options.add(packet::option4::kSubnetMask, uint32Bytes(mask));
  }
}

void Exchange4::setDestination(Reply4& reply, packet::MessageType4 type) const {
  net::Destination4& to = reply.destination;
  const packet::Pkt4& out = reply.packet;
  to.interface_index = query_.transport.interface_index;
  to.source = serverAddress();
  to.source_port = engine_.server_port_;

  // RFC 2131 section 4.1, in order: through the relay; to a client that has an address; a
  // NAK by broadcast; broadcast when the client asks for it; else link-layer unicast to
  // the address being assigned.
  if (query_.relayed()) {
    to.address = query_.giaddr;
    to.port = query_.transport.remote_port != 0 ? query_.transport.remote_port
                                                : engine_.server_port_;
    return;
  }
  to.port = engine_.client_port_;
  if (!query_.ciaddr.isZero()) {
    to.address = query_.ciaddr;
    return;
  }
  if (type == packet::MessageType4::kNak || query_.broadcastFlag() || out.yiaddr.isZero() ||
      !query_.transport.received_on_raw_socket || query_.htype != 1 || query_.hlen != 6) {
    to.address = kBroadcast;
    return;
  }
  to.address = out.yiaddr;
  to.link_layer = true;
  std::copy_n(query_.chaddr.begin(), 6, to.mac.begin());
}

Reply4 Exchange4::makeNak(DropReason& drop) {
  drop = DropReason::kNone;
  Reply4 reply = makeReply(packet::MessageType4::kNak);
  // A NAK carries no client-facing configuration, but the client identifier and the relay
  // agent information are echoed like in every reply.
  setDestination(reply, packet::MessageType4::kNak);
  return reply;
}

}  // namespace leasehold::dhcp4
