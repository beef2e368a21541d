#include "backends/memfile/lease_file_loader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace leasehold::memfile {

namespace {

constexpr size_t kReadChunk = 1 << 20;

StoreError loadError(StoreError::Code code, const std::string& path, const std::string& what) {
  return StoreError{code, "cannot load lease file " + path + ": " + what};
}

}  // namespace

bool fileExists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

std::vector<std::string> leaseFilesInLoadOrder(const std::string& path) {
  std::vector<std::string> files;
  if (fileExists(path + ".completed")) {
    files.push_back(path + ".completed");
  } else {
    files.push_back(path + ".1");
    files.push_back(path + ".2");
  }
  files.push_back(path);
  return files;
}

template <typename LeaseT>
LeaseFileParser<LeaseT>::LeaseFileParser(std::string path, LeaseMap<LeaseT>& leases,
                                         std::vector<LeaseFileProblem>& problems)
    : leases_(leases), problems_(problems) {
  stats_.path = std::move(path);
}

template <typename LeaseT>
Result<void, std::string> LeaseFileParser<LeaseT>::feedHeader(std::string_view line,
                                                              bool terminated) {
  // A crash while a new file was being created can leave part of the header and no line
  // break. Such a file contains no records.
  const std::string expected = headerLine<LeaseT>();
  if (!terminated && std::string_view(expected).starts_with(line)) {
    return {};
  }
  auto header = parseHeader<LeaseT>(line);
  if (!header) {
    return makeUnexpected("line " + std::to_string(line_number_) + ": " + header.error());
  }
  stats_.header = *header;
  stats_.has_header = true;
  header_seen_ = true;
  return {};
}

template <typename LeaseT>
Result<void, std::string> LeaseFileParser<LeaseT>::feed(std::string_view line, bool terminated) {
  ++line_number_;
  if (line.ends_with('\r')) {
    line.remove_suffix(1);
  }
  if (line.empty()) {
    return {};
  }
  if (!header_seen_) {
    return feedHeader(line, terminated);
  }

  ++stats_.lines_read;
  // Records are appended with their line break in one write, so a last line without one is
  // what an interrupted write left. Even when it parses, a number in it may be cut short.
  auto record = terminated ? parseRecord<LeaseT>(line, stats_.header)
                           : makeUnexpected(std::string(
                                 "the last line has no line break; an interrupted write left it"));
  if (!record) {
    ++stats_.lines_skipped;
    last_problem_ = LeaseFileProblem{stats_.path, line_number_, record.error()};
    if (problems_.size() < kMaxReportedProblems) {
      problems_.push_back(last_problem_);
    }
    return {};
  }
  if (record->deletes) {
    ++stats_.leases_deleted;
    leases_.erase(record->lease.address);
    return {};
  }
  ++stats_.leases_loaded;
  leases_.insert_or_assign(record->lease.address, std::move(record->lease));
  return {};
}

template <typename LeaseT>
StoreResult<LeaseFileLoadStats> loadLeaseFile(const std::string& path, LeaseMap<LeaseT>& leases,
                                              uint32_t max_row_errors,
                                              std::vector<LeaseFileProblem>& problems) {
  LeaseFileParser<LeaseT> parser(path, leases, problems);
  // Feeds one line; returns the error that ends loading, if any.
  auto feed = [&](std::string_view line, bool terminated) -> std::optional<StoreError> {
    auto fed = parser.feed(line, terminated);
    if (!fed) {
      return loadError(StoreError::Code::kInternal, path,
                       fed.error() + "; repair the header or move the file away");
    }
    if (max_row_errors != 0 && parser.stats().lines_skipped > max_row_errors) {
      return loadError(StoreError::Code::kInternal, path,
                       "more than " + std::to_string(max_row_errors) +
                           " invalid lines (max-row-errors), the last at " +
                           parser.lastProblem().toString());
    }
    return std::nullopt;
  };

  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) {
      return parser.stats();
    }
    return makeUnexpected(loadError(StoreError::Code::kUnavailable, path, std::strerror(errno)));
  }
  std::string pending;  // the start of a line whose line break is not read yet
  std::string chunk(kReadChunk, '\0');
  while (true) {
    const ssize_t count = ::read(fd, chunk.data(), chunk.size());
    if (count < 0 && errno == EINTR) {
      continue;
    }
    if (count < 0) {
      const int error = errno;
      ::close(fd);
      return makeUnexpected(loadError(StoreError::Code::kUnavailable, path, std::strerror(error)));
    }
    if (count == 0) {
      break;
    }
    pending.append(chunk.data(), static_cast<size_t>(count));

    size_t start = 0;
    for (size_t end = pending.find('\n'); end != std::string::npos;
         end = pending.find('\n', start)) {
      if (auto error = feed(std::string_view(pending).substr(start, end - start), true)) {
        ::close(fd);
        return makeUnexpected(std::move(*error));
      }
      start = end + 1;
    }
    pending.erase(0, start);
  }
  ::close(fd);

  if (!pending.empty()) {
    if (auto error = feed(pending, false)) {
      return makeUnexpected(std::move(*error));
    }
  }
  return parser.stats();
}

template class LeaseFileParser<Lease4>;
template class LeaseFileParser<Lease6>;
template StoreResult<LeaseFileLoadStats> loadLeaseFile<Lease4>(const std::string&,
                                                               LeaseMap<Lease4>&, uint32_t,
                                                               std::vector<LeaseFileProblem>&);
template StoreResult<LeaseFileLoadStats> loadLeaseFile<Lease6>(const std::string&,
                                                               LeaseMap<Lease6>&, uint32_t,
                                                               std::vector<LeaseFileProblem>&);

}  // namespace leasehold::memfile
