// MemfileLeaseStore: the embedded LeaseStore. Leases live in memory (MemfileLeaseTable) and
// every change is appended to a lease file in Kea's CSV format before the call returns, so
// Kea's lease files load here and the files written here load in Kea 2.2. A background thread
// compacts the files every lfc-interval seconds (lease_file_compactor.h).
//
// Like Kea's memfile, a store keeps a lease file only for the daemon's own family; the table of
// the other family lives in memory only.
//
// DHCPv4 hardware types are not persisted: Kea's DHCPv4 lease file has no column for them, so
// after a restart every DHCPv4 lease reads back with hwaddr type 1 (Ethernet).
//
// Threads: every method may be called from any thread. The store owns one background thread
// while lfc-interval is above 0.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "backends/database_config.h"
#include "backends/lease_store.h"
#include "backends/lease_store_registry.h"
#include "backends/memfile/lease_file_compactor.h"
#include "backends/memfile/lease_file_loader.h"

namespace leasehold {

struct MemfileOptions {
  std::string lease_file4;  // empty: DHCPv4 leases are kept in memory only
  std::string lease_file6;  // empty: DHCPv6 leases are kept in memory only
  std::chrono::seconds lfc_interval{0};  // 0 disables periodic compaction
  uint32_t max_row_errors = 0;           // invalid lines per file before loading fails; 0: no limit
};

// Results of loading one family's lease files, for logs and statistics.
struct MemfileLoadReport {
  std::vector<memfile::LeaseFileLoadStats> files;  // the files that existed, in load order
  std::vector<memfile::LeaseFileProblem> problems;  // the first kMaxReportedProblems skipped lines
  uint64_t lines_read = 0;      // record lines in all files
  uint64_t leases_loaded = 0;   // records that added or replaced a lease
  uint64_t lines_skipped = 0;   // invalid lines in all files
  uint64_t leases = 0;          // leases in memory once loading finished
  bool converted = false;       // the lease file was rewritten from another Kea schema
};

// Running totals of failures, for statistics.
struct MemfileCounters {
  uint64_t append_failures = 0;       // records that could not be appended (writes rejected)
  uint64_t compactions = 0;           // compactions that finished
  uint64_t compaction_failures = 0;   // compactions that stopped with an error
};

class MemfileLeaseStore final : public LeaseStore {
 public:
  // Loads the lease files, makes sure the lease file is in the current format (compacting it
  // when it is not), and starts the compaction thread. Errors: kUnavailable, with the system
  // error, when a file cannot be read, created or written. kInternal when a file has an invalid
  // header or more invalid lines than max_row_errors.
  static StoreResult<std::unique_ptr<MemfileLeaseStore>> open(const MemfileOptions& options);

  // Maps a `lease-database` entry to options. With `persist` false no file is read or written.
  // Otherwise the daemon's family gets `name`, or <data_dir>/leasehold-leases4.csv (or
  // leasehold-leases6.csv) when `name` is empty. kInvalid when both are empty or the family is
  // neither 4 nor 6.
  static StoreResult<MemfileOptions> optionsFrom(const DatabaseConfig& config);

  // Stops the compaction thread, waiting for a compaction in progress to finish.
  ~MemfileLeaseStore() override;

  LeaseTable<Lease4>& leases4() override;
  LeaseTable<Lease6>& leases6() override;
  std::string describe() const override;

  // Compacts every lease file now, on the calling thread, after any compaction in progress;
  // for tests and the kea-lfc-start command. Returns one entry per lease file; an empty vector
  // when no lease file is kept. Errors as LeaseFileCompactor::compact().
  StoreResult<std::vector<memfile::CompactionStats>> compactNow();

  const MemfileLoadReport& loadReport4() const;
  const MemfileLoadReport& loadReport6() const;
  MemfileCounters counters() const;

  // Test access to the compactors, to stop a compaction at a chosen step. Null for a family
  // without a lease file.
  memfile::LeaseFileCompactor<Lease4>* compactor4ForTesting();
  memfile::LeaseFileCompactor<Lease6>* compactor6ForTesting();

 private:
  struct State;

  explicit MemfileLeaseStore(std::unique_ptr<State> state);
  void runCompactionTimer(std::chrono::seconds interval);
  // Compacts both files and logs the outcome. Returns the first error.
  StoreResult<std::vector<memfile::CompactionStats>> compactAndLog();

  std::unique_ptr<State> state_;
  std::atomic<uint64_t> compactions_{0};
  std::atomic<uint64_t> compaction_failures_{0};

  std::mutex timer_mutex_;
  std::condition_variable timer_wakeup_;
  bool stopping_ = false;  // GUARDED_BY(timer_mutex_)
  std::thread timer_thread_;
};

// Registers the "memfile" lease-database type.
void registerMemfileLeaseStore(LeaseStoreRegistry& registry);

}  // namespace leasehold
