#include "server/options/option_definition.h"

#include <gtest/gtest.h>

#include <set>

namespace leasehold::options {
namespace {

TEST(DataTypeTest, NamesRoundTrip) {
  for (const char* name : {"empty", "binary", "boolean", "int8", "int16", "int32", "uint8",
                           "uint16", "uint32", "ipv4-address", "ipv6-address", "ipv6-prefix",
                           "psid", "string", "tuple", "fqdn", "record", "internal"}) {
    const auto type = parseDataType(name);
    ASSERT_TRUE(type.has_value()) << name;
    EXPECT_EQ(dataTypeName(*type), name);
  }
  EXPECT_FALSE(parseDataType("uint64").has_value());
  EXPECT_FALSE(parseDataType("").has_value());
}

TEST(StandardDefinitionsTest, V4HasKeaNamesAndCodes) {
  const auto& set = standardDefinitions(Family::kV4);
  struct Expected {
    const char* space;
    const char* name;
    uint16_t code;
    DataType type;
    bool array;
  };
  for (const Expected& e : std::initializer_list<Expected>{
           {"dhcp4", "subnet-mask", 1, DataType::kIpv4Address, false},
           {"dhcp4", "routers", 3, DataType::kIpv4Address, true},
           {"dhcp4", "domain-name-servers", 6, DataType::kIpv4Address, true},
           {"dhcp4", "domain-name", 15, DataType::kString, false},
           {"dhcp4", "vendor-encapsulated-options", 43, DataType::kEmpty, false},
           {"dhcp4", "dhcp-agent-options", 82, DataType::kEmpty, false},
           {"dhcp4", "domain-search", 119, DataType::kFqdn, true},
           {"dhcp4", "classless-static-route", 121, DataType::kInternal, false},
           {"dhcp4", "vivco-suboptions", 124, DataType::kRecord, false},
           {"dhcp4", "vivso-suboptions", 125, DataType::kUint32, false},
           {"dhcp4", "v4-captive-portal", 114, DataType::kString, false},
           {"dhcp4", "v4-portparams", 159, DataType::kRecord, false},
           {"dhcp4", "option-6rd", 212, DataType::kRecord, true},
           {"dhcp-agent-options-space", "circuit-id", 1, DataType::kBinary, false},
           {"dhcp-agent-options-space", "link-selection", 5, DataType::kIpv4Address, false},
           {"dhcp-agent-options-space", "relay-port", 19, DataType::kUint16, false},
           {"vendor-4491", "tftp-servers", 2, DataType::kIpv4Address, true},
       }) {
    const OptionDefinition* by_name = set.find(e.space, std::string_view(e.name));
    ASSERT_NE(by_name, nullptr) << e.name;
    EXPECT_EQ(by_name->code, e.code) << e.name;
    EXPECT_EQ(by_name->type, e.type) << e.name;
    EXPECT_EQ(by_name->array, e.array) << e.name;
    EXPECT_EQ(by_name->family, Family::kV4) << e.name;
    EXPECT_EQ(set.find(e.space, e.code), by_name) << e.name;
  }
  EXPECT_EQ(set.find("dhcp4", std::string_view("dhcp-agent-options"))->encapsulate,
            "dhcp-agent-options-space");
}

TEST(StandardDefinitionsTest, V6HasKeaNamesAndCodes) {
  const auto& set = standardDefinitions(Family::kV6);
  struct Expected {
    const char* space;
    const char* name;
    uint16_t code;
    DataType type;
  };
  for (const Expected& e : std::initializer_list<Expected>{
           {"dhcp6", "dns-servers", 23, DataType::kIpv6Address},
           {"dhcp6", "domain-search", 24, DataType::kFqdn},
           {"dhcp6", "sntp-servers", 31, DataType::kIpv6Address},
           {"dhcp6", "nis-servers", 27, DataType::kIpv6Address},
           {"dhcp6", "sip-server-addr", 22, DataType::kIpv6Address},
           {"dhcp6", "vendor-opts", 17, DataType::kUint32},
           {"dhcp6", "ntp-server", 56, DataType::kEmpty},
           {"dhcp6", "pd-exclude", 67, DataType::kIpv6Prefix},
           {"dhcp6", "s46-cont-mape", 94, DataType::kEmpty},
           {"dhcp6", "bootfile-param", 60, DataType::kTuple},
           {"dhcp6", "v6-dnr", 144, DataType::kInternal},
           {"v6-ntp-server-suboptions", "ntp-server-address", 1, DataType::kIpv6Address},
           {"v6-ntp-server-suboptions", "ntp-server-fqdn", 3, DataType::kFqdn},
           {"s46-cont-mape-options", "s46-rule", 89, DataType::kRecord},
           {"s46-cont-lw-options", "s46-v4v6bind", 92, DataType::kRecord},
           {"s46-rule-options", "s46-portparams", 93, DataType::kRecord},
           {"vendor-4491", "config-file", 33, DataType::kString},
       }) {
    const OptionDefinition* definition = set.find(e.space, std::string_view(e.name));
    ASSERT_NE(definition, nullptr) << e.name;
    EXPECT_EQ(definition->code, e.code) << e.name;
    EXPECT_EQ(definition->type, e.type) << e.name;
    EXPECT_EQ(definition->family, Family::kV6) << e.name;
  }
  EXPECT_EQ(set.find("dhcp6", std::string_view("ntp-server"))->encapsulate,
            "v6-ntp-server-suboptions");
}

TEST(StandardDefinitionsTest, EveryRowIsUniqueAndValid) {
  for (Family family : {Family::kV4, Family::kV6}) {
    std::set<std::pair<std::string, uint16_t>> codes;
    std::set<std::pair<std::string, std::string>> names;
    for (const OptionDefinition& definition : standardDefinitions(family).all()) {
      EXPECT_TRUE(codes.emplace(definition.space, definition.code).second) << definition.name;
      EXPECT_TRUE(names.emplace(definition.space, definition.name).second) << definition.name;
      EXPECT_FALSE(definition.name.empty());
      if (definition.type == DataType::kRecord) {
        EXPECT_FALSE(definition.record_fields.empty()) << definition.name;
      } else {
        EXPECT_TRUE(definition.record_fields.empty()) << definition.name;
      }
    }
    // Both tables were built, so they hold more than a handful of rows.
    EXPECT_GT(codes.size(), 60u);
  }
}

TEST(StandardDefinitionsTest, ProtectsTopLevelCodesExceptOption43) {
  EXPECT_TRUE(isProtectedStandardOption(Family::kV4, "dhcp4", 3));
  EXPECT_FALSE(isProtectedStandardOption(Family::kV4, "dhcp4", 43));
  EXPECT_FALSE(isProtectedStandardOption(Family::kV4, "dhcp4", 250));
  EXPECT_FALSE(isProtectedStandardOption(Family::kV4, "my-space", 3));
  EXPECT_TRUE(isProtectedStandardOption(Family::kV6, "dhcp6", 23));
  EXPECT_FALSE(isProtectedStandardOption(Family::kV6, "dhcp6", 111));
}

TEST(OptionDefinitionSetTest, RejectsDuplicateCodeOrName) {
  OptionDefinitionSet set;
  ASSERT_TRUE(set.add({"foo", 100, "isc", DataType::kUint8, false, {}, "", Family::kV4}));
  const auto same_code = set.add({"bar", 100, "isc", DataType::kUint8, false, {}, "", Family::kV4});
  ASSERT_FALSE(same_code);
  EXPECT_EQ(same_code.error(), "option code 100 is already defined in space \"isc\"");
  const auto same_name = set.add({"foo", 101, "isc", DataType::kUint8, false, {}, "", Family::kV4});
  ASSERT_FALSE(same_name);
  EXPECT_EQ(same_name.error(), "option name \"foo\" is already defined in space \"isc\"");
  EXPECT_TRUE(set.add({"foo", 100, "other", DataType::kUint8, false, {}, "", Family::kV4}));
  EXPECT_EQ(set.find("isc", uint16_t{100})->name, "foo");
  EXPECT_EQ(set.find("isc", uint16_t{101}), nullptr);
  EXPECT_EQ(set.find("isc", std::string_view("bar")), nullptr);
}

OptionDefinition custom(DataType type, bool array = false, std::vector<DataType> fields = {}) {
  return {"my-option", 200, "my-space", type, array, std::move(fields), "", Family::kV4};
}

TEST(ValidateDefinitionTest, AcceptsWellFormedDefinitions) {
  EXPECT_TRUE(validateDefinition(custom(DataType::kUint32)));
  EXPECT_TRUE(validateDefinition(custom(DataType::kIpv4Address, true)));
  EXPECT_TRUE(validateDefinition(custom(DataType::kRecord, false,
                                        {DataType::kUint8, DataType::kString})));
  EXPECT_TRUE(validateDefinition(custom(DataType::kRecord, true,
                                        {DataType::kUint8, DataType::kFqdn})));
}

TEST(ValidateDefinitionTest, RejectsBadDefinitionsWithReason) {
  struct Case {
    OptionDefinition definition;
    const char* error;
  };
  OptionDefinition bad_name = custom(DataType::kUint8);
  bad_name.name = "my option";
  OptionDefinition numeric_name = custom(DataType::kUint8);
  numeric_name.name = "123";
  OptionDefinition bad_space = custom(DataType::kUint8);
  bad_space.space = "my.space";
  OptionDefinition code_zero = custom(DataType::kUint8);
  code_zero.code = 0;
  OptionDefinition code_255 = custom(DataType::kUint8);
  code_255.code = 255;
  OptionDefinition fields_on_scalar = custom(DataType::kUint8, false, {DataType::kUint8});
  for (const Case& c : std::initializer_list<Case>{
           {bad_name, "invalid option name \"my option\": use letters, digits, '-' and '_'"},
           {numeric_name, "invalid option name \"123\": a name must not be a number"},
           {bad_space, "invalid option space name \"my.space\": use letters, digits, '-' and '_'"},
           {code_zero, "invalid option code 0: must be 1 to 254"},
           {code_255, "invalid option code 255: must be 1 to 254"},
           {custom(DataType::kEmpty, true), "an option of type empty cannot be an array"},
           {custom(DataType::kString, true),
            "an option of type string cannot be an array: the values could not be told apart"},
           {custom(DataType::kRecord), "a record option needs record-types"},
           {custom(DataType::kRecord, false, {DataType::kString, DataType::kUint8}),
            "record field 1 has type string, which is only allowed as the last field"},
           {custom(DataType::kRecord, true, {DataType::kUint8, DataType::kBinary}),
            "an array record cannot end with a binary field"},
           {custom(DataType::kInternal), "type internal is reserved for standard options"},
           {fields_on_scalar, "record-types is set but the type is uint8, not record"},
       }) {
    const auto result = validateDefinition(c.definition);
    ASSERT_FALSE(result) << c.error;
    EXPECT_EQ(result.error(), c.error);
  }
  OptionDefinition v6_code = custom(DataType::kUint8);
  v6_code.family = Family::kV6;
  v6_code.code = 65535;
  EXPECT_TRUE(validateDefinition(v6_code));
}

TEST(SpaceNameTest, ValidatesAndCanonicalizes) {
  EXPECT_TRUE(isValidSpaceName("vendor-4491"));
  EXPECT_TRUE(isValidSpaceName("339"));
  EXPECT_FALSE(isValidSpaceName(""));
  EXPECT_FALSE(isValidSpaceName("a b"));
  EXPECT_EQ(canonicalSpace("docsis3-v4"), "vendor-4491");
  EXPECT_EQ(canonicalSpace("docsis3-v6"), "vendor-4491");
  EXPECT_EQ(canonicalSpace("dhcp4"), "dhcp4");
}

}  // namespace
}  // namespace leasehold::options
