#include "backends/mysql/mysql_connection.h"

#include <mutex>

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/resultset_metadata.h>
#include <cppconn/statement.h>
#include <mysql_driver.h>

#include "backends/sql/sql_error.h"

namespace leasehold::mysql {

namespace {

using leasehold::sql::SqlError;

// Returns true for the client (2xxx) and server error codes that mean the connection is gone.
// 2002 and 2003: cannot connect. 2006: server gone away. 2013: lost during a query. 2055: lost
// at the handshake. 1053: server shutdown. 1927: connection killed (MariaDB). 4031: idle
// disconnect (MySQL 8). 1045: access denied, a connect-time rejection that the reconnect
// policy also retries.
bool connectionLost(int code) {
  switch (code) {
    case 1045:
    case 1053:
    case 1927:
    case 2002:
    case 2003:
    case 2006:
    case 2013:
    case 2055:
    case 4031:
      return true;
    default:
      return false;
  }
}

SqlError classify(const ::sql::SQLException& error) {
  const int code = error.getErrorCode();
  std::string message = error.what();
  message += " (MySQL error " + std::to_string(code) + ")";
  if (connectionLost(code) || code == 0) {
    // Connector/C++ reports its own state errors ("Connection has been closed") with code 0.
    return SqlError(SqlError::Kind::kConnection, message);
  }
  // 1213 deadlock and 1205 lock wait timeout: rerunning the transaction may succeed.
  if (code == 1213 || code == 1205) {
    return SqlError(SqlError::Kind::kRetryable, message);
  }
  return SqlError(SqlError::Kind::kStatement, message);
}

template <typename Body>
auto translated(Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const ::sql::SQLException& error) {
    throw classify(error);
  }
}

::sql::mysql::MySQL_Driver& driver() {
  // The first call initializes the client library, which is not thread-safe.
  static std::once_flag once;
  static ::sql::mysql::MySQL_Driver* instance = nullptr;
  std::call_once(once, [] { instance = ::sql::mysql::get_mysql_driver_instance(); });
  return *instance;
}

// Writes `statement` with each ? replaced by a literal: integers as digits, everything else
// as a hex literal with a character set, which needs no escaping.
std::string inlineParams(const sql::BoundStatement& statement) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string rendered;
  size_t next = 0;
  for (char c : statement.text) {
    if (c != '?') {
      rendered.push_back(c);
      continue;
    }
    if (next >= statement.params.size()) {
      throw SqlError(SqlError::Kind::kStatement, "statement has more placeholders than values");
    }
    const sql::SqlParam& param = statement.params[next++];
    if (param.integer) {
      const bool digits = !param.value.empty() &&
                          param.value.find_first_not_of("-0123456789") == std::string::npos;
      if (!digits) {
        throw SqlError(SqlError::Kind::kStatement, "\"" + param.value + "\" is not an integer");
      }
      rendered += param.value;
      continue;
    }
    rendered += "_utf8mb4 X'";
    for (unsigned char byte : param.value) {
      rendered.push_back(kDigits[byte >> 4]);
      rendered.push_back(kDigits[byte & 0x0f]);
    }
    rendered += "' COLLATE utf8mb4_bin";
  }
  return rendered;
}

}  // namespace

std::optional<std::string> unsupportedSetting(const DatabaseConfig& config) {
  if (!config.key_password.empty()) {
    return "key-password is not supported by the mysql lease backend (MySQL Connector/C++ 1.1 "
           "cannot decrypt a key file); use an unencrypted key file and remove key-password";
  }
  if (!config.ssl_mode.empty()) {
    return "ssl-mode is not a MySQL lease-database key; TLS is used when trust-anchor, "
           "cert-file or key-file is set";
  }
  return std::nullopt;
}

MysqlConnection::MysqlConnection(const DatabaseConfig& config) {
  ::sql::ConnectOptionsMap options;
  options["hostName"] = ::sql::SQLString(config.host.empty() ? "localhost" : config.host);
  options["port"] = static_cast<int>(config.port != 0 ? config.port : 3306);
  options["userName"] = ::sql::SQLString(config.user);
  options["password"] = ::sql::SQLString(config.password);
  options["schema"] = ::sql::SQLString(config.name);
  // Without a connect timeout the client waits as long as the kernel does.
  options["OPT_CONNECT_TIMEOUT"] =
      static_cast<int>(std::max<int64_t>(config.connect_timeout.count(), 1));
  if (config.read_timeout.count() > 0) {
    options["OPT_READ_TIMEOUT"] = static_cast<int>(config.read_timeout.count());
  }
  if (config.write_timeout.count() > 0) {
    options["OPT_WRITE_TIMEOUT"] = static_cast<int>(config.write_timeout.count());
  }
  // UPDATE must report matched rows, not changed rows: a compare-and-set that writes the
  // values already stored still succeeded.
  options["CLIENT_FOUND_ROWS"] = true;
  // executeBatch() sends a whole batch as one request of several statements.
  options["CLIENT_MULTI_STATEMENTS"] = true;
  options["OPT_RECONNECT"] = false;
  if (!config.trust_anchor.empty()) {
    options["sslCA"] = ::sql::SQLString(config.trust_anchor);
  }
  if (!config.cert_file.empty()) {
    options["sslCert"] = ::sql::SQLString(config.cert_file);
  }
  if (!config.key_file.empty()) {
    options["sslKey"] = ::sql::SQLString(config.key_file);
  }
  if (!config.cipher_list.empty()) {
    options["sslCipher"] = ::sql::SQLString(config.cipher_list);
  }

  translated([&] {
    connection_.reset(driver().connect(options));
    plain_.reset(connection_->createStatement());
    // READ COMMITTED takes no gap locks, so concurrent batches inserting neighbouring
    // addresses do not block each other. A conditional UPDATE still reads the latest
    // committed row, as compare-and-set needs.
    plain_->execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    plain_->execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION'");
    plain_->execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin");
    if (config.readonly) {
      plain_->execute("SET SESSION TRANSACTION READ ONLY");
    }
  });
}

MysqlConnection::~MysqlConnection() {
  rollback();
  prepared_.clear();
  plain_.reset();
  try {
    if (connection_ != nullptr) {
      connection_->close();
    }
  } catch (const ::sql::SQLException&) {
    // Closing a connection the server already dropped fails; nothing is left to release.
  }
}

void MysqlConnection::begin() {
  translated([&] { plain_->execute("START TRANSACTION"); });
  in_transaction_ = true;
}

void MysqlConnection::commit() {
  translated([&] { plain_->execute("COMMIT"); });
  in_transaction_ = false;
}

void MysqlConnection::rollback() noexcept {
  if (!in_transaction_) {
    return;
  }
  in_transaction_ = false;
  try {
    plain_->execute("ROLLBACK");
  } catch (const ::sql::SQLException&) {
    // The server rolls back a transaction whose connection is gone.
  }
}

::sql::PreparedStatement& MysqlConnection::bind(const sql::Statement& statement,
                                                std::span<const sql::SqlParam> params) {
  // NOTE: every connection keeps each statement shape it used prepared on the server, which
  // counts them against max_prepared_stmt_count (16382 by default) across all connections;
  // many nodes with large pools may need that limit raised.
  auto found = prepared_.find(statement.name);
  if (found == prepared_.end()) {
    std::unique_ptr<::sql::PreparedStatement> prepared(
        connection_->prepareStatement(statement.text));
    found = prepared_.emplace(statement.name, std::move(prepared)).first;
  }
  ::sql::PreparedStatement& prepared = *found->second;
  for (size_t i = 0; i < params.size(); ++i) {
    const auto index = static_cast<unsigned int>(i + 1);
    if (params[i].integer && params[i].value.starts_with('-')) {
      prepared.setInt64(index, std::stoll(params[i].value));
    } else if (params[i].integer) {
      prepared.setUInt64(index, std::stoull(params[i].value));
    } else {
      prepared.setString(index, params[i].value);
    }
  }
  return prepared;
}

uint64_t MysqlConnection::execute(const sql::Statement& statement,
                                  std::span<const sql::SqlParam> params) {
  return translated([&] {
    const int rows = bind(statement, params).executeUpdate();
    return static_cast<uint64_t>(std::max(rows, 0));
  });
}

std::vector<sql::SqlRow> MysqlConnection::query(const sql::Statement& statement,
                                                std::span<const sql::SqlParam> params) {
  return translated([&] {
    std::unique_ptr<::sql::ResultSet> result;
    if (statement.name.empty()) {
      const sql::BoundStatement bound{statement.text, {params.begin(), params.end()}};
      result.reset(plain_->executeQuery(inlineParams(bound)));
    } else {
      result.reset(bind(statement, params).executeQuery());
    }
    const unsigned int columns = result->getMetaData()->getColumnCount();
    std::vector<sql::SqlRow> rows;
    while (result->next()) {
      sql::SqlRow row;
      row.reserve(columns);
      for (unsigned int column = 1; column <= columns; ++column) {
        if (result->isNull(column)) {
          row.emplace_back(std::nullopt);
        } else {
          row.emplace_back(result->getString(column).asStdString());
        }
      }
      rows.push_back(std::move(row));
    }
    return rows;
  });
}


std::vector<sql::BatchResult> MysqlConnection::executeBatch(
    std::span<const sql::BoundStatement> statements) {
  // One request: START TRANSACTION, then each statement followed by SELECT ROW_COUNT() when it
  // changes rows, then COMMIT. Connector/C++ 1.1 loses the update count of any result but the
  // first (getUpdateCount() is -1 after getMoreResults()), so ROW_COUNT() carries it as a row.
  std::string request = "START TRANSACTION";
  std::vector<bool> is_query;
  for (const auto& statement : statements) {
    // A UNION of SELECTs starts with a parenthesis.
    const bool query = statement.text.starts_with("SELECT") || statement.text.starts_with("(SELECT");
    is_query.push_back(query);
    request += ";\n" + inlineParams(statement);
    if (!query) {
      request += ";\nSELECT ROW_COUNT()";
    }
  }
  request += ";\nCOMMIT";

  std::vector<sql::BatchResult> results;
  size_t failed_at = 0;
  try {
    translated([&] {
      plain_->execute(request);
      in_transaction_ = true;
      for (size_t i = 0; i < statements.size(); ++i) {
        failed_at = i;
        if (!is_query[i]) {
          plain_->getMoreResults();  // the statement's own OK result
        }
        if (!plain_->getMoreResults()) {
          throw SqlError(SqlError::Kind::kStatement, "a batch statement returned no row count");
        }
        std::unique_ptr<::sql::ResultSet> result(plain_->getResultSet());
        sql::BatchResult batch;
        const unsigned int columns = result->getMetaData()->getColumnCount();
        while (result->next()) {
          if (!is_query[i]) {
            batch.changed = static_cast<uint64_t>(std::max<int64_t>(result->getInt64(1), 0));
            continue;
          }
          sql::SqlRow row;
          for (unsigned int column = 1; column <= columns; ++column) {
            row.emplace_back(result->isNull(column)
                                 ? std::nullopt
                                 : std::optional<std::string>(result->getString(column).asStdString()));
          }
          batch.rows.push_back(std::move(row));
        }
        results.push_back(std::move(batch));
      }
      failed_at = statements.size();
      plain_->getMoreResults();  // COMMIT
      in_transaction_ = false;
    });
  } catch (const SqlError& error) {
    if (error.kind() == SqlError::Kind::kConnection) {
      in_transaction_ = false;
      throw;
    }
    // A failure found by this code rather than the server leaves results unread, and the
    // connection accepts no new command until they are; the server stops at its own errors.
    // A request has at most 2 results per statement plus START TRANSACTION and COMMIT, and
    // getMoreResults() keeps returning false once none is left.
    for (size_t unread = 0; unread < 2 * statements.size() + 2; ++unread) {
      try {
        plain_->getMoreResults();
      } catch (const ::sql::SQLException&) {
        break;
      }
    }
    rollback();
    if (error.kind() == SqlError::Kind::kStatement && failed_at < statements.size()) {
      throw SqlError(error.kind(), error.what(), static_cast<std::ptrdiff_t>(failed_at));
    }
    throw;
  }
  return results;
}

void MysqlConnection::executeScript(const std::string& sql) {
  translated([&] { plain_->execute(sql); });
}

}  // namespace leasehold::mysql
