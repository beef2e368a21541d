// A PostgreSQL or MariaDB server of the test's own, on a free 127.0.0.1 port with its data in
// a temporary directory, for tests that crash and restart the database. Only processes this
// class started are ever stopped, by their PID.
#pragma once

#include <string>

#include "backends/database_config.h"
#include "tests/integration/backends/sql_test_database.h"

namespace leasehold::testing {

class PrivateServer {
 public:
  // Initializes the data directory, starts the server and creates database "leasehold" with a
  // user and password. Throws std::runtime_error naming the step that failed.
  explicit PrivateServer(SqlBackend backend);
  ~PrivateServer();

  PrivateServer(const PrivateServer&) = delete;
  PrivateServer& operator=(const PrivateServer&) = delete;

  const DatabaseConfig& config() const { return config_; }

  // Stops the server the way a crash would: PostgreSQL by an immediate shutdown (no
  // checkpoint, recovery at the next start), MariaDB by SIGKILL.
  void crash();
  // Starts the server again on the same data and port, returning once it accepts connections.
  void start();

 private:
  void initialize();
  std::string postgresBin(const std::string& program) const;

  SqlBackend backend_;
  std::string directory_;
  DatabaseConfig config_;
  int mariadb_pid_ = -1;
  bool running_ = false;
};

}  // namespace leasehold::testing
