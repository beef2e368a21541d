#include "backends/lease_store_registry.h"

#include <cassert>

namespace leasehold {

void LeaseStoreRegistry::add(const std::string& type, Factory factory) {
  const bool inserted = factories_.emplace(type, std::move(factory)).second;
  assert(inserted && "lease store type registered twice");
  (void)inserted;
}

StoreResult<std::unique_ptr<LeaseStore>> LeaseStoreRegistry::open(
    const DatabaseConfig& config) const {
  const auto found = factories_.find(config.type);
  if (found == factories_.end()) {
    std::string known;
    for (const auto& type : types()) {
      known += known.empty() ? type : ", " + type;
    }
    return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                     "unknown lease-database type \"" + config.type +
                                         "\"; known types: " + known});
  }
  return found->second(config);
}

std::vector<std::string> LeaseStoreRegistry::types() const {
  std::vector<std::string> names;
  for (const auto& [type, factory] : factories_) {
    names.push_back(type);
  }
  return names;
}

}  // namespace leasehold
