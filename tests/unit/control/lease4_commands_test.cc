#include <gtest/gtest.h>

#include "tests/unit/control/control_fixture.h"

namespace leasehold::testing {
namespace {

class Lease4CommandsTest : public ::testing::Test {
 protected:
  Json add(const std::string& address, const std::string& hwaddr, Json extra = Json::object()) {
    extra["ip-address"] = address;
    extra["hw-address"] = hwaddr;
    return control_.run("lease4-add", extra);
  }

  ControlFixture control_{control::Family::kV4};
};

TEST_F(Lease4CommandsTest, AddDerivesSubnetFromAddress) {
  const Json answer = add("192.0.2.11", "1a:1b:1c:1d:1e:01");
  EXPECT_EQ(answer["result"], 0);
  EXPECT_EQ(answer["text"], "Lease for address 192.0.2.11, subnet-id 1 added.");
  EXPECT_EQ(control_.store_.leases4_.size(), 1u);
}

TEST_F(Lease4CommandsTest, GetReturnsKeaFields) {
  add("192.0.2.12", "1a:1b:1c:1d:1e:02",
      {{"client-id", "01:02:03:04"}, {"valid-lft", 1000}, {"expire", 1700001000},
       {"fqdn-fwd", true}, {"hostname", "Host.Example.org"}, {"user-context", {{"a", 1}}}});
  const Json answer = control_.run("lease4-get", {{"ip-address", "192.0.2.12"}});
  ASSERT_EQ(answer["result"], 0);
  EXPECT_EQ(answer["text"], "IPv4 lease found.");
  const Json expected = {{"client-id", "01:02:03:04"}, {"cltt", 1700000000},
                         {"fqdn-fwd", true},           {"fqdn-rev", false},
                         {"hostname", "host.example.org"}, {"hw-address", "1a:1b:1c:1d:1e:02"},
                         {"ip-address", "192.0.2.12"},  {"state", 0},
                         {"subnet-id", 1},              {"user-context", {{"a", 1}}},
                         {"valid-lft", 1000}};
  EXPECT_EQ(answer["arguments"], expected);
  // Kea's field order is alphabetical, and so is the serialized text.
  EXPECT_EQ(answer["arguments"].dump().substr(0, 28), "{\"client-id\":\"01:02:03:04\",\"");
}

TEST_F(Lease4CommandsTest, DefaultLeaseUsesClockAndSubnetLifetime) {
  add("192.0.2.11", "1a:1b:1c:1d:1e:01");
  const Json lease = control_.run("lease4-get", {{"ip-address", "192.0.2.11"}})["arguments"];
  EXPECT_EQ(lease["cltt"], kNow);
  EXPECT_EQ(lease["valid-lft"], 4000);
  EXPECT_FALSE(lease.contains("client-id"));
}

TEST_F(Lease4CommandsTest, RefusalsStoreNothing) {
  struct Case {
    Json arguments;
    std::string text;
  };
  const std::vector<Case> cases = {
      {{{"ip-address", "10.0.0.1"}, {"hw-address", "1a:1b:1c:1d:1e:02"}},
       "subnet-id not specified and failed to find a subnet for address 10.0.0.1"},
      {{{"ip-address", "192.0.2.12"}, {"hw-address", "1a:1b:1c:1d:1e:02"}, {"subnet-id", 2}},
       "The address 192.0.2.12 does not belong to subnet 198.51.100.0/24, subnet-id=2"},
      {{{"ip-address", "192.0.2.12"}, {"hw-address", "1a:1b:1c:1d:1e:02"}, {"subnet-id", 99}},
       "Invalid subnet-id: No IPv4 subnet with subnet-id=99 currently configured."},
      {{{"hw-address", "1a:1b:1c:1d:1e:02"}}, "missing parameter 'ip-address'"},
      {{{"ip-address", "192.0.2.12"}}, "missing parameter 'hw-address'"},
      {{{"ip-address", 5}, {"hw-address", "1a:1b:1c:1d:1e:02"}},
       "invalid type specified for parameter 'ip-address'"},
      {{{"ip-address", "2001:db8::1"}, {"hw-address", "1a:1b:1c:1d:1e:02"}},
       "Non-IPv4 address specified: 2001:db8::1"},
      {{{"ip-address", "192.0.2.12"}, {"hw-address", "zz:zz"}},
       "'z' is not a valid hexadecimal digit in decoded string 'zz:zz'"},
      {{{"ip-address", "192.0.2.12"}, {"hw-address", "1a:1b:1c:1d:1e:02"}, {"subnet-id", "1"}},
       "invalid type specified for parameter 'subnet-id'"},
      {{{"ip-address", "192.0.2.12"}, {"hw-address", "1a:1b:1c:1d:1e:02"}, {"state", 7}},
       "Invalid state value: 7, supported values are: 0 (default), 1 (declined) and 2 "
       "(expired-reclaimed)"},
      {{{"ip-address", "192.0.2.12"}, {"hw-address", "1a:1b:1c:1d:1e:02"}, {"user-context", 5}},
       "Invalid user context '5' is not a JSON map."},
  };
  for (const Case& each : cases) {
    const Json answer = control_.run("lease4-add", each.arguments);
    EXPECT_EQ(answer["result"], 1) << each.arguments;
    EXPECT_EQ(answer["text"], each.text) << each.arguments;
  }
  EXPECT_EQ(control_.store_.leases4_.size(), 0u);
  EXPECT_EQ(control_.statistic("subnet[1].assigned-addresses"), -1);
}

TEST_F(Lease4CommandsTest, DuplicateAddIsRejected) {
  add("192.0.2.11", "1a:1b:1c:1d:1e:01");
  const Json answer = add("192.0.2.11", "1a:1b:1c:1d:1e:02");
  EXPECT_EQ(answer["result"], 1);
  EXPECT_EQ(answer["text"], "IPv4 lease already exists.");
  EXPECT_EQ(control_.statistic("subnet[1].assigned-addresses"), 1);
}

TEST_F(Lease4CommandsTest, StoreFailureIsReportedAndNotCounted) {
  control_.store_.leases4_.fail_next_write = true;
  const Json answer = add("192.0.2.11", "1a:1b:1c:1d:1e:01");
  EXPECT_EQ(answer["result"], 1);
  EXPECT_EQ(answer["text"], "lease database error: database went away");
  EXPECT_EQ(control_.statistic("subnet[1].assigned-addresses"), -1);
}

TEST_F(Lease4CommandsTest, StatisticsFollowAddUpdateDelete) {
  add("192.0.2.11", "1a:1b:1c:1d:1e:01");
  add("192.0.2.13", "1a:1b:1c:1d:1e:03", {{"state", 1}});
  add("192.0.2.14", "1a:1b:1c:1d:1e:03", {{"state", 2}});
  EXPECT_EQ(control_.statistic("subnet[1].assigned-addresses"), 2);
  EXPECT_EQ(control_.statistic("subnet[1].declined-addresses"), 1);
  EXPECT_EQ(control_.statistic("declined-addresses"), 1);

  control_.run("lease4-update",
               {{"ip-address", "192.0.2.11"}, {"hw-address", "1a:1b:1c:1d:1e:01"}, {"state", 1}});
  EXPECT_EQ(control_.statistic("subnet[1].assigned-addresses"), 2);
  EXPECT_EQ(control_.statistic("subnet[1].declined-addresses"), 2);

  control_.run("lease4-del", {{"ip-address", "192.0.2.13"}});
  EXPECT_EQ(control_.statistic("subnet[1].assigned-addresses"), 1);
  EXPECT_EQ(control_.statistic("subnet[1].declined-addresses"), 1);
  EXPECT_EQ(control_.statistic("declined-addresses"), 1);
}

TEST_F(Lease4CommandsTest, UpdateMissingLeaseFailsUnlessForced) {
  const Json args = {{"ip-address", "192.0.2.50"}, {"hw-address", "1a:1b:1c:1d:1e:01"}};
  const Json failed = control_.run("lease4-update", args);
  EXPECT_EQ(failed["result"], 1);
  EXPECT_EQ(failed["text"].get<std::string>().substr(0, 54),
            "failed to update the lease with address 192.0.2.50 eit");
  Json forced = args;
  forced["force-create"] = true;
  const Json created = control_.run("lease4-update", forced);
  EXPECT_EQ(created["text"], "IPv4 lease added.");
  EXPECT_EQ(control_.statistic("subnet[1].assigned-addresses"), 1);
}

TEST_F(Lease4CommandsTest, GetBySelectors) {
  add("192.0.2.12", "1a:1b:1c:1d:1e:02", {{"client-id", "01:02:03:04"}});
  EXPECT_EQ(control_.run("lease4-get", {{"identifier-type", "hw-address"},
                                        {"identifier", "1a:1b:1c:1d:1e:02"},
                                        {"subnet-id", 1}})["result"],
            0);
  EXPECT_EQ(control_.run("lease4-get", {{"identifier-type", "client-id"},
                                        {"identifier", "01:02:03:04"},
                                        {"subnet-id", 1}})["result"],
            0);
  const Json no_subnet = control_.run(
      "lease4-get", {{"identifier-type", "hw-address"}, {"identifier", "1a:1b:1c:1d:1e:02"}});
  EXPECT_EQ(no_subnet["text"], "Mandatory 'subnet-id' parameter missing.");
  const Json duid = control_.run(
      "lease4-get", {{"identifier-type", "duid"}, {"identifier", "01:02"}, {"subnet-id", 1}});
  EXPECT_EQ(duid["text"], "Query by duid is not allowed in v4.");
  const Json missing = control_.run("lease4-get", {{"ip-address", "192.0.2.99"}});
  EXPECT_EQ(missing["result"], 3);
  EXPECT_EQ(missing["text"], "Lease not found.");
  EXPECT_EQ(control_.run("lease4-get", Json::array({1}))["text"],
            "Parameters missing or are not a map.");
}

TEST_F(Lease4CommandsTest, GetAllAndLookups) {
  add("198.51.100.101", "1a:1b:1c:1d:1e:03", {{"client-id", "aa:bb"}});
  add("192.0.2.11", "1a:1b:1c:1d:1e:01", {{"hostname", "one.example.org"}});
  add("203.0.113.7", "1a:1b:1c:1d:1e:03");

  const Json all = control_.run("lease4-get-all");
  EXPECT_EQ(all["text"], "3 IPv4 lease(s) found.");
  EXPECT_EQ(all["arguments"]["leases"][0]["ip-address"], "192.0.2.11");
  const Json listed = control_.run("lease4-get-all", {{"subnets", {3, 2}}});
  ASSERT_EQ(listed["arguments"]["leases"].size(), 2u);
  EXPECT_EQ(listed["arguments"]["leases"][0]["ip-address"], "203.0.113.7");
  EXPECT_EQ(control_.run("lease4-get-all", {{"subnets", 2}})["text"],
            "'subnets' parameter must be a list");
  EXPECT_EQ(control_.run("lease4-get-all", {{"subnets", {"2"}}})["text"],
            "listed subnet identifiers must be numbers");
  const Json none = control_.run("lease4-get-all", {{"subnets", {99}}});
  EXPECT_EQ(none["result"], 3);

  EXPECT_EQ(control_.run("lease4-get-by-hw-address",
                         {{"hw-address", "1a:1b:1c:1d:1e:03"}})["arguments"]["leases"].size(),
            2u);
  EXPECT_EQ(control_.run("lease4-get-by-client-id", {{"client-id", "aa:bb"}})["result"], 0);
  EXPECT_EQ(control_.run("lease4-get-by-hostname", {{"hostname", "ONE.example.org"}})["result"],
            0);
  EXPECT_EQ(control_.run("lease4-get-by-hostname", {{"hostname", ""}})["text"],
            "'hostname' parameter is empty");
  EXPECT_EQ(control_.run("lease4-get-by-hw-address", Json::object())["text"],
            "'hw-address' parameter not specified");
}

TEST_F(Lease4CommandsTest, GetPageWalksAddresses) {
  add("192.0.2.11", "1a:1b:1c:1d:1e:01");
  add("192.0.2.12", "1a:1b:1c:1d:1e:02");
  add("192.0.2.13", "1a:1b:1c:1d:1e:03");
  const Json first = control_.run("lease4-get-page", {{"from", "start"}, {"limit", 2}});
  EXPECT_EQ(first["arguments"]["count"], 2);
  const Json next = control_.run("lease4-get-page", {{"from", "192.0.2.12"}, {"limit", 2}});
  EXPECT_EQ(next["arguments"]["count"], 1);
  EXPECT_EQ(next["arguments"]["leases"][0]["ip-address"], "192.0.2.13");
  const Json end = control_.run("lease4-get-page", {{"from", "192.0.2.13"}, {"limit", 2}});
  EXPECT_EQ(end["result"], 3);
  EXPECT_EQ(control_.run("lease4-get-page", {{"from", "start"}, {"limit", 0}})["text"],
            "page size of retrieved leases must not be 0");
  EXPECT_EQ(control_.run("lease4-get-page", {{"from", "nowhere"}, {"limit", 2}})["text"],
            "'from' parameter value is neither 'start' keyword nor a valid IPv4 address");
  EXPECT_EQ(control_.run("lease4-get-page", {{"from", "2001:db8::1"}, {"limit", 2}})["text"],
            "'from' parameter value 2001:db8::1 is not an IPv4 address");
}

TEST_F(Lease4CommandsTest, WipeSubnetAndAll) {
  add("192.0.2.11", "1a:1b:1c:1d:1e:01", {{"state", 1}});
  add("198.51.100.101", "1a:1b:1c:1d:1e:03");
  const Json one = control_.run("lease4-wipe", {{"subnet-id", 2}});
  EXPECT_EQ(one["text"], "Deleted 1 IPv4 lease(s) from subnet(s) 2");
  EXPECT_EQ(control_.statistic("subnet[2].assigned-addresses"), 0);
  const Json all = control_.run("lease4-wipe");
  EXPECT_EQ(all["text"], "Deleted 1 IPv4 lease(s) from subnet(s) 1 2 3");
  EXPECT_EQ(control_.statistic("declined-addresses"), 0);
  const Json empty = control_.run("lease4-wipe");
  EXPECT_EQ(empty["result"], 3);
}

TEST_F(Lease4CommandsTest, DeleteByHwAddress) {
  add("203.0.113.7", "1a:1b:1c:1d:1e:01");
  const Json answer = control_.run(
      "lease4-del",
      {{"identifier-type", "hw-address"}, {"identifier", "1a:1b:1c:1d:1e:01"}, {"subnet-id", 3}});
  EXPECT_EQ(answer["text"], "IPv4 lease deleted.");
  EXPECT_EQ(control_.run("lease4-del", {{"ip-address", "203.0.113.7"}})["text"],
            "IPv4 lease not found.");
  EXPECT_EQ(control_.statistic("subnet[3].assigned-addresses"), 0);
}

TEST_F(Lease4CommandsTest, StatLeaseGetReportsRows) {
  add("192.0.2.11", "1a:1b:1c:1d:1e:01");
  add("192.0.2.13", "1a:1b:1c:1d:1e:03", {{"state", 1}});
  const Json all = control_.run("stat-lease4-get");
  EXPECT_EQ(all["text"], "stat-lease4-get[all subnets]: 3 rows found");
  const Json& result_set = all["arguments"]["result-set"];
  EXPECT_EQ(result_set["columns"][1], "total-addresses");
  EXPECT_EQ(result_set["rows"][0], Json::array({1, 91, 0, 1, 1}));
  EXPECT_EQ(result_set["rows"][1], Json::array({2, 21, 0, 0, 0}));
  const Json range = control_.run(
      "stat-lease4-get", {{"subnet-range", {{"first-subnet-id", 2}, {"last-subnet-id", 3}}}});
  EXPECT_EQ(range["text"], "stat-lease4-get[subnets 2 through 3]: 2 rows found");
  const Json unknown = control_.run("stat-lease4-get", {{"subnet-id", 99}});
  EXPECT_EQ(unknown["result"], 3);
  EXPECT_EQ(unknown["text"],
            "stat-lease4-get[subnet-id=99]: no matching data, subnet-id: 99 does not exist");
  EXPECT_EQ(control_.run("stat-lease4-get", {{"subnet-id", 1},
                                             {"subnet-range",
                                              {{"first-subnet-id", 1}, {"last-subnet-id", 2}}}})
                ["text"],
            "cannot specify both subnet-id and subnet-range");
}

}  // namespace
}  // namespace leasehold::testing
