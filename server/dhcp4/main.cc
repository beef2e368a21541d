// leasehold-dhcp4: the DHCPv4 server. Takes kea-dhcp4's command line.
#include "backends/lease_store_registry.h"
#include "backends/memfile/memfile_lease_store.h"
#include "backends/mysql/mysql_lease_store.h"
#include "backends/postgres/postgres_lease_store.h"
#include "server/daemon/main_common.h"
#include "server/dhcp4/family4.h"

int main(int argc, char** argv) {
  leasehold::LeaseStoreRegistry stores;
  leasehold::registerMemfileLeaseStore(stores);
  leasehold::registerPostgresLeaseStore(stores);
  leasehold::registerMysqlLeaseStore(stores);
  return leasehold::daemon::runMain<leasehold::dhcp4::Family4>(argc, argv, stores);
}
