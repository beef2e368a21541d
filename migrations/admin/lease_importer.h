// LeaseImporter: writes imported leases into a LeaseStore from a few threads at once, so the
// SQL stores' group commit batches them, and keeps the tally of imported and skipped records
// with the reason for each skip.
//
// Threads: add() is called from one producer thread; the importer's own threads write.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends/lease_store.h"
#include "migrations/admin/kea_lease_reader.h"

namespace leasehold::admin {

struct ImportSummary {
  uint64_t imported = 0;
  std::map<std::string, uint64_t> skipped;  // reason category -> count
  std::vector<std::string> examples;        // the first few skip details, for the operator
  std::string fatal;                        // why the import stopped early; empty if it did not

  uint64_t skippedTotal() const;
  // "imported 10 leases, skipped 2 (1 already in the target, 1 invalid hwaddr)" and examples.
  std::string describe(const std::string& what) const;
};

class LeaseImporter {
 public:
  // `on_done` runs after each record is handled, with the count so far (for a progress bar).
  LeaseImporter(LeaseStore& target, size_t threads, std::function<void(uint64_t)> on_done);
  ~LeaseImporter();

  void add(ImportRecord<Lease4> record);
  void add(ImportRecord<Lease6> record);

  // True once the target failed in a way that makes going on pointless (unreachable).
  bool stopped() const { return stopped_.load(); }

  // Waits for every queued record and returns the tally.
  ImportSummary finish();

 private:
  void enqueue(std::function<void()> task);
  void work();
  void skip(const std::string& category, const std::string& detail);
  template <typename LeaseT>
  void write(LeaseTable<LeaseT>& table, const ImportRecord<LeaseT>& record);

  LeaseStore& target_;
  const std::function<void(uint64_t)> on_done_;
  std::atomic<bool> stopped_{false};
  std::atomic<uint64_t> handled_{0};

  std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::condition_variable space_cv_;
  std::deque<std::function<void()>> tasks_;  // GUARDED_BY(mutex_)
  bool finishing_ = false;                   // GUARDED_BY(mutex_)
  ImportSummary summary_;                    // GUARDED_BY(mutex_)
  std::vector<std::thread> threads_;
};

}  // namespace leasehold::admin
