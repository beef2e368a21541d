// Client classification in the DHCPv6 engine: a relay-option class guarding a pool, class
// options in the reply, the DROP class.
#include <gtest/gtest.h>

#include "tests/unit/dhcp6/engine6_fixture.h"

namespace leasehold::dhcp6::testing {
namespace {

using packet::MessageType6;
using packet::option6::kIaNa;

constexpr const char* kConfig = R"J({
  "preferred-lifetime": 3000, "valid-lifetime": 4000,
  "client-classes": [
    { "name": "cable", "test": "vendor-class[4491].exists and member('VENDOR_CLASS_docsis3.0')",
      "option-data": [ { "name": "sntp-servers", "data": "2001:db8::123", "always-send": true } ] },
    { "name": "other", "test": "not member('cable')" },
    { "name": "DROP", "test": "pkt6.transid == 0x00dead00" }
  ],
  "subnet6": [ {
    "id": 1, "subnet": "2001:db8:1::/64", "interface": "eth0",
    "pools": [ { "pool": "2001:db8:1::10 - 2001:db8:1::12", "client-class": "cable" },
               { "pool": "2001:db8:1::20 - 2001:db8:1::22", "client-class": "other" } ]
  } ]
})J";

packet::Pkt6 withDocsisVendorClass(packet::Pkt6 query) {
  const uint8_t vendor_class[] = {0, 0, 0x11, 0x8b, 0, 9, 'd', 'o', 'c', 's', 'i', 's', '3', '.',
                                  '0'};
  query.options.add(packet::option6::kVendorClass, vendor_class);
  return query;
}

TEST_F(Engine6Test, VendorClassSelectsPoolAndAddsClassOption) {
  configure(kConfig);
  const auto cable =
      send(withDocsisVendorClass(query(MessageType6::kSolicit, 1, {{kIaNa, 1}}, false)));
  ASSERT_TRUE(cable.has_value());
  const auto answer = ias(*cable, kIaNa);
  ASSERT_EQ(answer.size(), 1u);
  ASSERT_EQ(answer[0].addresses.size(), 1u);
  EXPECT_EQ(answer[0].addresses[0], "2001:db8:1::10");
  EXPECT_TRUE(cable->packet.options.contains(31));  // sntp-servers from "cable"

  const auto plain = solicit(2, {{kIaNa, 1}});
  ASSERT_TRUE(plain.has_value());
  const auto plain_answer = ias(*plain, kIaNa);
  ASSERT_EQ(plain_answer.size(), 1u);
  ASSERT_EQ(plain_answer[0].addresses.size(), 1u);
  EXPECT_EQ(plain_answer[0].addresses[0], "2001:db8:1::20");
  EXPECT_FALSE(plain->packet.options.contains(31));
}

TEST_F(Engine6Test, DropClassMemberGetsNoReply) {
  configure(kConfig);
  packet::Pkt6 packet = query(MessageType6::kSolicit, 1, {{kIaNa, 1}}, false);
  packet.transaction_id = 0x00dead00;
  EXPECT_FALSE(send(packet).has_value());
}

}  // namespace
}  // namespace leasehold::dhcp6::testing
