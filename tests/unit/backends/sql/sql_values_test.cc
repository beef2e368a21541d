#include "backends/sql/sql_values.h"

#include <gtest/gtest.h>

namespace leasehold::sql {
namespace {

constexpr unsigned __int128 kMax128 = ~static_cast<unsigned __int128>(0);

TEST(DecimalTest, RoundTripsExtremes) {
  EXPECT_EQ(toDecimal(0), "0");
  EXPECT_EQ(toDecimal(4294967295u), "4294967295");
  EXPECT_EQ(toDecimal(kMax128), "340282366920938463463374607431768211455");
  EXPECT_EQ(parseDecimal("340282366920938463463374607431768211455"), kMax128);
  EXPECT_EQ(parseDecimal("0"), static_cast<unsigned __int128>(0));
}

TEST(DecimalTest, RejectsMalformedText) {
  for (const char* text : {"", "-1", "12a", "1.0", " 1", "340282366920938463463374607431768211456",
                           "0000000000000000000000000000000000000001"}) {
    EXPECT_FALSE(parseDecimal(text).has_value()) << text;
  }
}

TEST(CheckLeaseTest, RejectsTextNeitherServerStores) {
  Lease4 lease;
  lease.address = IPv4Address(1);
  lease.hwaddr.bytes = {1, 2, 3, 4, 5, 6};
  EXPECT_FALSE(checkLease(lease).has_value());

  lease.hostname = std::string("a\0b", 3);
  EXPECT_TRUE(checkLease(lease).has_value());
  lease.hostname = "\xc3\x28";  // a broken two-byte sequence
  EXPECT_TRUE(checkLease(lease).has_value());
  lease.hostname = "\xf0\x9f\x98\x80.example.org";  // four-byte UTF-8 is fine
  EXPECT_FALSE(checkLease(lease).has_value());
  lease.user_context = std::string(kMaxUserContextLength + 1, 'x');
  EXPECT_TRUE(checkLease(lease).has_value());
}

TEST(CheckLeaseTest, AppliesValidateLease) {
  Lease6 lease;
  lease.address = IPv6Address::fromUint128(1);
  EXPECT_TRUE(checkLease(lease).has_value());  // no DUID
  lease.duid = {0, 1};
  EXPECT_FALSE(checkLease(lease).has_value());
}

TEST(ExpandGapsTest, EmptyRangeIsAllFree) {
  const GapScan scan;
  EXPECT_EQ(expandGaps(scan, {10, 14}, 1, 3),
            (std::vector<unsigned __int128>{10, 11, 12}));
}

TEST(ExpandGapsTest, FillsHeadMiddleAndTail) {
  GapScan scan;
  scan.lowest_leased = 12;
  scan.gaps = {{12, 15}, {16, std::nullopt}};  // 13-14 free, 17-20 free
  EXPECT_EQ(expandGaps(scan, {10, 20}, 1, 100),
            (std::vector<unsigned __int128>{10, 11, 13, 14, 17, 18, 19, 20}));
}

TEST(ExpandGapsTest, StepSkipsUnalignedAddresses) {
  GapScan scan;
  scan.lowest_leased = 256;
  scan.gaps = {{256, std::nullopt}};
  EXPECT_EQ(expandGaps(scan, {1, 1024}, 256, 10),
            (std::vector<unsigned __int128>{512, 768, 1024}));
}

TEST(ExpandGapsTest, StopsAtTopOfAddressSpace) {
  GapScan scan;
  scan.lowest_leased = kMax128 - 1;
  scan.gaps = {{kMax128 - 1, std::nullopt}};
  EXPECT_EQ(expandGaps(scan, {kMax128 - 3, kMax128}, 1, 10),
            (std::vector<unsigned __int128>{kMax128 - 3, kMax128 - 2, kMax128}));
}

}  // namespace
}  // namespace leasehold::sql
