// The MySQL and MariaDB lease backend (`"type": "mysql"` in lease-database).
#pragma once

#include "backends/lease_store_registry.h"

namespace leasehold {

// Registers the factory for type "mysql". Call once from main().
void registerMysqlLeaseStore(LeaseStoreRegistry& registry);

}  // namespace leasehold
