// Opening a SqlLeaseStore from a DatabaseConfig: the steps both SQL backends share (first
// connection, retry-on-startup, schema version check, pool sizing).
#pragma once

#include <functional>
#include <memory>

#include "backends/database_config.h"
#include "backends/lease_store.h"
#include "backends/sql/sql_connection.h"

namespace leasehold::sql {

// Opens a connection; throws SqlError(kConnection) when the server cannot be reached.
using ConnectionFactory = std::function<std::unique_ptr<SqlConnection>()>;

// Connects once and checks the schema version. Errors: kUnavailable when the server cannot be
// reached and retry-on-startup is off. With retry-on-startup on, the store opens and keeps
// reconnecting in the background. kInvalid when the schema version is not the one this build
// expects; the message names both versions and the leasehold-admin command that fixes it.
StoreResult<std::unique_ptr<LeaseStore>> openSqlLeaseStore(const DatabaseConfig& config,
                                                          ConnectionFactory connect);

}  // namespace leasehold::sql
