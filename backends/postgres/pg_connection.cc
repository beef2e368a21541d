#include "backends/postgres/pg_connection.h"

#include <cctype>
#include <vector>

#include "backends/sql/sql_error.h"

namespace leasehold::postgres {

namespace {

using sql::SqlError;

// Quotes a value for a libpq connection string.
std::string quoted(const std::string& value) {
  std::string text = "'";
  for (char c : value) {
    if (c == '\'' || c == '\\') {
      text.push_back('\\');
    }
    text.push_back(c);
  }
  return text + "'";
}

// libpq ends its messages with a newline, and some carry a DETAIL line; logs want one line.
std::string oneLine(const char* message) {
  std::string text(message);
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  for (char& c : text) {
    if (c == '\n') {
      c = ' ';
    }
  }
  return text;
}

// Maps SQLSTATE classes to what the caller can do about them: 08 (connection exception) and
// 57P (operator intervention: shutdown, crash recovery) mean the server is gone; 40001 and
// 40P01 (serialization failure, deadlock) mean the same transaction may succeed if rerun.
SqlError classify(const pqxx::sql_error& error) {
  const std::string& state = error.sqlstate();
  if (state.rfind("08", 0) == 0 || state.rfind("57P", 0) == 0) {
    return SqlError(SqlError::Kind::kConnection, oneLine(error.what()));
  }
  if (state == "40001" || state == "40P01") {
    return SqlError(SqlError::Kind::kRetryable, oneLine(error.what()));
  }
  return SqlError(SqlError::Kind::kStatement, oneLine(error.what()));
}

// Runs `body`, translating libpqxx exceptions into SqlError.
template <typename Body>
auto translated(Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const pqxx::broken_connection& error) {
    throw SqlError(SqlError::Kind::kConnection, oneLine(error.what()));
  } catch (const pqxx::in_doubt_error& error) {
    throw SqlError(SqlError::Kind::kConnection, oneLine(error.what()));
  } catch (const pqxx::transaction_rollback& error) {
    throw SqlError(SqlError::Kind::kRetryable, oneLine(error.what()));
  } catch (const pqxx::sql_error& error) {
    throw classify(error);
  } catch (const pqxx::failure& error) {
    // libpqxx reports a connection that died mid-query as a plain failure.
    throw SqlError(SqlError::Kind::kConnection, oneLine(error.what()));
  } catch (const pqxx::usage_error& error) {
    throw SqlError(SqlError::Kind::kStatement, oneLine(error.what()));
  }
}

std::vector<sql::SqlRow> toRows(const pqxx::result& result) {
  std::vector<sql::SqlRow> rows;
  rows.reserve(result.size());
  for (const auto& row : result) {
    sql::SqlRow values;
    values.reserve(row.size());
    for (const auto& field : row) {
      if (field.is_null()) {
        values.emplace_back(std::nullopt);
      } else {
        values.emplace_back(std::string(field.c_str(), field.size()));
      }
    }
    rows.push_back(std::move(values));
  }
  return rows;
}

sql::BatchResult toBatchResult(const pqxx::result& result) {
  sql::BatchResult batch;
  batch.changed = result.affected_rows();
  if (result.columns() > 0) {
    batch.rows = toRows(result);
  }
  return batch;
}

}  // namespace

Result<std::string, std::string> connectionString(const DatabaseConfig& config) {
  if (!config.cipher_list.empty()) {
    return makeUnexpected(std::string(
        "cipher-list is not supported by the postgresql lease backend; set the server's "
        "ssl_ciphers instead and remove cipher-list"));
  }
  std::string text = "host=" + quoted(config.host.empty() ? "localhost" : config.host);
  text += " port=" + std::to_string(config.port != 0 ? config.port : 5432);
  text += " dbname=" + quoted(config.name);
  if (!config.user.empty()) {
    text += " user=" + quoted(config.user);
  }
  if (!config.password.empty()) {
    text += " password=" + quoted(config.password);
  }
  // libpq waits forever without connect_timeout; 0 here would mean the same, so at least 1 s.
  text += " connect_timeout=" + std::to_string(std::max<int64_t>(config.connect_timeout.count(), 1));
  if (config.tcp_user_timeout.count() > 0) {
    text += " tcp_user_timeout=" + std::to_string(config.tcp_user_timeout.count() * 1000);
  }
  // Keepalives find a server that vanished without closing the connection.
  text += " keepalives=1 keepalives_idle=10 keepalives_interval=5 keepalives_count=3";
  text += " application_name='leasehold'";

  std::string ssl_mode = config.ssl_mode;
  if (ssl_mode.empty() && !config.trust_anchor.empty()) {
    ssl_mode = "verify-ca";
  } else if (ssl_mode.empty() && (!config.cert_file.empty() || !config.key_file.empty())) {
    ssl_mode = "require";
  }
  if (!ssl_mode.empty()) {
    text += " sslmode=" + quoted(ssl_mode);
  }
  if (!config.trust_anchor.empty()) {
    text += " sslrootcert=" + quoted(config.trust_anchor);
  }
  if (!config.cert_file.empty()) {
    text += " sslcert=" + quoted(config.cert_file);
  }
  if (!config.key_file.empty()) {
    text += " sslkey=" + quoted(config.key_file);
  }
  if (!config.key_password.empty()) {
    text += " sslpassword=" + quoted(config.key_password);
  }
  return text;
}

PgConnection::PgConnection(const std::string& connection_string, bool readonly) {
  translated([&] {
    connection_ = std::make_unique<pqxx::connection>(connection_string);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    // libpqxx 6 would otherwise reconnect silently on the next call after a failure. The
    // store must see every lost connection to apply its reconnect policy.
    connection_->inhibit_reactivation(true);
#pragma GCC diagnostic pop
    if (readonly) {
      pqxx::nontransaction session(*connection_);
      session.exec("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY");
    }
  });
}

PgConnection::~PgConnection() { rollback(); }

void PgConnection::begin() {
  translated([&] { transaction_ = std::make_unique<pqxx::work>(*connection_); });
}

void PgConnection::commit() {
  translated([&] {
    transaction_->commit();
    transaction_.reset();
  });
}

void PgConnection::rollback() noexcept {
  try {
    transaction_.reset();  // aborts an open transaction
  } catch (...) {
    // Aborting on a dead connection fails; the server rolls the transaction back itself.
  }
}

pqxx::result PgConnection::run(const sql::Statement& statement,
                               std::span<const sql::SqlParam> params) {
  return translated([&] {
    std::vector<std::string> values;
    values.reserve(params.size());
    for (const sql::SqlParam& param : params) {
      values.push_back(param.value);
    }
    const auto dynamic = pqxx::prepare::make_dynamic_params(values);
    if (statement.name.empty()) {
      if (transaction_ != nullptr) {
        return transaction_->exec_params(statement.text, dynamic);
      }
      pqxx::nontransaction single(*connection_);
      return single.exec_params(statement.text, dynamic);
    }
    if (prepared_.insert(statement.name).second) {
      connection_->prepare(statement.name, statement.text);
    }
    if (transaction_ != nullptr) {
      return transaction_->exec_prepared(statement.name, dynamic);
    }
    pqxx::nontransaction single(*connection_);
    return single.exec_prepared(statement.name, dynamic);
  });
}

uint64_t PgConnection::execute(const sql::Statement& statement,
                               std::span<const sql::SqlParam> params) {
  return run(statement, params).affected_rows();
}

std::vector<sql::SqlRow> PgConnection::query(const sql::Statement& statement,
                                             std::span<const sql::SqlParam> params) {
  return toRows(run(statement, params));
}

std::string PgConnection::inlineParams(const sql::BoundStatement& statement) {
  const std::string& text = statement.text;
  std::string rendered;
  rendered.reserve(text.size() + 16 * statement.params.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '$' || i + 1 >= text.size() || !std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      rendered.push_back(text[i]);
      continue;
    }
    size_t number = 0;
    while (i + 1 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      number = number * 10 + static_cast<size_t>(text[++i] - '0');
    }
    if (number == 0 || number > statement.params.size()) {
      throw SqlError(SqlError::Kind::kStatement,
                     "statement refers to parameter $" + std::to_string(number) + " of " +
                         std::to_string(statement.params.size()));
    }
    rendered += connection_->quote(statement.params[number - 1].value);
  }
  return rendered;
}

std::vector<sql::BatchResult> PgConnection::executeBatch(std::span<const sql::BoundStatement> statements) {
  // A pipeline sends BEGIN, every statement and COMMIT as one request and reads each result
  // back. The statements run in order, so rows are locked in the order the caller sorted.
  std::vector<sql::BatchResult> results;
  results.reserve(statements.size());
  std::vector<std::string> texts;
  texts.reserve(statements.size());
  translated([&] {
    for (const auto& statement : statements) {
      texts.push_back(inlineParams(statement));
    }
  });

  size_t failed_at = statements.size();
  try {
    translated([&] {
      pqxx::nontransaction session(*connection_);
      pqxx::pipeline pipe(session);
      pipe.retain(static_cast<int>(statements.size()) + 2);
      const auto begin_id = pipe.insert("BEGIN");
      std::vector<pqxx::pipeline::query_id> ids;
      ids.reserve(texts.size());
      for (const std::string& text : texts) {
        ids.push_back(pipe.insert(text));
      }
      const auto commit_id = pipe.insert("COMMIT");
      pipe.complete();

      failed_at = 0;
      pipe.retrieve(begin_id);
      for (size_t i = 0; i < ids.size(); ++i) {
        failed_at = i;
        results.push_back(toBatchResult(pipe.retrieve(ids[i])));
      }
      failed_at = statements.size();
      pipe.retrieve(commit_id);
    });
  } catch (SqlError& error) {
    if (error.kind() != SqlError::Kind::kConnection) {
      try {
        pqxx::nontransaction cleanup(*connection_);
        cleanup.exec("ROLLBACK");
      } catch (const pqxx::failure&) {
        throw SqlError(SqlError::Kind::kConnection, error.what());
      }
    }
    if (error.kind() == SqlError::Kind::kStatement && failed_at < statements.size()) {
      throw SqlError(error.kind(), error.what(), static_cast<std::ptrdiff_t>(failed_at));
    }
    throw;
  }
  return results;
}

void PgConnection::executeScript(const std::string& sql) {
  translated([&] {
    if (transaction_ != nullptr) {
      transaction_->exec(sql);
      return;
    }
    pqxx::nontransaction single(*connection_);
    single.exec(sql);
  });
}

}  // namespace leasehold::postgres
