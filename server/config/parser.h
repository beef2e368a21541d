// Reading Kea JSON configuration files and validating them into the typed model.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "backends/result.h"
#include "server/config/model.h"

namespace leasehold::config {

// A configuration error: the key path where it was found and a message naming the offending
// value, e.g. path "Dhcp4/subnet4[0]/pools[1]/pool" and message
// "invalid pool \"10.0.0.9-10.0.0.1\" in subnet 4: start is above end".
struct ConfigError {
  std::string path;
  std::string message;

  // "path: message", or just the message when the path is empty.
  std::string toString() const;
};

// Reads a Kea JSON file: strips `//`, `/* */` and `#` comments outside strings and expands
// `<?include "file"?>` directives (relative paths resolve against the including file's
// directory). Errors name the file, line and column.
Result<nlohmann::json, ConfigError> loadKeaJsonFile(const std::filesystem::path& file);
// The same for text already in memory; includes resolve against `base_directory`.
Result<nlohmann::json, ConfigError> parseKeaJsonText(const std::string& text,
                                                     const std::filesystem::path& base_directory);

// Things the parser needs from outside the file.
struct ParseContext {
  std::string default_data_dir = "/var/lib/leasehold";  // memfile and server DUID default home
};

// Validates `root`, which is either {"Dhcp4": {...}} or the inner object itself, into a
// snapshot. Every unsupported key or feature is an error naming it; nothing is silently
// ignored unless Kea itself ignores it (comments, user-context).
Result<std::shared_ptr<const Dhcp4Config>, ConfigError> parseDhcp4(const nlohmann::json& root,
                                                                   const ParseContext& context);
Result<std::shared_ptr<const Dhcp6Config>, ConfigError> parseDhcp6(const nlohmann::json& root,
                                                                   const ParseContext& context);

}  // namespace leasehold::config
