// Lease file compaction: rewrites the history of appended records as one record per lease,
// without making appends wait for the rewrite, and safe against a crash at any moment.
//
// Files, with the names Kea's lease file cleanup uses next to the lease file F:
//   F            the file that appends go to
//   F.2          F as it was when the current compaction started (Kea calls it the input)
//   F.1          the result of the previous compaction
//   F.output     the result while it is being written
//   F.completed  the finished result, until it replaces F.1 and F.2
// Loading, here and in Kea, reads F.completed alone if it exists, else F.1 then F.2, and then F;
// later records override earlier ones.
//
// Steps of compact():
//   0. Finish what an interrupted run left. If F.completed exists, do step 4. Delete a stale
//      F.output. If F.2 exists, merge it (steps 2 to 4) before rotating, so that step 1 does
//      not overwrite it.
//   1. Rotate: with the writer's mutex held, rename F to F.2 and create a new F holding only
//      the header. This is the only step appends wait for: one rename and one open.
//   2. Load F.1 then F.2 into a map with the loader's rules: later records win, deletions
//      remove, invalid lines are skipped (and fail the run past max-row-errors).
//   3. Write the map to F.output in the current format, fsync it, rename it to F.completed
//      and fsync the directory.
//   4. Delete F.1 and F.2, rename F.completed to F.1 and fsync the directory.
//
// Why a crash at any moment leaves files that load to the same leases: every record ever
// appended stays in F, F.2 or F.1 until F.completed is complete, and F.completed contains the
// merge of F.1 and F.2. Loading prefers F.completed over F.1 and F.2 exactly when they are
// redundant.
//   - during step 1, before the new F exists: F.1, F.2 load as F.1, F.2, F did;
//   - during steps 2 and 3: F.output is ignored, F.1, F.2 and F are intact;
//   - from the rename to F.completed until step 4 ends: F.completed replaces F.1 then F.2,
//     whichever of them still exist; F comes last in every case.
// Records appended during a run go to the new F, which loads after F.1 in every state.
// Kea 2.2 loads every one of these states the same way, since it uses the same rules.
//
// Threads: compact() may be called from any thread; runs are serialized.
#pragma once

#include <functional>
#include <mutex>
#include <string>

#include "backends/lease_store.h"
#include "backends/memfile/lease_file_loader.h"
#include "backends/memfile/lease_file_writer.h"

namespace leasehold::memfile {

struct CompactionStats {
  std::string path;             // the lease file F
  uint64_t leases_written = 0;  // leases in the new F.1
  uint64_t lines_skipped = 0;   // invalid lines of F.1 and F.2, which F.1 no longer has
};

// Points at which a test can stop compact() as if the process had been killed there.
enum class CompactionStep {
  kRotate,           // before step 1
  kLoadInputs,       // before step 2
  kWriteOutput,      // before step 3
  kRenameOutput,     // in step 3, after F.output is complete and before it is renamed
  kDeleteInputs,     // before step 4
  kRenameCompleted,  // in step 4, after F.1 and F.2 are deleted
};

template <typename LeaseT>
class LeaseFileCompactor {
 public:
  // `writer` appends to F and must outlive the compactor.
  LeaseFileCompactor(LeaseFileWriter& writer, uint32_t max_row_errors);

  // Runs steps 0 to 4. On failure the files stay in a state that loads to the same leases and
  // the next run continues from it. Errors: kUnavailable for file system failures, naming the
  // file and the system error. kInternal when F.1 or F.2 has an invalid header or more invalid
  // lines than max-row-errors allows.
  StoreResult<CompactionStats> compact();

  // Makes compact() call hook(step) before each step and stop, without cleaning up, when it
  // returns false. For crash tests only.
  void setStepHookForTesting(std::function<bool(CompactionStep)> hook);

 private:
  // Returns false when the test hook stops the run at `step`.
  bool proceed(CompactionStep step) const;
  StoreResult<void> finishCompleted();
  StoreResult<CompactionStats> mergeInputs();
  StoreResult<void> writeOutput(const std::string& output_path, const LeaseMap<LeaseT>& leases);

  LeaseFileWriter& writer_;
  const std::string path_;
  const uint32_t max_row_errors_;
  std::mutex run_mutex_;  // held for a whole run
  std::function<bool(CompactionStep)> step_hook_;  // GUARDED_BY(run_mutex_)
};

}  // namespace leasehold::memfile
