// Measures how many lease writes per second a SQL lease store commits with N concurrent
// writers: first `--writes` adds of distinct addresses, then as many compare-and-set renewals
// of those leases. Every write is durable when it returns, as in the server.
//
//   lease-store-write-bench --type postgresql -h 127.0.0.1 -P 5432 -u USER -p PASSWORD -n NAME
//                           [--threads 64] [--writes 20000] [--renew yes|no]
//
// The database must hold the Leasehold schema (leasehold-admin db-init); the benchmark wipes
// the DHCPv4 lease table first.
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <thread>
#include <vector>

#include "backends/lease_store_registry.h"
#include "backends/mysql/mysql_lease_store.h"
#include "backends/postgres/postgres_lease_store.h"

namespace {

using leasehold::DatabaseConfig;
using leasehold::Lease4;
using leasehold::LeaseStore;

struct BenchOptions {
  DatabaseConfig database;
  unsigned threads = 64;
  unsigned writes = 20000;
  bool renew = true;
};

bool parseUnsigned(const std::string& text, unsigned& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() && value > 0;
}

bool parseArgs(int argc, char** argv, BenchOptions& options) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const std::string value = argv[i + 1];
    unsigned number = 0;
    if (flag == "--type") {
      options.database.type = value;
    } else if (flag == "-h") {
      options.database.host = value;
    } else if (flag == "-P" && parseUnsigned(value, number) && number < 65536) {
      options.database.port = static_cast<uint16_t>(number);
    } else if (flag == "-u") {
      options.database.user = value;
    } else if (flag == "-p") {
      options.database.password = value;
    } else if (flag == "-n") {
      options.database.name = value;
    } else if (flag == "--threads" && parseUnsigned(value, number)) {
      options.threads = number;
    } else if (flag == "--writes" && parseUnsigned(value, number)) {
      options.writes = number;
    } else if (flag == "--renew" && (value == "yes" || value == "no")) {
      options.renew = value == "yes";
    } else {
      std::cerr << "invalid argument " << flag << " " << value << "\n";
      return false;
    }
  }
  return !options.database.type.empty() && !options.database.name.empty();
}

Lease4 leaseFor(unsigned index) {
  Lease4 lease;
  lease.address = leasehold::IPv4Address(0x0a000000u + index);
  lease.hwaddr.bytes = {0x02, 0x00, static_cast<uint8_t>(index >> 24),
                        static_cast<uint8_t>(index >> 16), static_cast<uint8_t>(index >> 8),
                        static_cast<uint8_t>(index)};
  lease.valid_lifetime = std::chrono::seconds(3600);
  lease.cltt = std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
  lease.subnet_id = 1;
  lease.hostname = "host-" + std::to_string(index);
  return lease;
}

// Runs `operation(index)` for every index below `writes` from `threads` threads and returns
// the rate, printing failures.
template <typename Operation>
double measure(const char* name, unsigned threads, unsigned writes, Operation operation) {
  std::atomic<unsigned> next{0};
  std::atomic<unsigned> failures{0};
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      for (unsigned index = next++; index < writes; index = next++) {
        if (!operation(index)) {
          ++failures;
        }
      }
    });
  }
  for (auto& worker : workers) {
    worker.join();
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double rate = writes / seconds;
  std::printf("%-8s %u writes, %u threads: %.0f writes/s (%.2f s, %u failed)\n", name, writes,
              threads, rate, seconds, failures.load());
  return rate;
}

}  // namespace

int main(int argc, char** argv) {
  BenchOptions options;
  if (!parseArgs(argc, argv, options)) {
    std::cerr << "usage: lease-store-write-bench --type postgresql|mysql -h HOST -P PORT -u USER "
                 "-p PASSWORD -n NAME [--threads N] [--writes N] [--renew yes|no]\n";
    return 2;
  }
  options.database.worker_threads = options.threads;
  // Standard output carries the results; log lines go to standard error.
  spdlog::set_default_logger(spdlog::stderr_color_mt("stderr"));
  leasehold::LeaseStoreRegistry registry;
  leasehold::registerPostgresLeaseStore(registry);
  leasehold::registerMysqlLeaseStore(registry);
  auto opened = registry.open(options.database);
  if (!opened) {
    std::cerr << opened.error().message << "\n";
    return 1;
  }
  LeaseStore& store = **opened;
  auto& table = store.leases4();
  if (!table.wipe(std::nullopt)) {
    std::cerr << "wiping the lease table failed\n";
    return 1;
  }

  measure("add", options.threads, options.writes,
          [&](unsigned index) { return table.add(leaseFor(index)).hasValue(); });
  if (options.renew) measure("renew", options.threads, options.writes, [&](unsigned index) {
    const Lease4 old = leaseFor(index);
    auto stored = table.get(old.address);
    if (!stored || !stored->has_value()) {
      return false;
    }
    Lease4 renewed = **stored;
    renewed.cltt += std::chrono::seconds(60);
    return table.update(renewed, &**stored).hasValue();
  });
  for (const auto& [name, value] : store.counterValues()) {
    std::printf("  %s %lld\n", name.c_str(), static_cast<long long>(value));
  }
  return 0;
}
