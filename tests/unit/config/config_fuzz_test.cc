// Feeds truncated and mutated Kea example configurations to the loader and the parsers. Each
// input must either parse or fail with a ConfigError that has a message; nothing may throw or
// crash. The mutations come from a fixed seed, so a failure reproduces.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "server/config/parser.h"

namespace leasehold::config {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct Example {
  std::string name;
  std::string text;
  bool v4;
};

std::vector<Example> loadExamples() {
  std::vector<Example> examples;
  const fs::path root = fs::path(LEASEHOLD_SHARED_DIR) / "reference" / "kea-examples";
  for (const char* folder : {"kea4", "kea6"}) {
    for (const auto& entry : fs::directory_iterator(root / folder)) {
      if (entry.path().extension() != ".json") {
        continue;
      }
      std::ifstream stream(entry.path());
      std::ostringstream text;
      text << stream.rdbuf();
      examples.push_back({entry.path().string(), text.str(), std::string(folder) == "kea4"});
    }
  }
  return examples;
}

// Runs the whole pipeline on `text`; returns false when something escaped as an exception or an
// error came back without a message.
bool survives(const std::string& text, bool v4) {
  try {
    auto root = parseKeaJsonText(text, ".");
    if (!root) {
      return !root.error().message.empty();
    }
    const ParseContext context;
    if (v4) {
      auto config = parseDhcp4(*root, context);
      return config || !config.error().message.empty();
    }
    auto config = parseDhcp6(*root, context);
    return config || !config.error().message.empty();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "exception: " << e.what();
    return false;
  }
}

bool survivesTree(const json& root, bool v4) {
  try {
    const ParseContext context;
    if (v4) {
      auto config = parseDhcp4(root, context);
      return config || !config.error().message.empty();
    }
    auto config = parseDhcp6(root, context);
    return config || !config.error().message.empty();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "exception: " << e.what();
    return false;
  }
}

void collectPointers(const json& node, const json::json_pointer& at,
                     std::vector<json::json_pointer>& out) {
  out.push_back(at);
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      collectPointers(value, at / key, out);
    }
  } else if (node.is_array()) {
    for (size_t i = 0; i < node.size(); ++i) {
      collectPointers(node[i], at / i, out);
    }
  }
}

TEST(ConfigFuzzTest, TruncatedExamplesNeverCrash) {
  for (const Example& example : loadExamples()) {
    const size_t step = std::max<size_t>(1, example.text.size() / 60);
    for (size_t length = 0; length < example.text.size(); length += step) {
      EXPECT_TRUE(survives(example.text.substr(0, length), example.v4))
          << example.name << " truncated to " << length;
    }
  }
}

TEST(ConfigFuzzTest, ByteMutationsNeverCrash) {
  std::mt19937 random(20240601);
  const std::string noise = "{}[],:\"\\/#*.-0123456789 \nxe<?>";
  for (const Example& example : loadExamples()) {
    for (int round = 0; round < 40; ++round) {
      std::string text = example.text;
      const int edits = 1 + static_cast<int>(random() % 4);
      for (int i = 0; i < edits && !text.empty(); ++i) {
        const size_t at = random() % text.size();
        switch (random() % 3) {
          case 0:
            text[at] = noise[random() % noise.size()];
            break;
          case 1:
            text.erase(at, 1 + random() % 16);
            break;
          default:
            text.insert(at, text.substr(random() % text.size(), 1 + random() % 16));
            break;
        }
      }
      EXPECT_TRUE(survives(text, example.v4)) << example.name << " round " << round;
    }
  }
}

TEST(ConfigFuzzTest, ValueMutationsNeverCrash) {
  std::mt19937 random(1337);
  const std::vector<json> replacements = {
      json(0), json(-1), json(4294967296LL), json(18446744073709551615ULL), json(1.5),
      json(-0.5), json(""), json("x"), json("10.0.0.1 - 10.0.0.0"), json("::/0"),
      json(true), json(nullptr), json::array(), json::object(), json::array({1, "a", nullptr}),
      json::object({{"unknown", 1}}), json(std::string(300, 'a'))};
  for (const Example& example : loadExamples()) {
    auto parsed = parseKeaJsonText(example.text, ".");
    ASSERT_TRUE(parsed) << example.name;
    std::vector<json::json_pointer> pointers;
    collectPointers(*parsed, json::json_pointer(), pointers);
    for (int round = 0; round < 60; ++round) {
      json mutated = *parsed;
      const json::json_pointer& target = pointers[random() % pointers.size()];
      mutated[target] = replacements[random() % replacements.size()];
      EXPECT_TRUE(survivesTree(mutated, example.v4))
          << example.name << " with " << target.to_string() << " replaced";
    }
  }
}

}  // namespace
}  // namespace leasehold::config
