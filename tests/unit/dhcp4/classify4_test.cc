// Client classification in the DHCPv4 engine: test expressions, their evaluation order, class
// guards on pools, class options and boot fields, additional (required) classes, DROP.
#include <gtest/gtest.h>

#include "tests/unit/dhcp4/engine4_fixture.h"

namespace leasehold::dhcp4::testing {
namespace {

using packet::MessageType4;

constexpr const char* kPxeConfig = R"J({
  "valid-lifetime": 4000,
  "client-classes": [
    { "name": "pxe", "test": "substring(option[60].hex, 0, 9) == 'PXEClient'",
      "next-server": "192.0.2.7", "boot-file-name": "pxelinux.0",
      "option-data": [ { "name": "tftp-server-name", "data": "tftp.example.org" } ] },
    { "name": "pxe-efi", "test": "member('pxe') and option[93].hex == 0x0007",
      "valid-lifetime": 600 },
    { "name": "not-pxe", "test": "not member('pxe')" },
    { "name": "known", "test": "member('KNOWN')",
      "option-data": [ { "name": "domain-name", "data": "known.example.org" } ] },
    { "name": "required", "only-if-required": true, "test": "option[60].exists",
      "option-data": [ { "name": "ntp-servers", "data": "192.0.2.123", "always-send": true } ] },
    { "name": "never-required", "only-if-required": true, "test": "option[60].exists",
      "option-data": [ { "name": "time-servers", "data": "192.0.2.124", "always-send": true } ] },
    { "name": "DROP", "test": "option[60].hex == 'drop-me'" }
  ],
  "subnet4": [ {
    "id": 1, "subnet": "192.0.2.0/24", "require-client-classes": [ "required" ],
    "option-data": [ { "name": "domain-name", "data": "example.org" } ],
    "pools": [ { "pool": "192.0.2.10 - 192.0.2.19", "client-class": "pxe" },
               { "pool": "192.0.2.100 - 192.0.2.109", "client-class": "not-pxe" } ],
    "reservations": [ { "hw-address": "aa:00:00:00:00:99", "hostname": "known-host" } ]
  } ]
})J";

packet::Pkt4 withVendorClass(packet::Pkt4 query, std::string_view vendor_class) {
  query.options.add(packet::option4::kVendorClassIdentifier,
                    {reinterpret_cast<const uint8_t*>(vendor_class.data()), vendor_class.size()});
  return query;
}

std::string text(std::optional<std::span<const uint8_t>> bytes) {
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string("<absent>");
}

TEST_F(Engine4Test, ClassTestSelectsGuardedPool) {
  configure(kPxeConfig);
  const auto pxe = send(withVendorClass(query(MessageType4::kDiscover, "aa:00:00:00:00:01"),
                                        "PXEClient:Arch:00000"));
  ASSERT_TRUE(pxe.has_value());
  EXPECT_EQ(yiaddr(*pxe), "192.0.2.10");

  const auto plain = discover("aa:00:00:00:00:02");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(yiaddr(*plain), "192.0.2.100");
}

TEST_F(Engine4Test, ClassOptionsAndBootFieldsReachReply) {
  configure(kPxeConfig);
  packet::Pkt4 packet = withVendorClass(query(MessageType4::kDiscover, "aa:00:00:00:00:01"),
                                        "PXEClient:Arch:00000");
  const uint8_t requested[] = {66};
  packet.options.add(packet::option4::kParameterRequestList, requested);
  const auto offer = send(packet);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(text(offer->packet.options.find(66)), "tftp.example.org");
  EXPECT_EQ(offer->packet.siaddr.toString(), "192.0.2.7");
  EXPECT_EQ(offer->packet.bootFileName(), "pxelinux.0");

  const auto plain = discover("aa:00:00:00:00:02");
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->packet.bootFileName(), "");
}

TEST_F(Engine4Test, MemberSeesEarlierClassesAndClassLifetimeApplies) {
  configure(kPxeConfig);
  packet::Pkt4 packet = withVendorClass(query(MessageType4::kRequest, "aa:00:00:00:00:01"),
                                        "PXEClient:Arch:00007");
  const uint8_t arch[] = {0x00, 0x07};
  packet.options.add(93, arch);
  const auto requested = IPv4Address::parse("192.0.2.10")->toBytes();
  packet.options.add(packet::option4::kRequestedAddress, requested);
  const auto server = IPv4Address::parse("192.0.2.1")->toBytes();
  packet.options.add(packet::option4::kServerIdentifier, server);
  const auto ack = send(packet);
  ASSERT_TRUE(ack.has_value());
  EXPECT_EQ(typeOf(*ack), MessageType4::kAck);
  const auto lease = leaseAt("192.0.2.10");
  ASSERT_TRUE(lease.has_value());
  EXPECT_EQ(lease->valid_lifetime.count(), 600);  // from pxe-efi, which needs pxe first
}

TEST_F(Engine4Test, ClassDependingOnKnownIsEvaluatedAfterHostLookup) {
  configure(kPxeConfig);
  const auto known = discover("aa:00:00:00:00:99");
  ASSERT_TRUE(known.has_value());
  // Subnet options win over class options, so the class option shows only where the subnet
  // has none; domain-name is set at both levels here.
  EXPECT_EQ(text(known->packet.options.find(15)), "example.org");

  configure(R"J({
    "client-classes": [ { "name": "known", "test": "member('KNOWN')",
      "option-data": [ { "name": "domain-name", "data": "known.example.org" } ] } ],
    "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24",
      "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ],
      "reservations": [ { "hw-address": "aa:00:00:00:00:99", "hostname": "known-host" } ] } ]
  })J");
  const auto reserved = discover("aa:00:00:00:00:99");
  ASSERT_TRUE(reserved.has_value());
  EXPECT_EQ(text(reserved->packet.options.find(15)), "known.example.org");
  const auto stranger = discover("aa:00:00:00:00:01");
  ASSERT_TRUE(stranger.has_value());
  EXPECT_EQ(text(stranger->packet.options.find(15)), "<absent>");
}

TEST_F(Engine4Test, OnlyIfRequiredClassIsEvaluatedWhenSubnetRequiresIt) {
  configure(kPxeConfig);
  const auto offer = send(withVendorClass(query(MessageType4::kDiscover, "aa:00:00:00:00:01"),
                                          "PXEClient:Arch:00000"));
  ASSERT_TRUE(offer.has_value());
  EXPECT_TRUE(offer->packet.options.contains(42));  // ntp-servers from "required"
  EXPECT_FALSE(offer->packet.options.contains(4));  // time-servers: never required

  const auto plain = discover("aa:00:00:00:00:02");  // no option 60: the test fails
  ASSERT_TRUE(plain.has_value());
  EXPECT_FALSE(plain->packet.options.contains(42));
}

TEST_F(Engine4Test, DropClassMemberGetsNoReply) {
  configure(kPxeConfig);
  const auto before = stat("pkt4-receive-drop");
  const auto reply =
      send(withVendorClass(query(MessageType4::kDiscover, "aa:00:00:00:00:01"), "drop-me"));
  EXPECT_FALSE(reply.has_value());
  EXPECT_EQ(last_drop_, DropReason::kDropClass);
  EXPECT_EQ(stat("pkt4-receive-drop"), before + 1);
}

TEST_F(Engine4Test, SubnetGuardedByClassServesOnlyMembers) {
  configure(R"J({
    "client-classes": [ { "name": "lab", "test": "relay4[1].hex == 'lab-port'" } ],
    "subnet4": [ { "id": 1, "subnet": "192.0.2.0/24", "client-class": "lab",
      "pools": [ { "pool": "192.0.2.10 - 192.0.2.19" } ] } ]
  })J");
  EXPECT_FALSE(discover("aa:00:00:00:00:01").has_value());

  packet::Pkt4 packet = query(MessageType4::kDiscover, "aa:00:00:00:00:01");
  const uint8_t agent[] = {1, 8, 'l', 'a', 'b', '-', 'p', 'o', 'r', 't'};
  packet.options.add(packet::option4::kRelayAgentInformation, agent);
  const auto offer = send(packet);
  ASSERT_TRUE(offer.has_value());
  EXPECT_EQ(yiaddr(*offer), "192.0.2.10");
}

}  // namespace
}  // namespace leasehold::dhcp4::testing
