#include "backends/database_config.h"

namespace leasehold {

std::string DatabaseConfig::redacted() const {
  if (type == "memfile") {
    return type + " " + name;
  }
  std::string text = type + " ";
  if (!user.empty()) {
    text += user + "@";
  }
  text += host;
  if (port != 0) {
    text += ":" + std::to_string(port);
  }
  text += "/" + name;
  return text;
}

}  // namespace leasehold
