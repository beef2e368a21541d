// Runs the expression fuzz target over its seed corpus in the ordinary build, so the corpus
// (and any crasher copied into it) is checked by every unit test run.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

TEST(ExpressionFuzzCorpusTest, EverySeedRunsWithoutBreakingAnInvariant) {
  const std::filesystem::path folder =
      std::filesystem::path(LEASEHOLD_FUZZ_CORPUS_DIR) / "fuzz_expression";
  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    std::ifstream in(entry.path(), std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                                     std::istreambuf_iterator<char>());
    EXPECT_EQ(LLVMFuzzerTestOneInput(bytes.data(), bytes.size()), 0) << entry.path();
    ++files;
  }
  EXPECT_GT(files, 0u) << "empty corpus " << folder;
}

}  // namespace
