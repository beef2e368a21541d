#include <gtest/gtest.h>

#include <string>

#include "server/classify/expression.h"

namespace leasehold::classify {
namespace {

CompileEnvironment environment(options::Family family) {
  CompileEnvironment env;
  env.family = family;
  env.defined_class = [](std::string_view name) -> std::optional<bool> {
    if (name == "pxe") {
      return false;
    }
    if (name == "known-dependent") {
      return true;
    }
    return std::nullopt;
  };
  return env;
}

// Returns "" when `text` compiles, else the error text.
std::string errorOf(std::string_view text, options::Family family = options::Family::kV4,
                    ResultType type = ResultType::kBool) {
  auto compiled = compileExpression(text, type, environment(family));
  return compiled ? "" : compiled.error().toString();
}

TEST(CompileExpressionTest, AcceptsKeaDocumentedDhcp4Expressions) {
  for (const char* text : {
           "option[60].hex == 'PXEClient'",
           "substring(option[60].hex, 0, 9) == 'PXEClient'",
           "substring('abc', -2, all) == 'bc'",
           "option[host-name].text == 'x' and not member('KNOWN') or pkt4.htype == 1",
           "option[82].option[1].hex == 0x0102",
           "relay4[2].exists",
           "pkt4.mac == 0x010203040506 and pkt4.hlen == 6 and pkt4.msgtype == 1",
           "pkt4.ciaddr == 0.0.0.0 or pkt4.giaddr == 10.0.0.1 or pkt4.yiaddr == pkt4.siaddr",
           "pkt4.transid == 0x00000001",
           "pkt.iface == 'eth0' and pkt.src == 10.0.0.1 and pkt.dst == 10.0.0.2 and pkt.len == 300",
           "vendor[*].exists and vendor[4491].option[1].exists",
           "vendor.enterprise == 4491 and vendor[0].option[2].hex == 'x'",
           "vendor-class[4491].exists and vendor-class[4491].data == 'a'",
           "vendor-class[4491].data[2] == 'a' and vendor-class.enterprise == 4491",
           "split('a.b', '.', 2) == 'b'",
           "concat('a', 'b') == 'ab' and 'a' + 'b' + 'c' == 'abc'",
           "ifelse(option[60].exists, 'a', 'b') == 'a'",
           "hexstring(pkt4.mac, ':') == '01:02'",
           "addrtotext(pkt4.giaddr) == '10.0.0.1'",
           "int8totext(0xff) == '-1' and uint32totext(pkt4.transid) == '1'",
           "lcase('A') == ucase('a')",
           "((option[60].exists))",
           "member('pxe') and member('VENDOR_CLASS_x') and member('ALL')",
           "option [60] . hex == 'x'",
       }) {
    EXPECT_EQ(errorOf(text), "") << text;
  }
}

TEST(CompileExpressionTest, AcceptsDhcp6Accessors) {
  for (const char* text : {
           "relay6[0].option[18].hex == 'eth0'",
           "relay6[-1].peeraddr == 2001:db8::1 and relay6[31].linkaddr == ::",
           "pkt6.msgtype == 1 and pkt6.transid == 5",
           "option[vendor-class].exists and option[1].hex == 0x0001",
           "vendor[4491].option[300].exists",
           "option[3].option[5].exists",
       }) {
    EXPECT_EQ(errorOf(text, options::Family::kV6), "") << text;
  }
}

TEST(CompileExpressionTest, RejectsBadExpressionsWithPositionAndToken) {
  struct Case {
    const char* text;
    const char* error;
  };
  const Case cases[] = {
      {"", "the expression ends too early at the end of the expression"},
      {"'a'", "expected '==' or '+' after the string that starts at column 1 at the end of the "
              "expression"},
      {"'a' == 'b' == 'c'", "expected 'and', 'or' or the end at column 12 near \"==\""},
      {"option[60].exists == 'true'", "expected 'and', 'or' or the end at column 19 near \"==\""},
      {"option[999].exists", "an option code out of range 0..255 at column 8 near \"999\""},
      {"option[no-such-option].exists",
       "no option named 'no-such-option' in space dhcp4 at column 8 near \"no-such-option\""},
      {"member('later')", "class 'later' is not defined before this one at column 8 near \"'later'\""},
      {"pkt6.msgtype == 1", "pkt6 can only be used in DHCPv6 at column 1 near \"pkt6\""},
      {"relay6[0].peeraddr == ::", "relay6 can only be used in DHCPv6 at column 1 near \"relay6\""},
      {"known", "'known' is not in Kea 2.2's language; use member('KNOWN') at column 1 near \"known\""},
      {"match('a.*', 'ab')",
       "match() (regular expressions, added after Kea 2.2) is not supported at column 1 "
       "near \"match\""},
      {"concat('a', 'b', 'c') == 'x'", "expected ')' at column 16 near \",\""},
      {"substring('abc', 0, 'all') == 'a'", "expected a length or all at column 21 near \"'all'\""},
      {"'a\\'b' == 'x'", "unterminated string at column 13 near \"'\""},
      {"\"a\" == 'x'", "unexpected character at column 1 near \"\"\""},
      {"0x == 'a'", "a hex literal needs at least one digit after 0x at column 1 near \"0x\""},
      {"pkt4.mac == 1.2.3.4.5", "invalid IP address literal at column 13 near \"1.2.3.4.5\""},
      {"-1 == pkt4.transid", "an integer out of range 0..4294967295 at column 1 near \"-1\""},
      {"'unterminated == 'x'", "unterminated string at column 20 near \"'\""},
      {"option[60].exists and", "the expression ends too early at the end of the expression"},
      {"not 'a'", "expected '==' or '+' after the string that starts at column 5 at the end of "
                  "the expression"},
      {"pkt4.chaddr == 0x01", "unknown field pkt4.chaddr at column 6 near \"chaddr\""},
      {"frobnicate('a') == 'b'", "unknown function 'frobnicate' at column 1 near \"frobnicate\""},
      {"ifelse('a', 'b', 'c') == 'x'", "expected '==' or '+' after the string that starts at "
                                       "column 8 at column 11 near \",\""},
      {"'a' + option[1].exists == 'x'", "'+' needs strings, found a condition at column 7 "
                                        "near \"option\""},
      {"vendor-class[4491].data[300] == 'x'", "a data index out of range 0..255 at column 25 "
                                              "near \"300\""},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(errorOf(c.text), c.error) << c.text;
  }
  EXPECT_EQ(errorOf("relay6[32].linkaddr == ::", options::Family::kV6),
            "a relay nesting level out of range -32..31 at column 8 near \"32\"");
  EXPECT_EQ(errorOf("relay4[1].exists", options::Family::kV6),
            "relay4 can only be used in DHCPv4 at column 1 near \"relay4\"");
  EXPECT_EQ(errorOf("option[70000].exists", options::Family::kV6),
            "an option code out of range 0..65535 at column 8 near \"70000\"");
}

TEST(CompileExpressionTest, TracksDependencyOnKnown) {
  const auto env = environment(options::Family::kV4);
  EXPECT_FALSE((*compileExpression("member('pxe')", ResultType::kBool, env))->dependsOnKnown());
  EXPECT_TRUE((*compileExpression("not member('KNOWN')", ResultType::kBool, env))->dependsOnKnown());
  EXPECT_TRUE((*compileExpression("member('UNKNOWN')", ResultType::kBool, env))->dependsOnKnown());
  EXPECT_TRUE(
      (*compileExpression("member('known-dependent')", ResultType::kBool, env))->dependsOnKnown());
}

TEST(CompileExpressionTest, TemplateExpressionsAreStrings) {
  EXPECT_EQ(errorOf("option[60].hex", options::Family::kV4, ResultType::kString), "");
  EXPECT_EQ(errorOf("option[60].exists", options::Family::kV4, ResultType::kString),
            "expected a string, found a condition at column 1 near \"option\"");
}

TEST(CompileExpressionTest, DeepNestingIsRejectedNotOverflowed) {
  std::string text;
  for (int i = 0; i < 200; ++i) {
    text += "not ";
  }
  text += "option[1].exists";
  EXPECT_EQ(errorOf(text), "the expression nests more than 64 levels at column 253 near \"not\"");
}

}  // namespace
}  // namespace leasehold::classify
