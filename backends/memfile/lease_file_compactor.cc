#include "backends/memfile/lease_file_compactor.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "backends/memfile/lease_file_format.h"

namespace leasehold::memfile {

namespace {

constexpr size_t kOutputChunkBytes = 1 << 20;

StoreError fileError(const std::string& action, const std::string& path, int error) {
  return StoreError{StoreError::Code::kUnavailable, "lease file compaction failed to " + action +
                                                        " " + path + ": " + std::strerror(error)};
}

// Deletes `path`; a missing file is no error. Returns errno, or 0.
int removeFile(const std::string& path) {
  return ::unlink(path.c_str()) == 0 || errno == ENOENT ? 0 : errno;
}

const char* stepName(CompactionStep step) {
  switch (step) {
    case CompactionStep::kRotate:
      return "rotate";
    case CompactionStep::kLoadInputs:
      return "load inputs";
    case CompactionStep::kWriteOutput:
      return "write output";
    case CompactionStep::kRenameOutput:
      return "rename output";
    case CompactionStep::kDeleteInputs:
      return "delete inputs";
    case CompactionStep::kRenameCompleted:
      return "rename completed";
  }
  return "unknown";
}

StoreError stoppedForTest(CompactionStep step) {
  return StoreError{StoreError::Code::kInternal,
                    std::string("compaction stopped by a test before step \"") + stepName(step) +
                        "\""};
}

}  // namespace

template <typename LeaseT>
LeaseFileCompactor<LeaseT>::LeaseFileCompactor(LeaseFileWriter& writer, uint32_t max_row_errors)
    : writer_(writer), path_(writer.path()), max_row_errors_(max_row_errors) {}

template <typename LeaseT>
void LeaseFileCompactor<LeaseT>::setStepHookForTesting(std::function<bool(CompactionStep)> hook) {
  std::lock_guard lock(run_mutex_);
  step_hook_ = std::move(hook);
}

template <typename LeaseT>
bool LeaseFileCompactor<LeaseT>::proceed(CompactionStep step) const {
  return !step_hook_ || step_hook_(step);
}

template <typename LeaseT>
StoreResult<CompactionStats> LeaseFileCompactor<LeaseT>::compact() {
  std::lock_guard lock(run_mutex_);

  // Step 0: finish or redo what an interrupted run left behind.
  if (fileExists(path_ + ".completed")) {
    if (auto finished = finishCompleted(); !finished) {
      return makeUnexpected(finished.error());
    }
  }
  if (const int error = removeFile(path_ + ".output"); error != 0) {
    return makeUnexpected(fileError("delete", path_ + ".output", error));
  }
  if (fileExists(path_ + ".2")) {
    if (auto merged = mergeInputs(); !merged) {
      return merged;
    }
  }

  if (!proceed(CompactionStep::kRotate)) {
    return makeUnexpected(stoppedForTest(CompactionStep::kRotate));
  }
  if (auto rotated = writer_.rotate(path_ + ".2"); !rotated) {
    return makeUnexpected(rotated.error());
  }
  return mergeInputs();
}

// Steps 2 to 4.
template <typename LeaseT>
StoreResult<CompactionStats> LeaseFileCompactor<LeaseT>::mergeInputs() {
  if (!proceed(CompactionStep::kLoadInputs)) {
    return makeUnexpected(stoppedForTest(CompactionStep::kLoadInputs));
  }
  CompactionStats stats;
  stats.path = path_;
  LeaseMap<LeaseT> leases;
  std::vector<LeaseFileProblem> problems;
  for (const std::string& input : {path_ + ".1", path_ + ".2"}) {
    auto loaded = loadLeaseFile<LeaseT>(input, leases, max_row_errors_, problems);
    if (!loaded) {
      return makeUnexpected(loaded.error());
    }
    stats.lines_skipped += loaded->lines_skipped;
  }
  stats.leases_written = leases.size();

  if (!proceed(CompactionStep::kWriteOutput)) {
    return makeUnexpected(stoppedForTest(CompactionStep::kWriteOutput));
  }
  const std::string output = path_ + ".output";
  if (auto written = writeOutput(output, leases); !written) {
    removeFile(output);
    return makeUnexpected(written.error());
  }
  if (!proceed(CompactionStep::kRenameOutput)) {
    return makeUnexpected(stoppedForTest(CompactionStep::kRenameOutput));
  }
  if (::rename(output.c_str(), (path_ + ".completed").c_str()) != 0) {
    return makeUnexpected(fileError("rename", output, errno));
  }
  if (const int error = syncParentDirectory(path_); error != 0) {
    return makeUnexpected(fileError("flush the directory of", path_, error));
  }

  if (auto finished = finishCompleted(); !finished) {
    return makeUnexpected(finished.error());
  }
  return stats;
}

// Step 4.
template <typename LeaseT>
StoreResult<void> LeaseFileCompactor<LeaseT>::finishCompleted() {
  if (!proceed(CompactionStep::kDeleteInputs)) {
    return makeUnexpected(stoppedForTest(CompactionStep::kDeleteInputs));
  }
  for (const std::string& input : {path_ + ".1", path_ + ".2"}) {
    if (const int error = removeFile(input); error != 0) {
      return makeUnexpected(fileError("delete", input, error));
    }
  }
  if (!proceed(CompactionStep::kRenameCompleted)) {
    return makeUnexpected(stoppedForTest(CompactionStep::kRenameCompleted));
  }
  if (::rename((path_ + ".completed").c_str(), (path_ + ".1").c_str()) != 0) {
    return makeUnexpected(fileError("rename", path_ + ".completed", errno));
  }
  if (const int error = syncParentDirectory(path_); error != 0) {
    return makeUnexpected(fileError("flush the directory of", path_, error));
  }
  return {};
}

template <typename LeaseT>
StoreResult<void> LeaseFileCompactor<LeaseT>::writeOutput(const std::string& output_path,
                                                          const LeaseMap<LeaseT>& leases) {
  const int fd = ::open(output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return makeUnexpected(fileError("create", output_path, errno));
  }
  // Writes `bytes` completely; returns errno, or 0.
  auto write_all = [fd](std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t written = ::write(fd, bytes.data(), bytes.size());
      if (written < 0 && errno == EINTR) {
        continue;
      }
      if (written <= 0) {
        return written < 0 ? errno : EIO;
      }
      bytes.remove_prefix(static_cast<size_t>(written));
    }
    return 0;
  };

  std::string buffer = headerLine<LeaseT>() + "\n";
  int error = 0;
  for (const auto& [address, lease] : leases) {
    appendRecord(lease, buffer);
    if (buffer.size() >= kOutputChunkBytes) {
      if ((error = write_all(buffer)) != 0) {
        break;
      }
      buffer.clear();
    }
  }
  if (error == 0) {
    error = write_all(buffer);
  }
  if (error == 0 && ::fsync(fd) != 0) {
    error = errno;
  }
  if (::close(fd) != 0 && error == 0) {
    error = errno;
  }
  if (error != 0) {
    return makeUnexpected(fileError("write", output_path, error));
  }
  return {};
}

template class LeaseFileCompactor<Lease4>;
template class LeaseFileCompactor<Lease6>;

}  // namespace leasehold::memfile
