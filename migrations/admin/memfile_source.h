// Reads a Kea memfile lease file (CSV, DHCPv4 or DHCPv6) for lease-import, with the memfile
// backend's own reader: the file's final state after later records replace or delete earlier
// ones, and the lines it had to skip.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backends/lease.h"
#include "backends/result.h"
#include "migrations/admin/kea_lease_reader.h"

namespace leasehold::admin {

template <typename LeaseT>
struct MemfileContents {
  std::vector<ImportRecord<LeaseT>> records;  // one per lease, then one per skipped line
};

// Returns 4 or 6 from the header of the lease file at `path`. The error names the file and
// says why it is not a Kea lease file.
Result<int, std::string> leaseFileFamily(const std::string& path);

// Loads the lease file at `path`. The error names the file.
template <typename LeaseT>
Result<MemfileContents<LeaseT>, std::string> readLeaseFile(const std::string& path);

}  // namespace leasehold::admin
