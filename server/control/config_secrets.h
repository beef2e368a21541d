// Secrets in configurations that pass through the control API. config-get returns every
// secret replaced by a placeholder. config-set and config-test put the running secret back
// where they receive that placeholder, so a config-get, edit, config-set round trip keeps
// working and no response carries a secret.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace leasehold::control {

// Placeholder that replaces each secret in command responses.
inline constexpr std::string_view kRedactedSecret = "*****";

// Returns `config` with every string value under a secret key ("password", "key-password",
// "secret" and other keys ending in "-password" or "-secret"), at any depth, replaced by
// kRedactedSecret.
nlohmann::json redactSecrets(nlohmann::json config);

// Replaces each secret equal to kRedactedSecret in `incoming` with the value in the same entry
// of `running`. List entries are paired by their identity keys (socket type, name, address
// and port, client user, hook library), never by position, so a reordered or shortened list
// keeps each secret with its owner. Throws CommandError naming the path when `running` has
// no matching entry with a secret there, because the placeholder is not a usable secret.
void restoreSecrets(nlohmann::json& incoming, const nlohmann::json& running);

}  // namespace leasehold::control
