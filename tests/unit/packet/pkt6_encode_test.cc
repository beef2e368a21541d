// DHCPv6 encoding: relay wrapping, option writers, IA encoders and the 65535-byte limits.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/packet/pkt6.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using ::testing::ElementsAre;
using testing::bytesOf;

IPv6Address ip6(const char* text) { return *IPv6Address::parse(text); }

Pkt6 reply() {
  Pkt6 packet;
  packet.type = MessageType6::kReply;
  packet.transaction_id = 0xabcdef;
  packet.options.add(option6::kClientId, bytesOf("duid"));
  return packet;
}

RelayInfo6 relay(uint8_t hop_count, const char* link, const char* interface_id) {
  RelayInfo6 info;
  info.hop_count = hop_count;
  info.link_address = ip6(link);
  info.peer_address = ip6("fe80::1");
  info.options.add(option6::kInterfaceId, bytesOf(interface_id));
  return info;
}

TEST(Pkt6EncodeTest, MessageWithoutRelays) {
  std::vector<uint8_t> out;
  ASSERT_TRUE(encodePkt6(reply(), out));
  EXPECT_THAT(out, ElementsAre(7, 0xab, 0xcd, 0xef, 0, 1, 0, 4, 'd', 'u', 'i', 'd'));
}

TEST(Pkt6EncodeTest, RelayReplLayersWrapOutermostFirst) {
  Pkt6 packet = reply();
  packet.relays.push_back(relay(1, "2001:db8:3::1", "outer"));
  packet.relays.push_back(relay(0, "2001:db8:2::1", "inner"));
  packet.relays.back().options.add(option6::kRelayMsg, bytesOf("ignored"));
  std::vector<uint8_t> out;
  ASSERT_TRUE(encodePkt6(packet, out));

  // Outer layer: header, interface-id "outer", relay message holding the inner layer.
  EXPECT_EQ(out[0], 13);
  EXPECT_EQ(out[1], 1);
  EXPECT_THAT(std::vector(out.begin() + 34, out.begin() + 43),
              ElementsAre(0, 18, 0, 5, 'o', 'u', 't', 'e', 'r'));
  const size_t inner_size = 34 + 9 + 4 + 12;
  EXPECT_THAT(std::vector(out.begin() + 43, out.begin() + 47),
              ElementsAre(0, 9, inner_size >> 8, inner_size & 0xff));
  EXPECT_EQ(out[47], 13);
  EXPECT_EQ(out[48], 0);
  EXPECT_EQ(out.size(), 47 + inner_size);

  const auto decoded = decodePkt6(out);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  ASSERT_EQ(decoded->relays.size(), 2u);
  EXPECT_EQ(decoded->relays[0].link_address, ip6("2001:db8:3::1"));
  EXPECT_EQ(decoded->relays[1].link_address, ip6("2001:db8:2::1"));
  EXPECT_FALSE(decoded->relays[1].options.contains(option6::kRelayMsg));
  EXPECT_EQ(decoded->type, MessageType6::kReply);
  EXPECT_EQ(decoded->transaction_id, 0xabcdefu);
}

TEST(Pkt6EncodeTest, ReplyToCapturedRelayForwEchoesInterfaceIds) {
  auto request = decodePkt6(testing::readGolden("v6/crafted-two-relays-solicit.hex"));
  ASSERT_TRUE(request);
  Pkt6 answer = reply();
  answer.relays = std::move(request->relays);
  for (RelayInfo6& hop : answer.relays) {
    hop.options.remove(option6::kRemoteId);
  }
  std::vector<uint8_t> out;
  ASSERT_TRUE(encodePkt6(answer, out));

  const auto decoded = decodePkt6(out);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->relays.size(), 2u);
  const auto id = decoded->relays[1].options.find(option6::kInterfaceId);
  EXPECT_EQ(std::string(id->begin(), id->end()), "eth0/7");
}

TEST(Pkt6EncodeTest, OptionLongerThan65535BytesFails) {
  Pkt6 packet = reply();
  packet.options.add(option6::kVendorOpts, std::vector<uint8_t>(65536, 1));
  std::vector<uint8_t> out{1, 2, 3};
  EXPECT_FALSE(encodePkt6(packet, out));
  EXPECT_TRUE(out.empty());

  Pkt6 fits = reply();
  fits.options.add(option6::kVendorOpts, std::vector<uint8_t>(65535, 1));
  EXPECT_TRUE(encodePkt6(fits, out));
}

TEST(Pkt6EncodeTest, RelayMessageLongerThan65535BytesFails) {
  Pkt6 packet = reply();
  packet.options.add(option6::kVendorOpts, std::vector<uint8_t>(65530, 1));
  packet.relays.push_back(relay(0, "2001:db8::1", "x"));
  std::vector<uint8_t> out;
  EXPECT_FALSE(encodePkt6(packet, out));
  EXPECT_TRUE(out.empty());
}

TEST(Pkt6EncodeTest, OptionWriterNestsOptions) {
  std::vector<uint8_t> out;
  OptionWriter6 writer(out);
  const size_t ia = writer.open(option6::kIaNa);
  writer.appendUint32(7);
  writer.appendUint32(100);
  writer.appendUint32(200);
  const size_t status = writer.open(option6::kStatusCode);
  writer.appendUint16(static_cast<uint16_t>(StatusCode6::kNoAddrsAvail));
  writer.appendBytes(bytesOf("none"));
  writer.close(status);
  writer.close(ia);
  writer.add(option6::kRapidCommit, {});
  writer.appendUint8(9);

  EXPECT_THAT(out, ElementsAre(0, 3, 0, 22, 0, 0, 0, 7, 0, 0, 0, 100, 0, 0, 0, 200,  //
                               0, 13, 0, 6, 0, 2, 'n', 'o', 'n', 'e',              //
                               0, 14, 0, 0, 9));
}

TEST(Pkt6EncodeTest, IaWithAddressRoundTrips) {
  IaAddress6 address;
  address.address = ip6("2001:db8:1::42");
  address.preferred_lifetime = 3000;
  address.valid_lifetime = 4000;
  std::vector<uint8_t> payload;
  encodeIaAddress6(address, payload);
  ASSERT_EQ(payload.size(), 24u);

  Ia6 ia;
  ia.iaid = 0x11223344;
  ia.t1 = 1000;
  ia.t2 = 2000;
  ia.options.add(option6::kIaAddr, payload);
  encodeIa6(ia, payload);

  const auto decoded = decodeIa6(option6::kIaNa, payload);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->iaid, 0x11223344u);
  EXPECT_EQ(decoded->t1, 1000u);
  EXPECT_EQ(decoded->t2, 2000u);
  const auto inner = decodeIaAddress6(*decoded->options.find(option6::kIaAddr));
  ASSERT_TRUE(inner);
  EXPECT_EQ(inner->address, ip6("2001:db8:1::42"));
  EXPECT_EQ(inner->preferred_lifetime, 3000u);
  EXPECT_EQ(inner->valid_lifetime, 4000u);
}

TEST(Pkt6EncodeTest, IaTaHasNoTimers) {
  Ia6 ia;
  ia.option_code = option6::kIaTa;
  ia.iaid = 5;
  ia.t1 = 99;  // not part of IA_TA
  std::vector<uint8_t> payload;
  encodeIa6(ia, payload);
  EXPECT_THAT(payload, ElementsAre(0, 0, 0, 5));

  const auto decoded = decodeIa6(option6::kIaTa, payload);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->t1, 0u);
}

TEST(Pkt6EncodeTest, IaPrefixRoundTrips) {
  IaPrefix6 prefix;
  prefix.prefix = ip6("2001:db8:8:100::");
  prefix.prefix_length = 56;
  prefix.preferred_lifetime = 10;
  prefix.valid_lifetime = 20;
  prefix.options.add(option6::kPdExclude, bytesOf("\x40\x01"));
  std::vector<uint8_t> payload;
  encodeIaPrefix6(prefix, payload);

  const auto decoded = decodeIaPrefix6(payload);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->prefix, ip6("2001:db8:8:100::"));
  EXPECT_EQ(decoded->prefix_length, 56);
  EXPECT_EQ(decoded->preferred_lifetime, 10u);
  EXPECT_EQ(decoded->valid_lifetime, 20u);
  EXPECT_TRUE(decoded->options.contains(option6::kPdExclude));
}

}  // namespace
}  // namespace leasehold::packet
