#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "server/classify/expression.h"
#include "server/packet/pkt4.h"
#include "server/packet/pkt6.h"

namespace leasehold::classify {
namespace {

std::vector<uint8_t> bytesOf(std::string_view text) { return {text.begin(), text.end()}; }

// A relayed PXE DISCOVER: option 60 "PXEClient:Arch:00007", option 82 with circuit-id "eth1"
// and remote-id 0x0a0b, a vendor option 125 for enterprise 4491 with sub-option 2, a vendor
// class 124 for enterprise 4491 with chunks "alpha" and "beta".
packet::Pkt4 pxeDiscover() {
  packet::Pkt4 pkt;
  pkt.htype = 1;
  pkt.hlen = 6;
  pkt.xid = 0x01020304;
  pkt.chaddr = {0xaa, 0xbb, 0xcc, 0x00, 0x00, 0x01, 0xff};
  pkt.giaddr = *IPv4Address::parse("10.0.0.1");
  pkt.ciaddr = *IPv4Address::parse("0.0.0.0");
  const uint8_t discover = 1;
  pkt.options.add(packet::option4::kMessageType, {&discover, 1});
  pkt.options.add(60, bytesOf("PXEClient:Arch:00007"));
  pkt.options.add(82, std::vector<uint8_t>{1, 4, 'e', 't', 'h', '1', 2, 2, 0x0a, 0x0b});
  pkt.options.add(125, std::vector<uint8_t>{0, 0, 0x11, 0x8b, 5, 2, 3, 'x', 'y', 'z'});
  pkt.options.add(124, std::vector<uint8_t>{0, 0, 0x11, 0x8b, 11, 5, 'a', 'l', 'p', 'h', 'a',
                                            4, 'b', 'e', 't', 'a'});
  pkt.transport.interface_name = "eth0";
  pkt.transport.remote_address = *IPv4Address::parse("10.0.0.1");
  pkt.transport.local_address = *IPv4Address::parse("192.0.2.1");
  return pkt;
}

// A SOLICIT through two relays: the outer one (closest to the server, nest 0) has link
// 2001:db8:1::1, the inner one (closest to the client, nest -1) carries interface-id "port7".
packet::Pkt6 relayedSolicit() {
  packet::Pkt6 pkt;
  pkt.type = packet::MessageType6::kSolicit;
  pkt.transaction_id = 0x00abcdef;
  pkt.options.add(packet::option6::kClientId, std::vector<uint8_t>{0, 3, 0, 1, 1, 2, 3, 4, 5, 6});
  pkt.options.add(packet::option6::kVendorClass,
                  std::vector<uint8_t>{0, 0, 0x11, 0x8b, 0, 9, 'd', 'o', 'c', 's', 'i', 's', '3',
                                       '.', '0'});
  pkt.options.add(packet::option6::kVendorOpts,
                  std::vector<uint8_t>{0, 0, 0x11, 0x8b, 0, 2, 0, 2, 'h', 'i'});
  packet::RelayInfo6 outer;
  outer.link_address = *IPv6Address::parse("2001:db8:1::1");
  outer.peer_address = *IPv6Address::parse("fe80::1");
  packet::RelayInfo6 inner;
  inner.link_address = *IPv6Address::parse("2001:db8:2::1");
  inner.peer_address = *IPv6Address::parse("fe80::2");
  inner.options.add(packet::option6::kInterfaceId, bytesOf("port7"));
  pkt.relays = {outer, inner};
  pkt.transport.interface_name = "eth6";
  return pkt;
}

struct Case {
  const char* text;
  EvalResult expected;
};

class EvaluateTest : public ::testing::Test {
 protected:
  EvalResult run(std::string_view text, const PacketView& view, options::Family family) {
    CompileEnvironment env;
    env.family = family;
    env.defined_class = [](std::string_view name) -> std::optional<bool> {
      return name == "earlier" ? std::optional<bool>(false) : std::nullopt;
    };
    auto compiled = compileExpression(text, ResultType::kBool, env);
    if (!compiled) {
      ADD_FAILURE() << text << ": " << compiled.error().toString();
      return EvalResult::kError;
    }
    return (*compiled)->evaluate(view, scratch_);
  }
  EvalScratch scratch_;
  std::vector<std::string> classes_ = {"ALL", "earlier"};
};

constexpr EvalResult kT = EvalResult::kTrue;
constexpr EvalResult kF = EvalResult::kFalse;
constexpr EvalResult kE = EvalResult::kError;

TEST_F(EvaluateTest, Dhcp4ExpressionsAgainstPxeDiscover) {
  const packet::Pkt4 pkt = pxeDiscover();
  PacketView view;
  view.pkt4 = &pkt;
  view.classes = classes_;
  const Case cases[] = {
      {"option[60].hex == 'PXEClient:Arch:00007'", kT},
      {"substring(option[60].hex, 0, 9) == 'PXEClient'", kT},
      {"substring(option[60].hex, -5, all) == '00007'", kT},
      {"substring(option[60].hex, -5, -3) == 'ch:'", kT},
      {"substring(option[60].hex, 40, 2) == ''", kT},
      {"substring('abc', 1, 100) == 'bc'", kT},
      {"option[vendor-class-identifier].text == 'PXEClient:Arch:00007'", kT},
      {"option[61].exists", kF},
      {"option[61].hex == ''", kT},
      {"option[82].option[1].hex == 'eth1'", kT},
      {"option[82].option[2].hex == 0x0a0b", kT},
      {"option[82].option[9].exists", kF},
      {"option[60].option[1].exists", kF},  // option 60 carries no sub-options
      {"relay4[1].hex == 'eth1' and relay4[2].exists and not relay4[5].exists", kT},
      {"pkt4.mac == 0xaabbcc000001", kT},
      {"pkt4.hlen == 6 and pkt4.htype == 1 and pkt4.msgtype == 1", kT},
      {"pkt4.transid == 0x01020304 and pkt4.transid == 16909060", kT},
      {"pkt4.giaddr == 10.0.0.1 and pkt4.ciaddr == 0.0.0.0", kT},
      {"pkt.iface == 'eth0' and pkt.src == 10.0.0.1 and pkt.dst == 192.0.2.1", kT},
      {"vendor[4491].exists and vendor[*].exists and not vendor[9].exists", kT},
      {"vendor.enterprise == 4491 and vendor[4491].option[2].hex == 'xyz'", kT},
      {"vendor[4491].option[2].exists and not vendor[4491].option[3].exists", kT},
      {"vendor-class[4491].data == 'alpha' and vendor-class[0].data[1] == 'beta'", kT},
      {"vendor-class[4491].data[2] == '' and vendor-class.enterprise == 4491", kT},
      {"vendor-class[1].exists", kF},
      {"split('a.b..c', '.', 4) == 'c' and split('a.b', '.', 3) == ''", kT},
      {"split('a,b;c', ';,', 2) == 'b' and split('abc', '', 7) == 'abc'", kT},
      {"concat('PXE', 'Client') == substring(option[60].hex, 0, 9)", kT},
      {"'a' + 'b' == 'ab'", kT},
      {"ifelse(member('earlier'), 'yes', 'no') == 'yes'", kT},
      {"hexstring(pkt4.mac, ':') == 'aa:bb:cc:00:00:01'", kT},
      {"hexstring(0x0a0B, '') == '0a0b'", kT},
      {"addrtotext(pkt4.giaddr) == '10.0.0.1'", kT},
      {"addrtotext(2001:db8::1) == '2001:db8::1'", kT},
      {"addrtotext('') == ''", kT},
      {"addrtotext('abc') == 'x'", kE},
      {"int8totext(0xff) == '-1' and uint8totext(0xff) == '255'", kT},
      {"int16totext(0x8000) == '-32768' and uint16totext(0x8000) == '32768'", kT},
      {"int32totext(0xffffffff) == '-1' and uint32totext(pkt4.transid) == '16909060'", kT},
      {"uint16totext(0x01) == '1'", kE},
      {"lcase('PXE') == 'pxe' and ucase('pxe') == 'PXE'", kT},
      {"member('earlier') and member('ALL') and not member('KNOWN')", kT},
      {"not option[60].exists or option[61].exists", kF},
      {"option[60].exists and (option[61].exists or pkt4.htype == 1)", kT},
      {"10.0.0.1 == 0x0a000001 and 123 == 0x0000007b and 0x1 == 0x01", kT},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(run(c.text, view, options::Family::kV4), c.expected) << c.text;
  }
}

TEST_F(EvaluateTest, Dhcp6ExpressionsAgainstRelayedSolicit) {
  const packet::Pkt6 pkt = relayedSolicit();
  PacketView view;
  view.pkt6 = &pkt;
  view.classes = classes_;
  const Case cases[] = {
      {"relay6[-1].option[18].hex == 'port7' and relay6[1].option[18].exists", kT},
      {"relay6[0].option[18].exists", kF},
      {"relay6[0].linkaddr == 2001:db8:1::1 and relay6[-1].peeraddr == fe80::2", kT},
      {"relay6[2].linkaddr == '' and relay6[-3].peeraddr == ''", kT},
      {"pkt6.msgtype == 1 and pkt6.transid == 0x00abcdef", kT},
      {"option[1].hex == 0x00030001010203040506 and option[1].exists", kT},
      {"vendor-class[4491].data == 'docsis3.0' and vendor-class.enterprise == 4491", kT},
      {"vendor[4491].option[2].hex == 'hi' and vendor[*].exists", kT},
      {"pkt.iface == 'eth6'", kT},
      {"option[16].option[1].exists", kF},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(run(c.text, view, options::Family::kV6), c.expected) << c.text;
  }
}

// The DHCPv4 texts and the elapsed-time text are what kea-dhcp4 and kea-dhcp6 2.2.0 produced
// for the same options (read back through Kea's flex_option hook; test_classify_diff checks
// some of them against Kea). The other DHCPv6 cases apply the same rule for binary options.
TEST_F(EvaluateTest, TextOfNonStringOptionsFollowsKea) {
  packet::Pkt4 pkt = pxeDiscover();
  pkt.options.add(51, std::vector<uint8_t>{0, 0, 0x0e, 0x10});
  pkt.options.add(50, std::vector<uint8_t>{198, 18, 1, 77});
  pkt.options.add(61, std::vector<uint8_t>{1, 2, 0, 0, 0, 0, 7});
  pkt.options.add(93, std::vector<uint8_t>{0, 7});
  pkt.options.add(55, std::vector<uint8_t>{1, 3, 6});
  pkt.options.add(57, std::vector<uint8_t>{0x05, 0x78});
  pkt.options.add(6, std::vector<uint8_t>{192, 0, 2, 1, 192, 0, 2, 2});
  pkt.options.add(12, bytesOf("myhost"));
  PacketView view;
  view.pkt4 = &pkt;
  view.classes = classes_;
  const Case cases[] = {
      {"option[51].text == 'type=051, len=004: 3600 (uint32)'", kT},
      {"option[50].text == 'type=050, len=004: 198.18.1.77 (ipv4-address)'", kT},
      {"option[61].text == 'type=061, len=007: 01:02:00:00:00:00:07'", kT},
      {"option[93].text == 'type=093, len=002: 7(uint16)'", kT},
      {"option[55].text == 'type=055, len=003: 1(uint8) 3(uint8) 6(uint8)'", kT},
      {"option[57].text == 'type=057, len=002: 1400 (uint16)'", kT},
      {"option[6].text == 'type=006, len=008: 192.0.2.1 192.0.2.2'", kT},
      {"option[12].text == 'myhost' and option[60].text == 'PXEClient:Arch:00007'", kT},
      {"relay4[1].text == 'type=001, len=004: 65:74:68:31'", kT},
      {"option[82].option[2].text == 'type=002, len=002: 0a:0b'", kT},
      {"option[51].hex == 0x00000e10 and option[199].text == ''", kT},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(run(c.text, view, options::Family::kV4), c.expected) << c.text;
  }

  packet::Pkt6 solicit = relayedSolicit();
  solicit.options.add(packet::option6::kElapsedTime, std::vector<uint8_t>{0, 0});
  PacketView view6;
  view6.pkt6 = &solicit;
  view6.classes = classes_;
  const Case cases6[] = {
      {"option[8].text == 'type=00008, len=00002: 0 (uint16)'", kT},
      {"option[1].text == 'type=00001, len=00010: 00:03:00:01:01:02:03:04:05:06'", kT},
      {"relay6[-1].option[18].text == 'type=00018, len=00005: 70:6f:72:74:37'", kT},
  };
  for (const Case& c : cases6) {
    EXPECT_EQ(run(c.text, view6, options::Family::kV6), c.expected) << c.text;
  }
}

TEST_F(EvaluateTest, TemplateExpressionGivesString) {
  const packet::Pkt4 pkt = pxeDiscover();
  PacketView view;
  view.pkt4 = &pkt;
  CompileEnvironment env;
  auto compiled = compileExpression("substring(option[60].hex, 0, 3) + '-' + hexstring(pkt4.mac, '')",
                                    ResultType::kString, env);
  ASSERT_TRUE(compiled);
  std::string value;
  ASSERT_TRUE((*compiled)->evaluateString(view, scratch_, value));
  EXPECT_EQ(value, "PXE-aabbcc000001");
}

TEST_F(EvaluateTest, ScratchIsReusedAcrossEvaluations) {
  const packet::Pkt4 pkt = pxeDiscover();
  PacketView view;
  view.pkt4 = &pkt;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(run("hexstring(concat(option[60].hex, pkt4.mac), '-') == "
                  "hexstring(option[60].hex + pkt4.mac, '-')",
                  view, options::Family::kV4),
              kT);
  }
}

}  // namespace
}  // namespace leasehold::classify
