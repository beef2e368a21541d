// Ethernet + IPv4 + UDP frames: the golden frames dhclient and Kea built on raw sockets, their
// corrupt variants, and frames built by encodeFrame4().
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/packet/frame4.h"
#include "server/packet/pkt4.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using ::testing::ElementsAreArray;
using Code = DecodeError::Code;
using testing::readGolden;

constexpr size_t kIp = 14;
constexpr size_t kUdp = 34;  // with a 20-byte IP header

IPv4Address ip(const char* text) { return *IPv4Address::parse(text); }

// RFC 1071 checksum, written apart from the codec's.
uint16_t checksum(std::span<const uint8_t> bytes, uint32_t sum = 0) {
  for (size_t i = 0; i + 1 < bytes.size(); i += 2) {
    sum += (bytes[i] << 8) | bytes[i + 1];
  }
  if (bytes.size() % 2 != 0) {
    sum += bytes.back() << 8;
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(~sum);
}

void setIpChecksum(std::vector<uint8_t>& frame) {
  const size_t header = (frame[kIp] & 0x0f) * 4;
  frame[kIp + 10] = frame[kIp + 11] = 0;
  const uint16_t sum = checksum(std::span(frame).subspan(kIp, header));
  frame[kIp + 10] = static_cast<uint8_t>(sum >> 8);
  frame[kIp + 11] = static_cast<uint8_t>(sum);
}

std::optional<Code> decodeError(std::span<const uint8_t> frame) {
  const auto decoded = decodeFrame4(frame);
  if (decoded) {
    return std::nullopt;
  }
  EXPECT_FALSE(decoded.error().detail.empty());
  return decoded.error().code;
}

TEST(Frame4Test, DhclientBroadcastDiscover) {
  const auto frame = readGolden("frame4/dhclient-discover.hex");
  const auto decoded = decodeFrame4(frame);
  ASSERT_TRUE(decoded) << decoded.error().detail;

  EXPECT_EQ(decoded->destination_mac, kBroadcastMac);
  EXPECT_EQ(decoded->source_mac, (MacAddress{0x02, 0, 0, 0, 0, 0x02}));
  EXPECT_EQ(decoded->source_address, ip("0.0.0.0"));
  EXPECT_EQ(decoded->destination_address, kBroadcastAddress4);
  EXPECT_EQ(decoded->source_port, 68);
  EXPECT_EQ(decoded->destination_port, 67);
  EXPECT_EQ(decoded->ttl, 128);
  EXPECT_EQ(decoded->tos, 0x10);
  EXPECT_FALSE(decoded->dont_fragment);
  EXPECT_THAT(decoded->payload, ElementsAreArray(readGolden("v4/dhclient-discover.hex")));
}

TEST(Frame4Test, KeaUnicastOfferToClientMac) {
  const auto frame = readGolden("frame4/kea-offer.hex");
  const auto decoded = decodeFrame4(frame);
  ASSERT_TRUE(decoded) << decoded.error().detail;

  EXPECT_EQ(decoded->destination_mac, (MacAddress{0x02, 0, 0, 0, 0, 0x02}));
  EXPECT_EQ(decoded->source_mac, (MacAddress{0x02, 0, 0, 0, 0, 0x01}));
  EXPECT_EQ(decoded->source_address, ip("192.0.2.1"));
  EXPECT_EQ(decoded->destination_address, ip("192.0.2.100"));
  EXPECT_EQ(decoded->source_port, 67);
  EXPECT_EQ(decoded->destination_port, 68);
  EXPECT_TRUE(decoded->dont_fragment);
  EXPECT_THAT(decoded->payload, ElementsAreArray(readGolden("v4/kea-offer.hex")));
}

class Frame4GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(Frame4GoldenTest, ReencodesToCapturedBytes) {
  const auto frame = readGolden(GetParam());
  const auto decoded = decodeFrame4(frame);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  std::vector<uint8_t> out;
  ASSERT_TRUE(encodeFrame4(*decoded, out));
  EXPECT_EQ(out, frame);
}

TEST_P(Frame4GoldenTest, TruncatedAtEveryLength) {
  const auto frame = readGolden(GetParam());
  for (size_t length = 0; length < frame.size(); ++length) {
    EXPECT_EQ(decodeError(std::span(frame).first(length)), Code::kTruncated)
        << "length " << length;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, Frame4GoldenTest,
                         ::testing::ValuesIn(testing::listGolden("frame4")),
                         [](const auto& info) {
                           std::string name = info.param.substr(7, info.param.size() - 11);
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

class Frame4CorruptTest : public ::testing::Test {
 protected:
  std::vector<uint8_t> frame_ = readGolden("frame4/kea-offer.hex");
};

TEST_F(Frame4CorruptTest, NotIpv4EtherType) {
  frame_[12] = 0x86;
  frame_[13] = 0xdd;
  EXPECT_EQ(decodeError(frame_), Code::kNotIpv4);
}

TEST_F(Frame4CorruptTest, IpVersion6) {
  frame_[kIp] = 0x65;
  EXPECT_EQ(decodeError(frame_), Code::kBadIpVersion);
}

TEST_F(Frame4CorruptTest, HeaderLengthBelowFive) {
  frame_[kIp] = 0x44;
  EXPECT_EQ(decodeError(frame_), Code::kBadIpHeaderLength);
}

TEST_F(Frame4CorruptTest, HeaderLongerThanTotalLength) {
  frame_[kIp + 2] = 0;
  frame_[kIp + 3] = 19;
  EXPECT_EQ(decodeError(frame_), Code::kBadIpHeaderLength);
}

TEST_F(Frame4CorruptTest, TotalLengthWithoutRoomForUdp) {
  frame_[kIp + 2] = 0;
  frame_[kIp + 3] = 27;
  setIpChecksum(frame_);
  EXPECT_EQ(decodeError(frame_), Code::kBadIpTotalLength);
}

TEST_F(Frame4CorruptTest, BadHeaderChecksum) {
  frame_[kIp + 11] ^= 0x01;
  EXPECT_EQ(decodeError(frame_), Code::kBadIpChecksum);
}

TEST_F(Frame4CorruptTest, MoreFragmentsBit) {
  frame_[kIp + 6] = 0x20;
  setIpChecksum(frame_);
  EXPECT_EQ(decodeError(frame_), Code::kIpFragment);
}

TEST_F(Frame4CorruptTest, FragmentOffset) {
  frame_[kIp + 6] = 0x40;
  frame_[kIp + 7] = 0x01;
  setIpChecksum(frame_);
  EXPECT_EQ(decodeError(frame_), Code::kIpFragment);
}

TEST_F(Frame4CorruptTest, ProtocolTcp) {
  frame_[kIp + 9] = 6;
  setIpChecksum(frame_);
  EXPECT_EQ(decodeError(frame_), Code::kNotUdp);
}

TEST_F(Frame4CorruptTest, UdpLengthBelowHeader) {
  frame_[kUdp + 4] = 0;
  frame_[kUdp + 5] = 7;
  EXPECT_EQ(decodeError(frame_), Code::kBadUdpLength);
}

TEST_F(Frame4CorruptTest, UdpLengthBeyondIpPayload) {
  frame_[kUdp + 5] += 1;
  EXPECT_EQ(decodeError(frame_), Code::kBadUdpLength);
}

TEST_F(Frame4CorruptTest, BadUdpChecksum) {
  frame_.back() ^= 0x01;  // a payload byte
  EXPECT_EQ(decodeError(frame_), Code::kBadUdpChecksum);
}

TEST_F(Frame4CorruptTest, ZeroUdpChecksumIsAccepted) {
  frame_.back() ^= 0x01;
  frame_[kUdp + 6] = frame_[kUdp + 7] = 0;
  EXPECT_EQ(decodeError(frame_), std::nullopt);
}

TEST_F(Frame4CorruptTest, EthernetPaddingIsIgnored) {
  frame_.insert(frame_.end(), {0xde, 0xad, 0xbe, 0xef});
  const auto decoded = decodeFrame4(frame_);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_THAT(decoded->payload, ElementsAreArray(readGolden("v4/kea-offer.hex")));
}

TEST_F(Frame4CorruptTest, IpOptionsAreSkipped) {
  // Insert one 4-byte IP option (NOP, NOP, NOP, end) and fix lengths and checksum.
  frame_.insert(frame_.begin() + kUdp, {1, 1, 1, 0});
  frame_[kIp] = 0x46;
  const size_t total = ((frame_[kIp + 2] << 8) | frame_[kIp + 3]) + 4;
  frame_[kIp + 2] = static_cast<uint8_t>(total >> 8);
  frame_[kIp + 3] = static_cast<uint8_t>(total);
  setIpChecksum(frame_);

  const auto decoded = decodeFrame4(frame_);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->destination_port, 68);
  EXPECT_THAT(decoded->payload, ElementsAreArray(readGolden("v4/kea-offer.hex")));
}

TEST(Frame4EncodeTest, BroadcastFrameVerifiesWithIndependentChecksums) {
  const auto payload = readGolden("v4/kea-offer.hex");
  Frame4 frame;
  frame.source_mac = {0x02, 0, 0, 0, 0, 0x01};
  frame.destination_mac = kBroadcastMac;
  frame.source_address = ip("192.0.2.1");
  frame.destination_address = kBroadcastAddress4;
  frame.source_port = 67;
  frame.destination_port = 68;
  frame.payload = payload;
  std::vector<uint8_t> out;
  ASSERT_TRUE(encodeFrame4(frame, out));

  ASSERT_EQ(out.size(), kEthernetHeaderSize + kIpv4HeaderSize + kUdpHeaderSize + payload.size());
  EXPECT_EQ(checksum(std::span(out).subspan(kIp, 20)), 0);
  const size_t udp_length = 8 + payload.size();
  const uint32_t pseudo = 0xc000 + 0x0201 + 0xffff + 0xffff + 17 + udp_length;
  EXPECT_EQ(checksum(std::span(out).subspan(kUdp), pseudo), 0);
  EXPECT_EQ(out[kIp + 8], 64);  // default TTL

  const auto decoded = decodeFrame4(out);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->destination_address, kBroadcastAddress4);
  EXPECT_THAT(decoded->payload, ElementsAreArray(payload));
}

TEST(Frame4EncodeTest, ZeroUdpChecksumSentAsAllOnes) {
  Frame4 frame;
  frame.source_address = ip("10.0.0.1");
  frame.destination_address = ip("10.0.0.2");
  frame.source_port = 67;
  frame.destination_port = 68;

  // Choose the two payload bytes that bring the one's complement sum to 0xffff.
  const uint32_t fixed = 0x0a00 + 0x0001 + 0x0a00 + 0x0002 + 17 + 10 + 67 + 68 + 10;
  const uint16_t partial = static_cast<uint16_t>(~checksum({}, fixed));
  const uint16_t word = static_cast<uint16_t>(0xffff - partial);
  const std::vector<uint8_t> payload{static_cast<uint8_t>(word >> 8), static_cast<uint8_t>(word)};
  frame.payload = payload;
  std::vector<uint8_t> out;
  ASSERT_TRUE(encodeFrame4(frame, out));

  EXPECT_EQ(out[kUdp + 6], 0xff);
  EXPECT_EQ(out[kUdp + 7], 0xff);
  EXPECT_TRUE(decodeFrame4(out));
}

TEST(Frame4EncodeTest, OversizedPayloadFails) {
  const std::vector<uint8_t> payload(kMaxFramePayload4 + 1);
  Frame4 frame;
  frame.payload = payload;
  std::vector<uint8_t> out{1};
  EXPECT_FALSE(encodeFrame4(frame, out));
  EXPECT_TRUE(out.empty());

  const std::vector<uint8_t> largest(kMaxFramePayload4);
  frame.payload = largest;
  EXPECT_TRUE(encodeFrame4(frame, out));
  EXPECT_TRUE(decodeFrame4(out));
}

}  // namespace
}  // namespace leasehold::packet
