// libFuzzer target for the lease file reader. The first input byte picks the family ('6' for
// DHCPv6, anything else DHCPv4); the rest is the content of a lease file.
//
// Besides crashes and sanitizer reports, it stops on a broken invariant:
//   - every lease loaded passes validateLease() and has a valid lifetime above 0;
//   - writing a loaded lease and reading the line back gives the same lease;
//   - escaping any text and unescaping it gives the text back;
//   - the counts add up: each record line was loaded, deleted or skipped.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string_view>

#include "backends/memfile/lease_file_format.h"
#include "backends/memfile/lease_file_loader.h"

namespace {

using namespace leasehold;
using namespace leasehold::memfile;

[[noreturn]] void fail(const char* invariant, std::string_view detail) {
  std::cerr << "broken invariant: " << invariant << ": " << detail << "\n";
  std::abort();
}

template <typename LeaseT>
void checkFile(std::string_view content) {
  LeaseMap<LeaseT> leases;
  std::vector<LeaseFileProblem> problems;
  LeaseFileParser<LeaseT> parser("fuzz.csv", leases, problems);
  while (!content.empty()) {
    const size_t end = content.find('\n');
    const bool terminated = end != std::string_view::npos;
    const std::string_view line = content.substr(0, end);
    if (unescapeText(escapeText(line)) != line) {
      fail("escape round trip", line);
    }
    if (!parser.feed(line, terminated)) {
      return;  // invalid header: the whole file is rejected
    }
    content.remove_prefix(terminated ? end + 1 : content.size());
  }

  const auto& stats = parser.stats();
  if (stats.lines_read != stats.leases_loaded + stats.leases_deleted + stats.lines_skipped) {
    fail("line counts", stats.path);
  }
  if (problems.size() != std::min<uint64_t>(stats.lines_skipped, kMaxReportedProblems)) {
    fail("problem count", stats.path);
  }
  const auto header = parseHeader<LeaseT>(headerLine<LeaseT>());
  for (const auto& [address, lease] : leases) {
    if (!validateLease(lease).empty() || lease.valid_lifetime.count() == 0) {
      fail("loaded lease is valid", address.toString());
    }
    std::string line;
    appendRecord(lease, line);
    line.pop_back();  // the line break
    auto reread = parseRecord<LeaseT>(line, *header);
    if (!reread || reread->deletes || !(reread->lease == lease)) {
      fail("record round trip", line);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] == '6') {
    checkFile<Lease6>(content);
  } else {
    checkFile<Lease4>(content);
  }
  return 0;
}
