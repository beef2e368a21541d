#include "tests/unit/backends/memfile/memfile_test_support.h"

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace leasehold::testing {

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string pattern = std::string(base != nullptr && *base != '\0' ? base : "/tmp") +
                        "/leasehold-memfile-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "cannot create a temporary directory from " << pattern;
    std::abort();
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

void TempDir::clear() const {
  for (const auto& entry : std::filesystem::directory_iterator(path_)) {
    std::filesystem::remove_all(entry.path());
  }
}

std::vector<std::string> TempDir::files() const {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(path_)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

QuietLogs::QuietLogs() : previous_level_(spdlog::get_level()) {
  spdlog::set_level(spdlog::level::critical);
}

QuietLogs::~QuietLogs() {
  spdlog::set_level(static_cast<spdlog::level::level_enum>(previous_level_));
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream content;
  content << in.rdbuf();
  return content.str();
}

void writeFile(const std::string& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  EXPECT_TRUE(out.good()) << "cannot write " << path;
}

std::string testdataFile(const std::string& name) {
  return std::string(LEASEHOLD_SOURCE_DIR) + "/tests/unit/backends/memfile/testdata/" + name;
}

std::unique_ptr<MemfileLeaseStore> openMemfile(const MemfileOptions& options) {
  auto store = MemfileLeaseStore::open(options);
  if (!store) {
    ADD_FAILURE() << "MemfileLeaseStore::open failed: " << store.error().message;
    return nullptr;
  }
  return std::move(*store);
}

MemfileOptions memfileOptionsIn(const std::string& directory) {
  MemfileOptions options;
  options.lease_file4 = directory + "/leases4.csv";
  options.lease_file6 = directory + "/leases6.csv";
  return options;
}

}  // namespace leasehold::testing
