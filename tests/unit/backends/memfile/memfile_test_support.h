// Files and directories for memfile tests.
#pragma once

#include <string>
#include <vector>

#include "backends/memfile/memfile_lease_store.h"

namespace leasehold::testing {

// A fresh directory under $TMPDIR (or /tmp), deleted with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Deletes every file in the directory.
  void clear() const;
  // Returns the names of the files in the directory, sorted.
  std::vector<std::string> files() const;

 private:
  std::string path_;
};

std::string readFile(const std::string& path);
void writeFile(const std::string& path, const std::string& content);
// Returns the path of a file in tests/unit/backends/memfile/testdata.
std::string testdataFile(const std::string& name);

// Raises the log level to critical for its lifetime, for tests that fail compactions on
// purpose and would otherwise fill the output with the errors they provoke.
class QuietLogs {
 public:
  QuietLogs();
  ~QuietLogs();

 private:
  int previous_level_;
};

// Opens a store on `options`; a failure fails the current test and returns nullptr.
std::unique_ptr<MemfileLeaseStore> openMemfile(const MemfileOptions& options);
// Options for DHCPv4 and DHCPv6 lease files named leases4.csv and leases6.csv in `directory`.
MemfileOptions memfileOptionsIn(const std::string& directory);

}  // namespace leasehold::testing
