// Decodes DHCPv4 packets captured from dhclient, perfdhcp and Kea 2.2, checks their fields, and
// re-encodes them. golden/README.md describes how each packet was made.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/packet/pkt4.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using testing::readGolden;

IPv4Address ip(const char* text) { return *IPv4Address::parse(text); }

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

Pkt4 decodeGolden(const std::string& path) {
  auto decoded = decodePkt4(readGolden(path));
  if (!decoded) {
    ADD_FAILURE() << path << ": " << toString(decoded.error().code) << ": "
                  << decoded.error().detail;
    return Pkt4{};
  }
  return std::move(decoded).value();
}

std::vector<uint8_t> encode(const Pkt4& packet) {
  std::vector<uint8_t> out;
  EXPECT_EQ(encodePkt4(packet, out), 0u);
  return out;
}

const std::vector<uint8_t> kDhclientRequestList{1, 28, 2, 3, 15, 6, 119, 12, 44, 47, 26, 121, 42};

TEST(Pkt4GoldenTest, DhclientDiscover) {
  const Pkt4 packet = decodeGolden("v4/dhclient-discover.hex");

  EXPECT_EQ(packet.op, kBootRequest);
  EXPECT_EQ(packet.xid, 0x9f7fe275u);
  EXPECT_EQ(packet.messageType(), MessageType4::kDiscover);
  EXPECT_FALSE(packet.broadcastFlag());
  EXPECT_FALSE(packet.relayed());
  EXPECT_TRUE(packet.ciaddr.isZero());
  EXPECT_EQ(packet.hwAddr().toString(), "02:00:00:00:00:02");
  EXPECT_EQ(packet.hwAddr().type, 1);
  EXPECT_THAT(codes(packet.options), ElementsAre(53, 12, 55));
  EXPECT_EQ(text(packet.options.find(option4::kHostName)), "lhcodec-client");
  EXPECT_THAT(*packet.options.find(option4::kParameterRequestList),
              ElementsAreArray(kDhclientRequestList));
  EXPECT_EQ(packet.serverHostname(), "");
  EXPECT_EQ(packet.bootFileName(), "");
}

TEST(Pkt4GoldenTest, DhclientRequestWhileSelecting) {
  const Pkt4 packet = decodeGolden("v4/dhclient-request-selecting.hex");

  EXPECT_EQ(packet.messageType(), MessageType4::kRequest);
  EXPECT_EQ(packet.xid, 0x9f7fe275u);
  EXPECT_TRUE(packet.ciaddr.isZero());
  EXPECT_EQ(packet.addressOption(option4::kServerIdentifier), ip("192.0.2.1"));
  EXPECT_EQ(packet.addressOption(option4::kRequestedAddress), ip("192.0.2.100"));
  EXPECT_THAT(codes(packet.options), ElementsAre(53, 54, 50, 12, 55));
}

TEST(Pkt4GoldenTest, DhclientRequestWhileRenewing) {
  const Pkt4 packet = decodeGolden("v4/dhclient-request-renewing.hex");

  EXPECT_EQ(packet.messageType(), MessageType4::kRequest);
  EXPECT_EQ(packet.ciaddr, ip("192.0.2.100"));
  EXPECT_FALSE(packet.addressOption(option4::kServerIdentifier).has_value());
  EXPECT_FALSE(packet.addressOption(option4::kRequestedAddress).has_value());
  EXPECT_EQ(text(packet.options.find(option4::kHostName)), "lhcodec-client");
}

TEST(Pkt4GoldenTest, DhclientRelease) {
  const Pkt4 packet = decodeGolden("v4/dhclient-release.hex");

  EXPECT_EQ(packet.messageType(), MessageType4::kRelease);
  EXPECT_EQ(packet.xid, 0xd08bec3eu);
  EXPECT_EQ(packet.ciaddr, ip("192.0.2.100"));
  EXPECT_EQ(packet.addressOption(option4::kServerIdentifier), ip("192.0.2.1"));
  EXPECT_EQ(packet.chaddr[5], 0x02);
}

TEST(Pkt4GoldenTest, KeaOffer) {
  const Pkt4 packet = decodeGolden("v4/kea-offer.hex");

  EXPECT_EQ(packet.op, kBootReply);
  EXPECT_EQ(packet.messageType(), MessageType4::kOffer);
  EXPECT_EQ(packet.xid, 0x9f7fe275u);
  EXPECT_EQ(packet.yiaddr, ip("192.0.2.100"));
  EXPECT_THAT(codes(packet.options), ElementsAre(53, 1, 3, 6, 12, 15, 51, 54, 58, 59));
  EXPECT_EQ(packet.addressOption(option4::kSubnetMask), ip("255.255.255.0"));
  EXPECT_EQ(packet.addressOption(option4::kRouters), ip("192.0.2.1"));
  EXPECT_EQ(packet.addressOption(option4::kServerIdentifier), ip("192.0.2.1"));
  EXPECT_THAT(*packet.options.find(option4::kLeaseTime), ElementsAre(0, 0, 0, 30));
  EXPECT_THAT(*packet.options.find(option4::kRenewalTime), ElementsAre(0, 0, 0, 5));
  EXPECT_THAT(*packet.options.find(option4::kRebindingTime), ElementsAre(0, 0, 0, 20));
  EXPECT_EQ(text(packet.options.find(15)), "example.org");
}

TEST(Pkt4GoldenTest, KeaAck) {
  const Pkt4 packet = decodeGolden("v4/kea-ack.hex");

  EXPECT_EQ(packet.messageType(), MessageType4::kAck);
  EXPECT_EQ(packet.yiaddr, ip("192.0.2.100"));
  EXPECT_EQ(text(packet.options.find(option4::kHostName)), "lhcodec-client");
}

TEST(Pkt4GoldenTest, PerfdhcpRelayedDiscover) {
  const Pkt4 packet = decodeGolden("v4/perfdhcp-relayed-discover.hex");

  EXPECT_EQ(packet.messageType(), MessageType4::kDiscover);
  EXPECT_TRUE(packet.relayed());
  EXPECT_EQ(packet.giaddr, ip("192.0.2.10"));
  EXPECT_EQ(packet.hops, 1);
  EXPECT_EQ(packet.hwAddr().toString(), "02:00:00:00:0a:01");
  EXPECT_THAT(*packet.options.find(option4::kClientIdentifier),
              ElementsAre(1, 0x02, 0, 0, 0, 0x0a, 0x01));
}

TEST(Pkt4GoldenTest, KeaOfferToRelay) {
  const Pkt4 packet = decodeGolden("v4/kea-offer-to-relay.hex");

  EXPECT_EQ(packet.messageType(), MessageType4::kOffer);
  EXPECT_EQ(packet.giaddr, ip("192.0.2.10"));
  EXPECT_EQ(packet.yiaddr, ip("192.0.2.101"));
}

TEST(Pkt4GoldenTest, RelayAgentInformationSubOptions) {
  const Pkt4 packet = decodeGolden("v4/crafted-option82-discover.hex");

  EXPECT_EQ(packet.giaddr, ip("192.0.2.10"));
  EXPECT_EQ(text(packet.relayAgentSubOption(rai::kCircuitId)), "lhcodec-c:vlan100");
  EXPECT_THAT(*packet.relayAgentSubOption(rai::kRemoteId),
              ElementsAre(0x02, 0, 0, 0, 0x82, 0x01));
  EXPECT_EQ(text(packet.relayAgentSubOption(rai::kSubscriberId)), "subscriber-0042");
  EXPECT_FALSE(packet.relayAgentSubOption(rai::kLinkSelection).has_value());
}

TEST(Pkt4GoldenTest, KeaEchoesRelayAgentInformation) {
  const Pkt4 packet = decodeGolden("v4/kea-offer-option82.hex");

  EXPECT_EQ(packet.messageType(), MessageType4::kOffer);
  EXPECT_EQ(text(packet.relayAgentSubOption(rai::kCircuitId)), "lhcodec-c:vlan100");
  EXPECT_TRUE(packet.relayAgentSubOption(rai::kRemoteId).has_value());
}

TEST(Pkt4GoldenTest, OverloadMergesFileAndSnameOptions) {
  const Pkt4 packet = decodeGolden("v4/crafted-overload-discover.hex");

  // Options field first, then file, then sname; option 52 itself is not kept.
  EXPECT_THAT(codes(packet.options), ElementsAre(53, 61, 55, 57, 12, 60));
  EXPECT_THAT(*packet.options.find(option4::kParameterRequestList),
              ElementsAre(1, 3, 6, 15, 28, 42, 51));
  EXPECT_EQ(text(packet.options.find(option4::kHostName)), "overload-client");
  EXPECT_EQ(text(packet.options.find(option4::kVendorClassIdentifier)), "lhcodec-overload");
  EXPECT_THAT(*packet.options.find(option4::kMaxMessageSize), ElementsAre(0x05, 0xdc));
  EXPECT_EQ(packet.serverHostname(), "");
  EXPECT_EQ(packet.bootFileName(), "");
  EXPECT_TRUE(packet.broadcastFlag());
}

TEST(Pkt4GoldenTest, SplitOptionsAreConcatenated) {
  const Pkt4 packet = decodeGolden("v4/crafted-split-discover.hex");

  EXPECT_EQ(text(packet.options.find(option4::kHostName)), "lhcodec-split");
  const auto user_class = packet.options.find(77);
  ASSERT_TRUE(user_class.has_value());
  ASSERT_EQ(user_class->size(), 302u);
  EXPECT_EQ((*user_class)[0], 150);
  EXPECT_EQ((*user_class)[151], 150);
  EXPECT_EQ((*user_class)[301], 'B');
  EXPECT_EQ(packet.options.findAll(77).size(), 1u);
}

TEST(Pkt4GoldenTest, KeaSplitLongOptionIsConcatenated) {
  const Pkt4 packet = decodeGolden("v4/kea-offer-split-option.hex");

  const auto blob = packet.options.find(224);
  ASSERT_TRUE(blob.has_value());
  ASSERT_EQ(blob->size(), 300u);
  for (size_t i = 0; i < blob->size(); ++i) {
    ASSERT_EQ((*blob)[i], i % 256) << "byte " << i;
  }
}

// Kea 2.2 splits option 224 into 253 + 47 bytes; the encoder uses full 255-byte pieces.
TEST(Pkt4GoldenTest, EncoderSplitsLongOptionAt255) {
  const Pkt4 packet = decodeGolden("v4/kea-offer-split-option.hex");
  const auto bytes = encode(packet);

  std::vector<std::pair<int, int>> pieces;
  for (size_t pos = kPkt4FixedSize; pos < bytes.size() && bytes[pos] != option4::kEnd;
       pos += 2 + bytes[pos + 1]) {
    if (bytes[pos] == 224) {
      pieces.emplace_back(bytes[pos], bytes[pos + 1]);
    }
  }
  EXPECT_THAT(pieces, ElementsAre(std::pair(224, 255), std::pair(224, 45)));
}

class Pkt4RoundTripTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Pkt4RoundTripTest, DecodeEncodeDecodeKeepsEveryField) {
  const Pkt4 first = decodeGolden(GetParam());
  const auto bytes = encode(first);
  auto second = decodePkt4(bytes);
  ASSERT_TRUE(second) << second.error().detail;

  EXPECT_EQ(second->op, first.op);
  EXPECT_EQ(second->htype, first.htype);
  EXPECT_EQ(second->hlen, first.hlen);
  EXPECT_EQ(second->hops, first.hops);
  EXPECT_EQ(second->xid, first.xid);
  EXPECT_EQ(second->secs, first.secs);
  EXPECT_EQ(second->flags, first.flags);
  EXPECT_EQ(second->ciaddr, first.ciaddr);
  EXPECT_EQ(second->yiaddr, first.yiaddr);
  EXPECT_EQ(second->siaddr, first.siaddr);
  EXPECT_EQ(second->giaddr, first.giaddr);
  EXPECT_EQ(second->chaddr, first.chaddr);
  EXPECT_EQ(second->sname, first.sname);
  EXPECT_EQ(second->file, first.file);
  EXPECT_TRUE(second->options == first.options);
}

INSTANTIATE_TEST_SUITE_P(AllGolden, Pkt4RoundTripTest,
                         ::testing::ValuesIn(testing::listGolden("v4")),
                         [](const auto& info) {
                           std::string name = info.param.substr(3, info.param.size() - 7);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

// Packets whose encoding is canonical (options in order, one piece per option up to 255 bytes,
// end option, zero padding to 300 bytes) re-encode to the captured bytes exactly.
class Pkt4CanonicalTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Pkt4CanonicalTest, ReencodesToCapturedBytes) {
  const auto captured = readGolden(GetParam());
  const auto decoded = decodePkt4(captured);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(encode(*decoded), captured);
}

INSTANTIATE_TEST_SUITE_P(
    Golden, Pkt4CanonicalTest,
    ::testing::Values("v4/dhclient-discover.hex", "v4/dhclient-request-selecting.hex",
                      "v4/dhclient-request-renewing.hex", "v4/dhclient-release.hex",
                      "v4/kea-offer.hex", "v4/kea-ack.hex", "v4/kea-offer-to-relay.hex",
                      "v4/crafted-option82-discover.hex", "v4/kea-offer-option82.hex",
                      "v4/kea-offer-overload-client.hex"));

}  // namespace
}  // namespace leasehold::packet
