// Corrupt variants of the golden DHCPv4 packets, each with the exact DecodeError it must give.
#include <gtest/gtest.h>

#include "server/packet/pkt4.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using Code = DecodeError::Code;
using testing::readGolden;

constexpr size_t kHlen = 2;
constexpr size_t kCookie = 236;
constexpr size_t kSname = 44;
constexpr size_t kFile = 108;

// Returns the error code of decoding `bytes`, or nullopt when it decodes.
std::optional<Code> decodeError(std::span<const uint8_t> bytes) {
  const auto decoded = decodePkt4(bytes);
  if (decoded) {
    return std::nullopt;
  }
  EXPECT_FALSE(decoded.error().detail.empty());
  return decoded.error().code;
}

// A DISCOVER header from the dhclient golden with `options` after the cookie.
std::vector<uint8_t> withOptions(std::vector<uint8_t> options) {
  auto bytes = readGolden("v4/dhclient-discover.hex");
  bytes.resize(kPkt4FixedSize);
  bytes.insert(bytes.end(), options.begin(), options.end());
  return bytes;
}

// Offsets where an option of the options field starts, plus the offset of the end option.
// Written apart from the decoder: the goldens hold no pad inside the options field.
std::vector<size_t> optionStarts(std::span<const uint8_t> bytes, size_t& end_offset) {
  std::vector<size_t> starts;
  size_t pos = kPkt4FixedSize;
  while (bytes[pos] != 255) {
    starts.push_back(pos);
    pos += 2 + bytes[pos + 1];
  }
  end_offset = pos;
  return starts;
}

class Pkt4TruncationTest : public ::testing::TestWithParam<std::string> {};

// Below 240 bytes the header is cut. From there on, a cut at an option boundary leaves a
// shorter valid message, or one without option 53. A cut inside an option leaves that option
// running past the end.
TEST_P(Pkt4TruncationTest, EveryLengthGivesItsError) {
  const auto bytes = readGolden(GetParam());
  size_t end_offset = 0;
  const auto starts = optionStarts(bytes, end_offset);
  ASSERT_FALSE(starts.empty());
  ASSERT_EQ(bytes[starts[0]], option4::kMessageType);

  for (size_t length = 0; length < bytes.size(); ++length) {
    const std::span<const uint8_t> cut(bytes.data(), length);
    std::optional<Code> expected;
    if (length < kPkt4FixedSize) {
      expected = Code::kTruncated;
    } else if (length == kPkt4FixedSize) {
      expected = Code::kNoMessageType;
    } else if (length < end_offset &&
               std::find(starts.begin(), starts.end(), length) == starts.end()) {
      expected = Code::kOptionTruncated;
    }
    EXPECT_EQ(decodeError(cut), expected) << "length " << length;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, Pkt4TruncationTest,
                         ::testing::Values("v4/dhclient-discover.hex", "v4/kea-offer.hex",
                                           "v4/crafted-option82-discover.hex",
                                           "v4/crafted-overload-discover.hex",
                                           "v4/crafted-split-discover.hex"));

TEST(Pkt4CorruptTest, BadMagicCookie) {
  auto bytes = readGolden("v4/dhclient-discover.hex");
  bytes[kCookie + 3] = 0x64;
  EXPECT_EQ(decodeError(bytes), Code::kBadMagicCookie);
}

TEST(Pkt4CorruptTest, HardwareLength17) {
  auto bytes = readGolden("v4/dhclient-discover.hex");
  bytes[kHlen] = 17;
  EXPECT_EQ(decodeError(bytes), Code::kBadHardwareLength);

  bytes[kHlen] = 16;
  const auto decoded = decodePkt4(bytes);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->hwAddr().bytes.size(), 16u);
}

TEST(Pkt4CorruptTest, OpcodeNeitherRequestNorReply) {
  auto bytes = readGolden("v4/dhclient-discover.hex");
  for (uint8_t op : {0, 3, 255}) {
    bytes[0] = op;
    EXPECT_EQ(decodeError(bytes), Code::kBadOpcode) << "op " << int{op};
  }
}

TEST(Pkt4CorruptTest, OptionRunningPastTheEnd) {
  auto bytes = readGolden("v4/dhclient-discover.hex");
  size_t end_offset = 0;
  const auto starts = optionStarts(bytes, end_offset);
  bytes[starts.back() + 1] = 255;  // option 55's length, far beyond the 300-byte packet
  EXPECT_EQ(decodeError(bytes), Code::kOptionTruncated);
}

TEST(Pkt4CorruptTest, OptionCodeAsLastByte) {
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 12})), Code::kOptionTruncated);
}

TEST(Pkt4CorruptTest, ZeroLengthMessageType) {
  EXPECT_EQ(decodeError(withOptions({53, 0, 255})), Code::kBadMessageType);
}

TEST(Pkt4CorruptTest, MessageTypeSplitIntoTwoBytes) {
  // RFC 3396 concatenates repeated options, so two one-byte pieces make a two-byte option 53.
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 53, 1, 1, 255})), Code::kBadMessageType);
}

TEST(Pkt4CorruptTest, MissingMessageType) {
  EXPECT_EQ(decodeError(withOptions({12, 2, 'h', 'i', 255})), Code::kNoMessageType);
}

TEST(Pkt4CorruptTest, FixedSizeOptionsWithWrongLength) {
  for (uint8_t code : {50, 51, 54, 58, 59, 118}) {
    EXPECT_EQ(decodeError(withOptions({53, 1, 1, code, 3, 1, 2, 3, 255})), Code::kBadOption)
        << "option " << int{code};
    EXPECT_EQ(decodeError(withOptions({53, 1, 1, code, 4, 1, 2, 3, 4, 255})), std::nullopt)
        << "option " << int{code};
  }
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 57, 1, 2, 255})), Code::kBadOption);
}

TEST(Pkt4CorruptTest, OverloadValueOutOfRange) {
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 52, 1, 4, 255})), Code::kBadOverload);
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 52, 1, 0, 255})), Code::kBadOverload);
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 52, 2, 1, 1, 255})), Code::kBadOverload);
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 52, 0, 255})), Code::kBadOverload);
}

TEST(Pkt4CorruptTest, OverloadOptionInsideFile) {
  auto bytes = withOptions({53, 1, 1, 52, 1, 1, 255});
  const uint8_t file_options[] = {52, 1, 2, 255};
  std::copy(std::begin(file_options), std::end(file_options), bytes.begin() + kFile);
  EXPECT_EQ(decodeError(bytes), Code::kBadOverload);
}

TEST(Pkt4CorruptTest, OptionRunningPastTheEndOfSname) {
  auto bytes = withOptions({53, 1, 1, 52, 1, 2, 255});
  bytes[kSname + 60] = 12;
  bytes[kSname + 61] = 5;  // needs 7 bytes, 4 remain in sname
  EXPECT_EQ(decodeError(bytes), Code::kOptionTruncated);
}

TEST(Pkt4CorruptTest, FileIsNotReadWithoutOverload) {
  // Without option 52 the `file` field is a name, whatever its bytes look like.
  auto bytes = withOptions({53, 1, 1, 255});
  bytes[kFile] = 12;
  bytes[kFile + 1] = 200;
  const auto decoded = decodePkt4(bytes);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->file[0], 12);
}

TEST(Pkt4CorruptTest, RelayAgentSubOptionRunningPastOption82) {
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 82, 5, 1, 2, 'a', 'b', 2, 255})),
            Code::kBadRelayAgentInfo);
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 82, 4, 1, 3, 'a', 'b', 255})),
            Code::kBadRelayAgentInfo);
  EXPECT_EQ(decodeError(withOptions({53, 1, 1, 82, 4, 1, 2, 'a', 'b', 255})), std::nullopt);
}

TEST(Pkt4CorruptTest, MissingEndAndInnerPadAreAccepted) {
  const auto decoded = decodePkt4(withOptions({0, 0, 53, 1, 3, 0, 12, 1, 'x'}));
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->messageType(), MessageType4::kRequest);
  EXPECT_EQ(decoded->options.size(), 2u);
}

TEST(Pkt4CorruptTest, BytesAfterEndAreIgnored) {
  const auto decoded = decodePkt4(withOptions({53, 1, 1, 255, 12, 200, 1}));
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_FALSE(decoded->options.contains(12));
}

TEST(Pkt4CorruptTest, UnknownMessageTypeDecodesWithoutEnumValue) {
  const auto decoded = decodePkt4(withOptions({53, 1, 200, 255}));
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_FALSE(decoded->messageType().has_value());
}

TEST(Pkt4CorruptTest, ErrorNamesAreStable) {
  EXPECT_EQ(toString(Code::kTruncated), "truncated");
  EXPECT_EQ(toString(Code::kOptionTruncated), "option-truncated");
  EXPECT_EQ(toString(Code::kBadMagicCookie), "bad-magic-cookie");
  EXPECT_EQ(toString(Code::kRelayTooDeep), "relay-too-deep");
  EXPECT_EQ(toString(Code::kBadUdpChecksum), "bad-udp-checksum");
}

}  // namespace
}  // namespace leasehold::packet
