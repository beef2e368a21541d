#include "server/control/config_secrets.h"

#include <string>

#include "server/control/answer.h"

namespace leasehold::control {

namespace {

// True for keys whose values are secrets: "password", "key-password" (a TLS key
// passphrase), "secret" and the like, also in hook library parameters.
bool isSecretKey(std::string_view key) {
  for (std::string_view word : {std::string_view("password"), std::string_view("secret")}) {
    if (key == word || (key.size() > word.size() && key.ends_with(word) &&
                        key[key.size() - word.size() - 1] == '-')) {
      return true;
    }
  }
  return false;
}

// Keys that tell list entries apart: a control socket, an authentication client, a hook.
constexpr std::string_view kIdentityKeys[] = {"socket-type", "socket-name", "socket-address",
                                              "socket-port", "user",        "user-file",
                                              "library",     "name"};

// True when `a` and `b` name the same entry: they have at least one identity key and agree on
// every identity key either of them has.
bool sameEntry(const nlohmann::json& a, const nlohmann::json& b) {
  if (!a.is_object() || !b.is_object()) {
    return false;
  }
  bool identified = false;
  for (std::string_view key : kIdentityKeys) {
    const std::string name(key);
    const bool in_a = a.contains(name);
    const bool in_b = b.contains(name);
    if (!in_a && !in_b) {
      continue;
    }
    if (in_a != in_b || a[name] != b[name]) {
      return false;
    }
    identified = true;
  }
  return identified;
}

// Returns the entry of `running` that is the same entry as `element`, or nullptr when none or
// more than one is. List positions are not trusted, because an edit may reorder a list.
const nlohmann::json* counterpartIn(const nlohmann::json* running, const nlohmann::json& element) {
  if (running == nullptr || !running->is_array()) {
    return nullptr;
  }
  const nlohmann::json* found = nullptr;
  for (const nlohmann::json& candidate : *running) {
    if (sameEntry(element, candidate)) {
      if (found != nullptr) {
        return nullptr;
      }
      found = &candidate;
    }
  }
  return found;
}

void redactIn(nlohmann::json& node) {
  if (node.is_object()) {
    for (auto entry = node.begin(); entry != node.end(); ++entry) {
      if (isSecretKey(entry.key()) && entry->is_string()) {
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
      if (isSecretKey(key) && value.is_string() && value.get<std::string>() == kRedactedSecret) {
        if (counterpart == nullptr || !counterpart->is_string()) {
          throw CommandError(child_path + ": \"" + std::string(kRedactedSecret) +
                             "\" stands for the running password, but the running "
                             "configuration has no matching entry with one; give the password "
                             "itself");
        }
        value = *counterpart;
      } else {
        restoreIn(value, counterpart, child_path);
      }
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      const nlohmann::json* counterpart = counterpartIn(running, node[i]);
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
