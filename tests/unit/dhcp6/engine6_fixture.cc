#include "tests/unit/dhcp6/engine6_fixture.h"

#include "backends/lease_store_registry.h"
#include "backends/memfile/memfile_lease_store.h"

namespace leasehold::dhcp6::testing {

void Engine6Test::configure(const std::string& dhcp6_json) {
  auto json = config::parseKeaJsonText("{\"Dhcp6\": " + dhcp6_json + "}", ".");
  ASSERT_TRUE(json.hasValue()) << json.error().toString();
  config::ParseContext context;
  context.default_data_dir = ::testing::TempDir();
  auto parsed = config::parseDhcp6(*json, context);
  ASSERT_TRUE(parsed.hasValue()) << parsed.error().toString();

  if (!store_) {
    LeaseStoreRegistry registry;
    registerMemfileLeaseStore(registry);
    DatabaseConfig database;
    database.type = "memfile";
    database.persist = false;
    database.family = 6;
    auto opened = registry.open(database);
    ASSERT_TRUE(opened.hasValue()) << opened.error().message;
    store_ = std::move(*opened);
    engine_ = std::make_unique<Engine6>(*store_, clock_);
  }
  auto runtime = Runtime6::build(*parsed, *store_, stats_, clock_, 0, server_duid_);
  ASSERT_TRUE(runtime.hasValue()) << runtime.error();
  runtime_ = std::move(*runtime);
  ServedInterface6 served;
  served.name = "eth0";
  interfaces_[kInterfaceIndex] = served;
}

std::vector<uint8_t> Engine6Test::duidOf(uint8_t client) const {
  // DUID-LL (type 3), Ethernet, 02:00:00:00:00:<client>
  return {0, 3, 0, 1, 0x02, 0, 0, 0, 0, client};
}

packet::Pkt6 Engine6Test::query(packet::MessageType6 type, uint8_t client,
                                const std::vector<IaRequest>& ias, bool with_server_id) const {
  packet::Pkt6 packet;
  packet.type = type;
  packet.transaction_id = 0xabcdef;
  packet.options.add(packet::option6::kClientId, duidOf(client));
  if (with_server_id) {
    packet.options.add(packet::option6::kServerId, server_duid_);
  }
  for (const IaRequest& ia : ias) {
    std::vector<uint8_t> payload;
    packet::OptionWriter6 writer(payload);
    writer.appendUint32(ia.iaid);
    writer.appendUint32(0);
    writer.appendUint32(0);
    if (ia.hint) {
      if (ia.code == packet::option6::kIaPd) {
        const auto prefix = IPv6Prefix::parse(*ia.hint);
        EXPECT_TRUE(prefix.has_value()) << *ia.hint;
        const size_t marker = writer.open(packet::option6::kIaPrefix);
        writer.appendUint32(0);
        writer.appendUint32(0);
        writer.appendUint8(prefix->length);
        writer.appendBytes(prefix->address.bytes());
        writer.close(marker);
      } else {
        const auto address = IPv6Address::parse(*ia.hint);
        EXPECT_TRUE(address.has_value()) << *ia.hint;
        const size_t marker = writer.open(packet::option6::kIaAddr);
        writer.appendBytes(address->bytes());
        writer.appendUint32(0);
        writer.appendUint32(0);
        writer.close(marker);
      }
    }
    packet.options.add(ia.code, payload);
  }
  packet.transport.interface_index = kInterfaceIndex;
  packet.transport.interface_name = "eth0";
  packet.transport.remote_address = *IPv6Address::parse("fe80::200:ff:fe00:" + std::to_string(client));
  packet.transport.remote_port = 546;
  packet.transport.local_address = *IPv6Address::parse("ff02::1:2");
  return packet;
}

std::optional<Reply6> Engine6Test::send(const packet::Pkt6& packet) {
  return engine_->process(*runtime_, packet, interfaces_, last_drop_);
}

std::optional<Reply6> Engine6Test::solicit(uint8_t client, const std::vector<IaRequest>& ias,
                                           bool rapid_commit) {
  packet::Pkt6 packet = query(packet::MessageType6::kSolicit, client, ias, false);
  if (rapid_commit) {
    packet.options.add(packet::option6::kRapidCommit, {});
  }
  return send(packet);
}

std::optional<Reply6> Engine6Test::request(uint8_t client, const std::vector<IaRequest>& ias) {
  return send(query(packet::MessageType6::kRequest, client, ias, true));
}

std::optional<Reply6> Engine6Test::renew(uint8_t client, const std::vector<IaRequest>& ias) {
  return send(query(packet::MessageType6::kRenew, client, ias, true));
}

std::optional<Reply6> Engine6Test::rebind(uint8_t client, const std::vector<IaRequest>& ias) {
  return send(query(packet::MessageType6::kRebind, client, ias, false));
}

std::optional<Reply6> Engine6Test::release(uint8_t client, const std::vector<IaRequest>& ias) {
  return send(query(packet::MessageType6::kRelease, client, ias, true));
}

std::vector<IaAnswer> Engine6Test::ias(const Reply6& reply, uint16_t code) {
  std::vector<IaAnswer> answers;
  for (const auto& entry : reply.packet.options.entries()) {
    if (entry.code != code) {
      continue;
    }
    auto ia = packet::decodeIa6(code, reply.packet.options.payload(entry));
    EXPECT_TRUE(ia.hasValue());
    if (!ia.hasValue()) {
      continue;
    }
    IaAnswer answer;
    answer.iaid = ia->iaid;
    answer.t1 = ia->t1;
    answer.t2 = ia->t2;
    for (const auto& inner : ia->options.entries()) {
      const auto payload = ia->options.payload(inner);
      if (inner.code == packet::option6::kIaAddr) {
        auto address = packet::decodeIaAddress6(payload);
        answer.addresses.push_back(address->address.toString());
        answer.valid_lifetimes.push_back(address->valid_lifetime);
      } else if (inner.code == packet::option6::kIaPrefix) {
        auto prefix = packet::decodeIaPrefix6(payload);
        answer.addresses.push_back(prefix->prefix.toString() + "/" +
                                   std::to_string(prefix->prefix_length));
        answer.valid_lifetimes.push_back(prefix->valid_lifetime);
        std::vector<uint8_t> exclude;
        if (const auto found = prefix->options.find(packet::option6::kPdExclude)) {
          exclude.assign(found->begin(), found->end());
        }
        answer.pd_excludes.push_back(exclude);
      } else if (inner.code == packet::option6::kStatusCode && payload.size() >= 2) {
        answer.status = static_cast<packet::StatusCode6>((payload[0] << 8) | payload[1]);
      }
    }
    answers.push_back(answer);
  }
  return answers;
}

std::optional<packet::StatusCode6> Engine6Test::topStatus(const Reply6& reply) {
  const auto status = reply.packet.options.find(packet::option6::kStatusCode);
  if (!status || status->size() < 2) {
    return std::nullopt;
  }
  return static_cast<packet::StatusCode6>(((*status)[0] << 8) | (*status)[1]);
}

std::optional<Lease6> Engine6Test::leaseAt(const std::string& address) {
  auto lease = store_->leases6().get(*IPv6Address::parse(address));
  EXPECT_TRUE(lease.hasValue());
  return lease.hasValue() ? *lease : std::nullopt;
}

int64_t Engine6Test::stat(const std::string& name) {
  stats::Statistic* statistic = stats_.find(name);
  return statistic == nullptr ? -1 : statistic->currentInteger();
}

}  // namespace leasehold::dhcp6::testing
