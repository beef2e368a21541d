// Frames a raw socket could not unwrap: which decoding errors count as fragments, checksum
// failures or malformed headers, and the statistics each one bumps.
#include <gtest/gtest.h>

#include <vector>

#include "server/dhcp4/family4.h"
#include "server/net/raw_socket4.h"
#include "server/packet/frame4.h"
#include "tests/unit/dhcp4/engine4_fixture.h"

namespace leasehold::dhcp4::testing {
namespace {

using net::FrameDrop;
using packet::DecodeError;

// A valid Ethernet/IPv4/UDP frame carrying a 300-byte payload to port 67.
std::vector<uint8_t> validFrame() {
  static const std::vector<uint8_t> payload(300, 0x5a);
  packet::Frame4 frame;
  frame.source_mac = {2, 0, 0, 0, 0, 1};
  frame.destination_mac = packet::kBroadcastMac;
  frame.destination_address = packet::kBroadcastAddress4;
  frame.source_port = 68;
  frame.destination_port = 67;
  frame.payload = payload;
  std::vector<uint8_t> out;
  EXPECT_TRUE(packet::encodeFrame4(frame, out));
  return out;
}

// Recomputes the IPv4 header checksum after a test changed a header field.
void fixIpChecksum(std::vector<uint8_t>& frame) {
  uint8_t* ip = frame.data() + packet::kEthernetHeaderSize;
  ip[10] = 0;
  ip[11] = 0;
  uint32_t sum = 0;
  for (size_t i = 0; i < packet::kIpv4HeaderSize; i += 2) {
    sum += (uint32_t{ip[i]} << 8) | ip[i + 1];
  }
  while (sum >> 16) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  const auto checksum = static_cast<uint16_t>(~sum);
  ip[10] = static_cast<uint8_t>(checksum >> 8);
  ip[11] = static_cast<uint8_t>(checksum);
}

FrameDrop dropOf(const std::vector<uint8_t>& frame) {
  const auto decoded = packet::decodeFrame4(frame);
  EXPECT_FALSE(decoded.hasValue());
  return decoded ? FrameDrop::kNone : net::frameDropFor(decoded.error().code);
}

TEST(FrameDropTest, FirstFragmentIsFragment) {
  std::vector<uint8_t> frame = validFrame();
  frame[packet::kEthernetHeaderSize + 6] |= 0x20;  // more fragments
  fixIpChecksum(frame);
  EXPECT_EQ(dropOf(frame), FrameDrop::kFragment);
}

TEST(FrameDropTest, BadIpChecksumIsChecksum) {
  std::vector<uint8_t> frame = validFrame();
  frame[packet::kEthernetHeaderSize + 10] ^= 0xff;
  EXPECT_EQ(dropOf(frame), FrameDrop::kBadChecksum);
}

TEST(FrameDropTest, BadUdpChecksumIsChecksum) {
  std::vector<uint8_t> frame = validFrame();
  frame.back() ^= 0xff;  // payload byte: the UDP checksum no longer verifies
  EXPECT_EQ(dropOf(frame), FrameDrop::kBadChecksum);
}

TEST(FrameDropTest, OtherHeaderErrorsAreMalformed) {
  EXPECT_EQ(net::frameDropFor(DecodeError::Code::kBadIpVersion), FrameDrop::kMalformed);
  EXPECT_EQ(net::frameDropFor(DecodeError::Code::kBadUdpLength), FrameDrop::kMalformed);
  EXPECT_EQ(net::frameDropFor(DecodeError::Code::kTruncated), FrameDrop::kMalformed);
}

class FrameDropStatsTest : public Engine4Test {
 protected:
  void SetUp() override {
    configure(R"({"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24" } ] })");
  }

  bool count(FrameDrop drop) {
    received_.frame_drop = drop;
    return Family4::countFrameDrop(runtime_->stats(), received_);
  }

  net::Received4 received_;
};

TEST_F(FrameDropStatsTest, UnwrappedFrameCountsNothing) {
  EXPECT_FALSE(count(FrameDrop::kNone));
  EXPECT_EQ(stat("pkt4-receive-drop"), 0);
}

TEST_F(FrameDropStatsTest, EachDropCountsOwnStatistic) {
  EXPECT_TRUE(count(FrameDrop::kFragment));
  EXPECT_TRUE(count(FrameDrop::kBadChecksum));
  EXPECT_TRUE(count(FrameDrop::kBadChecksum));
  EXPECT_TRUE(count(FrameDrop::kMalformed));

  EXPECT_EQ(stat("pkt4-fragment-dropped"), 1);
  EXPECT_EQ(stat("pkt4-checksum-dropped"), 2);
  EXPECT_EQ(stat("pkt4-parse-failed"), 1);
  EXPECT_EQ(stat("pkt4-receive-drop"), 4);
}

}  // namespace
}  // namespace leasehold::dhcp4::testing
