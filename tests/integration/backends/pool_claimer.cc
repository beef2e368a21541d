// One server node of the multi-node tests. It claims addresses of one DHCPv4 pool in a shared
// lease database until the pool is full. It prints each address once its lease is committed
// (one per line, flushed), so a test can check what every node acknowledged.
//
//   pool-claimer TYPE HOST PORT USER PASSWORD NAME NODE FIRST LAST
//
// NODE (0-255) goes into each lease's hardware address. Exits 0 when the pool is full, 1 on a
// store error, 2 on a bad command line.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "backends/lease_store_registry.h"
#include "backends/mysql/mysql_lease_store.h"
#include "backends/postgres/postgres_lease_store.h"

int main(int argc, char** argv) {
  using namespace leasehold;
  if (argc != 10) {
    std::cerr << "usage: pool-claimer TYPE HOST PORT USER PASSWORD NAME NODE FIRST LAST\n";
    return 2;
  }
  DatabaseConfig config;
  config.type = argv[1];
  config.host = argv[2];
  config.port = static_cast<uint16_t>(std::atoi(argv[3]));
  config.user = argv[4];
  config.password = argv[5];
  config.name = argv[6];
  config.worker_threads = 4;
  const auto node = static_cast<uint8_t>(std::atoi(argv[7]));
  const auto first = IPv4Address::parse(argv[8]);
  const auto last = IPv4Address::parse(argv[9]);
  if (!first || !last || *last < *first) {
    std::cerr << "invalid pool " << argv[8] << "-" << argv[9] << "\n";
    return 2;
  }

  // Standard output carries the results; log lines go to standard error.
  spdlog::set_default_logger(spdlog::stderr_color_mt("stderr"));
  LeaseStoreRegistry registry;
  registerPostgresLeaseStore(registry);
  registerMysqlLeaseStore(registry);
  auto store = registry.open(config);
  if (!store) {
    std::cerr << store.error().message << "\n";
    return 1;
  }
  auto& leases = (*store)->leases4();

  // Nodes start their search at different places, as the allocation engine's cursor would.
  const uint32_t size = last->toUint32() - first->toUint32() + 1;
  IPv4Address start(first->toUint32() + (node * 7919u) % size);
  uint32_t claimed = 0;
  // Bounded: each round claims at least one address or finds the pool full, unless other
  // nodes win every candidate, which cannot go on for more rounds than the pool has addresses.
  for (uint32_t round = 0; round < size * 4; ++round) {
    const auto candidates = leases.findUnleased(*first, *last, start, 8);
    if (!candidates) {
      std::cerr << candidates.error().message << "\n";
      return 1;
    }
    if (candidates->empty()) {
      std::cerr << "node " << int(node) << " claimed " << claimed << " addresses\n";
      return 0;
    }
    for (const IPv4Address& address : *candidates) {
      Lease4 lease;
      lease.address = address;
      lease.hwaddr.bytes = {0x02, 0x00, 0x00, node, static_cast<uint8_t>(address.toUint32() >> 8),
                            static_cast<uint8_t>(address.toUint32())};
      lease.valid_lifetime = std::chrono::seconds(3600);
      lease.cltt = std::chrono::time_point_cast<std::chrono::seconds>(
          std::chrono::system_clock::now());
      lease.subnet_id = 1;
      const auto added = leases.add(lease);
      if (added) {
        std::printf("%s\n", address.toString().c_str());
        std::fflush(stdout);
        ++claimed;
        start = address;
      } else if (added.error().code != StoreError::Code::kConflict) {
        std::cerr << added.error().message << "\n";
        return 1;
      }
    }
  }
  std::cerr << "node " << int(node) << " stopped after " << size * 4 << " rounds\n";
  return 1;
}
