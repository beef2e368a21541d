#include "server/options/option_definition.h"

#include <array>
#include <utility>

#include "server/options/standard_tables.h"

namespace leasehold::options {

namespace {

constexpr std::array<std::pair<DataType, std::string_view>, 18> kTypeNames{{
    {DataType::kEmpty, "empty"},
    {DataType::kBinary, "binary"},
    {DataType::kBoolean, "boolean"},
    {DataType::kInt8, "int8"},
    {DataType::kInt16, "int16"},
    {DataType::kInt32, "int32"},
    {DataType::kUint8, "uint8"},
    {DataType::kUint16, "uint16"},
    {DataType::kUint32, "uint32"},
    {DataType::kIpv4Address, "ipv4-address"},
    {DataType::kIpv6Address, "ipv6-address"},
    {DataType::kIpv6Prefix, "ipv6-prefix"},
    {DataType::kPsid, "psid"},
    {DataType::kString, "string"},
    {DataType::kTuple, "tuple"},
    {DataType::kFqdn, "fqdn"},
    {DataType::kRecord, "record"},
    {DataType::kInternal, "internal"},
}};

bool isNameCharacter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

OptionDefinitionSet buildStandardSet(Family family) {
  OptionDefinitionSet set;
  const auto spaces =
      family == Family::kV4 ? detail::standardV4Spaces() : detail::standardV6Spaces();
  for (const auto& space : spaces) {
    for (const auto& row : space.rows) {
      OptionDefinition definition;
      definition.name = row.name;
      definition.code = row.code;
      definition.space = space.space;
      definition.type = row.type;
      definition.array = row.array;
      definition.record_fields = row.record_fields;
      definition.encapsulate = row.encapsulate;
      definition.family = family;
      // The tables hold unique (space, code) and (space, name) pairs; the unit tests check
      // every row, so a failure here is a programming error caught there.
      [[maybe_unused]] const auto added = set.add(std::move(definition));
    }
  }
  return set;
}

}  // namespace

std::optional<DataType> parseDataType(std::string_view name) {
  for (const auto& [type, type_name] : kTypeNames) {
    if (type_name == name) {
      return type;
    }
  }
  return std::nullopt;
}

std::string_view dataTypeName(DataType type) {
  for (const auto& [known, name] : kTypeNames) {
    if (known == type) {
      return name;
    }
  }
  return "unknown";
}

Result<void, std::string> OptionDefinitionSet::add(OptionDefinition definition) {
  auto code_key = std::make_pair(definition.space, definition.code);
  auto name_key = std::make_pair(definition.space, definition.name);
  if (by_code_.contains(code_key)) {
    return makeUnexpected("option code " + std::to_string(definition.code) +
                          " is already defined in space \"" + definition.space + "\"");
  }
  if (by_name_.contains(name_key)) {
    return makeUnexpected("option name \"" + definition.name +
                          "\" is already defined in space \"" + definition.space + "\"");
  }
  const size_t index = definitions_.size();
  definitions_.push_back(std::move(definition));
  by_code_.emplace(std::move(code_key), index);
  by_name_.emplace(std::move(name_key), index);
  return {};
}

const OptionDefinition* OptionDefinitionSet::find(std::string_view space, uint16_t code) const {
  const auto it = by_code_.find(std::make_pair(std::string(space), code));
  return it == by_code_.end() ? nullptr : &definitions_[it->second];
}

const OptionDefinition* OptionDefinitionSet::find(std::string_view space,
                                                  std::string_view name) const {
  const auto it = by_name_.find(std::make_pair(std::string(space), std::string(name)));
  return it == by_name_.end() ? nullptr : &definitions_[it->second];
}

const OptionDefinitionSet& standardDefinitions(Family family) {
  // Function-local statics are initialized once, thread-safely (C++11 and later).
  static const OptionDefinitionSet v4 = buildStandardSet(Family::kV4);
  static const OptionDefinitionSet v6 = buildStandardSet(Family::kV6);
  return family == Family::kV4 ? v4 : v6;
}

bool isProtectedStandardOption(Family family, std::string_view space, uint16_t code) {
  const std::string_view top_space = family == Family::kV4 ? "dhcp4" : "dhcp6";
  if (space != top_space) {
    return false;
  }
  if (family == Family::kV4 && code == 43) {
    return false;
  }
  return standardDefinitions(family).find(space, code) != nullptr;
}

bool isValidSpaceName(std::string_view space) {
  if (space.empty()) {
    return false;
  }
  for (char c : space) {
    if (!isNameCharacter(c)) {
      return false;
    }
  }
  return true;
}

std::string_view canonicalSpace(std::string_view space) {
  if (space == "docsis3-v4" || space == "docsis3-v6") {
    return "vendor-4491";
  }
  return space;
}

Result<void, std::string> validateDefinition(const OptionDefinition& definition) {
  if (definition.name.empty()) {
    return makeUnexpected(std::string("option name must not be empty"));
  }
  bool all_digits = true;
  for (char c : definition.name) {
    if (!isNameCharacter(c)) {
      return makeUnexpected("invalid option name \"" + definition.name +
                            "\": use letters, digits, '-' and '_'");
    }
    all_digits = all_digits && c >= '0' && c <= '9';
  }
  if (all_digits) {
    return makeUnexpected("invalid option name \"" + definition.name +
                          "\": a name must not be a number");
  }
  if (!isValidSpaceName(definition.space)) {
    return makeUnexpected("invalid option space name \"" + definition.space +
                          "\": use letters, digits, '-' and '_'");
  }
  if (!definition.encapsulate.empty() && !isValidSpaceName(definition.encapsulate)) {
    return makeUnexpected("invalid encapsulated space name \"" + definition.encapsulate + "\"");
  }

  const uint32_t max_code = definition.family == Family::kV4 ? 254 : 65535;
  if (definition.code == 0 || definition.code > max_code) {
    return makeUnexpected("invalid option code " + std::to_string(definition.code) +
                          ": must be 1 to " + std::to_string(max_code));
  }

  switch (definition.type) {
    case DataType::kEmpty:
      if (definition.array) {
        return makeUnexpected(std::string("an option of type empty cannot be an array"));
      }
      break;
    case DataType::kString:
    case DataType::kBinary:
      if (definition.array) {
        return makeUnexpected("an option of type " + std::string(dataTypeName(definition.type)) +
                              " cannot be an array: the values could not be told apart");
      }
      break;
    case DataType::kInternal:
      return makeUnexpected(std::string("type internal is reserved for standard options"));
    case DataType::kRecord:
      if (definition.record_fields.empty()) {
        return makeUnexpected(std::string("a record option needs record-types"));
      }
      for (size_t i = 0; i < definition.record_fields.size(); ++i) {
        const DataType field = definition.record_fields[i];
        const bool last = i + 1 == definition.record_fields.size();
        if (field == DataType::kRecord || field == DataType::kEmpty ||
            field == DataType::kInternal) {
          return makeUnexpected("record field " + std::to_string(i + 1) + " has type " +
                                std::string(dataTypeName(field)) +
                                ", which a record cannot hold");
        }
        if ((field == DataType::kString || field == DataType::kBinary) && !last) {
          return makeUnexpected("record field " + std::to_string(i + 1) + " has type " +
                                std::string(dataTypeName(field)) +
                                ", which is only allowed as the last field");
        }
        if ((field == DataType::kString || field == DataType::kBinary) && definition.array) {
          return makeUnexpected("an array record cannot end with a " +
                                std::string(dataTypeName(field)) + " field");
        }
      }
      break;
    default:
      break;
  }
  if (definition.type != DataType::kRecord && !definition.record_fields.empty()) {
    return makeUnexpected("record-types is set but the type is " +
                          std::string(dataTypeName(definition.type)) + ", not record");
  }
  return {};
}

}  // namespace leasehold::options
