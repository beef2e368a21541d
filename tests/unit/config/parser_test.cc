#include <gtest/gtest.h>

#include "server/config/parser.h"

namespace leasehold::config {
namespace {

using nlohmann::json;

std::shared_ptr<const Dhcp4Config> parse4(const std::string& dhcp4_body) {
  const auto root = parseKeaJsonText("{\"Dhcp4\": {" + dhcp4_body + "}}", ".");
  EXPECT_TRUE(root) << root.error().toString();
  auto config = parseDhcp4(*root, ParseContext{});
  EXPECT_TRUE(config) << config.error().toString();
  return config ? *config : nullptr;
}

std::string error4(const std::string& dhcp4_body) {
  const auto root = parseKeaJsonText("{\"Dhcp4\": {" + dhcp4_body + "}}", ".");
  EXPECT_TRUE(root) << root.error().toString();
  auto config = parseDhcp4(*root, ParseContext{});
  EXPECT_FALSE(config) << dhcp4_body;
  return config ? "" : config.error().toString();
}

std::shared_ptr<const Dhcp6Config> parse6(const std::string& dhcp6_body) {
  const auto root = parseKeaJsonText("{\"Dhcp6\": {" + dhcp6_body + "}}", ".");
  EXPECT_TRUE(root) << root.error().toString();
  auto config = parseDhcp6(*root, ParseContext{});
  EXPECT_TRUE(config) << config.error().toString();
  return config ? *config : nullptr;
}

std::string error6(const std::string& dhcp6_body) {
  const auto root = parseKeaJsonText("{\"Dhcp6\": {" + dhcp6_body + "}}", ".");
  EXPECT_TRUE(root) << root.error().toString();
  auto config = parseDhcp6(*root, ParseContext{});
  EXPECT_FALSE(config) << dhcp6_body;
  return config ? "" : config.error().toString();
}

const char* kSubnet4 = R"("subnet4": [{"id": 4, "subnet": "10.0.0.0/24")";

TEST(ParseDhcp4Test, MinimalSubnetGetsKeaDefaults) {
  auto config = parse4(R"("subnet4": [{"id": 1, "subnet": "192.0.2.0/24",
                          "pools": [{"pool": "192.0.2.10 - 192.0.2.20"}]}])");
  ASSERT_TRUE(config);
  ASSERT_EQ(config->subnets.size(), 1u);
  const Subnet4& subnet = config->subnets[0];
  EXPECT_EQ(subnet.id, 1u);
  EXPECT_EQ(subnet.prefix.toString(), "192.0.2.0/24");
  EXPECT_EQ(subnet.valid_lifetime.value, seconds(7200));
  EXPECT_EQ(subnet.valid_lifetime.min, seconds(7200));
  EXPECT_FALSE(subnet.calculate_tee_times);
  EXPECT_TRUE(subnet.match_client_id);
  EXPECT_EQ(config->lease_database.type, "memfile");
  ASSERT_EQ(subnet.pools.size(), 1u);
  EXPECT_EQ(subnet.pools[0].size(), 11u);
  EXPECT_NE(subnet.findPool(*IPv4Address::parse("192.0.2.15")), nullptr);
  EXPECT_EQ(subnet.findPool(*IPv4Address::parse("192.0.2.21")), nullptr);
  EXPECT_EQ(config->findSubnet(1), &subnet);
  EXPECT_EQ(config->findSubnet(2), nullptr);
}

TEST(ParseDhcp4Test, InheritsGlobalThenSharedNetworkThenSubnet) {
  auto config = parse4(R"(
    "valid-lifetime": 1000, "renew-timer": 100, "match-client-id": false,
    "next-server": "192.0.2.1", "authoritative": true,
    "shared-networks": [{
      "name": "net", "valid-lifetime": 2000, "interface": "eth0",
      "relay": {"ip-addresses": ["10.9.9.9"]},
      "subnet4": [
        {"id": 1, "subnet": "10.0.1.0/24"},
        {"id": 2, "subnet": "10.0.2.0/24", "valid-lifetime": 3000, "max-valid-lifetime": 4000,
         "match-client-id": true}
      ]}],
    "subnet4": [{"id": 3, "subnet": "10.0.3.0/24"}])");
  ASSERT_TRUE(config);
  const Subnet4* top = config->findSubnet(3);
  const Subnet4* first = config->findSubnet(1);
  const Subnet4* second = config->findSubnet(2);
  ASSERT_TRUE(top && first && second);
  EXPECT_EQ(top->valid_lifetime.value, seconds(1000));
  EXPECT_EQ(first->valid_lifetime.value, seconds(2000));
  EXPECT_EQ(second->valid_lifetime.value, seconds(3000));
  EXPECT_EQ(second->valid_lifetime.max, seconds(4000));
  EXPECT_EQ(second->valid_lifetime.min, seconds(3000));
  EXPECT_EQ(first->renew_timer, seconds(100));
  EXPECT_FALSE(first->match_client_id);
  EXPECT_TRUE(second->match_client_id);
  EXPECT_TRUE(first->authoritative);
  EXPECT_EQ(first->next_server->toString(), "192.0.2.1");
  EXPECT_EQ(first->interface, "eth0");
  EXPECT_EQ(first->shared_network, "net");
  ASSERT_EQ(first->relay_addresses.size(), 1u);
  EXPECT_EQ(first->relay_addresses[0].toString(), "10.9.9.9");
  EXPECT_TRUE(top->shared_network.empty());
  ASSERT_EQ(config->shared_networks.size(), 1u);
  EXPECT_EQ(config->shared_networks[0].subnet_ids, (std::vector<SubnetId>{1, 2}));
  EXPECT_EQ(config->findSharedNetwork("net"), &config->shared_networks[0]);
}

TEST(ParseDhcp4Test, TripletResolvesHintsIntoBounds) {
  auto config = parse4(R"("valid-lifetime": 600, "min-valid-lifetime": 300,
                          "max-valid-lifetime": 900, "subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}])");
  ASSERT_TRUE(config);
  const Triplet& triplet = config->subnets[0].valid_lifetime;
  EXPECT_EQ(triplet.resolve(std::nullopt), seconds(600));
  EXPECT_EQ(triplet.resolve(seconds(100)), seconds(300));
  EXPECT_EQ(triplet.resolve(seconds(5000)), seconds(900));
  EXPECT_EQ(triplet.resolve(seconds(700)), seconds(700));
}

TEST(ParseDhcp4Test, ErrorsNameKeyPathAndValue) {
  struct Case {
    std::string body;
    std::string error;
  };
  const std::string subnet = kSubnet4;
  for (const Case& c : std::vector<Case>{
           {subnet + R"(, "pools": [{"pool": "10.0.0.1 - 10.0.0.5"}, {"pool": "10.0.0.9 - 10.0.0.1"}]}])",
            "Dhcp4/subnet4[0]/pools[1]/pool: invalid pool \"10.0.0.9 - 10.0.0.1\" in subnet 4: "
            "start is above end"},
           {subnet + R"(, "pools": [{"pool": "10.0.1.1 - 10.0.1.5"}]}])",
            "Dhcp4/subnet4[0]/pools[0]/pool: invalid pool \"10.0.1.1 - 10.0.1.5\" in subnet 4: "
            "outside the subnet 10.0.0.0/24"},
           {subnet + R"(, "pools": [{"pool": "10.0.0.1 - 10.0.0.50"}, {"pool": "10.0.0.32/28"}]}])",
            "Dhcp4/subnet4[0]/pools[1]/pool: pool \"10.0.0.32/28\" overlaps pool "
            "\"10.0.0.1 - 10.0.0.50\""},
           {subnet + R"(, "pools": [{"pool": "10.0.0.x - 10.0.0.5"}]}])",
            "Dhcp4/subnet4[0]/pools[0]/pool: invalid pool \"10.0.0.x - 10.0.0.5\" in subnet 4: "
            "expected two IPv4 addresses"},
           {R"("subnet4": [{"id": 1, "subnet": "10.0.0.0/24"}, {"id": 1, "subnet": "10.0.1.0/24"}])",
            "Dhcp4/subnet4[1]/id: duplicate subnet id 1: subnets 10.0.0.0/24 and 10.0.1.0/24 "
            "both use it"},
           {R"("subnet4": [{"id": 1, "subnet": "10.0.0.0/16"}, {"id": 2, "subnet": "10.0.1.0/24"}])",
            "Dhcp4/subnet4[1]/subnet: subnet 10.0.1.0/24 (id 2) overlaps subnet 10.0.0.0/16 (id 1)"},
           {R"("subnet4": [{"id": 1, "subnet": "10.0.0.0/24"}, {"id": 2, "subnet": "10.0.0.0/24"}])",
            "Dhcp4/subnet4[1]/subnet: subnet 10.0.0.0/24 (id 2) overlaps subnet 10.0.0.0/24 (id 1)"},
           {R"("subnet4": [{"subnet": "10.0.0.0/24"}])",
            "Dhcp4/subnet4[0]/id: missing subnet id: Leasehold needs an explicit id because "
            "leases and reservations are stored by it"},
           {R"("subnet4": [{"id": 0, "subnet": "10.0.0.0/24"}])",
            "Dhcp4/subnet4[0]/id: value 0 is out of range (1 to 4294967294)"},
           {R"("subnet4": [{"id": 1, "subnet": "10.0.0.1/24"}])",
            "Dhcp4/subnet4[0]/subnet: invalid subnet \"10.0.0.1/24\": bits are set beyond the "
            "prefix length; did you mean 10.0.0.0/24?"},
           {R"("subnet4": [{"id": "1", "subnet": "10.0.0.0/24"}])",
            "Dhcp4/subnet4[0]/id: expected an integer, got a string \"1\""},
           {R"("subnet4": {"id": 1})",
            "Dhcp4/subnet4: expected a list, got an object {\"id\":1}"},
           {R"("valid-lifetime": 100, "min-valid-lifetime": 200)",
            "Dhcp4/min-valid-lifetime: invalid lifetimes: min-valid-lifetime (200) is above "
            "valid-lifetime (100)"},
           {subnet + R"(, "valid-lifetime": 500, "max-valid-lifetime": 400}])",
            "Dhcp4/subnet4[0]/max-valid-lifetime: invalid lifetimes: max-valid-lifetime (400) is "
            "below valid-lifetime (500)"},
           {R"("calculate-tee-times": true, "t1-percent": 0.9, "t2-percent": 0.5, )" + subnet + "}]",
            "Dhcp4/subnet4[0]/t1-percent: invalid t1-percent 0.9: it must be below t2-percent 0.5"},
           {R"("t1-percent": 1.5)", "Dhcp4/t1-percent: value 1.5 is out of range (0.0 to 1.0)"},
           {R"("valid-lifetme": 100)",
            "Dhcp4/valid-lifetme: unknown parameter \"valid-lifetme\" (Kea rejects it too)"},
           {subnet + R"(, "pools": [{"pool": "10.0.0.1 - 10.0.0.2", "pol-id": 1}]}])",
            "Dhcp4/subnet4[0]/pools[0]/pol-id: unknown parameter \"pol-id\" (Kea rejects it too)"},
           {R"("shared-networks": [{"name": "a"}, {"name": "a"}])",
            "Dhcp4/shared-networks[1]/name: duplicate shared network name \"a\""},
           {R"("shared-networks": [{"interface": "eth0", "name": "a", "subnet4": [
                {"id": 1, "subnet": "10.0.0.0/24", "interface": "eth1"}]}])",
            "Dhcp4/shared-networks[0]/subnet4[0]/interface: interface \"eth1\" differs from "
            "interface \"eth0\" of shared network \"a\""},
           {R"("authoritative": "yes")",
            "Dhcp4/authoritative: expected a boolean, got a string \"yes\""},
       }) {
    EXPECT_EQ(error4(c.body), c.error);
  }
}

TEST(ParseDhcp4Test, ReservationsByEveryIdentifier) {
  auto config = parse4(std::string(kSubnet4) + R"(, "reservations": [
      {"hw-address": "1a:1b:1c:1d:1e:1f", "ip-address": "10.0.0.5", "hostname": "a.example.org",
       "next-server": "10.0.0.1", "boot-file-name": "boot", "client-classes": ["x"],
       "option-data": [{"name": "domain-name-servers", "data": "10.0.0.53"}]},
      {"client-id": "01:aa:bb", "ip-address": "10.0.0.6"},
      {"duid": "01:02:03:04", "ip-address": "10.0.0.7"},
      {"circuit-id": "'charter950'", "ip-address": "10.0.0.8"},
      {"flex-id": "'s0mEVaLue'", "ip-address": "10.0.0.9"}]}])");
  ASSERT_TRUE(config);
  const auto& reservations = config->subnets[0].reservations;
  ASSERT_EQ(reservations.size(), 5u);
  EXPECT_EQ(reservations[0].identifier_type, IdentifierType::kHwAddress);
  EXPECT_EQ(reservations[0].identifier, (std::vector<uint8_t>{0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f}));
  EXPECT_EQ(reservations[0].hostname, "a.example.org");
  EXPECT_EQ(reservations[0].next_server->toString(), "10.0.0.1");
  ASSERT_EQ(reservations[0].options.size(), 1u);
  EXPECT_EQ(reservations[0].options[0].payload, (std::vector<uint8_t>{10, 0, 0, 53}));
  EXPECT_EQ(reservations[1].identifier_type, IdentifierType::kClientId);
  EXPECT_EQ(reservations[2].identifier_type, IdentifierType::kDuid);
  EXPECT_EQ(reservations[3].identifier_type, IdentifierType::kCircuitId);
  EXPECT_EQ(reservations[3].identifier, (std::vector<uint8_t>{'c', 'h', 'a', 'r', 't', 'e', 'r', '9', '5', '0'}));
  EXPECT_EQ(reservations[4].identifier_type, IdentifierType::kFlexId);
  EXPECT_EQ(identifierTypeName(IdentifierType::kFlexId), "flex-id");
}

TEST(ParseDhcp4Test, ReservationErrors) {
  const std::string subnet = kSubnet4;
  struct Case {
    std::string body;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {subnet + R"(, "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "10.0.1.5"}]}])",
            "Dhcp4/subnet4[0]/reservations[0]/ip-address: reserved address 10.0.1.5 is outside "
            "subnet 4 (10.0.0.0/24)"},
           {subnet + R"(, "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "10.0.0.5"},
                                           {"hw-address": "aa:bb:cc:dd:ee:01", "ip-address": "10.0.0.5"}]}])",
            "Dhcp4/subnet4[0]/reservations[1]/ip-address: address 10.0.0.5 is reserved twice in "
            "subnet 4 (also in reservations[0]); set ip-reservations-unique to false to allow it"},
           {subnet + R"(, "reservations": [{"hw-address": "aa:bb:cc:dd:ee:ff", "ip-address": "10.0.0.5"},
                                           {"hw-address": "AA:BB:CC:DD:EE:FF", "ip-address": "10.0.0.6"}]}])",
            "Dhcp4/subnet4[0]/reservations[1]: duplicate reservation for hw-address "
            "aa:bb:cc:dd:ee:ff: reservations[0] has the same identifier"},
           {subnet + R"(, "reservations": [{"hw-address": "aa:bb", "duid": "01:02"}]}])",
            "Dhcp4/subnet4[0]/reservations[0]/duid: a reservation has one identifier, but both "
            "hw-address and duid are set"},
           {subnet + R"(, "reservations": [{"ip-address": "10.0.0.5"}]}])",
            "Dhcp4/subnet4[0]/reservations[0]: missing identifier: set hw-address, duid, "
            "circuit-id, client-id or flex-id"},
           {subnet + R"(, "reservations": [{"hw-address": "zz:bb"}]}])",
            "Dhcp4/subnet4[0]/reservations[0]/hw-address: invalid hw-address \"zz:bb\": expected "
            "1 to 20 hex bytes such as 1a:1b:1c:1d:1e:1f"},
           {R"("reservations": [{"hw-address": "aa:bb", "ip-address": "10.0.0.1"},
                                {"hw-address": "aa:bb", "ip-address": "10.0.0.2"}])",
            "Dhcp4/reservations[1]: duplicate reservation for hw-address aa:bb: reservations[0] "
            "has the same identifier"},
       }) {
    EXPECT_EQ(error4(c.body), c.error);
  }
  auto shared = parse4(R"("ip-reservations-unique": false, )" + subnet +
                       R"(, "reservations": [{"hw-address": "aa:bb", "ip-address": "10.0.0.5"},
                                             {"hw-address": "aa:cc", "ip-address": "10.0.0.5"}]}])");
  ASSERT_TRUE(shared);
  EXPECT_FALSE(shared->ip_reservations_unique);
}

TEST(ParseDhcp4Test, GlobalReservationsAndModes) {
  auto config = parse4(R"("reservations": [{"hw-address": "aa:bb", "ip-address": "192.0.2.9"}],
      "reservation-mode": "global", "subnet4": [{"id": 1, "subnet": "10.0.0.0/24",
      "reservations-in-subnet": true, "reservations-out-of-pool": true}])");
  ASSERT_TRUE(config);
  ASSERT_EQ(config->global_reservations.size(), 1u);
  EXPECT_TRUE(config->subnets[0].reservations_global);
  EXPECT_TRUE(config->subnets[0].reservations_in_subnet);
  EXPECT_TRUE(config->subnets[0].reservations_out_of_pool);
  EXPECT_EQ(error4(R"("reservation-mode": "all", "reservations-global": true)"),
            "Dhcp4/reservation-mode: use either reservation-mode or the reservations-* flags, not "
            "both");
  EXPECT_EQ(error4(R"("reservation-mode": "some")"),
            "Dhcp4/reservation-mode: invalid reservation-mode \"some\": use all, out-of-pool, "
            "global or disabled");
}

TEST(ParseDhcp4Test, OptionDataAtEveryLevel) {
  auto config = parse4(R"(
    "option-def": [{"name": "my-opt", "code": 222, "type": "record", "record-types": "uint8, string"}],
    "option-data": [{"name": "domain-name-servers", "data": "192.0.2.1, 192.0.2.2"},
                    {"code": 222, "data": "7, text"},
                    {"code": 250, "data": "0a0b"},
                    {"name": "routers", "space": "dhcp4", "csv-format": false, "data": "C0000201",
                     "always-send": true, "never-send": false, "client-classes": ["c"]}],
    "client-classes": [{"name": "c", "test": "option[60].text == 'x'",
                        "option-def": [{"name": "class-opt", "code": 223, "type": "uint16"}],
                        "option-data": [{"name": "class-opt", "data": "513"}]}],
    "shared-networks": [{"name": "n", "option-data": [{"name": "domain-name", "data": "example.org"}],
      "subnet4": [{"id": 1, "subnet": "10.0.0.0/24",
        "option-data": [{"name": "vivso-suboptions", "data": "4491"},
                        {"name": "tftp-servers", "space": "vendor-4491", "data": "10.0.0.2"}],
        "pools": [{"pool": "10.0.0.10-10.0.0.20",
                   "option-data": [{"name": "dhcp-agent-options"},
                                   {"name": "circuit-id", "space": "dhcp-agent-options-space", "data": "01"}]}]}]}])");
  ASSERT_TRUE(config);
  ASSERT_EQ(config->global_options.size(), 4u);
  EXPECT_EQ(config->global_options[0].code, 6);
  EXPECT_EQ(config->global_options[0].space, "dhcp4");
  EXPECT_EQ(config->global_options[0].payload, (std::vector<uint8_t>{192, 0, 2, 1, 192, 0, 2, 2}));
  EXPECT_EQ(config->global_options[1].payload, (std::vector<uint8_t>{7, 't', 'e', 'x', 't'}));
  EXPECT_EQ(config->global_options[2].code, 250);
  EXPECT_EQ(config->global_options[2].payload, (std::vector<uint8_t>{0x0a, 0x0b}));
  EXPECT_TRUE(config->global_options[3].always_send);
  EXPECT_EQ(config->global_options[3].client_classes, (std::vector<std::string>{"c"}));
  ASSERT_EQ(config->client_classes.size(), 1u);
  EXPECT_EQ(config->client_classes[0].test, "option[60].text == 'x'");
  EXPECT_NE(config->client_classes[0].expression, nullptr);
  EXPECT_EQ(config->client_classes[0].options[0].payload, (std::vector<uint8_t>{2, 1}));
  EXPECT_EQ(config->findClass("c"), &config->client_classes[0]);
  EXPECT_EQ(config->shared_networks[0].options[0].code, 15);
  EXPECT_EQ(config->subnets[0].options[1].space, "vendor-4491");
  EXPECT_EQ(config->subnets[0].pools[0].options[1].space, "dhcp-agent-options-space");
  EXPECT_EQ(config->option_definitions.all().size(), 1u);
}

TEST(ParseDhcp4Test, OptionErrors) {
  struct Case {
    std::string body;
    std::string error;
  };
  for (const Case& c : std::vector<Case>{
           {R"("option-data": [{"name": "no-such-option", "data": "1"}])",
            "Dhcp4/option-data[0]/name: unknown option \"no-such-option\" in space \"dhcp4\": "
            "define it with option-def or give its code"},
           {R"("option-data": [{"name": "routers", "data": "192.0.2.300"}])",
            "Dhcp4/option-data[0]/data: invalid data \"192.0.2.300\" for option \"routers\": "
            "value 1 (ipv4-address): invalid IPv4 address \"192.0.2.300\""},
           {R"("option-data": [{"name": "routers", "code": 6, "data": "192.0.2.1"}])",
            "Dhcp4/option-data[0]/code: option \"routers\" in space \"dhcp4\" has code 3, not 6"},
           {R"("option-data": [{"code": 250, "csv-format": true, "data": "1"}])",
            "Dhcp4/option-data[0]/csv-format: option code 250 in space \"dhcp4\" has no "
            "definition, so data must be hex: set csv-format to false or add an option-def"},
           {R"("option-data": [{"code": 255, "data": "01"}])",
            "Dhcp4/option-data[0]/code: value 255 is out of range (0 to 254)"},
           {R"("option-data": [{"name": "routers"}])",
            "Dhcp4/option-data[0]/data: missing data for option \"routers\""},
           {R"("option-data": [{"data": "1"}])",
            "Dhcp4/option-data[0]/name: an option-data entry needs a name or a code"},
           {R"("option-def": [{"name": "my-routers", "code": 3, "type": "uint8"}])",
            "Dhcp4/option-def[0]/code: option code 3 in space \"dhcp4\" is a standard option and "
            "cannot be redefined"},
           {R"("option-def": [{"name": "a", "code": 200, "type": "uint8"}, {"name": "b", "code": 200, "type": "uint8"}])",
            "Dhcp4/option-def[1]: option code 200 is already defined in space \"dhcp4\""},
           {R"("option-def": [{"name": "a", "code": 200, "type": "uint64"}])",
            "Dhcp4/option-def[0]/type: unknown option type \"uint64\""},
           {R"("option-def": [{"name": "a", "code": 200, "type": "record", "record-types": "string, uint8"}])",
            "Dhcp4/option-def[0]: invalid option definition \"a\": record field 1 has type string, "
            "which is only allowed as the last field"},
       }) {
    EXPECT_EQ(error4(c.body), c.error);
  }
  // Option 43 may be redefined, as Kea allows for vendor-specific layouts.
  auto config = parse4(R"("option-def": [{"name": "vendor-encapsulated-options", "code": 43, "type": "binary"}],
                          "option-data": [{"name": "vendor-encapsulated-options", "data": "0102"}])");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->global_options[0].payload, (std::vector<uint8_t>{1, 2}));
}

TEST(ParseDhcp4Test, ClientClassTestsCompileOrNameTheKeyAndToken) {
  auto config = parse4(R"J("client-classes": [
      {"name": "pxe", "test": "substring(option[60].hex, 0, 9) == 'PXEClient'"},
      {"name": "known-pxe", "test": "member('pxe') and member('KNOWN')"},
      {"name": "spawn", "template-test": "option[60].hex"}])J");
  ASSERT_TRUE(config);
  ASSERT_NE(config->client_classes[0].expression, nullptr);
  EXPECT_FALSE(config->client_classes[0].dependsOnKnown());
  EXPECT_TRUE(config->client_classes[1].dependsOnKnown());
  EXPECT_TRUE(config->client_classes[2].isTemplate());

  EXPECT_EQ(error4(R"J("client-classes": [{"name": "a"}, {"name": "b"},
      {"name": "c", "test": "member('d')"}, {"name": "d"}])J"),
            "Dhcp4/client-classes[2]/test: class 'd' is not defined before this one at column "
            "8 near \"'d'\"");
  EXPECT_EQ(error4(R"J("client-classes": [{"name": "a", "test": "option[60].hex == 'x' and"}])J"),
            "Dhcp4/client-classes[0]/test: the expression ends too early at the end of the "
            "expression");
  EXPECT_EQ(error4(R"J("client-classes": [{"name": "a", "test": ""}])J"),
            "Dhcp4/client-classes[0]/test: empty expression: write a condition or remove the "
            "key");
  EXPECT_EQ(error6(R"J("client-classes": [{"name": "a", "test": "pkt4.mac == 0x01"}])J"),
            "Dhcp6/client-classes[0]/test: pkt4 can only be used in DHCPv4 at column 1 near "
            "\"pkt4\"");
}

TEST(ParseDhcp4Test, ClientClassNamesAreUnique) {
  EXPECT_EQ(error4(R"J("client-classes": [{"name": "a", "test": "member('ALL')"}, {"name": "a"}])J"),
            "Dhcp4/client-classes[1]/name: duplicate client class \"a\": class names must be "
            "unique");
  EXPECT_EQ(error4(R"J("client-classes": [{"test": "member('ALL')"}])J"),
            "Dhcp4/client-classes[0]/name: missing client class name");
  auto config = parse4(R"J("client-classes": [{"name": "a", "only-if-required": true,
      "valid-lifetime": 100, "min-valid-lifetime": 50, "next-server": "10.1.2.3"},
      {"name": "b", "template-test": "substring(option[61].hex, 0, all)"}],
      "subnet4": [{"id": 1, "subnet": "10.0.0.0/24", "client-class": "a",
                   "require-client-classes": ["b"]}])J");
  ASSERT_TRUE(config);
  EXPECT_TRUE(config->client_classes[0].only_in_additional_list);
  EXPECT_EQ(config->client_classes[0].valid_lifetime->min, seconds(50));
  EXPECT_EQ(config->client_classes[0].next_server->toString(), "10.1.2.3");
  EXPECT_EQ(config->subnets[0].client_classes, (std::vector<std::string>{"a"}));
  EXPECT_EQ(config->subnets[0].require_client_classes, (std::vector<std::string>{"b"}));
}

TEST(ParseDhcp4Test, DatabasesWithAllKeaKeys) {
  auto config = parse4(R"(
    "lease-database": {"type": "postgresql", "name": "kea", "host": "127.0.0.1", "port": 5433,
      "user": "kea", "password": "secret", "connect-timeout": 7, "tcp-user-timeout": 9,
      "max-reconnect-tries": 3, "reconnect-wait-time": 500, "on-fail": "serve-retry-continue",
      "retry-on-startup": true, "trust-anchor": "ca", "cert-file": "c", "key-file": "k",
      "key-password": "kp", "cipher-list": "AES", "ssl-mode": "verify-full"},
    "hosts-databases": [{"type": "mysql", "name": "hosts", "readonly": true, "read-timeout": 4,
      "write-timeout": 5}])");
  ASSERT_TRUE(config);
  const DatabaseConfig& lease = config->lease_database;
  EXPECT_EQ(lease.type, "postgresql");
  EXPECT_EQ(lease.port, 5433);
  EXPECT_EQ(lease.password, "secret");
  EXPECT_EQ(lease.tcp_user_timeout, seconds(9));
  EXPECT_EQ(lease.reconnect_wait_time, std::chrono::milliseconds(500));
  EXPECT_EQ(lease.on_fail, "serve-retry-continue");
  EXPECT_EQ(lease.ssl_mode, "verify-full");
  EXPECT_EQ(lease.family, 4);
  ASSERT_EQ(config->hosts_databases.size(), 1u);
  EXPECT_TRUE(config->hosts_databases[0].readonly);
  EXPECT_EQ(config->hosts_databases[0].write_timeout, seconds(5));

  EXPECT_EQ(error4(R"("lease-database": {"type": "mysql", "name": "kea", "tcp-user-timeout": 1})"),
            "Dhcp4/lease-database/tcp-user-timeout: tcp-user-timeout applies only to postgresql "
            "databases");
  EXPECT_EQ(error4(R"("lease-database": {"type": "cql", "name": "kea"})"),
            "Dhcp4/lease-database/type: Cassandra (cql) is not supported by Leasehold; use "
            "memfile, mysql or postgresql");
  EXPECT_EQ(error4(R"("hosts-database": {"type": "memfile"})"),
            "Dhcp4/hosts-database/type: memfile cannot hold host reservations: use mysql or "
            "postgresql, or put reservations in the configuration");
  // A password of the wrong type is reported without its value.
  EXPECT_EQ(error4(R"("lease-database": {"type": "mysql", "name": "kea", "password": 1234})"),
            "Dhcp4/lease-database/password: expected a string, got an integer");
}

TEST(ParseDhcp4Test, HooksWithoutCommandsAreMarked) {
  auto config = parse4(R"(
    "hooks-libraries": [{"library": "libdhcp_lease_cmds.so"},
                        {"library": "/usr/lib/kea/hooks/libdhcp_subnet_cmds.so"},
                        {"library": "libdhcp_host_cmds.so"},
                        {"library": "libdhcp_class_cmds.so"},
                        {"library": "libdhcp_stat_cmds.so"}])");
  ASSERT_TRUE(config);
  ASSERT_EQ(config->hooks_libraries.size(), 5u);
  EXPECT_TRUE(config->hooks_libraries[0].commands_implemented);
  EXPECT_FALSE(config->hooks_libraries[1].commands_implemented);
  EXPECT_FALSE(config->hooks_libraries[2].commands_implemented);
  EXPECT_FALSE(config->hooks_libraries[3].commands_implemented);
  EXPECT_TRUE(config->hooks_libraries[4].commands_implemented);
}

TEST(ParseDhcp4Test, ControlSocketsAndHooks) {
  auto config = parse4(R"(
    "control-sockets": [{"socket-type": "unix", "socket-name": "/run/kea4.sock"},
      {"socket-type": "https", "socket-address": "127.0.0.1", "socket-port": 8004,
       "trust-anchor": "ca", "cert-file": "cert", "key-file": "key", "cert-required": false,
       "http-headers": [{"name": "Strict-Transport-Security", "value": "max-age=1"}],
       "authentication": {"type": "basic", "realm": "r", "directory": "/etc/creds",
         "clients": [{"user": "admin", "password": "1234"}, {"password-file": "hidden"}]}}],
    "hooks-libraries": [{"library": "/usr/lib/kea/hooks/libdhcp_lease_cmds.so"},
                        {"library": "libdhcp_stat_cmds.so", "parameters": {"a": 1}},
                        {"library": "libdhcp_host_cmds.so"}])");
  ASSERT_TRUE(config);
  ASSERT_EQ(config->control_sockets.size(), 2u);
  EXPECT_EQ(config->control_sockets[0].type, ControlSocketConfig::Type::kUnix);
  const ControlSocketConfig& https = config->control_sockets[1];
  EXPECT_EQ(https.type, ControlSocketConfig::Type::kHttps);
  EXPECT_EQ(https.socket_port, 8004);
  EXPECT_FALSE(https.cert_required);
  ASSERT_EQ(https.clients.size(), 2u);
  EXPECT_EQ(https.clients[1].password_file, "/etc/creds/hidden");
  EXPECT_EQ(https.http_headers[0].first, "Strict-Transport-Security");
  EXPECT_TRUE(config->lease_cmds_hook);
  EXPECT_TRUE(config->stat_cmds_hook);
  EXPECT_EQ(config->hooks_libraries.size(), 3u);
  EXPECT_EQ(config->hooks_libraries[1].parameters["a"], 1);

  EXPECT_EQ(error4(R"("hooks-libraries": [{"library": "/opt/my_hook.so"}])"),
            "Dhcp4/hooks-libraries[0]/library: hook library \"/opt/my_hook.so\" is not supported "
            "by Leasehold, which cannot load Kea hook libraries; remove this entry");
  EXPECT_EQ(error4(R"("hooks-libraries": [{"library": "libdhcp_ha.so"}])"),
            "Dhcp4/hooks-libraries[0]/library: hook library \"libdhcp_ha.so\" (high availability) "
            "is not supported by Leasehold, which cannot load Kea hook libraries; remove this "
            "entry");
  EXPECT_EQ(error4(R"("control-socket": {"socket-type": "unix", "socket-name": "a"},
                      "control-sockets": [])"),
            "Dhcp4/control-socket: use either control-socket or control-sockets, not both");
  EXPECT_EQ(error4(R"("control-sockets": [{"socket-type": "https", "cert-file": "c"}])"),
            "Dhcp4/control-sockets[0]/cert-file: an https control socket needs cert-file and "
            "key-file");
}

TEST(ParseDhcp4Test, UnsupportedFeaturesAreNamed) {
  EXPECT_EQ(error4(R"("dhcp-ddns": {"enable-updates": true})"),
            "Dhcp4/dhcp-ddns/enable-updates: DDNS updates are not supported by Leasehold; set "
            "enable-updates to false");
  EXPECT_EQ(error4(R"("config-control": {"config-databases": []})"),
            "Dhcp4/config-control: the configuration backend (config-control) is not supported by "
            "Leasehold; remove \"config-control\"");
  EXPECT_EQ(error4(R"("dhcp4o6-port": 786)"),
            "Dhcp4/dhcp4o6-port: DHCPv4-over-DHCPv6 (RFC 7341) is not supported by Leasehold; "
            "remove dhcp4o6-port or set it to 0");
  EXPECT_EQ(error4(std::string(kSubnet4) + R"(, "4o6-subnet": "2001:db8::/64"}])"),
            "Dhcp4/subnet4[0]/4o6-subnet: DHCPv4-over-DHCPv6 (RFC 7341) is not supported by "
            "Leasehold; remove \"4o6-subnet\"");
  // DDNS parameters are accepted while updates are off.
  EXPECT_TRUE(parse4(R"("dhcp-ddns": {"enable-updates": false, "server-ip": "127.0.0.1"},
                       "ddns-send-updates": true, "ddns-qualifying-suffix": "example.org",
                       "hostname-char-set": "[^A-Za-z]")"));
}

TEST(ParseDhcp4Test, GlobalServicesAndDefaults) {
  auto config = parse4(R"(
    "interfaces-config": {"interfaces": ["eth0", "eth1/192.0.2.1"], "dhcp-socket-type": "udp",
                          "outbound-interface": "use-routing", "service-sockets-max-retries": 5},
    "expired-leases-processing": {"reclaim-timer-wait-time": 3, "max-reclaim-time": 40},
    "decline-probation-period": 60,
    "loggers": [{"name": "kea-dhcp4", "severity": "DEBUG", "debuglevel": 50,
                 "output-options": [{"output": "stdout", "pattern": "%m"}]}],
    "multi-threading": {"enable-multi-threading": false, "thread-pool-size": 4},
    "host-reservation-identifiers": ["circuit-id", "hw-address"],
    "sanity-checks": {"lease-checks": "fix-del"}, "server-tag": "one",
    "statistic-default-sample-count": 5, "echo-client-id": false,
    "compatibility": {"ignore-rai-link-selection": true})");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->interfaces.interfaces.size(), 2u);
  EXPECT_FALSE(config->interfaces.raw_sockets);
  EXPECT_FALSE(config->interfaces.outbound_same_as_inbound);
  EXPECT_EQ(config->expired_leases.reclaim_timer_wait_time, seconds(3));
  EXPECT_EQ(config->expired_leases.max_reclaim_time, std::chrono::milliseconds(40));
  EXPECT_EQ(config->decline_probation_period, seconds(60));
  EXPECT_EQ(config->loggers[0].severity, "DEBUG");
  EXPECT_EQ(config->loggers[0].outputs, (std::vector<std::string>{"stdout"}));
  EXPECT_FALSE(config->multi_threading.enable);
  EXPECT_EQ(config->host_reservation_identifiers,
            (std::vector<IdentifierType>{IdentifierType::kCircuitId, IdentifierType::kHwAddress}));
  EXPECT_EQ(config->lease_checks, "fix-del");
  EXPECT_EQ(config->server_tag, "one");
  EXPECT_EQ(config->statistic_default_sample_count, 5u);
  EXPECT_FALSE(config->echo_client_id);
  EXPECT_TRUE(config->ignore_rai_link_selection);
  EXPECT_EQ(config->source["server-tag"], "one");
  EXPECT_EQ(error4(R"("loggers": [{"name": "x", "severity": "LOUD"}])"),
            "Dhcp4/loggers[0]/severity: invalid severity \"LOUD\": use FATAL, ERROR, WARN, INFO, "
            "DEBUG or NONE");
  EXPECT_EQ(error4(R"("host-reservation-identifiers": ["mac"])"),
            "Dhcp4/host-reservation-identifiers: invalid identifier type \"mac\": use hw-address, "
            "duid, circuit-id, client-id or flex-id");
}

TEST(ParseDhcp4Test, RootWithoutDhcp4IsTheInnerObject) {
  const auto inner = parseKeaJsonText(R"({"subnet4": [{"id": 1, "subnet": "10.0.0.0/8"}]})", ".");
  ASSERT_TRUE(inner);
  EXPECT_TRUE(parseDhcp4(*inner, ParseContext{}));
  const auto other = parseKeaJsonText(R"({"Dhcp6": {}})", ".");
  ASSERT_TRUE(other);
  const auto result = parseDhcp4(*other, ParseContext{});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().toString(), "Dhcp4: missing \"Dhcp4\" object: the file configures Dhcp6");
}

TEST(ParseDhcp6Test, SubnetsPoolsAndPrefixDelegation) {
  auto config = parse6(R"("preferred-lifetime": 3000, "valid-lifetime": 4000,
    "subnet6": [{"id": 1, "subnet": "2001:db8:1::/64", "rapid-commit": true,
      "interface-id": "relay1", "pd-allocator": "random",
      "pools": [{"pool": "2001:db8:1::10 - 2001:db8:1::ff"}, {"pool": "2001:db8:1:0:1::/80"}],
      "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64,
                    "excluded-prefix": "2001:db8:8:0:1::", "excluded-prefix-len": 80}],
      "reservations": [{"duid": "01:02:03:04", "ip-addresses": ["2001:db8:1::100"],
                        "prefixes": ["2001:db8:2:abcd::/64"],
                        "excluded-prefixes": ["2001:db8:2:abcd:1::/80"], "hostname": "h"}]}])");
  ASSERT_TRUE(config);
  const Subnet6& subnet = config->subnets[0];
  EXPECT_EQ(subnet.preferred_lifetime.value, seconds(3000));
  EXPECT_EQ(subnet.valid_lifetime.value, seconds(4000));
  EXPECT_TRUE(subnet.calculate_tee_times);
  EXPECT_DOUBLE_EQ(subnet.t2_percent, 0.8);
  EXPECT_TRUE(subnet.rapid_commit);
  EXPECT_EQ(subnet.pd_allocator, "random");
  EXPECT_EQ(std::string(subnet.interface_id.begin(), subnet.interface_id.end()), "relay1");
  ASSERT_EQ(subnet.pools.size(), 2u);
  EXPECT_EQ(subnet.pools[1].last.toString(), "2001:db8:1:0:1:ffff:ffff:ffff");
  ASSERT_EQ(subnet.pd_pools.size(), 1u);
  const Pool6& pd = subnet.pd_pools[0];
  EXPECT_EQ(pd.type, LeaseType::kPd);
  EXPECT_EQ(pd.prefix_length, 56);
  EXPECT_EQ(pd.delegated_length, 64);
  EXPECT_EQ(pd.last.toString(), "2001:db8:8:ff::");
  EXPECT_EQ(pd.excluded_prefix->toString(), "2001:db8:8:0:1::/80");
  EXPECT_NE(subnet.findPool(LeaseType::kPd, *IPv6Address::parse("2001:db8:8:7::")), nullptr);
  EXPECT_NE(subnet.findPool(LeaseType::kNa, *IPv6Address::parse("2001:db8:1::20")), nullptr);
  EXPECT_EQ(subnet.findPool(LeaseType::kNa, *IPv6Address::parse("2001:db8:8:7::")), nullptr);
  EXPECT_EQ(subnet.reservations[0].excluded_prefixes[0].toString(), "2001:db8:2:abcd:1::/80");
  EXPECT_EQ(config->findSubnet(1), &subnet);
}

TEST(ParseDhcp6Test, ErrorsNameKeyPathAndValue) {
  struct Case {
    std::string body;
    std::string error;
  };
  const std::string subnet = R"("subnet6": [{"id": 6, "subnet": "2001:db8:1::/64")";
  for (const Case& c : std::vector<Case>{
           {subnet + R"(, "pools": [{"pool": "2001:db8:1::ff - 2001:db8:1::1"}]}])",
            "Dhcp6/subnet6[0]/pools[0]/pool: invalid pool \"2001:db8:1::ff - 2001:db8:1::1\" in "
            "subnet 6: start is above end"},
           {subnet + R"(, "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 48}]}])",
            "Dhcp6/subnet6[0]/pd-pools[0]/delegated-len: invalid pd-pool 2001:db8:8::/56 in "
            "subnet 6: delegated-len 48 is shorter than prefix-len"},
           {subnet + R"(, "pd-pools": [{"prefix": "2001:db8:8::1", "prefix-len": 56, "delegated-len": 64}]}])",
            "Dhcp6/subnet6[0]/pd-pools[0]/prefix: invalid pd-pool 2001:db8:8::1/56 in subnet 6: "
            "the prefix has bits set beyond delegated-len 64"},
           {subnet + R"(, "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64},
                                       {"prefix": "2001:db8:8::", "prefix-len": 60, "delegated-len": 64}]}])",
            "Dhcp6/subnet6[0]/pd-pools[1]/prefix: pd-pool 2001:db8:8::/60 (subnet 6) overlaps "
            "pd-pool 2001:db8:8::/56 (subnet 6)"},
           {subnet + R"(, "pd-pools": [{"prefix": "2001:db8:8::", "prefix-len": 56, "delegated-len": 64,
                                        "excluded-prefix": "2001:db8:9::", "excluded-prefix-len": 80}]}])",
            "Dhcp6/subnet6[0]/pd-pools[0]/excluded-prefix: invalid pd-pool 2001:db8:8::/56 in "
            "subnet 6: excluded prefix 2001:db8:9::/80 must lie in the pool and be longer than "
            "delegated-len"},
           {subnet + R"(, "reservations": [{"duid": "01:02", "ip-addresses": ["2001:db8:2::1"]}]}])",
            "Dhcp6/subnet6[0]/reservations[0]/ip-addresses: reserved address 2001:db8:2::1 is "
            "outside subnet 6 (2001:db8:1::/64)"},
           {subnet + R"(, "reservations": [{"circuit-id": "01"}]}])",
            "Dhcp6/subnet6[0]/reservations[0]: missing identifier: set duid, hw-address or "
            "flex-id"},
           {subnet + R"(, "interface": "eth0", "interface-id": "x"}])",
            "Dhcp6/subnet6[0]/interface-id: interface and interface-id select a subnet in "
            "different ways and cannot both be set"},
           {R"("preferred-lifetime": 100, "max-preferred-lifetime": 50)",
            "Dhcp6/max-preferred-lifetime: invalid lifetimes: max-preferred-lifetime (50) is "
            "below preferred-lifetime (100)"},
           {R"("rapid-commit": true)",
            "Dhcp6/rapid-commit: unknown parameter \"rapid-commit\" (Kea rejects it too)"},
           {R"("mac-sources": ["wifi"])", "Dhcp6/mac-sources: invalid MAC source \"wifi\""},
           {R"("server-id": {"type": "UUID"})",
            "Dhcp6/server-id/type: invalid server-id type \"UUID\": use LLT, EN or LL"},
           {R"("option-data": [{"name": "dns-servers", "data": "10.0.0.1"}])",
            "Dhcp6/option-data[0]/data: invalid data \"10.0.0.1\" for option \"dns-servers\": "
            "value 1 (ipv6-address): invalid IPv6 address \"10.0.0.1\""},
           {R"("relay-supplied-options": ["70000"])",
            "Dhcp6/relay-supplied-options: invalid option \"70000\": use a DHCPv6 option code or "
            "name"},
       }) {
    EXPECT_EQ(error6(c.body), c.error);
  }
}

TEST(ParseDhcp6Test, ServerIdMacSourcesAndRelayOptions) {
  auto config = parse6(R"("server-id": {"type": "EN", "enterprise-id": 2495,
      "identifier": "0123456789", "persist": false},
    "mac-sources": ["client-link-addr-option", "duid", "rfc4649"],
    "relay-supplied-options": ["110", "dns-servers"],
    "option-data": [{"name": "ntp-server"},
      {"name": "ntp-server-address", "space": "v6-ntp-server-suboptions", "data": "2001:db8::123"},
      {"name": "s46-portparams", "space": "s46-rule-options", "data": "0, 3/4"},
      {"name": "tftp-servers", "space": "docsis3-v6", "data": "2001:db8::1"}])");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->server_id.type, ServerIdConfig::Type::kEn);
  EXPECT_EQ(config->server_id.enterprise_id, 2495u);
  EXPECT_EQ(config->server_id.identifier, (std::vector<uint8_t>{0x01, 0x23, 0x45, 0x67, 0x89}));
  EXPECT_FALSE(config->server_id.persist);
  EXPECT_EQ(config->mac_sources, (std::vector<MacSource>{MacSource::kClientLinkAddrOption,
                                                         MacSource::kDuid, MacSource::kRemoteId}));
  EXPECT_EQ(config->relay_supplied_options, (std::vector<uint16_t>{110, 23}));
  EXPECT_EQ(config->global_options[3].space, "vendor-4491");
  EXPECT_EQ(config->global_options[2].payload, (std::vector<uint8_t>{0, 4, 0x30, 0x00}));
  EXPECT_EQ(config->lease_database.family, 6);
}

}  // namespace
}  // namespace leasehold::config
