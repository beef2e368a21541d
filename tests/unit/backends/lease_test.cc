#include "backends/lease.h"

#include <gtest/gtest.h>

namespace leasehold {
namespace {

TEST(ParseHexTest, AcceptsKeaForms) {
  const std::vector<uint8_t> expected{0x1a, 0x1b, 0x0c};
  EXPECT_EQ(parseHex("1a:1b:0c"), expected);
  EXPECT_EQ(parseHex("1a:1b:c"), expected);
  EXPECT_EQ(parseHex("1a-1b-0c"), expected);
  EXPECT_EQ(parseHex("1a1b0c"), expected);
  EXPECT_EQ(parseHex("0x1a1b0c"), expected);
  EXPECT_EQ(parseHex(""), std::vector<uint8_t>{});
}

TEST(ParseHexTest, RejectsMalformedText) {
  for (const char* text : {"1a::1b", "1g", "123:4", ":1a", "1a:"}) {
    EXPECT_FALSE(parseHex(text).has_value()) << text;
  }
}

TEST(HwAddrTest, PrintsLowercaseColonHex) {
  const auto hwaddr = HwAddr::parse("1A:1B:1C:1D:1E:1F");
  ASSERT_TRUE(hwaddr.has_value());
  EXPECT_EQ(hwaddr->toString(), "1a:1b:1c:1d:1e:1f");
}

TEST(Lease4Test, ExpiresAtCltPlusLifetime) {
  Lease4 lease;
  lease.cltt = UnixTime{std::chrono::seconds{1000}};
  lease.valid_lifetime = std::chrono::seconds{60};
  EXPECT_FALSE(lease.expired(UnixTime{std::chrono::seconds{1059}}));
  EXPECT_TRUE(lease.expired(UnixTime{std::chrono::seconds{1060}}));
}

}  // namespace
}  // namespace leasehold
