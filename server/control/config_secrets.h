// Passwords in configurations that pass through the control API. config-get answers with
// every password replaced by a placeholder, and config-set and config-test put the running
// password back where they receive that placeholder, so a config-get, edit, config-set round
// trip keeps working without the answer ever carrying a secret.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace leasehold::control {

// The text that stands for a password in answers.
inline constexpr std::string_view kRedactedSecret = "*****";

// Returns `config` with every string value under a "password" key, at any depth, replaced
// by kRedactedSecret.
nlohmann::json redactSecrets(nlohmann::json config);

// Replaces each "password" value equal to kRedactedSecret in `incoming` with the value at
// the same place in `running`. Throws CommandError naming the path when `running` holds no
// password there, because the placeholder is not a usable password.
void restoreSecrets(nlohmann::json& incoming, const nlohmann::json& running);

}  // namespace leasehold::control
