// `option-def` and `option-data` at every level: definitions are checked and collected, and
// each option-data entry is resolved to a definition and encoded into its payload.
#include "server/config/parse_internal.h"

namespace leasehold::config::detail {

namespace {

using options::DataType;
using options::OptionDefinition;
using options::OptionDefinitionSet;

std::string_view topSpace(Family family) { return family == Family::kV4 ? "dhcp4" : "dhcp6"; }

// Splits "uint8, uint16" into trimmed names; blank text gives none.
std::vector<std::string> splitTypeList(const std::string& text) {
  std::vector<std::string> names;
  if (text.find_first_not_of(" \t") == std::string::npos) {
    return names;
  }
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) {
      comma = text.size();
    }
    const std::string piece = text.substr(start, comma - start);
    const auto first = piece.find_first_not_of(" \t");
    const auto last = piece.find_last_not_of(" \t");
    names.push_back(first == std::string::npos ? "" : piece.substr(first, last - first + 1));
    start = comma + 1;
  }
  return names;
}

OptionDefinition parseDefinition(Section& section, Family family) {
  OptionDefinition definition;
  definition.family = family;
  auto name = section.string("name");
  if (!name) {
    section.failAt("name", "missing option name");
  }
  definition.name = *name;
  auto code = section.integer("code", 0, 65535);
  if (!code) {
    section.failAt("code", "missing option code");
  }
  definition.code = static_cast<uint16_t>(*code);
  auto type_name = section.string("type");
  if (!type_name) {
    section.failAt("type", "missing option type");
  }
  auto type = options::parseDataType(*type_name);
  if (!type) {
    section.failAt("type", "unknown option type " + quote(*type_name));
  }
  definition.type = *type;
  definition.space = section.string("space").value_or(std::string(topSpace(family)));
  definition.array = section.boolean("array").value_or(false);
  definition.encapsulate = section.string("encapsulate").value_or("");
  if (auto fields = section.string("record-types")) {
    for (const std::string& field_name : splitTypeList(*fields)) {
      auto field = options::parseDataType(field_name);
      if (!field) {
        section.failAt("record-types", "unknown record field type " + quote(field_name));
      }
      definition.record_fields.push_back(*field);
    }
  }
  section.finish();
  return definition;
}

const OptionDefinition* findDefinition(const ParseState& state, const OptionDefinitionSet* local,
                                       std::string_view space, uint16_t code,
                                       const std::optional<std::string>& name) {
  for (const OptionDefinitionSet* set :
       {local, state.custom_definitions, &options::standardDefinitions(state.family)}) {
    if (set == nullptr) {
      continue;
    }
    const OptionDefinition* found =
        name ? set->find(space, std::string_view(*name)) : set->find(space, code);
    if (found != nullptr) {
      return found;
    }
  }
  return nullptr;
}

OptionValue parseOption(Section& section, const ParseState& state,
                        const OptionDefinitionSet* local) {
  const std::string given_space = section.string("space").value_or(std::string(topSpace(state.family)));
  if (!options::isValidSpaceName(given_space)) {
    section.failAt("space", "invalid option space name " + quote(given_space));
  }
  const std::string space(options::canonicalSpace(given_space));
  auto name = section.string("name");
  const uint32_t max_code = state.family == Family::kV4 ? 254 : 65535;
  auto code = section.integer("code", 0, max_code);
  if (!name && !code) {
    section.failAt("name", "an option-data entry needs a name or a code");
  }
  if (code && *code == 0) {
    section.failAt("code", "invalid option code 0");
  }
  const auto csv_format = section.boolean("csv-format");
  auto data = section.string("data");

  OptionValue option;
  option.space = space;
  option.always_send = section.boolean("always-send").value_or(false);
  option.never_send = section.boolean("never-send").value_or(false);
  if (auto classes = section.stringList("client-classes")) {
    option.client_classes = std::move(*classes);
  }

  const auto code16 = static_cast<uint16_t>(code.value_or(0));
  const OptionDefinition* definition = findDefinition(state, local, space, code16, name);
  if (name && definition == nullptr) {
    section.failAt("name", "unknown option " + quote(*name) + " in space " + quote(space) +
                               ": define it with option-def or give its code");
  }
  if (name && code && definition->code != *code) {
    section.failAt("code", "option " + quote(*name) + " in space " + quote(space) + " has code " +
                               std::to_string(definition->code) + ", not " +
                               std::to_string(*code));
  }
  option.code = definition != nullptr ? definition->code : static_cast<uint16_t>(*code);
  section.finish();

  // Without a definition only hex can describe the payload.
  if (definition == nullptr) {
    if (csv_format.value_or(false)) {
      section.failAt("csv-format", "option code " + std::to_string(option.code) + " in space " +
                                       quote(space) +
                                       " has no definition, so data must be hex: set "
                                       "csv-format to false or add an option-def");
    }
    auto payload = options::encodeHexData(data.value_or(""));
    if (!payload) {
      section.failAt("data", payload.error());
    }
    option.payload = std::move(*payload);
    return option;
  }

  // Missing data is fine where the payload is empty or comes from sub-options.
  if (!data) {
    const bool no_payload_needed = definition->type == DataType::kEmpty ||
                                   !definition->encapsulate.empty() || option.never_send;
    if (!no_payload_needed) {
      section.failAt("data", "missing data for option " + quote(definition->name));
    }
    return option;
  }
  auto payload = options::encodeOptionData(*definition, *data, csv_format.value_or(true));
  if (!payload) {
    section.failAt("data", "invalid data " + quote(*data) + " for option " +
                               quote(definition->name) + ": " + payload.error());
  }
  option.payload = std::move(*payload);
  return option;
}

}  // namespace

OptionDefinitionSet parseOptionDefinitions(Section& parent, Family family,
                                           const OptionDefinitionSet* outer) {
  OptionDefinitionSet set;
  for (Section& section : objectList(parent, "option-def")) {
    OptionDefinition definition = parseDefinition(section, family);
    if (auto valid = options::validateDefinition(definition); !valid) {
      fail(section.path(), "invalid option definition " + quote(definition.name) + ": " +
                               valid.error());
    }
    if (options::isProtectedStandardOption(family, definition.space, definition.code)) {
      fail(section.pathOf("code"),
           "option code " + std::to_string(definition.code) + " in space " +
               quote(definition.space) + " is a standard option and cannot be redefined");
    }
    const auto& standard = options::standardDefinitions(family);
    const OptionDefinition* same_name =
        standard.find(definition.space, std::string_view(definition.name));
    if (same_name != nullptr && !(family == Family::kV4 && same_name->code == 43 &&
                                  definition.space == "dhcp4")) {
      fail(section.pathOf("name"), "option name " + quote(definition.name) +
                                       " is a standard option in space " +
                                       quote(definition.space) + " and cannot be redefined");
    }
    if (outer != nullptr && (outer->find(definition.space, definition.code) != nullptr ||
                             outer->find(definition.space, std::string_view(definition.name)))) {
      fail(section.path(), "option " + quote(definition.name) + " in space " +
                               quote(definition.space) + " is already defined globally");
    }
    if (auto added = set.add(definition); !added) {
      fail(section.path(), added.error());
    }
  }
  return set;
}

OptionList parseOptionData(Section& parent, const ParseState& state,
                           const OptionDefinitionSet* local) {
  OptionList list;
  for (Section& section : objectList(parent, "option-data")) {
    list.push_back(parseOption(section, state, local));
  }
  return list;
}

}  // namespace leasehold::config::detail
