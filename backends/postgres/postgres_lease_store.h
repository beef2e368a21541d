// The PostgreSQL lease backend (`"type": "postgresql"` in lease-database).
//
// The daemon sets DatabaseConfig::worker_threads to its packet worker count (the pool has one
// read session per worker), publishes LeaseStore::counterValues() as statistics, and applies Kea's
// `on-fail` from the events it receives through LeaseStore::setConnectionListener(). The
// database needs the Leasehold schema first: `leasehold-admin db-init` creates it.
#pragma once

#include "backends/lease_store_registry.h"

namespace leasehold {

// Registers the factory for type "postgresql". Call once from main().
void registerPostgresLeaseStore(LeaseStoreRegistry& registry);

}  // namespace leasehold
