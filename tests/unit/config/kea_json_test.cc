#include <gtest/gtest.h>

#include <fstream>

#include "server/config/parser.h"

namespace leasehold::config {
namespace {

namespace fs = std::filesystem;

class KeaJsonTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = fs::temp_directory_path() /
                 ("leasehold-kea-json-" + std::to_string(::getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(directory_);
  }
  void TearDown() override { fs::remove_all(directory_); }

  fs::path write(const std::string& name, const std::string& text) {
    const fs::path file = directory_ / name;
    fs::create_directories(file.parent_path());
    std::ofstream(file) << text;
    return file;
  }

  fs::path directory_;
};

TEST_F(KeaJsonTest, StripsAllCommentStylesOutsideStrings) {
  const auto json = parseKeaJsonText(R"({
    // line comment
    # hash comment
    /* block
       comment */ "a": "keep // this # and /* this */",
    "b": 1 # trailing
  })",
                                     directory_);
  ASSERT_TRUE(json) << json.error().toString();
  EXPECT_EQ((*json)["a"], "keep // this # and /* this */");
  EXPECT_EQ((*json)["b"], 1);
}

TEST_F(KeaJsonTest, AcceptsLeadingDotNumbersAndTrailingCommas) {
  const auto json = parseKeaJsonText(R"({"t1": .5, "list": [1, 2, ], "t2": -.25, })", directory_);
  ASSERT_TRUE(json) << json.error().toString();
  EXPECT_DOUBLE_EQ((*json)["t1"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ((*json)["t2"].get<double>(), -0.25);
  EXPECT_EQ((*json)["list"].size(), 2u);
}

TEST_F(KeaJsonTest, ErrorNamesFileLineAndColumn) {
  const fs::path file = write("bad.json", "{\n  // comment\n  \"a\": 1,\n  \"b\": ]\n}\n");
  const auto json = loadKeaJsonFile(file);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message.rfind(file.string() + ":4:8: invalid JSON: ", 0), 0u)
      << json.error().message;
}

TEST_F(KeaJsonTest, NumberBeyondDoubleRangeIsAnError) {
  const fs::path file = write("huge.json", "{ \"valid-lifetime\": 1e400 }\n");
  const auto json = loadKeaJsonFile(file);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message,
            file.string() + ": invalid JSON: number overflow parsing '1e400'");
}

TEST_F(KeaJsonTest, ExpandsIncludesRelativeToIncludingFile) {
  write("sub/options.json", "[ { \"name\": \"routers\" } ] // included\n");
  write("sub/middle.json", "{ \"option-data\": <?include \"options.json\"?> }");
  const fs::path main = write("main.json", "{ \"Dhcp4\": <?include \"sub/middle.json\"?> }");
  const auto json = loadKeaJsonFile(main);
  ASSERT_TRUE(json) << json.error().toString();
  EXPECT_EQ((*json)["Dhcp4"]["option-data"][0]["name"], "routers");
}

TEST_F(KeaJsonTest, ErrorInIncludedFileNamesThatFile) {
  const fs::path part = write("part.json", "{\n \"a\": tru }");
  const fs::path main = write("main.json", "{ \"x\": <?include \"part.json\"?> }");
  const auto json = loadKeaJsonFile(main);
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message.find(part.string() + ":2:"), std::string::npos)
      << json.error().message;
}

TEST_F(KeaJsonTest, RejectsIncludeLoop) {
  write("a.json", "{ \"b\": <?include \"b.json\"?> }");
  write("b.json", "{ \"a\": <?include \"a.json\"?> }");
  const auto json = loadKeaJsonFile(directory_ / "a.json");
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message.find("include loop"), std::string::npos)
      << json.error().message;
}

TEST_F(KeaJsonTest, RejectsIncludesNestedTooDeep) {
  for (int i = 0; i < 12; ++i) {
    write("f" + std::to_string(i) + ".json",
          "{ \"n\": <?include \"f" + std::to_string(i + 1) + ".json\"?> }");
  }
  write("f12.json", "1");
  const auto json = loadKeaJsonFile(directory_ / "f0.json");
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message.find("includes are nested deeper than 10 levels"),
            std::string::npos)
      << json.error().message;
}

TEST_F(KeaJsonTest, MissingIncludeNamesTheFile) {
  const fs::path main = write("main.json", "{ \"x\": <?include \"nowhere.json\"?> }");
  const auto json = loadKeaJsonFile(main);
  ASSERT_FALSE(json);
  EXPECT_NE(json.error().message.find("failed to open " + (directory_ / "nowhere.json").string()),
            std::string::npos)
      << json.error().message;
  EXPECT_EQ(json.error().message.rfind(main.string() + ":1:8: ", 0), 0u) << json.error().message;
}

TEST_F(KeaJsonTest, MissingFileIsAnError) {
  const auto json = loadKeaJsonFile(directory_ / "absent.json");
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message,
            "failed to open " + (directory_ / "absent.json").string() + ": No such file or directory");
}

TEST_F(KeaJsonTest, RejectsUnterminatedCommentAndDuplicateKeys) {
  const auto open_comment = parseKeaJsonText("{ /* never closed", directory_);
  ASSERT_FALSE(open_comment);
  EXPECT_EQ(open_comment.error().message, "(text):1:3: unterminated /* comment");

  const auto duplicate = parseKeaJsonText(R"({"a": {"b": 1, "b": 2}})", directory_);
  ASSERT_FALSE(duplicate);
  EXPECT_EQ(duplicate.error().message,
            "(text):1:16: duplicate key \"b\" in one object (first at (text):1:8)");
}

TEST_F(KeaJsonTest, DuplicateKeyNamesFileAndLine) {
  write("part.json", "{\n  \"valid-lifetime\": 10,\n  // again\n  \"valid-lifetime\": 20\n}");
  const fs::path main = write("main.json", "{ \"Dhcp4\": <?include \"part.json\"?> }");
  const auto json = loadKeaJsonFile(main);
  ASSERT_FALSE(json);
  const std::string part = (directory_ / "part.json").string();
  EXPECT_EQ(json.error().message, part + ":4:3: duplicate key \"valid-lifetime\" in one object "
                                         "(first at " + part + ":2:3)");
}

TEST_F(KeaJsonTest, SameKeyInSiblingObjectsIsAccepted) {
  const auto json = parseKeaJsonText(
      R"({"list": [{"id": 1, "x": {"id": 2}}, {"id": 3}], "id": 4, "s": "id:", "\u0069d2": 5})",
      directory_);
  ASSERT_TRUE(json) << json.error().toString();
}

TEST_F(KeaJsonTest, DuplicateKeyWithEscapesIsFound) {
  const auto json = parseKeaJsonText(R"({"id": 1, "\u0069d": 2})", directory_);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message,
            "(text):1:11: duplicate key \"id\" in one object (first at (text):1:2)");
}

TEST_F(KeaJsonTest, IncludedDirectoryIsRejectedByName) {
  fs::create_directories(directory_ / "conf.d");
  const fs::path main = write("main.json", "{ \"x\": <?include \"conf.d\"?> }");
  const auto json = loadKeaJsonFile(main);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message, main.string() + ":1:8: failed to read " +
                                      (directory_ / "conf.d").string() +
                                      ": it is a directory, not a regular file");
}

TEST_F(KeaJsonTest, IncludedDeviceIsRejectedWithoutReading) {
  const fs::path main = write("main.json", "{ \"x\": <?include \"/dev/zero\"?> }");
  const auto json = loadKeaJsonFile(main);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message,
            main.string() + ":1:8: failed to read /dev/zero: it is a character device, not a "
                            "regular file");
}

TEST_F(KeaJsonTest, ConfigurationFileMustBeRegular) {
  const auto json = loadKeaJsonFile(directory_);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message,
            "failed to read " + directory_.string() + ": it is a directory, not a regular file");
}

TEST_F(KeaJsonTest, IncludedFileOver64MiBIsRejected) {
  const fs::path big = write("big.json", "");
  fs::resize_file(big, (size_t{64} << 20) + 1);  // sparse: takes no disk space
  const fs::path main = write("main.json", "{ \"x\": <?include \"big.json\"?> }");
  const auto json = loadKeaJsonFile(main);
  ASSERT_FALSE(json);
  EXPECT_EQ(json.error().message,
            main.string() + ":1:8: failed to read " + big.string() + ": it is larger than 64 MiB");
}

}  // namespace
}  // namespace leasehold::config
