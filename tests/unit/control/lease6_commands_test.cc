#include <gtest/gtest.h>

#include "tests/unit/control/control_fixture.h"

namespace leasehold::testing {
namespace {

constexpr const char* kDuid = "00:01:00:01:aa:bb:cc:dd:ee:01";

class Lease6CommandsTest : public ::testing::Test {
 protected:
  ControlFixture control_{control::Family::kV6};
};

TEST_F(Lease6CommandsTest, AddAndGetAddress) {
  const Json added = control_.run(
      "lease6-add", {{"ip-address", "2001:db8:1::101"}, {"duid", kDuid}, {"iaid", 1}});
  EXPECT_EQ(added["text"], "Lease for address 2001:db8:1::101, subnet-id 1 added.");
  const Json lease = control_.run("lease6-get", {{"ip-address", "2001:db8:1::101"}})["arguments"];
  EXPECT_EQ(lease["type"], "IA_NA");
  EXPECT_EQ(lease["duid"], kDuid);
  EXPECT_EQ(lease["preferred-lft"], 4000);
  EXPECT_FALSE(lease.contains("prefix-len"));
  EXPECT_EQ(control_.statistic("subnet[1].assigned-nas"), 1);
}

TEST_F(Lease6CommandsTest, PrefixWithHostBitsIsRejected) {
  const Json answer = control_.run("lease6-add", {{"ip-address", "2001:db8:8000:101::"},
                                                  {"duid", kDuid},
                                                  {"iaid", 2},
                                                  {"type", "IA_PD"},
                                                  {"prefix-len", 48},
                                                  {"subnet-id", 1}});
  EXPECT_EQ(answer["result"], 1);
  EXPECT_EQ(answer["text"],
            "Invalid prefix 2001:db8:8000:101::/48: the bits after the prefix length must be zero");
  EXPECT_EQ(control_.store_.leases6_.size(), 0u);
}

TEST_F(Lease6CommandsTest, PrefixNeedsSubnetId) {
  const Json answer = control_.run(
      "lease6-add",
      {{"ip-address", "2001:db8:8000:100::"}, {"duid", kDuid}, {"iaid", 2}, {"type", "IA_PD"},
       {"prefix-len", 56}});
  EXPECT_EQ(answer["text"],
            "Subnet-id is 0 or not specified. This is allowed for address leases only, not prefix "
            "leases.");
}

TEST_F(Lease6CommandsTest, PrefixLeaseRoundTrip) {
  const Json added = control_.run("lease6-add", {{"ip-address", "2001:db8:8000:100::"},
                                                 {"duid", kDuid},
                                                 {"iaid", 2},
                                                 {"type", "IA_PD"},
                                                 {"prefix-len", 56},
                                                 {"subnet-id", 1}});
  EXPECT_EQ(added["text"], "Lease for prefix 2001:db8:8000:100::/56, subnet-id 1 added.");
  EXPECT_EQ(control_.statistic("subnet[1].assigned-pds"), 1);
  EXPECT_EQ(control_.run("lease6-get", {{"ip-address", "2001:db8:8000:100::"}})["result"], 3);
  const Json lease = control_.run(
      "lease6-get", {{"ip-address", "2001:db8:8000:100::"}, {"type", "IA_PD"}})["arguments"];
  EXPECT_EQ(lease["prefix-len"], 56);
  EXPECT_EQ(control_.run("lease6-del", {{"ip-address", "2001:db8:8000:100::"}, {"type", "IA_PD"}})
                ["text"],
            "IPv6 lease deleted.");
  EXPECT_EQ(control_.statistic("subnet[1].assigned-pds"), 0);
}

TEST_F(Lease6CommandsTest, MissingArgumentsAreNamed) {
  EXPECT_EQ(control_.run("lease6-add", {{"ip-address", "2001:db8:1::102"}, {"iaid", 2}})["text"],
            "missing parameter 'duid'");
  EXPECT_EQ(control_.run("lease6-add", {{"ip-address", "2001:db8:1::102"}, {"duid", kDuid}})
                ["text"],
            "missing parameter 'iaid'");
  EXPECT_EQ(control_.run("lease6-add", {{"ip-address", "192.0.2.1"}, {"duid", kDuid},
                                        {"iaid", 2}})["text"],
            "Non-IPv6 address specified: 192.0.2.1");
  EXPECT_EQ(control_.run("lease6-add", {{"ip-address", "2001:db8:1::102"}, {"duid", "xyz"},
                                        {"iaid", 2}})["text"],
            "'xyz' is not a valid string of hexadecimal digits");
  EXPECT_EQ(control_.store_.leases6_.size(), 0u);
}

TEST_F(Lease6CommandsTest, GetByDuidAndHostname) {
  control_.run("lease6-add", {{"ip-address", "2001:db8:2::5"}, {"duid", kDuid}, {"iaid", 7},
                              {"hostname", "Two.Example.org"}});
  EXPECT_EQ(control_.run("lease6-get-by-duid", {{"duid", kDuid}})["text"],
            "1 IPv6 lease(s) found.");
  EXPECT_EQ(control_.run("lease6-get-by-hostname", {{"hostname", "two.example.org"}})["result"],
            0);
  EXPECT_EQ(control_.run("lease6-get", {{"identifier-type", "duid"},
                                        {"identifier", kDuid},
                                        {"iaid", 7},
                                        {"subnet-id", 2}})["result"],
            0);
  EXPECT_EQ(control_.run("lease6-get", {{"identifier-type", "hw-address"},
                                        {"identifier", "1a:1b:1c:1d:1e:1f"},
                                        {"subnet-id", 1}})["text"],
            "Query by hw-address is not allowed in v6.");
}

TEST_F(Lease6CommandsTest, StatLeaseGetCountsPools) {
  control_.run("lease6-add", {{"ip-address", "2001:db8:1::101"}, {"duid", kDuid}, {"iaid", 1}});
  const Json answer = control_.run("stat-lease6-get", {{"subnet-id", 1}});
  EXPECT_EQ(answer["text"], "stat-lease6-get[subnet-id=1]: 1 rows found");
  EXPECT_EQ(answer["arguments"]["result-set"]["rows"][0], Json::array({1, 256, 0, 1, 0, 256, 0, 0}));
}

TEST_F(Lease6CommandsTest, WipeResetsStatistics) {
  control_.run("lease6-add", {{"ip-address", "2001:db8:1::101"}, {"duid", kDuid}, {"iaid", 1}});
  EXPECT_EQ(control_.run("lease6-wipe", {{"subnet-id", 1}})["text"],
            "Deleted 1 IPv6 lease(s) from subnet(s) 1");
  EXPECT_EQ(control_.statistic("subnet[1].assigned-nas"), 0);
}

}  // namespace
}  // namespace leasehold::testing
