// Runs the checks of the libFuzzer targets over their seed corpora, so the ordinary g++ build
// exercises them without clang.
#include <filesystem>
#include <fstream>
#include <iterator>

#include <gtest/gtest.h>

#include "tests/fuzz/round_trip.h"

namespace leasehold::fuzz {
namespace {

using Check = std::string (*)(std::span<const uint8_t>);

struct Target {
  const char* name;
  Check check;
};

std::vector<uint8_t> readFile(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

class FuzzCorpusTest : public ::testing::TestWithParam<Target> {};

TEST_P(FuzzCorpusTest, EveryCorpusFilePassesTheTargetsChecks) {
  const auto folder = std::filesystem::path(LEASEHOLD_FUZZ_CORPUS_DIR) / GetParam().name;
  ASSERT_TRUE(std::filesystem::is_directory(folder)) << folder;

  size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    const auto bytes = readFile(entry.path());
    EXPECT_EQ(GetParam().check(bytes), "") << entry.path();
    ++files;
  }
  EXPECT_GT(files, 0u) << "empty corpus " << folder;
}

INSTANTIATE_TEST_SUITE_P(Targets, FuzzCorpusTest,
                         ::testing::Values(Target{"fuzz_pkt4", &checkPkt4RoundTrip},
                                           Target{"fuzz_pkt6", &checkPkt6RoundTrip},
                                           Target{"fuzz_frame4", &checkFrame4RoundTrip}),
                         [](const auto& info) { return std::string(info.param.name); });

// Only input that decodes has a round trip to check; the rest passes once its error carries a
// detail.
TEST(FuzzCorpusTest, ChecksAcceptUndecodableInput) {
  const std::vector<uint8_t> garbage{1, 2, 3};
  EXPECT_EQ(checkPkt4RoundTrip(garbage), "");
  EXPECT_EQ(checkPkt6RoundTrip(garbage), "");
  EXPECT_EQ(checkFrame4RoundTrip(garbage), "");
}

}  // namespace
}  // namespace leasehold::fuzz
