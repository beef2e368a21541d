#include "server/config/section.h"

#include <cmath>

namespace leasehold::config::detail {

void fail(std::string path, std::string message) {
  throw ConfigException(ConfigError{std::move(path), std::move(message)});
}

std::string kindName(Kind kind) {
  switch (kind) {
    case Kind::kString: return "a string";
    case Kind::kBool: return "a boolean";
    case Kind::kInteger: return "an integer";
    case Kind::kNumber: return "a number";
    case Kind::kObject: return "an object";
    case Kind::kArray: return "a list";
    case Kind::kAny: return "a value";
  }
  return "a value";
}

std::string describe(const Json& value) {
  switch (value.type()) {
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "a list";
    case Json::value_t::null: return "null";
    default: return "a value";
  }
}

std::string quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

std::string quote(const Json& value) {
  std::string text = value.dump();
  if (text.size() > 80) {
    text = text.substr(0, 77) + "...";
  }
  return text;
}

namespace {

bool hasKind(const Json& value, Kind kind) {
  switch (kind) {
    case Kind::kString: return value.is_string();
    case Kind::kBool: return value.is_boolean();
    case Kind::kInteger: return value.is_number_integer();
    case Kind::kNumber: return value.is_number();
    case Kind::kObject: return value.is_object();
    case Kind::kArray: return value.is_array();
    case Kind::kAny: return true;
  }
  return false;
}

}  // namespace

Section::Section(const Json& object, std::string path) : object_(&object), path_(std::move(path)) {
  if (!object.is_object()) {
    fail(path_, "expected an object, got " + describe(object));
  }
}

const Json* Section::get(std::string_view key) {
  const auto it = object_->find(key);
  if (it == object_->end()) {
    return nullptr;
  }
  consumed_.emplace(key);
  return &*it;
}

const Json& Section::require(std::string_view key, Kind kind) {
  const Json& value = *get(key);
  if (!hasKind(value, kind)) {
    // Secrets stay out of messages, even when they have the wrong type.
    const bool secret = key.find("password") != std::string_view::npos;
    failAt(key, "expected " + kindName(kind) + ", got " + describe(value) +
                    (secret ? "" : " " + quote(value)));
  }
  return value;
}

std::optional<std::string> Section::string(std::string_view key) {
  if (!has(key)) {
    return std::nullopt;
  }
  return require(key, Kind::kString).get<std::string>();
}

std::optional<bool> Section::boolean(std::string_view key) {
  if (!has(key)) {
    return std::nullopt;
  }
  return require(key, Kind::kBool).get<bool>();
}

std::optional<int64_t> Section::integer(std::string_view key, int64_t min, int64_t max) {
  if (!has(key)) {
    return std::nullopt;
  }
  const Json& value = require(key, Kind::kInteger);
  // Unsigned values above INT64_MAX cannot fit any parameter, so they fail the range check.
  const bool too_large = value.is_number_unsigned() &&
                         value.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX);
  const int64_t number = too_large ? INT64_MAX : value.get<int64_t>();
  if (too_large || number < min || number > max) {
    failAt(key, "value " + value.dump() + " is out of range (" + std::to_string(min) + " to " +
                    std::to_string(max) + ")");
  }
  return number;
}

std::optional<double> Section::number(std::string_view key, double min, double max) {
  if (!has(key)) {
    return std::nullopt;
  }
  const double value = require(key, Kind::kNumber).get<double>();
  if (!std::isfinite(value) || value < min || value > max) {
    failAt(key, "value " + get(key)->dump() + " is out of range (" + Json(min).dump() + " to " +
                    Json(max).dump() + ")");
  }
  return value;
}

std::optional<Section> Section::object(std::string_view key) {
  if (!has(key)) {
    return std::nullopt;
  }
  return Section(require(key, Kind::kObject), pathOf(key));
}

const Json* Section::array(std::string_view key) {
  if (!has(key)) {
    return nullptr;
  }
  return &require(key, Kind::kArray);
}

std::optional<std::vector<std::string>> Section::stringList(std::string_view key) {
  const Json* list = array(key);
  if (list == nullptr) {
    return std::nullopt;
  }
  std::vector<std::string> values;
  for (size_t i = 0; i < list->size(); ++i) {
    const Json& item = (*list)[i];
    if (!item.is_string()) {
      fail(pathOf(key) + "[" + std::to_string(i) + "]",
           "expected a string, got " + describe(item) + " " + quote(item));
    }
    values.push_back(item.get<std::string>());
  }
  return values;
}

void Section::acceptWithoutEffect(std::string_view key, Kind kind) {
  if (has(key)) {
    require(key, kind);
  }
}

void Section::rejectFeature(std::string_view key, std::string_view feature) {
  if (has(key)) {
    get(key);
    failAt(key, std::string(feature) + " is not supported by Leasehold; remove " + quote(key));
  }
}

Json Section::userContext() {
  Json context;
  if (has("user-context")) {
    context = require("user-context", Kind::kObject);
  }
  if (has("comment")) {
    // Kea keeps a `comment` as the "comment" entry of the user context.
    context["comment"] = require("comment", Kind::kString);
  }
  return context;
}

void Section::finish() const {
  for (const auto& [key, value] : object_->items()) {
    if (consumed_.contains(key)) {
      continue;
    }
    if (key == "user-context" || key == "comment") {
      // Free-form operator data that Kea allows in every object.
      continue;
    }
    fail(pathOf(key), "unknown parameter " + quote(key) + " (Kea rejects it too)");
  }
}

void Section::failAt(std::string_view key, std::string message) const {
  fail(pathOf(key), std::move(message));
}

std::vector<Section> objectList(Section& parent, std::string_view key) {
  std::vector<Section> sections;
  const Json* list = parent.array(key);
  if (list == nullptr) {
    return sections;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    sections.emplace_back((*list)[i], parent.pathOf(key) + "[" + std::to_string(i) + "]");
  }
  return sections;
}

}  // namespace leasehold::config::detail
