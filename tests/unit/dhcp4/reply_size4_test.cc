// Replies whose options outgrow the message: the client's maximum message size (option 57),
// which options are dropped first, and the statistic that counts them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/dhcp4/family4.h"
#include "tests/unit/dhcp4/engine4_fixture.h"

namespace leasehold::dhcp4::testing {
namespace {

using packet::MessageType4;

constexpr uint8_t kFirstBigCode = 224;
constexpr int kBigOptions = 8;
constexpr size_t kBigOptionSize = 300;

// A subnet whose clients always get eight 300-byte options, codes 224 to 231.
std::string bigOptionsConfig() {
  std::string defs;
  std::string data;
  const std::string payload(kBigOptionSize * 2, 'a');
  for (int i = 0; i < kBigOptions; ++i) {
    const std::string code = std::to_string(kFirstBigCode + i);
    defs += std::string(i == 0 ? "" : ",") + R"({"name": "big)" + code + R"(", "code": )" +
            code + R"(, "type": "binary", "space": "dhcp4"})";
    data += std::string(i == 0 ? "" : ",") + R"({"code": )" + code + R"(, "data": ")" +
            payload + R"(", "always-send": true})";
  }
  return R"({"valid-lifetime": 4000, "renew-timer": 1000, "rebind-timer": 2000,
    "option-def": [)" + defs + R"(],
    "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",
      "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ],
      "option-data": [ { "name": "routers", "data": "192.0.2.1" },
                       { "name": "domain-name-servers", "data": "192.0.2.2" }, )" +
         data + R"( ] } ] })";
}

class ReplySize4Test : public Engine4Test {
 protected:
  // Sends a DISCOVER, with option 57 and option 55 when given, and encodes the OFFER as the
  // daemon does. Returns the OFFER decoded from `wire`, which keeps the encoded bytes.
  packet::Pkt4 offerFor(std::optional<uint16_t> max_message_size,
                        std::vector<uint8_t> requested = {}) {
    packet::Pkt4 packet = query(MessageType4::kDiscover, "aa:00:00:00:00:01");
    if (max_message_size) {
      const uint8_t size[] = {static_cast<uint8_t>(*max_message_size >> 8),
                              static_cast<uint8_t>(*max_message_size)};
      packet.options.add(packet::option4::kMaxMessageSize, size);
    }
    if (!requested.empty()) {
      packet.options.add(packet::option4::kParameterRequestList, requested);
    }
    const auto offer = send(packet);
    EXPECT_TRUE(offer.has_value());
    if (!offer) {
      return {};
    }
    max_size = offer->max_size;
    EXPECT_TRUE(Family4::encode(*offer, wire, runtime_->stats()));
    auto decoded = packet::decodePkt4(wire);
    EXPECT_TRUE(decoded.hasValue());
    return decoded ? *decoded : packet::Pkt4{};
  }

  static std::vector<int> bigCodesIn(const packet::Pkt4& packet) {
    std::vector<int> codes;
    for (int i = 0; i < kBigOptions; ++i) {
      if (packet.options.contains(static_cast<uint8_t>(kFirstBigCode + i))) {
        codes.push_back(kFirstBigCode + i);
      }
    }
    return codes;
  }

  static void expectEssentialOptions(const packet::Pkt4& packet) {
    for (const uint8_t code : {packet::option4::kMessageType, packet::option4::kServerIdentifier,
                               packet::option4::kLeaseTime, packet::option4::kRenewalTime,
                               packet::option4::kRebindingTime, packet::option4::kSubnetMask,
                               packet::option4::kRouters}) {
      EXPECT_TRUE(packet.options.contains(code)) << "option " << int{code};
    }
  }

  std::vector<uint8_t> wire;
  size_t max_size = 0;
};

TEST_F(ReplySize4Test, WithoutOption57ReplyFitsEthernetMtu) {
  configure(bigOptionsConfig());
  const packet::Pkt4 offer = offerFor(std::nullopt);

  EXPECT_EQ(max_size, 1500u - 28u);
  EXPECT_LE(wire.size(), max_size);
  expectEssentialOptions(offer);
  // 1228 bytes of options field hold the small options and three 302-byte ones; neither
  // file nor sname has room for one.
  EXPECT_EQ(bigCodesIn(offer), (std::vector<int>{224, 225, 226}));
  EXPECT_EQ(stat("pkt4-reply-options-dropped"), 5);
}

TEST_F(ReplySize4Test, Option57LimitsReplySize) {
  configure(bigOptionsConfig());
  const packet::Pkt4 offer = offerFor(576);

  EXPECT_EQ(max_size, 576u - 28u);
  EXPECT_LE(wire.size(), 548u);
  expectEssentialOptions(offer);
  EXPECT_TRUE(offer.options.contains(6));
  // 304 bytes of options field are left beside option 52 and the end option, less than the
  // small options and one 302-byte option need.
  EXPECT_TRUE(bigCodesIn(offer).empty());
  EXPECT_EQ(stat("pkt4-reply-options-dropped"), 8);
}

TEST_F(ReplySize4Test, Option57BelowMinimumCountsAs576) {
  configure(bigOptionsConfig());
  offerFor(300);
  EXPECT_EQ(max_size, 576u - 28u);
}

TEST_F(ReplySize4Test, Option57AboveMtuKeepsMtuLimit) {
  configure(bigOptionsConfig());
  offerFor(9000);
  EXPECT_EQ(max_size, 1500u - 28u);
  EXPECT_LE(wire.size(), max_size);
}

TEST_F(ReplySize4Test, RequestedOptionsOutrankUnrequested) {
  configure(bigOptionsConfig());
  // The client lists 231 before 229; the other big options are always-send, not requested.
  const packet::Pkt4 offer = offerFor(std::nullopt, {1, 3, 231, 6, 229});

  expectEssentialOptions(offer);
  EXPECT_TRUE(offer.options.contains(6));
  EXPECT_EQ(bigCodesIn(offer), (std::vector<int>{224, 229, 231}));
}

TEST_F(ReplySize4Test, SameReplyDropsSameOptions) {
  configure(bigOptionsConfig());
  const std::vector<int> first = bigCodesIn(offerFor(std::nullopt, {230, 227}));
  const std::vector<int> second = bigCodesIn(offerFor(std::nullopt, {230, 227}));
  EXPECT_EQ(first, (std::vector<int>{224, 227, 230}));
  EXPECT_EQ(first, second);
}

TEST_F(ReplySize4Test, SmallReplyDropsNothing) {
  configure(R"({"subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",
    "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ] } ] })");
  const packet::Pkt4 offer = offerFor(576);
  EXPECT_TRUE(offer.options.contains(packet::option4::kSubnetMask));
  EXPECT_EQ(stat("pkt4-reply-options-dropped"), 0);
}

}  // namespace
}  // namespace leasehold::dhcp4::testing
