#include "tests/unit/dhcp4/engine4_fixture.h"

#include "backends/lease_store_registry.h"

namespace leasehold::dhcp4::testing {

namespace {

void addAddressOption(packet::Pkt4& packet, uint8_t code, const std::string& address) {
  const auto parsed = IPv4Address::parse(address);
  EXPECT_TRUE(parsed.has_value()) << address;
  packet.options.add(code, parsed->toBytes());
}

}  // namespace

void Engine4Test::configure(const std::string& dhcp4_json) {
  auto json = config::parseKeaJsonText("{\"Dhcp4\": " + dhcp4_json + "}", ".");
  ASSERT_TRUE(json.hasValue()) << json.error().toString();
  config::ParseContext context;
  context.default_data_dir = ::testing::TempDir();
  auto parsed = config::parseDhcp4(*json, context);
  ASSERT_TRUE(parsed.hasValue()) << parsed.error().toString();

  if (!store_) {
    LeaseStoreRegistry registry;
    registerMemfileLeaseStore(registry);
    DatabaseConfig database;
    database.type = "memfile";
    database.persist = false;
    database.family = 4;
    auto opened = registry.open(database);
    ASSERT_TRUE(opened.hasValue()) << opened.error().message;
    store_ = std::move(*opened);
    engine_ = std::make_unique<Engine4>(*store_, clock_);
  }
  auto runtime = Runtime4::build(*parsed, *store_, stats_, clock_, 0);
  ASSERT_TRUE(runtime.hasValue()) << runtime.error();
  runtime_ = std::move(*runtime);

  ServedInterface4 served;
  served.name = "eth0";
  served.server_address = *IPv4Address::parse("192.0.2.1");
  served.prefixes.push_back(*IPv4Prefix::parse("192.0.2.1/24"));
  interfaces_[kInterfaceIndex] = served;
}

packet::Pkt4 Engine4Test::query(packet::MessageType4 type, const std::string& mac) const {
  packet::Pkt4 packet;
  packet.op = packet::kBootRequest;
  packet.htype = 1;
  packet.hlen = 6;
  packet.xid = 0x1234;
  const auto hwaddr = HwAddr::parse(mac);
  EXPECT_TRUE(hwaddr.has_value()) << mac;
  std::copy(hwaddr->bytes.begin(), hwaddr->bytes.end(), packet.chaddr.begin());
  const uint8_t message_type = static_cast<uint8_t>(type);
  packet.options.add(packet::option4::kMessageType, {&message_type, 1});
  packet.transport.interface_index = kInterfaceIndex;
  packet.transport.interface_name = "eth0";
  packet.transport.local_address = IPv4Address(0xffffffffu);
  packet.transport.remote_port = 68;
  packet.transport.received_on_raw_socket = true;
  return packet;
}

std::optional<Reply4> Engine4Test::send(const packet::Pkt4& packet) {
  return engine_->process(*runtime_, packet, interfaces_, last_drop_);
}

std::optional<Reply4> Engine4Test::discover(const std::string& mac,
                                            std::optional<std::string> requested) {
  packet::Pkt4 packet = query(packet::MessageType4::kDiscover, mac);
  if (requested) {
    addAddressOption(packet, packet::option4::kRequestedAddress, *requested);
  }
  return send(packet);
}

std::optional<Reply4> Engine4Test::request(const std::string& mac, const std::string& address,
                                           bool selecting) {
  packet::Pkt4 packet = query(packet::MessageType4::kRequest, mac);
  addAddressOption(packet, packet::option4::kRequestedAddress, address);
  if (selecting) {
    addAddressOption(packet, packet::option4::kServerIdentifier, "192.0.2.1");
  }
  return send(packet);
}

std::optional<Reply4> Engine4Test::renew(const std::string& mac, const std::string& address) {
  packet::Pkt4 packet = query(packet::MessageType4::kRequest, mac);
  packet.ciaddr = *IPv4Address::parse(address);
  packet.transport.local_address = *IPv4Address::parse("192.0.2.1");
  packet.transport.remote_address = packet.ciaddr;
  packet.transport.received_on_raw_socket = false;
  return send(packet);
}

std::optional<Reply4> Engine4Test::initReboot(const std::string& mac, const std::string& address) {
  return request(mac, address, false);
}

void Engine4Test::release(const std::string& mac, const std::string& address) {
  packet::Pkt4 packet = query(packet::MessageType4::kRelease, mac);
  packet.ciaddr = *IPv4Address::parse(address);
  addAddressOption(packet, packet::option4::kServerIdentifier, "192.0.2.1");
  EXPECT_FALSE(send(packet).has_value());
}

void Engine4Test::decline(const std::string& mac, const std::string& address) {
  packet::Pkt4 packet = query(packet::MessageType4::kDecline, mac);
  addAddressOption(packet, packet::option4::kRequestedAddress, address);
  addAddressOption(packet, packet::option4::kServerIdentifier, "192.0.2.1");
  EXPECT_FALSE(send(packet).has_value());
}

std::string Engine4Test::obtain(const std::string& mac) {
  const auto offer = discover(mac);
  if (!offer || typeOf(*offer) != packet::MessageType4::kOffer) {
    return "";
  }
  const auto ack = request(mac, yiaddr(*offer));
  if (!ack || typeOf(*ack) != packet::MessageType4::kAck) {
    return "";
  }
  return yiaddr(*ack);
}

std::optional<Lease4> Engine4Test::leaseAt(const std::string& address) {
  auto lease = store_->leases4().get(*IPv4Address::parse(address));
  EXPECT_TRUE(lease.hasValue());
  return lease.hasValue() ? *lease : std::nullopt;
}

int64_t Engine4Test::stat(const std::string& name) {
  stats::Statistic* statistic = stats_.find(name);
  return statistic == nullptr ? -1 : statistic->currentInteger();
}

packet::MessageType4 Engine4Test::typeOf(const Reply4& reply) {
  return reply.packet.messageType().value_or(packet::MessageType4::kForceRenew);
}

std::string Engine4Test::yiaddr(const Reply4& reply) { return reply.packet.yiaddr.toString(); }

}  // namespace leasehold::dhcp4::testing
