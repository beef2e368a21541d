#include "server/stats/stats.h"

#include <gtest/gtest.h>

namespace leasehold::stats {
namespace {

TEST(StatsRegistryTest, AddKeepsNewestSampleFirst) {
  StatsRegistry registry;
  Statistic& received = registry.get("pkt4-received");
  received.add(1);
  received.add(2);
  const auto samples = registry.allJson()["pkt4-received"];
  ASSERT_EQ(samples.size(), 3u);
  EXPECT_EQ(samples[0][0], 3);
  EXPECT_EQ(samples[2][0], 0);
  EXPECT_TRUE(samples[0][1].is_string());
}

TEST(StatsRegistryTest, SampleCountIsBounded) {
  StatsRegistry registry;
  Statistic& counter = registry.get("x");
  for (int i = 0; i < 100; ++i) {
    counter.add(1);
  }
  EXPECT_EQ(counter.samplesJson().size(), StatsRegistry::kDefaultMaxSamples);
  EXPECT_EQ(counter.currentInteger(), 100);
  ASSERT_TRUE(registry.setMaxSamples("x", 3));
  EXPECT_EQ(counter.samplesJson().size(), 3u);
}

TEST(StatsRegistryTest, FullHistoryStaysNewestFirst) {
  StatsRegistry registry;
  Statistic& counter = registry.get("x");
  for (int i = 0; i < 45; ++i) {
    counter.add(1);
  }
  const auto samples = counter.samplesJson();
  ASSERT_EQ(samples.size(), StatsRegistry::kDefaultMaxSamples);
  for (size_t i = 0; i < samples.size(); ++i) {
    EXPECT_EQ(samples[i][0], 45 - static_cast<int>(i)) << "sample " << i;
  }
  ASSERT_TRUE(registry.setMaxSamples("x", 4));
  const auto trimmed = counter.samplesJson();
  ASSERT_EQ(trimmed.size(), 4u);
  EXPECT_EQ(trimmed[0][0], 45);
  EXPECT_EQ(trimmed[3][0], 42);
}

TEST(StatsRegistryTest, RemovedStatisticReturnsOnNextAdd) {
  StatsRegistry registry;
  Statistic& counter = registry.get("subnet[1].assigned-addresses");
  counter.add(5);
  ASSERT_TRUE(registry.remove("subnet[1].assigned-addresses"));
  EXPECT_EQ(registry.find("subnet[1].assigned-addresses"), nullptr);
  EXPECT_FALSE(registry.allJson().contains("subnet[1].assigned-addresses"));
  counter.add(1);
  ASSERT_NE(registry.find("subnet[1].assigned-addresses"), nullptr);
  EXPECT_EQ(counter.currentInteger(), 1);
}

TEST(StatsRegistryTest, ResetKeepsKindAndZeroes) {
  StatsRegistry registry;
  registry.get("ratio", 0.0).set(0.5);
  ASSERT_TRUE(registry.reset("ratio"));
  const auto samples = registry.find("ratio")->samplesJson();
  ASSERT_EQ(samples.size(), 1u);
  EXPECT_EQ(samples[0][0], 0.0);
  EXPECT_FALSE(registry.reset("missing"));
}

TEST(FormatSampleTimeTest, HasMicrosecondPrecision) {
  const std::string text = formatSampleTime(Clock::now());
  ASSERT_EQ(text.size(), 26u);
  EXPECT_EQ(text[4], '-');
  EXPECT_EQ(text[19], '.');
}

}  // namespace
}  // namespace leasehold::stats
