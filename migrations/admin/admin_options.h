// The command line of leasehold-admin, which follows kea-admin's:
//   leasehold-admin COMMAND BACKEND [-h HOST] [-P PORT] [-u USER] [-p PASSWORD] [-n NAME] ...
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "backends/database_config.h"
#include "backends/result.h"

namespace leasehold::admin {

struct AdminOptions {
  std::string command;  // db-init, db-upgrade, db-version, lease-import
  std::string backend;  // pgsql or mysql
  DatabaseConfig target;

  // lease-import sources: a Kea 2.2 lease database or a Kea memfile lease file.
  std::string kea_backend;  // pgsql or mysql; empty when importing a file
  DatabaseConfig kea;
  std::string input_file;
  bool v4 = true;  // -4 and -6 restrict the import to one family; both by default
  bool v6 = true;
  size_t threads = 16;
};

// Parses argv; the error names the offending argument. "help" as the error asks for usage.
Result<AdminOptions, std::string> parseAdminOptions(const std::vector<std::string>& args);

std::string adminUsage();

}  // namespace leasehold::admin
