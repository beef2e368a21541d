// Reading Kea lease files: line by line, later records overriding earlier ones, invalid lines
// skipped and reported with their file and line number.
//
// Threads: a LeaseFileParser and the maps it fills belong to the calling thread.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "backends/lease_store.h"
#include "backends/memfile/lease_file_format.h"

namespace leasehold::memfile {

// An invalid line that loading skipped.
struct LeaseFileProblem {
  std::string path;
  uint64_t line = 0;  // 1-based, the header is line 1
  std::string message;

  std::string toString() const { return path + ":" + std::to_string(line) + ": " + message; }
};

// Counts from loading one file.
struct LeaseFileLoadStats {
  std::string path;
  uint64_t lines_read = 0;      // record lines, without the header and blank lines
  uint64_t leases_loaded = 0;   // records that added or replaced a lease
  uint64_t leases_deleted = 0;  // records with valid_lifetime 0
  uint64_t lines_skipped = 0;   // invalid records
  bool has_header = false;      // false for an empty file or one cut off inside its header
  LeaseFileHeader header;
};

// Loading reports at most this many problems in detail; the counts stay exact.
inline constexpr size_t kMaxReportedProblems = 100;

template <typename LeaseT>
using LeaseMap = std::map<typename LeaseTraits<LeaseT>::Address, LeaseT>;

// Applies the lines of one lease file to `leases`, in file order.
template <typename LeaseT>
class LeaseFileParser {
 public:
  // `problems` collects skipped lines until it contains kMaxReportedProblems entries.
  LeaseFileParser(std::string path, LeaseMap<LeaseT>& leases,
                  std::vector<LeaseFileProblem>& problems);

  // Applies the next line, given without its line break; a trailing '\r' is ignored.
  // `terminated` is false for a last line that has no line break: such a record is skipped,
  // because only an interrupted write leaves one, and such a header means an empty file.
  // Returns an error message only when the header is invalid, in which case the file cannot be
  // read at all.
  Result<void, std::string> feed(std::string_view line, bool terminated = true);

  const LeaseFileLoadStats& stats() const { return stats_; }
  // The last line skipped; meaningful when stats().lines_skipped > 0.
  const LeaseFileProblem& lastProblem() const { return last_problem_; }

 private:
  Result<void, std::string> feedHeader(std::string_view line, bool terminated);

  LeaseMap<LeaseT>& leases_;
  std::vector<LeaseFileProblem>& problems_;
  LeaseFileLoadStats stats_;
  LeaseFileProblem last_problem_;
  uint64_t line_number_ = 0;
  bool header_seen_ = false;
};

// Loads the file at `path` into `leases`. A missing file loads nothing and is no error.
// Errors name the file: kUnavailable when it cannot be read, with the system error, and
// kInternal when its header is invalid or more than `max_row_errors` lines are skipped. A
// `max_row_errors` of 0 means no limit, as Kea's max-row-errors does.
template <typename LeaseT>
StoreResult<LeaseFileLoadStats> loadLeaseFile(const std::string& path, LeaseMap<LeaseT>& leases,
                                              uint32_t max_row_errors,
                                              std::vector<LeaseFileProblem>& problems);

// Returns the files Kea's lease file cleanup leaves next to `path`, in the order Kea loads
// them. That is `path.completed` alone if it exists, else `path.1` then `path.2`, and after
// them `path` itself.
std::vector<std::string> leaseFilesInLoadOrder(const std::string& path);

bool fileExists(const std::string& path);

}  // namespace leasehold::memfile
