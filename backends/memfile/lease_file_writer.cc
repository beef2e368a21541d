#include "backends/memfile/lease_file_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace leasehold::memfile {

namespace {

StoreError fileError(const std::string& action, const std::string& path, int error) {
  return StoreError{StoreError::Code::kUnavailable,
                    "failed to " + action + " lease file " + path + ": " + std::strerror(error)};
}

// Reads up to `count` bytes at `offset`. Returns the bytes read; an error reads as nothing.
std::string readAt(int fd, off_t offset, size_t count) {
  std::string bytes(count, '\0');
  const ssize_t read = ::pread(fd, bytes.data(), count, offset);
  bytes.resize(read > 0 ? static_cast<size_t>(read) : 0);
  return bytes;
}

// Returns the length of the file up to and including its last line break, 0 when it has none.
off_t endOfLastLine(int fd, off_t size) {
  constexpr off_t kChunk = 4096;
  for (off_t end = size; end > 0;) {
    const off_t start = end > kChunk ? end - kChunk : 0;
    const std::string bytes = readAt(fd, start, static_cast<size_t>(end - start));
    const auto newline = bytes.rfind('\n');
    if (newline != std::string::npos) {
      return start + static_cast<off_t>(newline) + 1;
    }
    end = start;
  }
  return 0;
}

}  // namespace

int syncParentDirectory(const std::string& path) {
  const auto slash = path.rfind('/');
  const std::string directory = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  const int result = ::fsync(fd) == 0 ? 0 : errno;
  ::close(fd);
  return result;
}

LeaseFileWriter::LeaseFileWriter(std::string path, std::string header) noexcept
    : path_(std::move(path)), header_(std::move(header)) {}

LeaseFileWriter::~LeaseFileWriter() {
  if (fd_ >= 0) {
    ::close(fd_);
  }
}

StoreResult<std::unique_ptr<LeaseFileWriter>> LeaseFileWriter::open(std::string path,
                                                                    std::string header) {
  std::unique_ptr<LeaseFileWriter> writer(new LeaseFileWriter(std::move(path), std::move(header)));
  std::lock_guard lock(writer->mutex_);
  if (auto opened = writer->openLocked(); !opened) {
    return makeUnexpected(opened.error());
  }
  return writer;
}

StoreResult<void> LeaseFileWriter::openLocked() {
  const int fd = ::open(path_.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return makeUnexpected(fileError("open", path_, errno));
  }
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    const int error = errno;
    ::close(fd);
    return makeUnexpected(fileError("open", path_, error));
  }
  fd_ = fd;
  size_ = info.st_size;

  const std::string header_line = header_ + "\n";
  const bool partial_header =
      size_ < static_cast<off_t>(header_line.size()) &&
      std::string_view(header_line).starts_with(readAt(fd_, 0, static_cast<size_t>(size_)));
  if (!partial_header && readAt(fd_, size_ - 1, 1) == "\n") {
    return {};
  }

  // Cut the file after its last complete line: the rest is what an interrupted write left,
  // which loading skipped, and a line break after it would make it look like a record.
  const off_t keep = partial_header ? 0 : endOfLastLine(fd_, size_);
  if (keep != size_ && ::ftruncate(fd_, keep) != 0) {
    return makeUnexpected(fileError("truncate", path_, errno));
  }
  size_ = keep;
  if (size_ == 0) {
    if (const int error = writeAllLocked(header_line); error != 0) {
      return makeUnexpected(fileError("write", path_, error));
    }
  }
  return {};
}

int LeaseFileWriter::writeAllLocked(std::string_view bytes) {
  const off_t start_size = size_;
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd_, bytes.data(), bytes.size());
    if (written < 0 && errno == EINTR) {
      continue;
    }
    if (written <= 0) {
      const int error = written < 0 ? errno : EIO;
      // Drop the partial record, so that the next one starts a clean line. If even that
      // fails, the partial line stays and loading skips it as an invalid line.
      if (::ftruncate(fd_, start_size) == 0) {
        size_ = start_size;
      }
      return error;
    }
    bytes.remove_prefix(static_cast<size_t>(written));
    size_ += written;
  }
  return 0;
}

StoreResult<void> LeaseFileWriter::append(std::string_view lines) {
  std::lock_guard lock(mutex_);
  if (fd_ < 0) {
    if (auto opened = openLocked(); !opened) {
      append_failures_.fetch_add(1, std::memory_order_relaxed);
      return opened;
    }
  }
  if (const int error = writeAllLocked(lines); error != 0) {
    append_failures_.fetch_add(1, std::memory_order_relaxed);
    return makeUnexpected(fileError("append to", path_, error));
  }
  return {};
}

StoreResult<void> LeaseFileWriter::rotate(const std::string& rotated_path) {
  {
    std::lock_guard lock(mutex_);
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
    if (::rename(path_.c_str(), rotated_path.c_str()) != 0 && errno != ENOENT) {
      const int error = errno;
      // The file is still in place; reopen it so that appends continue. A failure to reopen
      // shows up on the next append, which retries.
      (void)openLocked();
      return makeUnexpected(fileError("rename to " + rotated_path + " the", path_, error));
    }
    if (auto opened = openLocked(); !opened) {
      return opened;
    }
  }
  if (const int error = syncParentDirectory(path_); error != 0) {
    return makeUnexpected(fileError("flush the directory of", path_, error));
  }
  return {};
}

}  // namespace leasehold::memfile
