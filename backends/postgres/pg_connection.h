// PgConnection: SqlConnection over libpqxx 6.4 for the PostgreSQL lease backend.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>

#include <pqxx/pqxx>

#include "backends/database_config.h"
#include "backends/result.h"
#include "backends/sql/sql_connection.h"

namespace leasehold::postgres {

// Builds a libpq connection string from Kea's lease-database keys. Errors name the key that
// PostgreSQL cannot honour (cipher-list).
Result<std::string, std::string> connectionString(const DatabaseConfig& config);

class PgConnection final : public sql::SqlConnection {
 public:
  // Connects. Throws sql::SqlError(kConnection) with libpq's reason, which never contains the
  // password.
  PgConnection(const std::string& connection_string, bool readonly);
  ~PgConnection() override;

  sql::Dialect dialect() const override { return sql::Dialect::kPostgres; }
  void begin() override;
  void commit() override;
  void rollback() noexcept override;
  uint64_t execute(const sql::Statement& statement, std::span<const sql::SqlParam> params) override;
  std::vector<sql::SqlRow> query(const sql::Statement& statement,
                                 std::span<const sql::SqlParam> params) override;
  std::vector<sql::BatchResult> executeBatch(std::span<const sql::BoundStatement> statements) override;
  void executeScript(const std::string& sql) override;

 private:
  // Writes `statement` with its $n placeholders replaced by quoted literals.
  std::string inlineParams(const sql::BoundStatement& statement);
  pqxx::result run(const sql::Statement& statement, std::span<const sql::SqlParam> params);

  std::unique_ptr<pqxx::connection> connection_;
  std::unique_ptr<pqxx::work> transaction_;  // open between begin() and commit()/rollback()
  std::unordered_set<std::string> prepared_;
};

}  // namespace leasehold::postgres
