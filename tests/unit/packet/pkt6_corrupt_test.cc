// Corrupt variants of the golden DHCPv6 packets, each with the exact DecodeError it must give.
#include <gtest/gtest.h>

#include "server/packet/pkt6.h"
#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using Code = DecodeError::Code;
using testing::appendOption6;
using testing::option6;
using testing::readGolden;
using testing::wrapInRelayForw;

std::optional<Code> decodeError(std::span<const uint8_t> bytes) {
  const auto decoded = decodePkt6(bytes);
  if (decoded) {
    return std::nullopt;
  }
  EXPECT_FALSE(decoded.error().detail.empty());
  return decoded.error().code;
}

// A SOLICIT header (type 1, transaction id 0x010203) followed by `options`.
std::vector<uint8_t> solicitWith(std::span<const uint8_t> options) {
  std::vector<uint8_t> bytes(4 + options.size());
  bytes[0] = 1;
  bytes[1] = 0x01;
  bytes[2] = 0x02;
  bytes[3] = 0x03;
  std::copy(options.begin(), options.end(), bytes.begin() + 4);
  return bytes;
}

std::vector<uint8_t> zeros(size_t count) { return std::vector<uint8_t>(count, 0); }

std::vector<uint8_t> concat(std::initializer_list<std::vector<uint8_t>> parts) {
  std::vector<uint8_t> out;
  for (const auto& part : parts) {
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

uint16_t load16(std::span<const uint8_t> bytes, size_t pos) {
  return static_cast<uint16_t>((bytes[pos] << 8) | bytes[pos + 1]);
}

class Pkt6TruncationTest : public ::testing::TestWithParam<std::string> {};

// Only the outermost layer decides: a cut inside any option makes that outermost option run
// past the end. A relay layer cut at a boundary before its relay message has none.
TEST_P(Pkt6TruncationTest, EveryLengthGivesItsError) {
  const auto bytes = readGolden(GetParam());
  const bool relay = bytes[0] == 12 || bytes[0] == 13;
  const size_t header = relay ? kRelayHeaderSize6 : 4;

  // Option boundaries of the outermost layer, and where its relay message ends.
  std::vector<size_t> boundaries{header};
  size_t relay_message_end = 0;
  for (size_t pos = header; pos < bytes.size();) {
    const size_t next = pos + 4 + load16(bytes, pos + 2);
    if (load16(bytes, pos) == option6::kRelayMsg) {
      relay_message_end = next;
    }
    boundaries.push_back(next);
    pos = next;
  }

  for (size_t length = 0; length < bytes.size(); ++length) {
    const std::span<const uint8_t> cut(bytes.data(), length);
    std::optional<Code> expected;
    if (length < header) {
      expected = Code::kTruncated;
    } else if (std::find(boundaries.begin(), boundaries.end(), length) == boundaries.end()) {
      expected = Code::kOptionTruncated;
    } else if (relay && length < relay_message_end) {
      expected = Code::kNoRelayMessage;
    }
    EXPECT_EQ(decodeError(cut), expected) << "length " << length;
  }
}

INSTANTIATE_TEST_SUITE_P(Golden, Pkt6TruncationTest,
                         ::testing::Values("v6/dhclient-solicit.hex", "v6/kea-advertise.hex",
                                           "v6/perfdhcp-relay-forw.hex",
                                           "v6/crafted-two-relays-solicit.hex",
                                           "v6/kea-two-relays-advertise.hex"));

TEST(Pkt6CorruptTest, RelayNesting33DeepIsRejected) {
  auto bytes = readGolden("v6/dhclient-solicit.hex");
  for (int layer = 0; layer < 32; ++layer) {
    bytes = wrapInRelayForw(bytes, static_cast<uint8_t>(31 - layer));
  }
  const auto accepted = decodePkt6(bytes);
  ASSERT_TRUE(accepted) << accepted.error().detail;
  EXPECT_EQ(accepted->relays.size(), 32u);
  EXPECT_EQ(accepted->relays.front().hop_count, 0);
  EXPECT_EQ(accepted->relays.back().hop_count, 31);
  EXPECT_EQ(accepted->type, MessageType6::kSolicit);

  bytes = wrapInRelayForw(bytes, 32);
  EXPECT_EQ(decodeError(bytes), Code::kRelayTooDeep);
}

TEST(Pkt6CorruptTest, IaNaShorterThan12Bytes) {
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaNa, zeros(11)))), Code::kBadIa);
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaNa, zeros(12)))), std::nullopt);
}

TEST(Pkt6CorruptTest, IaPdShorterThan12Bytes) {
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaPd, zeros(11)))), Code::kBadIa);
}

TEST(Pkt6CorruptTest, IaTaShorterThan4Bytes) {
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaTa, zeros(3)))), Code::kBadIa);
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaTa, zeros(4)))), std::nullopt);
}

TEST(Pkt6CorruptTest, IaAddressShorterThan24Bytes) {
  const auto ia = concat({zeros(12), option6(option6::kIaAddr, zeros(23))});
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaNa, ia))), Code::kBadIaAddress);
  const auto ta = concat({zeros(4), option6(option6::kIaAddr, zeros(23))});
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaTa, ta))), Code::kBadIaAddress);
}

TEST(Pkt6CorruptTest, IaPrefixShorterThan25Bytes) {
  const auto ia = concat({zeros(12), option6(option6::kIaPrefix, zeros(24))});
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaPd, ia))), Code::kBadIaPrefix);
}

TEST(Pkt6CorruptTest, IaPrefixLengthAbove128) {
  auto prefix = zeros(25);
  prefix[8] = 129;
  const auto ia = concat({zeros(12), option6(option6::kIaPrefix, prefix)});
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaPd, ia))), Code::kBadIaPrefix);
  prefix[8] = 128;
  const auto valid = concat({zeros(12), option6(option6::kIaPrefix, prefix)});
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaPd, valid))), std::nullopt);
}

TEST(Pkt6CorruptTest, OptionRunningPastTheEndOfItsIa) {
  auto ia = concat({zeros(12), option6(option6::kStatusCode, zeros(4))});
  ia[15] = 9;  // status code claims 9 bytes, 4 remain in the IA
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaNa, ia))), Code::kOptionTruncated);
}

TEST(Pkt6CorruptTest, OptionRunningPastTheEndOfIaAddress) {
  auto address = concat({zeros(24), option6(option6::kStatusCode, zeros(2))});
  address[27] = 3;
  const auto ia = concat({zeros(12), option6(option6::kIaAddr, address)});
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaNa, ia))), Code::kOptionTruncated);
}

TEST(Pkt6CorruptTest, StatusCodeShorterThan2Bytes) {
  const auto ia = concat({zeros(12), option6(option6::kStatusCode, zeros(1))});
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kIaNa, ia))), Code::kBadOption);
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kStatusCode, zeros(1)))), Code::kBadOption);
}

TEST(Pkt6CorruptTest, FixedSizeOptionsWithWrongLength) {
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kElapsedTime, zeros(3)))), Code::kBadOption);
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kPreference, zeros(2)))), Code::kBadOption);
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kOro, zeros(5)))), Code::kBadOption);
  EXPECT_EQ(decodeError(solicitWith(option6(option6::kOro, zeros(4)))), std::nullopt);
}

TEST(Pkt6CorruptTest, OptionHeaderCutShort) {
  const std::vector<uint8_t> options{0, 1, 0};
  EXPECT_EQ(decodeError(solicitWith(options)), Code::kOptionTruncated);
}

TEST(Pkt6CorruptTest, MessageShorterThanHeader) {
  const std::vector<uint8_t> bytes{1, 2, 3};
  EXPECT_EQ(decodeError(bytes), Code::kTruncated);
  EXPECT_EQ(decodeError({}), Code::kTruncated);
}

TEST(Pkt6CorruptTest, RelayWithoutRelayMessage) {
  auto relay = wrapInRelayForw(readGolden("v6/dhclient-solicit.hex"), 0);
  relay.resize(kRelayHeaderSize6);
  appendOption6(relay, option6::kInterfaceId, testing::bytesOf("eth0"));
  EXPECT_EQ(decodeError(relay), Code::kNoRelayMessage);
}

TEST(Pkt6CorruptTest, RelayWithTwoRelayMessages) {
  const auto solicit = readGolden("v6/dhclient-solicit.hex");
  auto relay = wrapInRelayForw(solicit, 0);
  appendOption6(relay, option6::kRelayMsg, solicit);
  EXPECT_EQ(decodeError(relay), Code::kBadRelayMessage);
}

TEST(Pkt6CorruptTest, RelayForwCarryingRelayRepl) {
  auto inner = wrapInRelayForw(readGolden("v6/dhclient-solicit.hex"), 0);
  inner[0] = 13;
  EXPECT_EQ(decodeError(wrapInRelayForw(inner, 1)), Code::kBadRelayMessage);
}

TEST(Pkt6CorruptTest, RelayHeaderCutShort) {
  const auto relay = wrapInRelayForw(readGolden("v6/dhclient-solicit.hex"), 0);
  EXPECT_EQ(decodeError(std::span(relay).first(33)), Code::kTruncated);
}

TEST(Pkt6CorruptTest, RelayMessageShorterThanHeader) {
  const std::vector<uint8_t> message{1, 0, 0};
  EXPECT_EQ(decodeError(wrapInRelayForw(message, 0)), Code::kTruncated);
}

TEST(Pkt6CorruptTest, RemoteIdWithoutEnterpriseNumber) {
  auto relay = wrapInRelayForw(readGolden("v6/dhclient-solicit.hex"), 0);
  std::vector<uint8_t> with_remote_id(relay.begin(), relay.begin() + kRelayHeaderSize6);
  appendOption6(with_remote_id, option6::kRemoteId, zeros(3));
  with_remote_id.insert(with_remote_id.end(), relay.begin() + kRelayHeaderSize6, relay.end());
  EXPECT_EQ(decodeError(with_remote_id), Code::kBadOption);
}

TEST(Pkt6CorruptTest, ShortIaInsideRelayedMessage) {
  const auto message = solicitWith(option6(option6::kIaNa, zeros(8)));
  EXPECT_EQ(decodeError(wrapInRelayForw(wrapInRelayForw(message, 0), 1)), Code::kBadIa);
}

TEST(Pkt6CorruptTest, StandaloneDecodersRejectShortPayloads) {
  EXPECT_EQ(decodeIa6(option6::kIaNa, zeros(11)).error().code, Code::kBadIa);
  EXPECT_EQ(decodeIa6(option6::kIaTa, zeros(3)).error().code, Code::kBadIa);
  EXPECT_EQ(decodeIa6(option6::kClientId, zeros(12)).error().code, Code::kBadIa);
  EXPECT_EQ(decodeIaAddress6(zeros(23)).error().code, Code::kBadIaAddress);
  EXPECT_EQ(decodeIaPrefix6(zeros(24)).error().code, Code::kBadIaPrefix);
  const std::vector<uint8_t> cut_option{0, 13, 0, 5, 0};
  EXPECT_EQ(decodeOptions6(cut_option).error().code, Code::kOptionTruncated);
  EXPECT_EQ(decodeIa6(option6::kIaNa, concat({zeros(12), cut_option})).error().code,
            Code::kOptionTruncated);
}

}  // namespace
}  // namespace leasehold::packet
