#include <gtest/gtest.h>

#include "server/options/option_definition.h"

namespace leasehold::options {
namespace {

using Bytes = std::vector<uint8_t>;

OptionDefinition define(DataType type, bool array = false, std::vector<DataType> fields = {},
                        Family family = Family::kV4) {
  return {"test-option", 200, "test-space", type, array, std::move(fields), "", family};
}

Bytes encodeOk(const OptionDefinition& definition, std::string_view data, bool csv = true) {
  auto result = encodeOptionData(definition, data, csv);
  EXPECT_TRUE(result) << data << ": " << (result ? "" : result.error());
  return result ? *result : Bytes{};
}

std::string encodeError(const OptionDefinition& definition, std::string_view data,
                        bool csv = true) {
  auto result = encodeOptionData(definition, data, csv);
  EXPECT_FALSE(result) << data;
  return result ? std::string() : result.error();
}

const OptionDefinition& standard(Family family, std::string_view space, std::string_view name) {
  const OptionDefinition* definition = standardDefinitions(family).find(space, name);
  EXPECT_NE(definition, nullptr) << name;
  return *definition;
}

TEST(EncodeOptionDataTest, Integers) {
  EXPECT_EQ(encodeOk(define(DataType::kUint8), "248"), Bytes({248}));
  EXPECT_EQ(encodeOk(define(DataType::kUint8), "0xf0"), Bytes({0xf0}));
  EXPECT_EQ(encodeOk(define(DataType::kUint16), "1024"), Bytes({0x04, 0x00}));
  EXPECT_EQ(encodeOk(define(DataType::kUint32), "4294967295"), Bytes({0xff, 0xff, 0xff, 0xff}));
  EXPECT_EQ(encodeOk(define(DataType::kInt8), "-1"), Bytes({0xff}));
  EXPECT_EQ(encodeOk(define(DataType::kInt16), "-2"), Bytes({0xff, 0xfe}));
  EXPECT_EQ(encodeOk(define(DataType::kInt32), "-25200"), Bytes({0xff, 0xff, 0x9d, 0x90}));
}

TEST(EncodeOptionDataTest, IntegersOutOfRangeNameTheBounds) {
  EXPECT_EQ(encodeError(define(DataType::kUint8), "256"), "value 256 is out of range (0 to 255)");
  EXPECT_EQ(encodeError(define(DataType::kUint8), "-1"), "value -1 is out of range (0 to 255)");
  EXPECT_EQ(encodeError(define(DataType::kInt8), "128"),
            "value 128 is out of range (-128 to 127)");
  EXPECT_EQ(encodeError(define(DataType::kInt32), "2147483648"),
            "value 2147483648 is out of range (-2147483648 to 2147483647)");
  EXPECT_EQ(encodeError(define(DataType::kUint32), "99999999999999999999999"),
            "value 99999999999999999999999 is out of range (0 to 4294967295)");
  EXPECT_EQ(encodeError(define(DataType::kUint16), "12ab"), "invalid integer \"12ab\"");
  EXPECT_EQ(encodeError(define(DataType::kUint16), "0x"), "invalid integer \"0x\"");
}

TEST(EncodeOptionDataTest, Booleans) {
  EXPECT_EQ(encodeOk(define(DataType::kBoolean), "true"), Bytes({1}));
  EXPECT_EQ(encodeOk(define(DataType::kBoolean), "false"), Bytes({0}));
  EXPECT_EQ(encodeOk(define(DataType::kBoolean), "1"), Bytes({1}));
  EXPECT_EQ(encodeError(define(DataType::kBoolean), "yes"),
            "invalid boolean \"yes\": use true, false, 1 or 0");
}

TEST(EncodeOptionDataTest, AddressArrays) {
  EXPECT_EQ(encodeOk(define(DataType::kIpv4Address, true), "192.0.2.1, 10.0.0.2"),
            Bytes({192, 0, 2, 1, 10, 0, 0, 2}));
  EXPECT_EQ(encodeError(define(DataType::kIpv4Address, true), "192.0.2.1, 10.0.0"),
            "value 2 (ipv4-address): invalid IPv4 address \"10.0.0\"");
  EXPECT_EQ(encodeError(define(DataType::kIpv4Address), "192.0.2.1, 192.0.2.2"),
            "option test-option takes one ipv4-address value but 2 were given (escape commas "
            "inside a value as \\,)");
  const Bytes v6 = encodeOk(define(DataType::kIpv6Address, true, {}, Family::kV6), "2001:db8::1");
  ASSERT_EQ(v6.size(), 16u);
  EXPECT_EQ(v6[0], 0x20);
  EXPECT_EQ(v6[15], 0x01);
  EXPECT_EQ(encodeError(define(DataType::kIpv6Address), "192.0.2.1"),
            "invalid IPv6 address \"192.0.2.1\"");
  EXPECT_EQ(encodeError(define(DataType::kIpv4Address, true), ""),
            "option test-option needs a ipv4-address value but data is empty");
}

TEST(EncodeOptionDataTest, Ipv6PrefixCarriesOnlyCoveredBytes) {
  EXPECT_EQ(encodeOk(define(DataType::kIpv6Prefix), "2001:db8:1::/48"),
            Bytes({48, 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01}));
  EXPECT_EQ(encodeOk(define(DataType::kIpv6Prefix), "2001:db8::/33"),
            Bytes({33, 0x20, 0x01, 0x0d, 0xb8, 0x00}));
  EXPECT_EQ(encodeError(define(DataType::kIpv6Prefix), "2001:db8::1/64"),
            "invalid IPv6 prefix \"2001:db8::1/64\": bits are set beyond the prefix length");
  EXPECT_EQ(encodeError(define(DataType::kIpv6Prefix), "2001:db8::"),
            "invalid IPv6 prefix \"2001:db8::\": expected address/length");
}

TEST(EncodeOptionDataTest, PsidIsLeftAligned) {
  // PSID 3 with length 4 travels as 0011 followed by twelve zero bits.
  EXPECT_EQ(encodeOk(define(DataType::kPsid), "3/4"), Bytes({4, 0x30, 0x00}));
  EXPECT_EQ(encodeOk(define(DataType::kPsid), "0/0"), Bytes({0, 0, 0}));
  EXPECT_EQ(encodeOk(define(DataType::kPsid), "65535/16"), Bytes({16, 0xff, 0xff}));
  EXPECT_EQ(encodeError(define(DataType::kPsid), "16/4"),
            "invalid PSID in \"16/4\": value 16 is out of range (0 to 15)");
  EXPECT_EQ(encodeError(define(DataType::kPsid), "1/17"),
            "invalid PSID length in \"1/17\": value 17 is out of range (0 to 16)");
  EXPECT_EQ(encodeError(define(DataType::kPsid), "12"),
            "invalid PSID \"12\": expected psid/psid-length");
}

TEST(EncodeOptionDataTest, StringsKeepEscapedCommas) {
  const auto& posix = standard(Family::kV6, "dhcp6", "new-posix-timezone");
  const Bytes text = encodeOk(posix, "EST5EDT4\\,M3.2.0/02:00\\,M11.1.0/02:00");
  EXPECT_EQ(std::string(text.begin(), text.end()), "EST5EDT4,M3.2.0/02:00,M11.1.0/02:00");
  EXPECT_EQ(encodeError(posix, "EST5EDT4,M3.2.0"),
            "option new-posix-timezone takes one string value but 2 were given (escape commas "
            "inside a value as \\,)");
  EXPECT_EQ(encodeError(posix, ""), "option new-posix-timezone needs a string value but data is "
                                    "empty");
  const Bytes backslash = encodeOk(define(DataType::kString), "a\\\\b");
  EXPECT_EQ(std::string(backslash.begin(), backslash.end()), "a\\b");
}

TEST(EncodeOptionDataTest, TupleLengthDependsOnFamily) {
  EXPECT_EQ(encodeOk(define(DataType::kTuple, true), "ab, c"), Bytes({2, 'a', 'b', 1, 'c'}));
  EXPECT_EQ(encodeOk(define(DataType::kTuple, true, {}, Family::kV6), "ab"),
            Bytes({0, 2, 'a', 'b'}));
  EXPECT_EQ(encodeError(define(DataType::kTuple), std::string(256, 'x')),
            "tuple of 256 bytes is longer than the maximum of 255");
}

TEST(EncodeOptionDataTest, FqdnInWireFormat) {
  const Bytes expected = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0};
  EXPECT_EQ(encodeOk(define(DataType::kFqdn), "example.com"), expected);
  EXPECT_EQ(encodeOk(define(DataType::kFqdn), "example.com."), expected);
  EXPECT_EQ(encodeOk(define(DataType::kFqdn), "."), Bytes({0}));
  EXPECT_EQ(encodeError(define(DataType::kFqdn), "a..b"),
            "invalid domain name \"a..b\": each label must have 1 to 63 characters");
  EXPECT_EQ(encodeError(define(DataType::kFqdn), std::string(64, 'a') + ".com"),
            "invalid domain name \"" + std::string(64, 'a') +
                ".com\": each label must have 1 to 63 characters");
  std::string long_name;
  for (int i = 0; i < 5; ++i) long_name += std::string(60, 'a') + ".";
  EXPECT_EQ(encodeError(define(DataType::kFqdn), long_name),
            "invalid domain name \"" + long_name + "\": longer than 255 bytes");
}

TEST(EncodeOptionDataTest, BinaryAcceptsHexForms) {
  const Bytes expected = {0x1a, 0xbb, 0x0c};
  EXPECT_EQ(encodeOk(define(DataType::kBinary), "1abb0c"), expected);
  EXPECT_EQ(encodeOk(define(DataType::kBinary), "1A BB C"), expected);
  EXPECT_EQ(encodeOk(define(DataType::kBinary), "1a:bb:0c"), expected);
  EXPECT_EQ(encodeOk(define(DataType::kBinary), "0x1abb0c"), expected);
  EXPECT_EQ(encodeOk(define(DataType::kBinary), "abb0c"), Bytes({0x0a, 0xbb, 0x0c}));
  EXPECT_EQ(encodeOk(define(DataType::kBinary), "'ab'"), Bytes({'a', 'b'}));
  EXPECT_EQ(encodeError(define(DataType::kBinary), "1g"), "invalid hex data \"1g\"");
  EXPECT_EQ(encodeError(define(DataType::kBinary), "1:234"),
            "invalid hex data \"1:234\": separated groups need one or two hex digits");
}

TEST(EncodeOptionDataTest, CsvFormatFalseTakesHexForAnyType) {
  EXPECT_EQ(encodeOk(define(DataType::kIpv4Address), "ffff8000", false),
            Bytes({0xff, 0xff, 0x80, 0x00}));
  EXPECT_EQ(encodeOk(define(DataType::kUint8), "", false), Bytes{});
  EXPECT_EQ(encodeError(define(DataType::kUint8), "zz", false), "invalid hex data \"zz\"");
  EXPECT_EQ(*encodeHexData("ABCDEF0105"), Bytes({0xab, 0xcd, 0xef, 0x01, 0x05}));
}

TEST(EncodeOptionDataTest, EmptyTypeTakesNoData) {
  EXPECT_EQ(encodeOk(define(DataType::kEmpty), ""), Bytes{});
  EXPECT_EQ(encodeOk(define(DataType::kEmpty), "  "), Bytes{});
  EXPECT_EQ(encodeError(define(DataType::kEmpty), "01"),
            "option test-option has type empty and carries no data, but data \"01\" was given");
  EXPECT_EQ(encodeError(define(DataType::kEmpty), "01", false),
            "option test-option has type empty and carries no data, but data \"01\" was given");
}

TEST(EncodeOptionDataTest, RecordsCheckEachField) {
  const auto record = define(DataType::kRecord, false, {DataType::kUint8, DataType::kUint16});
  EXPECT_EQ(encodeOk(record, "1, 513"), Bytes({1, 2, 1}));
  EXPECT_EQ(encodeError(record, "1"), "record needs 2 values but 1 were given");
  EXPECT_EQ(encodeError(record, "1, 2, 3"),
            "record takes 2 values but 3 were given (escape commas inside a value as \\,)");
  EXPECT_EQ(encodeError(record, "1, 70000"),
            "field 2 (uint16): value 70000 is out of range (0 to 65535)");
}

TEST(EncodeOptionDataTest, ArrayRecordRepeatsLastField) {
  const auto& agent = standard(Family::kV4, "dhcp4", "slp-directory-agent");
  EXPECT_EQ(encodeOk(agent, "true, 192.0.2.59, 192.0.2.60"),
            Bytes({1, 192, 0, 2, 59, 192, 0, 2, 60}));
  EXPECT_EQ(encodeError(agent, "true, 192.0.2.59, x"),
            "field 3 (ipv4-address): invalid IPv4 address \"x\"");
}

TEST(EncodeOptionDataTest, RecordWithEveryFieldType) {
  const auto fancy = define(DataType::kRecord, true,
                            {DataType::kInt8, DataType::kInt16, DataType::kInt32,
                             DataType::kUint8, DataType::kUint16, DataType::kUint32,
                             DataType::kIpv4Address, DataType::kIpv6Address,
                             DataType::kIpv6Prefix, DataType::kPsid, DataType::kTuple,
                             DataType::kFqdn},
                            Family::kV6);
  const Bytes payload =
      encodeOk(fancy, "127, 32767, 2147483647, 255, 65535, 4294967295, 192.0.2.79, "
                      "2001:db8::30, 2001:db8::/64, 3/4, 1, example.org, string");
  // 1+2+4+1+2+4+4+16 fixed bytes, prefix 1+8, psid 3, tuple 2+1, two names 13 and 8.
  EXPECT_EQ(payload.size(), 34u + 9 + 3 + 3 + 13 + 8);
}

TEST(EncodeOptionDataTest, VendorOptionsCarryEnterpriseNumber) {
  EXPECT_EQ(encodeOk(standard(Family::kV4, "dhcp4", "vivso-suboptions"), "4491"),
            Bytes({0, 0, 0x11, 0x8b}));
  EXPECT_EQ(encodeOk(standard(Family::kV4, "dhcp4", "vivco-suboptions"), "4491, 0f ba"),
            Bytes({0, 0, 0x11, 0x8b, 0x0f, 0xba}));
}

TEST(EncodeOptionDataTest, ClasslessStaticRoutes) {
  const auto& routes = standard(Family::kV4, "dhcp4", "classless-static-route");
  EXPECT_EQ(encodeOk(routes, "10.229.0.128/25 - 10.229.0.1, 0.0.0.0/0 - 10.0.0.1"),
            Bytes({25, 10, 229, 0, 128, 10, 229, 0, 1, 0, 10, 0, 0, 1}));
  EXPECT_EQ(encodeError(routes, "10.0.0.1/24 - 10.0.0.1"),
            "route 1 \"10.0.0.1/24 - 10.0.0.1\": the destination has bits set beyond its length");
  EXPECT_EQ(encodeError(routes, "10.0.0.0/8 10.0.0.1"),
            "route 1 \"10.0.0.0/8 10.0.0.1\": expected \"prefix/length - router\"");
}

TEST(EncodeOptionDataTest, Dnr6WithSvcParams) {
  const auto& dnr = standard(Family::kV6, "dhcp6", "v6-dnr");
  const Bytes payload = encodeOk(dnr, "100, resolver.example., 2001:db8::1, alpn=dot\\,h2 port=853");
  const Bytes adn = {8, 'r', 'e', 's', 'o', 'l', 'v', 'e', 'r', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
  Bytes expected = {0, 100, 0, static_cast<uint8_t>(adn.size())};
  expected.insert(expected.end(), adn.begin(), adn.end());
  expected.insert(expected.end(), {0, 16, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
  expected.insert(expected.end(), {0, 1, 0, 7, 3, 'd', 'o', 't', 2, 'h', '2'});
  expected.insert(expected.end(), {0, 3, 0, 2, 0x03, 0x55});
  EXPECT_EQ(payload, expected);
  EXPECT_EQ(encodeError(dnr, "100, resolver.example., 2001:db8::1, ipv6hint=2001:db8::1"),
            "SvcParam ipv6hint is not supported in DNR options (RFC 9463 section 3.1.5)");
  EXPECT_EQ(encodeError(dnr, "0, resolver.example."),
            "invalid service priority: value 0 is out of range (1 to 65535)");
}

TEST(EncodeOptionDataTest, Dnr4InstancesSeparatedByBars) {
  const auto& dnr = standard(Family::kV4, "dhcp4", "v4-dnr");
  const Bytes payload = encodeOk(dnr, "1, a., 10.0.0.1, alpn=dot\\,doq | 2, b.");
  // Each instance: length, priority, ADN length (1 byte), ADN, then for the first one the
  // address length (1 byte), the address and the alpn SvcParam (key 1, 8 bytes).
  const Bytes expected = {0, 23, 0, 1, 3, 1, 'a', 0, 4, 10, 0, 0, 1,
                          0, 1, 0, 8, 3, 'd', 'o', 't', 3, 'd', 'o', 'q',
                          0, 6, 0, 2, 3, 1, 'b', 0};
  EXPECT_EQ(payload, expected);
  EXPECT_EQ(encodeError(dnr, "1, a. | x, b."),
            "instance 2: invalid service priority: invalid integer \"x\"");
}

TEST(EncodeOptionDataTest, InternalTypeWithoutTextFormatNeedsHex) {
  auto opaque = define(DataType::kInternal);
  EXPECT_EQ(encodeError(opaque, "1"),
            "option test-option has no text format: set csv-format to false and give hex data");
  EXPECT_EQ(encodeOk(opaque, "01", false), Bytes({1}));
}

}  // namespace
}  // namespace leasehold::options
