// Failure and activity counters of one SQL lease store. The daemon reads them through
// LeaseStore::counterValues() and publishes them as statistics under the names listed here.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "backends/store_health.h"

namespace leasehold::sql {

struct StoreCounters {
  std::atomic<int64_t> batches{0};             // group-commit transactions committed
  std::atomic<int64_t> writes_applied{0};      // writes committed
  std::atomic<int64_t> write_conflicts{0};     // writes that lost a race (kConflict)
  std::atomic<int64_t> write_not_found{0};     // updates or removes of absent leases
  std::atomic<int64_t> write_failures{0};      // writes rejected by the database or the store
  std::atomic<int64_t> batch_retries{0};       // transactions rerun after a deadlock
  std::atomic<int64_t> read_failures{0};       // reads that ended in an error
  std::atomic<int64_t> unavailable{0};         // calls answered kUnavailable
  std::atomic<int64_t> connections_lost{0};    // outages detected
  std::atomic<int64_t> reconnect_attempts{0};  // connection attempts made while recovering
  std::atomic<int64_t> reconnects{0};          // outages that ended in a reconnect
  std::atomic<int64_t> reconnect_give_ups{0};  // outages that used up max-reconnect-tries
  std::atomic<int64_t> corrupt_rows{0};        // stored rows that could not be decoded

  std::vector<StoreCounter> snapshot() const {
    const auto read = [](const std::atomic<int64_t>& value) {
      return value.load(std::memory_order_relaxed);
    };
    return {
        {"lease-db-batches", read(batches)},
        {"lease-db-writes", read(writes_applied)},
        {"lease-db-write-conflicts", read(write_conflicts)},
        {"lease-db-write-not-found", read(write_not_found)},
        {"lease-db-write-failures", read(write_failures)},
        {"lease-db-batch-retries", read(batch_retries)},
        {"lease-db-read-failures", read(read_failures)},
        {"lease-db-unavailable", read(unavailable)},
        {"lease-db-connections-lost", read(connections_lost)},
        {"lease-db-reconnect-attempts", read(reconnect_attempts)},
        {"lease-db-reconnects", read(reconnects)},
        {"lease-db-reconnect-give-ups", read(reconnect_give_ups)},
        {"lease-db-corrupt-rows", read(corrupt_rows)},
    };
  }
};

inline void bump(std::atomic<int64_t>& counter, int64_t delta = 1) {
  counter.fetch_add(delta, std::memory_order_relaxed);
}

}  // namespace leasehold::sql
