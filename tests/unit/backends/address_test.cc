#include "backends/address.h"

#include <gtest/gtest.h>

namespace leasehold {
namespace {

TEST(IPv4AddressTest, ParsesAndPrintsDottedQuad) {
  const auto address = IPv4Address::parse("192.0.2.10");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(address->toUint32(), 0xc000020au);
  EXPECT_EQ(address->toString(), "192.0.2.10");
}

TEST(IPv4AddressTest, RejectsMalformedText) {
  for (const char* text : {"", "192.0.2", "192.0.2.256", "a.b.c.d", "192.0.2.1 ", "1.2.3.4.5"}) {
    EXPECT_FALSE(IPv4Address::parse(text).has_value()) << text;
  }
}

TEST(IPv4PrefixTest, ComputesRangeAndHostBits) {
  const auto prefix = IPv4Prefix::parse("10.1.3.0/23");
  ASSERT_TRUE(prefix.has_value());
  EXPECT_TRUE(prefix->hasHostBits());
  EXPECT_EQ(prefix->first().toString(), "10.1.2.0");
  EXPECT_EQ(prefix->last().toString(), "10.1.3.255");
  EXPECT_TRUE(prefix->contains(*IPv4Address::parse("10.1.3.7")));
  EXPECT_FALSE(prefix->contains(*IPv4Address::parse("10.1.4.0")));
  EXPECT_FALSE(IPv4Prefix::parse("10.0.0.0/33").has_value());
  EXPECT_FALSE(IPv4Prefix::parse("10.0.0.0/").has_value());
}

TEST(IPv6AddressTest, RoundTripsThroughUint128) {
  const auto address = IPv6Address::parse("2001:db8::ff:1");
  ASSERT_TRUE(address.has_value());
  EXPECT_EQ(IPv6Address::fromUint128(address->toUint128()), *address);
  EXPECT_EQ(address->toString(), "2001:db8::ff:1");
  EXPECT_FALSE(IPv6Address::parse("2001:db8:::1").has_value());
}

TEST(IPv6PrefixTest, ContainsInnerPrefix) {
  const auto outer = IPv6Prefix::parse("2001:db8:1::/48");
  const auto inner = IPv6Prefix::parse("2001:db8:1:ff00::/56");
  ASSERT_TRUE(outer && inner);
  EXPECT_FALSE(outer->hasHostBits());
  EXPECT_TRUE(outer->contains(*inner));
  EXPECT_FALSE(inner->contains(*outer));
  EXPECT_EQ(outer->last().toString(), "2001:db8:1:ffff:ffff:ffff:ffff:ffff");
}

}  // namespace
}  // namespace leasehold
