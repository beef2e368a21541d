// DHCPv4 encoding beyond what the golden packets show: long options, overload, left-out
// options and padding.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/packet/pkt4.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using ::testing::ElementsAre;
using testing::bytesOf;

constexpr size_t kSname = 44;
constexpr size_t kFile = 108;

Pkt4 offer() {
  Pkt4 packet;
  packet.op = kBootReply;
  packet.xid = 0x01020304;
  packet.yiaddr = *IPv4Address::parse("192.0.2.50");
  packet.chaddr = {0x02, 0, 0, 0, 0, 0x99};
  const uint8_t type = static_cast<uint8_t>(MessageType4::kOffer);
  packet.options.add(option4::kMessageType, std::span(&type, 1));
  return packet;
}

std::vector<uint8_t> filler(size_t length, uint8_t seed) {
  std::vector<uint8_t> bytes(length);
  for (size_t i = 0; i < length; ++i) {
    bytes[i] = static_cast<uint8_t>(seed + i);
  }
  return bytes;
}

Pkt4 decode(std::span<const uint8_t> bytes) {
  auto decoded = decodePkt4(bytes);
  if (!decoded) {
    ADD_FAILURE() << decoded.error().detail;
    return Pkt4{};
  }
  return std::move(decoded).value();
}

TEST(Pkt4EncodeTest, PadsShortMessagesTo300Bytes) {
  std::vector<uint8_t> out{1, 2, 3};
  EXPECT_EQ(encodePkt4(offer(), out), 0u);
  ASSERT_EQ(out.size(), kPkt4MinimumSize);
  EXPECT_THAT(std::vector(out.begin() + 240, out.begin() + 244), ElementsAre(53, 1, 2, 255));
  EXPECT_TRUE(std::all_of(out.begin() + 244, out.end(), [](uint8_t b) { return b == 0; }));
}

TEST(Pkt4EncodeTest, LongOptionIsSplitIntoPiecesOf255) {
  Pkt4 packet = offer();
  packet.options.add(224, filler(600, 7));
  std::vector<uint8_t> out;
  ASSERT_EQ(encodePkt4(packet, out), 0u);

  // 53 (3 bytes), then pieces of 255, 255 and 90 bytes, then end.
  EXPECT_EQ(out[243], 224);
  EXPECT_EQ(out[244], 255);
  EXPECT_EQ(out[243 + 257], 224);
  EXPECT_EQ(out[243 + 258], 255);
  EXPECT_EQ(out[243 + 514], 224);
  EXPECT_EQ(out[243 + 515], 90);
  EXPECT_EQ(out[243 + 516 + 90], 255);
  EXPECT_EQ(out.size(), 243 + 516 + 90 + 1u);

  EXPECT_THAT(*decode(out).options.find(224), ::testing::ElementsAreArray(filler(600, 7)));
}

TEST(Pkt4EncodeTest, OptionOfExactly255BytesIsOnePiece) {
  Pkt4 packet = offer();
  packet.options.add(224, filler(255, 1));
  std::vector<uint8_t> out;
  encodePkt4(packet, out);
  EXPECT_EQ(out[244], 255);
  EXPECT_EQ(out[243 + 257], option4::kEnd);
}

TEST(Pkt4EncodeTest, ZeroLengthOptionKeepsItsCode) {
  Pkt4 packet = offer();
  packet.options.add(80, {});  // rapid commit
  std::vector<uint8_t> out;
  encodePkt4(packet, out);
  EXPECT_THAT(std::vector(out.begin() + 243, out.begin() + 246), ElementsAre(80, 0, 255));
  EXPECT_TRUE(decode(out).options.contains(80));
}

TEST(Pkt4EncodeTest, OptionsSpillIntoFileThenSname) {
  Pkt4 packet = offer();
  // A 576-byte message has 332 bytes for options besides 52 and end; 53 and 43 leave 25.
  packet.options.add(43, filler(300, 0));
  packet.options.add(60, filler(90, 1));  // 92 bytes: into file, leaving 35 of its 127
  packet.options.add(66, filler(40, 2));  // 42 bytes: fits only in sname
  packet.options.add(67, filler(28, 3));  // 30 bytes: into the rest of file
  std::vector<uint8_t> out;
  ASSERT_EQ(encodePkt4(packet, out, 576), 0u);
  ASSERT_LE(out.size(), 576u);

  EXPECT_THAT(std::vector(out.begin() + 240, out.begin() + 243), ElementsAre(52, 1, 3));
  EXPECT_EQ(out[kFile], 60);
  EXPECT_EQ(out[kFile + 92], 67);
  EXPECT_EQ(out[kFile + 122], option4::kEnd);
  EXPECT_EQ(out[kSname], 66);
  EXPECT_EQ(out[kSname + 42], option4::kEnd);

  const Pkt4 decoded = decode(out);
  EXPECT_EQ(decoded.options.size(), 5u);
  for (const auto& entry : packet.options.entries()) {
    EXPECT_THAT(*decoded.options.find(entry.code),
                ::testing::ElementsAreArray(packet.options.payload(entry)))
        << "option " << entry.code;
  }
  const auto is_zero = [](uint8_t byte) { return byte == 0; };
  EXPECT_TRUE(std::all_of(decoded.file.begin(), decoded.file.end(), is_zero));
}

TEST(Pkt4EncodeTest, OverloadUsesOnlyFieldsThatAreEmpty) {
  Pkt4 packet = offer();
  const std::string boot_file = "pxelinux.0";
  std::copy(boot_file.begin(), boot_file.end(), packet.file.begin());
  packet.options.add(43, filler(300, 0));
  packet.options.add(60, filler(40, 1));
  std::vector<uint8_t> out;
  ASSERT_EQ(encodePkt4(packet, out, 576), 0u);

  EXPECT_THAT(std::vector(out.begin() + 240, out.begin() + 243), ElementsAre(52, 1, 2));
  const Pkt4 decoded = decode(out);
  EXPECT_EQ(decoded.bootFileName(), "pxelinux.0");
  EXPECT_EQ(decoded.options.find(60)->size(), 40u);
}

TEST(Pkt4EncodeTest, UnfittableOptionsAreCounted) {
  Pkt4 packet = offer();
  packet.options.add(43, filler(320, 0));
  packet.options.add(60, filler(200, 1));  // too big for file or sname
  packet.options.add(61, filler(7, 2));
  std::vector<uint8_t> out;
  EXPECT_EQ(encodePkt4(packet, out, 576), 1u);

  const Pkt4 decoded = decode(out);
  EXPECT_FALSE(decoded.options.contains(60));
  EXPECT_TRUE(decoded.options.contains(61));
  EXPECT_EQ(decoded.options.find(43)->size(), 320u);
}

TEST(Pkt4EncodeTest, OverloadSlotIsDroppedWhenNothingSpills) {
  Pkt4 packet = offer();
  packet.options.add(43, filler(320, 0));
  packet.options.add(60, filler(300, 1));  // fits nowhere, so nothing goes to file or sname
  std::vector<uint8_t> out;
  EXPECT_EQ(encodePkt4(packet, out, 576), 1u);
  EXPECT_EQ(out[240], 53);
  EXPECT_FALSE(decode(out).options.contains(option4::kOverload));
}

TEST(Pkt4EncodeTest, FramingCodesAreSkipped) {
  Pkt4 packet = offer();
  packet.options.add(option4::kPad, bytesOf("x"));
  packet.options.add(option4::kOverload, bytesOf("\x03"));
  packet.options.add(option4::kEnd, bytesOf("y"));
  packet.options.add(300, bytesOf("z"));
  std::vector<uint8_t> out;
  EXPECT_EQ(encodePkt4(packet, out), 4u);
  EXPECT_EQ(decode(out).options.size(), 1u);
}

TEST(Pkt4EncodeTest, MaxSizeBelowMinimumCountsAsMinimum) {
  Pkt4 packet = offer();
  packet.options.add(43, filler(40, 0));
  std::vector<uint8_t> out;
  EXPECT_EQ(encodePkt4(packet, out, 100), 0u);
  EXPECT_EQ(out.size(), kPkt4MinimumSize);
}

TEST(Pkt4EncodeTest, HeaderFieldsAreWrittenInNetworkOrder) {
  Pkt4 packet = offer();
  packet.htype = 6;
  packet.hops = 2;
  packet.secs = 0x0a0b;
  packet.flags = kBroadcastFlag;
  packet.ciaddr = *IPv4Address::parse("10.0.0.1");
  packet.siaddr = *IPv4Address::parse("10.0.0.2");
  packet.giaddr = *IPv4Address::parse("10.0.0.3");
  std::vector<uint8_t> out;
  encodePkt4(packet, out);

  EXPECT_THAT(std::vector(out.begin(), out.begin() + 12),
              ElementsAre(2, 6, 6, 2, 1, 2, 3, 4, 0x0a, 0x0b, 0x80, 0x00));
  EXPECT_THAT(std::vector(out.begin() + 12, out.begin() + 28),
              ElementsAre(10, 0, 0, 1, 192, 0, 2, 50, 10, 0, 0, 2, 10, 0, 0, 3));
  EXPECT_THAT(std::vector(out.begin() + 236, out.begin() + 240), ElementsAre(99, 130, 83, 99));
}

}  // namespace
}  // namespace leasehold::packet
