// LeaseFileWriter: appends records to a lease file and rotates it for compaction.
//
// Durability: append() returns once write(2) has handed every byte to the kernel, so a crash
// of the process (kill -9 included) loses nothing that was acknowledged. It does not fsync, so
// a power loss can lose the latest records; Kea 2.2's memfile behaves the same way.
//
// Threads: every method may be called from any thread. One mutex serializes appends and
// rotation; it is held only for the write(2) calls.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "backends/lease_store.h"

namespace leasehold::memfile {

class LeaseFileWriter {
 public:
  // Opens `path` for appending, creating it when missing. A file whose last line has no line
  // break, which only an interrupted write leaves, is cut after its last complete line, so that
  // the rest can never pass for a record. A file left empty, or that held only the start of the
  // header, gets `header` first. kUnavailable with the system error when the file cannot be
  // opened or written.
  static StoreResult<std::unique_ptr<LeaseFileWriter>> open(std::string path, std::string header);

  ~LeaseFileWriter();
  LeaseFileWriter(const LeaseFileWriter&) = delete;
  LeaseFileWriter& operator=(const LeaseFileWriter&) = delete;

  // Appends `lines`, one or more complete records with their line breaks. On failure the file
  // is cut back to its previous length, so no partial record stays behind, and the result is
  // kUnavailable naming the file and the system error.
  StoreResult<void> append(std::string_view lines);

  // Renames the file to `rotated_path` and starts a new one at the same path with the header.
  // Appends wait until it is done. If the new file cannot be created, the rename stays, the
  // result is kUnavailable, and the next append tries to create the file again.
  StoreResult<void> rotate(const std::string& rotated_path);

  const std::string& path() const { return path_; }
  uint64_t appendFailures() const { return append_failures_.load(std::memory_order_relaxed); }

 private:
  LeaseFileWriter(std::string path, std::string header) noexcept;

  // Opens the file at path_, preparing it as open() describes. REQUIRES: mutex_ held.
  StoreResult<void> openLocked();
  // Writes all of `bytes` at the end of the file. Returns errno, or 0 on success.
  int writeAllLocked(std::string_view bytes);

  const std::string path_;
  const std::string header_;
  std::mutex mutex_;
  int fd_ = -1;      // GUARDED_BY(mutex_), -1 while the file is not open
  off_t size_ = 0;   // GUARDED_BY(mutex_), bytes in the file
  std::atomic<uint64_t> append_failures_{0};
};

// Flushes the directory that contains `path`, so that renames and new files in it survive a
// power loss. Returns errno, or 0 on success.
int syncParentDirectory(const std::string& path);

}  // namespace leasehold::memfile
