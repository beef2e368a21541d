// Maps a `lease-database` type ("memfile", "postgresql", "mysql") to the factory that opens a
// LeaseStore of that type. main() fills the registry with explicit calls, so a daemon links
// only the backends it registers.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/database_config.h"
#include "backends/lease_store.h"

namespace leasehold {

class LeaseStoreRegistry {
 public:
  // Opens a store. Errors: kUnavailable when the backend cannot be reached, kInvalid for
  // settings it rejects; the message names the setting or the server.
  using Factory = std::function<StoreResult<std::unique_ptr<LeaseStore>>(const DatabaseConfig&)>;

  // REQUIRES: `type` is not registered yet.
  void add(const std::string& type, Factory factory);

  // Opens a store of config.type. An unknown type is kInvalid, with a message listing the
  // registered types.
  StoreResult<std::unique_ptr<LeaseStore>> open(const DatabaseConfig& config) const;

  bool contains(const std::string& type) const { return factories_.contains(type); }
  std::vector<std::string> types() const;

 private:
  std::map<std::string, Factory> factories_;
};

}  // namespace leasehold
