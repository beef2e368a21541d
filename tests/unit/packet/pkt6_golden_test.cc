// Decodes DHCPv6 packets captured from dhclient, perfdhcp and Kea 2.2, checks their fields, and
// re-encodes them. golden/README.md describes how each packet was made.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "server/packet/pkt6.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using ::testing::ElementsAre;
using testing::readGolden;

IPv6Address ip6(const char* text) { return *IPv6Address::parse(text); }

std::string hex(std::optional<std::span<const uint8_t>> payload) {
  if (!payload) {
    return "<absent>";
  }
  std::string out;
  for (uint8_t byte : *payload) {
    out += fmt::format("{:02x}", byte);
  }
  return out;
}

std::string text(std::optional<std::span<const uint8_t>> payload) {
  return payload ? std::string(payload->begin(), payload->end()) : "<absent>";
}

std::vector<uint16_t> codes(const OptionList& options) {
  std::vector<uint16_t> result;
  for (const auto& entry : options.entries()) {
    result.push_back(entry.code);
  }
  return result;
}

Pkt6 decodeGolden(const std::string& path) {
  auto decoded = decodePkt6(readGolden(path));
  if (!decoded) {
    ADD_FAILURE() << path << ": " << toString(decoded.error().code) << ": "
                  << decoded.error().detail;
    return Pkt6{};
  }
  return std::move(decoded).value();
}

Ia6 ia(const Pkt6& packet, uint16_t code) {
  const auto payload = packet.options.find(code);
  if (!payload) {
    ADD_FAILURE() << "option " << code << " missing";
    return Ia6{};
  }
  auto decoded = decodeIa6(code, *payload);
  if (!decoded) {
    ADD_FAILURE() << decoded.error().detail;
    return Ia6{};
  }
  return std::move(decoded).value();
}

IaAddress6 iaAddress(const Ia6& ia) {
  auto decoded = decodeIaAddress6(ia.options.find(option6::kIaAddr).value_or(
      std::span<const uint8_t>{}));
  if (!decoded) {
    ADD_FAILURE() << decoded.error().detail;
    return IaAddress6{};
  }
  return std::move(decoded).value();
}

IaPrefix6 iaPrefix(const Ia6& ia) {
  auto decoded = decodeIaPrefix6(ia.options.find(option6::kIaPrefix).value_or(
      std::span<const uint8_t>{}));
  if (!decoded) {
    ADD_FAILURE() << decoded.error().detail;
    return IaPrefix6{};
  }
  return std::move(decoded).value();
}

using Status = std::pair<uint16_t, std::string>;

// The status code option's numeric code and message.
Status status(std::optional<std::span<const uint8_t>> payload) {
  if (!payload || payload->size() < 2) {
    return {0xffff, "<absent>"};
  }
  return {static_cast<uint16_t>(((*payload)[0] << 8) | (*payload)[1]),
          std::string(payload->begin() + 2, payload->end())};
}

const char* kDhclientDuid = "0001000132a5eefe020000000002";
const char* kKeaDuid = "0001000132a5eef9020000000001";

TEST(Pkt6GoldenTest, DhclientSolicitWithIaNaAndIaPd) {
  const Pkt6 packet = decodeGolden("v6/dhclient-solicit.hex");

  EXPECT_EQ(packet.type, MessageType6::kSolicit);
  EXPECT_EQ(packet.transaction_id, 0x1f9cb4u);
  EXPECT_FALSE(packet.relayed());
  EXPECT_THAT(codes(packet.options), ElementsAre(1, 6, 8, 3, 25));
  EXPECT_EQ(hex(packet.options.find(option6::kClientId)), kDhclientDuid);
  EXPECT_EQ(hex(packet.options.find(option6::kElapsedTime)), "0000");

  const Ia6 na = ia(packet, option6::kIaNa);
  EXPECT_EQ(na.iaid, 2u);
  EXPECT_EQ(na.t1, 3600u);
  EXPECT_EQ(na.t2, 5400u);
  EXPECT_TRUE(na.options.empty());
  const Ia6 pd = ia(packet, option6::kIaPd);
  EXPECT_EQ(pd.option_code, option6::kIaPd);
  EXPECT_EQ(pd.iaid, 2u);
  EXPECT_EQ(pd.t1, 3600u);
}

TEST(Pkt6GoldenTest, KeaAdvertise) {
  const Pkt6 packet = decodeGolden("v6/kea-advertise.hex");

  EXPECT_EQ(packet.type, MessageType6::kAdvertise);
  EXPECT_EQ(packet.transaction_id, 0x1f9cb4u);
  EXPECT_EQ(hex(packet.options.find(option6::kClientId)), kDhclientDuid);
  EXPECT_EQ(hex(packet.options.find(option6::kServerId)), kKeaDuid);
  EXPECT_EQ(hex(packet.options.find(23)), "20010db8000100000000000000000001");

  const Ia6 na = ia(packet, option6::kIaNa);
  EXPECT_EQ(na.t1, 5u);
  EXPECT_EQ(na.t2, 15u);
  const IaAddress6 address = iaAddress(na);
  EXPECT_EQ(address.address, ip6("2001:db8:1::100"));
  EXPECT_EQ(address.preferred_lifetime, 20u);
  EXPECT_EQ(address.valid_lifetime, 30u);

  const IaPrefix6 prefix = iaPrefix(ia(packet, option6::kIaPd));
  EXPECT_EQ(prefix.prefix, ip6("2001:db8:8::"));
  EXPECT_EQ(prefix.prefix_length, 64);
  EXPECT_EQ(prefix.preferred_lifetime, 20u);
  EXPECT_EQ(prefix.valid_lifetime, 30u);
}

TEST(Pkt6GoldenTest, DhclientRequestCarriesOfferedLeases) {
  const Pkt6 packet = decodeGolden("v6/dhclient-request.hex");

  EXPECT_EQ(packet.type, MessageType6::kRequest);
  EXPECT_EQ(packet.transaction_id, 0xff24dbu);
  EXPECT_EQ(hex(packet.options.find(option6::kServerId)), kKeaDuid);
  const IaAddress6 address = iaAddress(ia(packet, option6::kIaNa));
  EXPECT_EQ(address.address, ip6("2001:db8:1::100"));
  EXPECT_EQ(address.preferred_lifetime, 7200u);
  EXPECT_EQ(address.valid_lifetime, 7500u);
  EXPECT_EQ(iaPrefix(ia(packet, option6::kIaPd)).prefix, ip6("2001:db8:8::"));
}

TEST(Pkt6GoldenTest, KeaReply) {
  const Pkt6 packet = decodeGolden("v6/kea-reply.hex");

  EXPECT_EQ(packet.type, MessageType6::kReply);
  EXPECT_EQ(packet.transaction_id, 0xff24dbu);
  EXPECT_EQ(iaAddress(ia(packet, option6::kIaNa)).address, ip6("2001:db8:1::100"));
}

TEST(Pkt6GoldenTest, DhclientRenew) {
  const Pkt6 packet = decodeGolden("v6/dhclient-renew.hex");

  EXPECT_EQ(packet.type, MessageType6::kRenew);
  EXPECT_EQ(packet.transaction_id, 0x147c49u);
  EXPECT_EQ(hex(packet.options.find(option6::kServerId)), kKeaDuid);
  EXPECT_EQ(iaAddress(ia(packet, option6::kIaNa)).address, ip6("2001:db8:1::100"));
}

TEST(Pkt6GoldenTest, DhclientRelease) {
  const Pkt6 packet = decodeGolden("v6/dhclient-release.hex");

  EXPECT_EQ(packet.type, MessageType6::kRelease);
  EXPECT_EQ(packet.transaction_id, 0x6d3cd7u);
  EXPECT_EQ(hex(packet.options.find(option6::kOro)), "001700180027001f");
  const Ia6 na = ia(packet, option6::kIaNa);
  EXPECT_EQ(na.t1, 0u);
  EXPECT_EQ(iaAddress(na).address, ip6("2001:db8:1::100"));
  EXPECT_EQ(iaPrefix(ia(packet, option6::kIaPd)).prefix_length, 64);
}

TEST(Pkt6GoldenTest, KeaReplyToReleaseCarriesStatusCodes) {
  const Pkt6 packet = decodeGolden("v6/kea-reply-to-release.hex");

  EXPECT_EQ(packet.type, MessageType6::kReply);
  EXPECT_EQ(status(packet.options.find(option6::kStatusCode)),
            Status(0, "Summary status for all processed IA_NAs"));
  const Ia6 na = ia(packet, option6::kIaNa);
  EXPECT_EQ(status(na.options.find(option6::kStatusCode)),
            Status(0, "Lease released. Thank you, please come again."));
  EXPECT_FALSE(na.options.contains(option6::kIaAddr));
}

TEST(Pkt6GoldenTest, PerfdhcpSolicit) {
  const Pkt6 packet = decodeGolden("v6/perfdhcp-solicit.hex");

  EXPECT_EQ(packet.type, MessageType6::kSolicit);
  EXPECT_TRUE(packet.options.contains(option6::kIaNa));
  EXPECT_TRUE(packet.options.contains(option6::kIaPd));
}

TEST(Pkt6GoldenTest, PerfdhcpRelayForw) {
  const Pkt6 packet = decodeGolden("v6/perfdhcp-relay-forw.hex");

  ASSERT_EQ(packet.relays.size(), 1u);
  EXPECT_EQ(packet.relays[0].hop_count, 0);
  EXPECT_EQ(packet.relays[0].link_address, ip6("2001:db8:1::10"));
  EXPECT_EQ(packet.relays[0].peer_address, ip6("2001:db8:1::10"));
  EXPECT_TRUE(packet.relays[0].options.empty());
  EXPECT_EQ(packet.type, MessageType6::kSolicit);
  EXPECT_EQ(hex(packet.options.find(option6::kClientId)), "000300010200000006a1");
}

TEST(Pkt6GoldenTest, KeaRelayRepl) {
  const Pkt6 packet = decodeGolden("v6/kea-relay-repl.hex");

  ASSERT_EQ(packet.relays.size(), 1u);
  EXPECT_EQ(packet.relays[0].link_address, ip6("2001:db8:1::10"));
  EXPECT_EQ(packet.type, MessageType6::kAdvertise);
  EXPECT_EQ(iaAddress(ia(packet, option6::kIaNa)).address, ip6("2001:db8:1::102"));
}

TEST(Pkt6GoldenTest, TwoNestedRelaysKeepEachHopsOptions) {
  const Pkt6 packet = decodeGolden("v6/crafted-two-relays-solicit.hex");

  ASSERT_EQ(packet.relays.size(), 2u);
  const RelayInfo6& outer = packet.relays[0];
  EXPECT_EQ(outer.hop_count, 1);
  EXPECT_EQ(outer.link_address, ip6("2001:db8:3::1"));
  EXPECT_EQ(outer.peer_address, ip6("fe80::2:1"));
  EXPECT_THAT(codes(outer.options), ElementsAre(18, 37));
  EXPECT_EQ(text(outer.options.find(option6::kInterfaceId)), "agg-1/1");
  EXPECT_EQ(hex(outer.options.find(option6::kRemoteId)), "0000118b7269642d6f75746572");

  const RelayInfo6& inner = packet.relays[1];
  EXPECT_EQ(inner.hop_count, 0);
  EXPECT_EQ(inner.link_address, ip6("2001:db8:2::1"));
  EXPECT_EQ(inner.peer_address, ip6("fe80::ff:fe00:606"));
  EXPECT_EQ(text(inner.options.find(option6::kInterfaceId)), "eth0/7");
  EXPECT_EQ(hex(inner.options.find(option6::kRemoteId)), "00000de97269642d696e6e65722d37");

  EXPECT_EQ(packet.type, MessageType6::kSolicit);
  EXPECT_EQ(packet.transaction_id, 0x6a0601u);
  EXPECT_EQ(ia(packet, option6::kIaNa).iaid, 1u);
  EXPECT_EQ(ia(packet, option6::kIaPd).iaid, 2u);
}

TEST(Pkt6GoldenTest, KeaAnswersThroughBothRelays) {
  const Pkt6 packet = decodeGolden("v6/kea-two-relays-advertise.hex");

  ASSERT_EQ(packet.relays.size(), 2u);
  EXPECT_EQ(text(packet.relays[0].options.find(option6::kInterfaceId)), "agg-1/1");
  EXPECT_EQ(text(packet.relays[1].options.find(option6::kInterfaceId)), "eth0/7");
  EXPECT_FALSE(packet.relays[1].options.contains(option6::kRemoteId));
  EXPECT_EQ(packet.type, MessageType6::kAdvertise);
  EXPECT_EQ(iaAddress(ia(packet, option6::kIaNa)).address, ip6("2001:db8:2::100"));
  const IaPrefix6 prefix = iaPrefix(ia(packet, option6::kIaPd));
  EXPECT_EQ(prefix.prefix, ip6("2001:db8:9::"));
  EXPECT_EQ(prefix.prefix_length, 64);
}

// Rewrites the RELAY-REPL type bytes of an encoded message to RELAY-FORW, so the encoding of a
// decoded RELAY-FORW can be compared with the captured bytes.
std::vector<uint8_t> asRelayForw(std::vector<uint8_t> bytes) {
  size_t layer = 0;
  while (layer < bytes.size() && bytes[layer] == 13) {
    bytes[layer] = 12;
    size_t pos = layer + kRelayHeaderSize6;
    while (pos + 4 <= bytes.size() && ((bytes[pos] << 8) | bytes[pos + 1]) != option6::kRelayMsg) {
      pos += 4 + ((bytes[pos + 2] << 8) | bytes[pos + 3]);
    }
    layer = pos + 4;
  }
  return bytes;
}

// Every captured DHCPv6 message is in canonical form (options in order, relay message last in
// each relay layer), so each re-encodes to its captured bytes. Decoded RELAY-FORW layers come
// back as RELAY-REPL, the only relay type the encoder writes.
class Pkt6CanonicalTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Pkt6CanonicalTest, ReencodesToCapturedBytes) {
  const auto captured = readGolden(GetParam());
  const auto decoded = decodePkt6(captured);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  std::vector<uint8_t> encoded;
  ASSERT_TRUE(encodePkt6(*decoded, encoded));

  if (captured[0] == 12) {
    EXPECT_EQ(asRelayForw(encoded), captured);
  } else {
    EXPECT_EQ(encoded, captured);
  }
}

TEST_P(Pkt6CanonicalTest, IaOptionsReencodeToTheirPayloads) {
  const auto decoded = decodePkt6(readGolden(GetParam()));
  ASSERT_TRUE(decoded) << decoded.error().detail;
  std::vector<uint8_t> encoded;
  for (const auto& entry : decoded->options.entries()) {
    if (entry.code != option6::kIaNa && entry.code != option6::kIaPd) {
      continue;
    }
    const auto payload = decoded->options.payload(entry);
    const auto ia = decodeIa6(entry.code, payload);
    ASSERT_TRUE(ia) << ia.error().detail;
    encodeIa6(*ia, encoded);
    EXPECT_TRUE(std::equal(encoded.begin(), encoded.end(), payload.begin(), payload.end()))
        << "option " << entry.code;
  }
}

INSTANTIATE_TEST_SUITE_P(AllGolden, Pkt6CanonicalTest,
                         ::testing::ValuesIn(testing::listGolden("v6")),
                         [](const auto& info) {
                           std::string name = info.param.substr(3, info.param.size() - 7);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace leasehold::packet
