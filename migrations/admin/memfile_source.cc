#include "migrations/admin/memfile_source.h"

#include <fstream>

#include "backends/memfile/lease_file_format.h"
#include "backends/memfile/lease_file_loader.h"

namespace leasehold::admin {

Result<int, std::string> leaseFileFamily(const std::string& path) {
  std::ifstream file(path);
  if (!file) {
    return makeUnexpected("cannot open lease file " + path);
  }
  std::string header;
  std::getline(file, header);
  if (!header.empty() && header.back() == '\r') {
    header.pop_back();
  }
  if (memfile::parseHeader<Lease4>(header)) {
    return 4;
  }
  if (memfile::parseHeader<Lease6>(header)) {
    return 6;
  }
  return makeUnexpected("lease file " + path +
                        " has no Kea DHCPv4 or DHCPv6 lease file header: its first line is \"" +
                        header.substr(0, 80) + "\"");
}

template <typename LeaseT>
Result<MemfileContents<LeaseT>, std::string> readLeaseFile(const std::string& path) {
  memfile::LeaseMap<LeaseT> leases;
  std::vector<memfile::LeaseFileProblem> problems;
  const auto stats = memfile::loadLeaseFile<LeaseT>(path, leases, 0, problems);
  if (!stats) {
    return makeUnexpected(stats.error().message);
  }

  MemfileContents<LeaseT> contents;
  for (auto& [address, lease] : leases) {
    ImportRecord<LeaseT> record;
    record.key = address.toString();
    record.lease = std::move(lease);
    contents.records.push_back(std::move(record));
  }
  for (const memfile::LeaseFileProblem& problem : problems) {
    ImportRecord<LeaseT> record;
    record.key = problem.path + ":" + std::to_string(problem.line);
    record.skip_category = "invalid line";
    record.skip_detail = problem.message;
    contents.records.push_back(std::move(record));
  }
  // The reader details only the first problems; the rest are counted without their text.
  for (uint64_t i = problems.size(); i < stats->lines_skipped; ++i) {
    ImportRecord<LeaseT> record;
    record.key = path;
    record.skip_category = "invalid line";
    record.skip_detail = "one more invalid line (only the first " +
                         std::to_string(problems.size()) + " are described)";
    contents.records.push_back(std::move(record));
  }
  return contents;
}

template Result<MemfileContents<Lease4>, std::string> readLeaseFile<Lease4>(const std::string&);
template Result<MemfileContents<Lease6>, std::string> readLeaseFile<Lease6>(const std::string&);

}  // namespace leasehold::admin
