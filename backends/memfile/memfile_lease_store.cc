#include "backends/memfile/memfile_lease_store.h"

#include "backends/log.h"
#include "backends/memfile/lease_file_format.h"
#include "backends/memfile/lease_file_writer.h"
#include "backends/memfile/memfile_lease_table.h"

namespace leasehold {

namespace {

using memfile::CompactionStats;

template <typename LeaseT>
constexpr const char* familyName() {
  return std::is_same_v<LeaseT, Lease4> ? "DHCPv4" : "DHCPv6";
}

template <typename LeaseT>
struct FamilyState {
  std::string path;  // empty when the family is kept in memory only
  // Declared first so that it is destroyed last: the table and the compactor use it.
  std::unique_ptr<memfile::LeaseFileWriter> writer;
  std::unique_ptr<memfile::LeaseFileCompactor<LeaseT>> compactor;
  std::unique_ptr<memfile::MemfileLeaseTable<LeaseT>> table;
  MemfileLoadReport report;
};

}  // namespace

struct MemfileLeaseStore::State {
  FamilyState<Lease4> v4;
  FamilyState<Lease6> v6;
};

namespace {

void logLoad(const std::string& path, const MemfileLoadReport& report, const char* family) {
  for (const auto& problem : report.problems) {
    log::warn("MEMFILE_LINE_SKIPPED", "skipped invalid lease file line {}", problem.toString());
  }
  if (report.lines_skipped > report.problems.size()) {
    log::warn("MEMFILE_LINES_SKIPPED_MORE", "skipped {} more invalid lines in {} and its older files",
              report.lines_skipped - report.problems.size(), path);
  }
  log::info("MEMFILE_LOADED",
            "loaded {} {} leases from {} and its older files: {} lines read, {} applied, {} "
            "skipped",
            report.leases, family, path, report.lines_read, report.leases_loaded,
            report.lines_skipped);
}

// Loads the files of one family, opens its lease file for appending and builds its table.
template <typename LeaseT>
StoreResult<void> openFamily(const std::string& path, uint32_t max_row_errors,
                             FamilyState<LeaseT>& family) {
  family.path = path;
  memfile::LeaseMap<LeaseT> leases;
  bool convert = false;
  if (!path.empty()) {
    for (const std::string& file : memfile::leaseFilesInLoadOrder(path)) {
      if (!memfile::fileExists(file)) {
        continue;
      }
      auto stats = memfile::loadLeaseFile<LeaseT>(file, leases, max_row_errors,
                                                  family.report.problems);
      if (!stats) {
        return makeUnexpected(stats.error());
      }
      family.report.lines_read += stats->lines_read;
      family.report.leases_loaded += stats->leases_loaded;
      family.report.lines_skipped += stats->lines_skipped;
      if (file == path && stats->has_header) {
        convert = !stats->header.template isCurrent<LeaseT>();
      }
      family.report.files.push_back(std::move(*stats));
    }

    auto writer = memfile::LeaseFileWriter::open(path, memfile::headerLine<LeaseT>());
    if (!writer) {
      return makeUnexpected(writer.error());
    }
    family.writer = std::move(*writer);
    family.compactor =
        std::make_unique<memfile::LeaseFileCompactor<LeaseT>>(*family.writer, max_row_errors);
  }
  family.report.leases = leases.size();
  family.table = std::make_unique<memfile::MemfileLeaseTable<LeaseT>>(leases, family.writer.get());
  if (!path.empty()) {
    logLoad(path, family.report, familyName<LeaseT>());
  }

  // Records in the current format must not be appended below another schema's header, so a
  // file from another Kea release is compacted into the current format first.
  if (convert) {
    auto compacted = family.compactor->compact();
    if (!compacted) {
      return makeUnexpected(compacted.error());
    }
    family.report.converted = true;
    log::info("MEMFILE_CONVERTED", "rewrote lease file {} in the current format ({} leases)",
              path, compacted->leases_written);
  }
  return {};
}

}  // namespace

MemfileLeaseStore::MemfileLeaseStore(std::unique_ptr<State> state) : state_(std::move(state)) {}

MemfileLeaseStore::~MemfileLeaseStore() {
  {
    std::lock_guard lock(timer_mutex_);
    stopping_ = true;
  }
  timer_wakeup_.notify_all();
  if (timer_thread_.joinable()) {
    timer_thread_.join();
  }
}

StoreResult<std::unique_ptr<MemfileLeaseStore>> MemfileLeaseStore::open(
    const MemfileOptions& options) {
  auto state = std::make_unique<State>();
  if (auto opened = openFamily(options.lease_file4, options.max_row_errors, state->v4); !opened) {
    return makeUnexpected(opened.error());
  }
  if (auto opened = openFamily(options.lease_file6, options.max_row_errors, state->v6); !opened) {
    return makeUnexpected(opened.error());
  }

  std::unique_ptr<MemfileLeaseStore> store(new MemfileLeaseStore(std::move(state)));
  const bool has_files = !options.lease_file4.empty() || !options.lease_file6.empty();
  if (has_files && options.lfc_interval.count() > 0) {
    store->timer_thread_ =
        std::thread([raw = store.get(), interval = options.lfc_interval] {
          raw->runCompactionTimer(interval);
        });
  }
  return store;
}

StoreResult<MemfileOptions> MemfileLeaseStore::optionsFrom(const DatabaseConfig& config) {
  if (config.family != 4 && config.family != 6) {
    return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                     "invalid address family " + std::to_string(config.family) +
                                         " for a memfile lease-database; expected 4 or 6"});
  }
  if (config.lfc_interval.count() < 0) {
    return makeUnexpected(StoreError{StoreError::Code::kInvalid,
                                     "invalid lfc-interval " +
                                         std::to_string(config.lfc_interval.count()) +
                                         "; expected 0 (disabled) or more seconds"});
  }
  MemfileOptions options;
  options.lfc_interval = config.lfc_interval;
  options.max_row_errors = config.max_row_errors;
  if (!config.persist) {
    return options;
  }

  std::string path = config.name;
  if (path.empty()) {
    if (config.data_dir.empty()) {
      return makeUnexpected(StoreError{
          StoreError::Code::kInvalid,
          "memfile lease-database has no \"name\" and no data directory; set \"name\" to the "
          "lease file path"});
    }
    path = config.data_dir + (config.data_dir.ends_with('/') ? "" : "/") + "leasehold-leases" +
           std::to_string(config.family) + ".csv";
  }
  (config.family == 4 ? options.lease_file4 : options.lease_file6) = path;
  return options;
}

LeaseTable<Lease4>& MemfileLeaseStore::leases4() { return *state_->v4.table; }
LeaseTable<Lease6>& MemfileLeaseStore::leases6() { return *state_->v6.table; }

std::string MemfileLeaseStore::describe() const {
  std::string files;
  for (const std::string* path : {&state_->v4.path, &state_->v6.path}) {
    if (!path->empty()) {
      files += (files.empty() ? "" : " and ") + *path;
    }
  }
  return files.empty() ? "memfile (persist off, leases in memory only)" : "memfile " + files;
}

const MemfileLoadReport& MemfileLeaseStore::loadReport4() const { return state_->v4.report; }
const MemfileLoadReport& MemfileLeaseStore::loadReport6() const { return state_->v6.report; }

MemfileCounters MemfileLeaseStore::counters() const {
  MemfileCounters counters;
  for (const memfile::LeaseFileWriter* writer : {state_->v4.writer.get(), state_->v6.writer.get()}) {
    if (writer != nullptr) {
      counters.append_failures += writer->appendFailures();
    }
  }
  counters.compactions = compactions_.load(std::memory_order_relaxed);
  counters.compaction_failures = compaction_failures_.load(std::memory_order_relaxed);
  return counters;
}

memfile::LeaseFileCompactor<Lease4>* MemfileLeaseStore::compactor4ForTesting() {
  return state_->v4.compactor.get();
}

memfile::LeaseFileCompactor<Lease6>* MemfileLeaseStore::compactor6ForTesting() {
  return state_->v6.compactor.get();
}

StoreResult<std::vector<CompactionStats>> MemfileLeaseStore::compactNow() {
  return compactAndLog();
}

StoreResult<std::vector<CompactionStats>> MemfileLeaseStore::compactAndLog() {
  std::vector<CompactionStats> done;
  std::optional<StoreError> first_error;
  auto run = [&](auto* compactor) {
    if (compactor == nullptr) {
      return;
    }
    auto compacted = compactor->compact();
    if (!compacted) {
      compaction_failures_.fetch_add(1, std::memory_order_relaxed);
      log::error("MEMFILE_LFC_FAILED",
                 "{}; the lease files still load to the same leases and the next compaction "
                 "continues from them",
                 compacted.error().message);
      if (!first_error) {
        first_error = compacted.error();
      }
      return;
    }
    compactions_.fetch_add(1, std::memory_order_relaxed);
    log::info("MEMFILE_LFC_DONE", "compacted lease file {}: {} leases written, {} invalid lines dropped",
              compacted->path, compacted->leases_written, compacted->lines_skipped);
    done.push_back(std::move(*compacted));
  };
  run(state_->v4.compactor.get());
  run(state_->v6.compactor.get());
  if (first_error) {
    return makeUnexpected(std::move(*first_error));
  }
  return done;
}

void MemfileLeaseStore::runCompactionTimer(std::chrono::seconds interval) {
  std::unique_lock lock(timer_mutex_);
  while (!timer_wakeup_.wait_for(lock, interval, [this] { return stopping_; })) {
    lock.unlock();
    (void)compactAndLog();  // logged and counted there
    lock.lock();
  }
}

void registerMemfileLeaseStore(LeaseStoreRegistry& registry) {
  registry.add("memfile",
               [](const DatabaseConfig& config) -> StoreResult<std::unique_ptr<LeaseStore>> {
                 auto options = MemfileLeaseStore::optionsFrom(config);
                 if (!options) {
                   return makeUnexpected(options.error());
                 }
                 auto store = MemfileLeaseStore::open(*options);
                 if (!store) {
                   return makeUnexpected(store.error());
                 }
                 return std::unique_ptr<LeaseStore>(std::move(*store));
               });
}

}  // namespace leasehold
