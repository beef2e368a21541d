// The set of client classes a packet belongs to, filled during classification and consulted
// when selecting subnets and pools and when choosing options.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

namespace leasehold::engine {

class ClientClasses {
 public:
  void add(std::string_view name) {
    if (!contains(name)) {
      names_.emplace_back(name);
    }
  }
  bool contains(std::string_view name) const {
    return std::find(names_.begin(), names_.end(), name) != names_.end();
  }
  // True when `required` is empty or the packet belongs to at least one of them.
  bool admits(const std::vector<std::string>& required) const {
    if (required.empty()) {
      return true;
    }
    return std::any_of(required.begin(), required.end(),
                       [&](const std::string& name) { return contains(name); });
  }
  // True when `required` is empty or the packet belongs to it.
  bool admits(const std::string& required) const { return required.empty() || contains(required); }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::vector<std::string> names_;  // in the order they were added
};

}  // namespace leasehold::engine
