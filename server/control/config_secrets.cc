#include "server/control/config_secrets.h"

#include <string>

#include "server/control/answer.h"

namespace leasehold::control {

namespace {

constexpr std::string_view kSecretKey = "password";

void redactIn(nlohmann::json& node) {
  if (node.is_object()) {
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      if (entry.key() == kSecretKey && entry->is_string()) {
        *entry = kRedactedSecret;
      } else {
        redactIn(*entry);
      }
    }
  } else if (node.is_array()) {
    for (auto& element : node) {
      redactIn(element);
    }
  }
}

// `running` is the node at the same place in the running configuration, or nullptr when the
// running configuration has nothing there.
void restoreIn(nlohmann::json& node, const nlohmann::json* running, const std::string& path) {
  if (node.is_object()) {
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      const std::string& key = entry.key();
      nlohmann::json& value = *entry;
      const nlohmann::json* counterpart = nullptr;
      if (running != nullptr && running->is_object()) {
        const auto found = running->find(key);
        counterpart = found != running->end() ? &*found : nullptr;
      }
      const std::string child_path = path.empty() ? key : path + "/" + key;
      if (key == kSecretKey && value.is_string() && value.get<std::string>() == kRedactedSecret) {
        if (counterpart == nullptr || !counterpart->is_string()) {
          throw CommandError(child_path + ": \"" + std::string(kRedactedSecret) +
                             "\" stands for the running password, but the running "
                             "configuration has none here; give the password itself");
        }
        value = *counterpart;
      } else {
        restoreIn(value, counterpart, child_path);
      }
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      const nlohmann::json* counterpart = nullptr;
      if (running != nullptr && running->is_array() && i < running->size()) {
        counterpart = &(*running)[i];
      }
      restoreIn(node[i], counterpart, path + "[" + std::to_string(i) + "]");
    }
  }
}

}  // namespace

nlohmann::json redactSecrets(nlohmann::json config) {
  redactIn(config);
  return config;
}

void restoreSecrets(nlohmann::json& incoming, const nlohmann::json& running) {
  restoreIn(incoming, &running, "");
}

}  // namespace leasehold::control
