#include "backends/postgres/postgres_lease_store.h"

#include "backends/postgres/pg_connection.h"
#include "backends/sql/open_store.h"

namespace leasehold {

void registerPostgresLeaseStore(LeaseStoreRegistry& registry) {
  registry.add("postgresql", [](const DatabaseConfig& config)
                                 -> StoreResult<std::unique_ptr<LeaseStore>> {
    auto connection_string = postgres::connectionString(config);
    if (!connection_string) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid, connection_string.error()});
    }
    const bool readonly = config.readonly;
    return sql::openSqlLeaseStore(
        config, [text = *connection_string, readonly]() -> std::unique_ptr<sql::SqlConnection> {
          return std::make_unique<postgres::PgConnection>(text, readonly);
        });
  });
}

}  // namespace leasehold
