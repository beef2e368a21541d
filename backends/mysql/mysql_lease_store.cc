#include "backends/mysql/mysql_lease_store.h"

#include "backends/mysql/mysql_connection.h"
#include "backends/sql/open_store.h"

namespace leasehold {

void registerMysqlLeaseStore(LeaseStoreRegistry& registry) {
  registry.add("mysql", [](const DatabaseConfig& config)
                            -> StoreResult<std::unique_ptr<LeaseStore>> {
    if (auto problem = mysql::unsupportedSetting(config)) {
      return makeUnexpected(StoreError{StoreError::Code::kInvalid, *problem});
    }
    return sql::openSqlLeaseStore(config, [config]() -> std::unique_ptr<sql::SqlConnection> {
      return std::make_unique<mysql::MysqlConnection>(config);
    });
  });
}

}  // namespace leasehold
