// MysqlConnection: SqlConnection over MySQL Connector/C++ 1.1 (the JDBC-style cppconn API) for
// the MySQL and MariaDB lease backend.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>

#include "backends/database_config.h"
#include "backends/result.h"
#include "backends/sql/sql_connection.h"

namespace sql {
class Connection;
class PreparedStatement;
class Statement;
}  // namespace sql

namespace leasehold::mysql {

// Returns nullopt when the driver can honour every TLS and timeout key of `config`, else the
// message naming the key it cannot.
std::optional<std::string> unsupportedSetting(const DatabaseConfig& config);

class MysqlConnection final : public sql::SqlConnection {
 public:
  // Connects with Kea's lease-database keys. Throws sql::SqlError(kConnection) with the
  // server's reason, which never contains the password.
  explicit MysqlConnection(const DatabaseConfig& config);
  ~MysqlConnection() override;

  sql::Dialect dialect() const override { return sql::Dialect::kMysql; }
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  uint64_t execute(const sql::Statement& statement, std::span<const sql::SqlParam> params) override;
  std::vector<sql::SqlRow> query(const sql::Statement& statement,
                                 std::span<const sql::SqlParam> params) override;
  std::vector<sql::BatchResult> executeBatch(std::span<const sql::BoundStatement> statements) override;
  void executeScript(const std::string& sql) override;

 private:
  ::sql::PreparedStatement& bind(const sql::Statement& statement,
                                 std::span<const sql::SqlParam> params);

  std::unique_ptr<::sql::Connection> connection_;
  std::unique_ptr<::sql::Statement> plain_;  // for transaction control and scripts
  std::unordered_map<std::string, std::unique_ptr<::sql::PreparedStatement>> prepared_;
  bool in_transaction_ = false;
};

}  // namespace leasehold::mysql
