// Option definitions (Kea's `option-def` model and the standard DHCPv4/DHCPv6 tables) and the
// conversion of `option-data` text into option payload bytes.
//
// Threads: definitions are immutable once built; the standard tables are built on first use
// in a thread-safe way.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/result.h"

namespace leasehold::options {

enum class Family { kV4 = 4, kV6 = 6 };

// Kea's option data types, named as in `option-def` "type" and "record-types".
enum class DataType {
  kEmpty,
  kBinary,
  kBoolean,
  kInt8,
  kInt16,
  kInt32,
  kUint8,
  kUint16,
  kUint32,
  kIpv4Address,
  kIpv6Address,
  kIpv6Prefix,
  kPsid,
  kString,
  kTuple,
  kFqdn,
  kRecord,
  kInternal,  // options Kea builds itself (client FQDN, vendor options): kept as opaque bytes
};

// Parses a Kea type name ("uint8", "ipv4-address", "record", ...).
std::optional<DataType> parseDataType(std::string_view name);
std::string_view dataTypeName(DataType type);

struct OptionDefinition {
  std::string name;
  uint16_t code = 0;
  std::string space;  // "dhcp4", "dhcp6", "vendor-4491", or a custom space
  DataType type = DataType::kBinary;
  // For kRecord, `array` means the last record field repeats (Kea's rule).
  bool array = false;
  std::vector<DataType> record_fields;  // for kRecord
  std::string encapsulate;              // space of the sub-options this option carries
  // The protocol the option travels in: it sets the width of tuple length fields (1 byte in
  // DHCPv4, 2 in DHCPv6) and the valid code range.
  Family family = Family::kV4;
};

// Checks a custom definition from `option-def`: the name and space syntax, the code range of
// the family, record fields (string and binary only as the last field), and that empty or
// string types are not arrays. Errors name the offending field.
Result<void, std::string> validateDefinition(const OptionDefinition& definition);

// True for option space names Kea accepts: letters, digits, '-' and '_'.
bool isValidSpaceName(std::string_view space);

// Maps Kea's alternative names of standard spaces to the canonical one ("docsis3-v4" and
// "docsis3-v6" are "vendor-4491"); other names are returned unchanged.
std::string_view canonicalSpace(std::string_view space);

// A set of definitions searchable by (space, code) and (space, name).
class OptionDefinitionSet {
 public:
  // Adds a definition. Errors: a definition with the same space and code or name exists.
  Result<void, std::string> add(OptionDefinition definition);
  const OptionDefinition* find(std::string_view space, uint16_t code) const;
  const OptionDefinition* find(std::string_view space, std::string_view name) const;
  const std::vector<OptionDefinition>& all() const { return definitions_; }

 private:
  std::vector<OptionDefinition> definitions_;
  std::map<std::pair<std::string, uint16_t>, size_t, std::less<>> by_code_;
  std::map<std::pair<std::string, std::string>, size_t, std::less<>> by_name_;
};

// The standard definitions of one family (RFC 2132 and later for DHCPv4, RFC 8415 and later
// for DHCPv6), including the sub-option spaces Kea defines (agent options, vendor-4491, ...).
// DHCPv4 option 43 (vendor-encapsulated-options) is included, but a configuration may
// redefine it, as Kea allows; no other standard option in "dhcp4" or "dhcp6" may be redefined.
const OptionDefinitionSet& standardDefinitions(Family family);

// True when `code` in `space` is a standard option that `option-def` must not redefine.
bool isProtectedStandardOption(Family family, std::string_view space, uint16_t code);

// Encodes `data` as the payload of an option with `definition`. With `csv_format`, `data` is
// Kea's comma-separated text for the definition's type (a backslash keeps the next character,
// so \, is a comma inside a value); without, it is hex (with optional colons or spaces, or
// a quoted string). Errors name the field that could not be parsed, e.g.
// `field 2 (ipv4-address): invalid IPv4 address "10.0.0"`.
Result<std::vector<uint8_t>, std::string> encodeOptionData(const OptionDefinition& definition,
                                                          std::string_view data,
                                                          bool csv_format);

// Encodes hex text (`data` of an option with csv-format false or no definition).
Result<std::vector<uint8_t>, std::string> encodeHexData(std::string_view data);

}  // namespace leasehold::options
