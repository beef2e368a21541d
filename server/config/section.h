// Typed, path-aware access to one JSON object of a Kea configuration. The parser reads every
// key through a Section, which records the keys it consumed, so `finish()` can reject the
// keys no getter consumed (Kea rejects unknown keys too). Errors are thrown as ConfigException and
// caught at parseDhcp4/parseDhcp6, the edge of the configuration plane.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "server/config/parser.h"

namespace leasehold::config::detail {

using Json = nlohmann::json;

class ConfigException : public std::runtime_error {
 public:
  explicit ConfigException(ConfigError error)
      : std::runtime_error(error.toString()), error_(std::move(error)) {}
  const ConfigError& error() const { return error_; }

 private:
  ConfigError error_;
};

[[noreturn]] void fail(std::string path, std::string message);

// JSON kinds a key may have, for messages and for keys accepted without effect.
enum class Kind { kString, kBool, kInteger, kNumber, kObject, kArray, kAny };

std::string kindName(Kind kind);
// Names a JSON value's type for messages ("a string", "an integer", ...).
std::string describe(const Json& value);
// Short text of a value for messages; strings are quoted.
std::string quote(const Json& value);
std::string quote(std::string_view text);
inline std::string quote(const std::string& text) { return quote(std::string_view(text)); }
inline std::string quote(const char* text) { return quote(std::string_view(text)); }

class Section {
 public:
  // REQUIRES: `object` outlives the Section. Throws when `object` is not an object.
  Section(const Json& object, std::string path);

  const std::string& path() const { return path_; }
  std::string pathOf(std::string_view key) const { return path_ + "/" + std::string(key); }
  bool has(std::string_view key) const { return object_->contains(key); }

  // Each getter marks `key` consumed and returns nullopt when it is absent. A value of the
  // wrong JSON type is an error naming the key and the type found.
  const Json* get(std::string_view key);
  std::optional<std::string> string(std::string_view key);
  std::optional<bool> boolean(std::string_view key);
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max);
  std::optional<double> number(std::string_view key, double min, double max);
  std::optional<Section> object(std::string_view key);
  const Json* array(std::string_view key);
  std::optional<std::vector<std::string>> stringList(std::string_view key);

  // Consumes `key` after checking its JSON kind: a parameter Leasehold accepts but that has
  // no effect (documented in docs/config-compatibility.md).
  void acceptWithoutEffect(std::string_view key, Kind kind);
  // Rejects `key` when present, naming the feature that Leasehold does not implement.
  void rejectFeature(std::string_view key, std::string_view feature);

  // The user-context object, with a `comment` key folded in as Kea does; null when neither
  // is present.
  Json userContext();

  // Throws for the first key that no getter consumed.
  void finish() const;

  [[noreturn]] void failAt(std::string_view key, std::string message) const;

 private:
  const Json& require(std::string_view key, Kind kind);

  const Json* object_;
  std::string path_;
  std::set<std::string, std::less<>> consumed_;
};

// Iterates an array of objects, giving each one's Section with path "<key>[i]".
std::vector<Section> objectList(Section& parent, std::string_view key);

}  // namespace leasehold::config::detail
