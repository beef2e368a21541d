// SqlConnection: the little each database driver provides to the shared SQL layer. Statements
// and values travel as text, so LeaseSession builds the same statements for both servers and
// the drivers only differ in how they connect, prepare, bind and classify errors.
//
// Threads: a connection is used by one thread at a time. Errors: every method throws SqlError.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace leasehold::sql {

// A statement and the name it is prepared under; one name always denotes the same text. An
// empty name runs the text once without keeping it prepared, for statements whose text varies
// so much that keeping each prepared would pile up (the server caps prepared statements).
struct Statement {
  std::string name;
  std::string text;
};

using SqlRow = std::vector<std::optional<std::string>>;  // nullopt is SQL NULL

// A statement parameter as text. Drivers that bind numbers natively (MySQL's LIMIT takes
// nothing else) read `integer`.
struct SqlParam {
  std::string value;
  bool integer = false;
};

// A statement with its parameters, for executeBatch().
struct BoundStatement {
  std::string text;
  std::vector<SqlParam> params;
};

struct BatchResult {
  uint64_t changed = 0;       // rows inserted, updated or deleted
  std::vector<SqlRow> rows;   // rows a SELECT or RETURNING produced
};

enum class Dialect { kPostgres, kMysql };

class SqlConnection {
 public:
  virtual ~SqlConnection() = default;

  virtual Dialect dialect() const = 0;

  virtual void begin() = 0;
  virtual void commit() = 0;
  // Ends the open transaction, if any, discarding its changes; never throws.
  virtual void rollback() noexcept = 0;

  // Runs a statement that returns no rows and returns the number of rows it matched. The
  // statement is prepared on this connection on first use and reused after.
  virtual uint64_t execute(const Statement& statement, std::span<const SqlParam> params) = 0;
  // Runs a statement that returns rows, every value as text.
  virtual std::vector<SqlRow> query(const Statement& statement,
                                    std::span<const SqlParam> params) = 0;
  // Runs `statements` in one transaction and commits it, sending them in one request where the
  // driver can: one round trip per batch costs less than parsing the statements as text.
  // Returns per statement the rows it changed and the rows it returned. Throws SqlError with
  // opIndex() set to the failing statement's index; the transaction is then rolled back.
  // REQUIRES: no transaction is open.
  virtual std::vector<BatchResult> executeBatch(std::span<const BoundStatement> statements) = 0;

  // Runs SQL text with no parameters and no prepared statement (schema changes).
  virtual void executeScript(const std::string& sql) = 0;
};

}  // namespace leasehold::sql
