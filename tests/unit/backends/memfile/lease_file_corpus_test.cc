// Runs the lease file fuzz target's checks over its seed corpus in every build, so that the
// invariants it asserts hold for the corpus even where no fuzzer runs.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>

#include "tests/unit/backends/memfile/memfile_test_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace leasehold::testing {
namespace {

TEST(LeaseFileCorpusTest, SeedCorpusKeepsFuzzInvariants) {
  const std::filesystem::path corpus =
      std::filesystem::path(LEASEHOLD_SOURCE_DIR) / "tests/fuzz/corpus/lease_file";
  size_t inputs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    SCOPED_TRACE(entry.path().string());
    const std::string content = readFile(entry.path().string());
    // The target aborts the program when an invariant breaks.
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(content.data()),
                                     content.size()),
              0);
    ++inputs;
  }
  EXPECT_GE(inputs, 8u);
}

}  // namespace
}  // namespace leasehold::testing
