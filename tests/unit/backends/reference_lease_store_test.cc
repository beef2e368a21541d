// Runs the conformance suite against the reference store, which checks the suite itself: a
// check that the plainest correct store fails is a bug in the check.
#include "tests/unit/backends/lease_store_conformance.h"
#include "tests/unit/backends/reference_lease_store.h"

LEASEHOLD_INSTANTIATE_LEASE_STORE_CONFORMANCE(
    Reference, (LeaseStoreBackend{
                   .name = "Reference",
                   .open = [] { return std::make_unique<ReferenceLeaseStore>(); },
               }));
