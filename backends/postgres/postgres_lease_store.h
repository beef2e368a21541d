// The PostgreSQL lease backend (`"type": "postgresql"` in lease-database).
#pragma once

#include "backends/lease_store_registry.h"

namespace leasehold {

// Registers the factory for type "postgresql". Call once from main().
void registerPostgresLeaseStore(LeaseStoreRegistry& registry);

}  // namespace leasehold
