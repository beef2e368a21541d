#include "server/packet/option_list.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/packet/golden.h"

namespace leasehold::packet {
namespace {

using ::testing::ElementsAre;
using testing::bytesOf;

std::string text(std::optional<std::span<const uint8_t>> payload) {
  EXPECT_TRUE(payload.has_value());
  return payload ? std::string(payload->begin(), payload->end()) : "";
}

// Checks the storage invariant: payloads back to back in list order.
void expectContiguous(const OptionList& options) {
  uint32_t offset = 0;
  for (const auto& entry : options.entries()) {
    EXPECT_EQ(entry.offset, offset) << "option " << entry.code;
    offset += entry.length;
  }
  EXPECT_EQ(options.payloadBytes(), offset);
}

TEST(OptionListTest, AddKeepsOrderAndRepeats) {
  OptionList options;
  options.add(3, bytesOf("first"));
  options.add(5, bytesOf("x"));
  options.add(3, bytesOf("second"));

  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(text(options.find(3)), "first");
  const auto all = options.findAll(3);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(std::string(all[1].begin(), all[1].end()), "second");
  EXPECT_FALSE(options.find(4).has_value());
  EXPECT_FALSE(options.contains(4));
  expectContiguous(options);
}

TEST(OptionListTest, AppendExtendsOptionInTheMiddle) {
  OptionList options;
  options.add(12, bytesOf("host"));
  options.add(55, bytesOf("abc"));
  options.append(12, bytesOf("name"));
  options.append(60, bytesOf("new"));

  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(text(options.find(12)), "hostname");
  EXPECT_EQ(text(options.find(55)), "abc");
  EXPECT_EQ(text(options.find(60)), "new");
  EXPECT_EQ(options.entries()[0].code, 12);
  expectContiguous(options);
}

TEST(OptionListTest, AppendGoesToLastOfRepeatedCode) {
  OptionList options;
  options.add(3, bytesOf("a"));
  options.add(3, bytesOf("b"));
  options.append(3, bytesOf("c"));

  const auto all = options.findAll(3);
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(std::string(all[0].begin(), all[0].end()), "a");
  EXPECT_EQ(std::string(all[1].begin(), all[1].end()), "bc");
}

TEST(OptionListTest, SetReplacesAllAtFirstPosition) {
  OptionList options;
  options.add(1, bytesOf("one"));
  options.add(2, bytesOf("two"));
  options.add(1, bytesOf("uno"));
  options.add(3, bytesOf("three"));
  options.set(1, bytesOf("single"));

  ASSERT_EQ(options.size(), 3u);
  EXPECT_EQ(options.entries()[0].code, 1);
  EXPECT_EQ(text(options.find(1)), "single");
  EXPECT_EQ(text(options.find(2)), "two");
  EXPECT_EQ(text(options.find(3)), "three");
  EXPECT_EQ(options.findAll(1).size(), 1u);
  expectContiguous(options);

  options.set(2, bytesOf(""));
  EXPECT_EQ(options.find(2)->size(), 0u);
  EXPECT_EQ(text(options.find(3)), "three");
  expectContiguous(options);

  options.set(9, bytesOf("added"));
  EXPECT_EQ(options.entries().back().code, 9);
}

TEST(OptionListTest, RemoveDeletesEveryMatchAndCompacts) {
  OptionList options;
  options.add(1, bytesOf("aa"));
  options.add(2, bytesOf("bbb"));
  options.add(1, bytesOf("cccc"));
  options.add(3, bytesOf("d"));

  EXPECT_EQ(options.remove(1), 2u);
  EXPECT_EQ(options.remove(7), 0u);
  ASSERT_EQ(options.size(), 2u);
  EXPECT_EQ(text(options.find(2)), "bbb");
  EXPECT_EQ(text(options.find(3)), "d");
  expectContiguous(options);
}

TEST(OptionListTest, PayloadMayPointIntoTheList) {
  OptionList options;
  options.add(1, bytesOf("abcdefgh"));
  options.add(2, *options.find(1));
  options.append(1, *options.find(2));
  options.set(2, options.find(1)->subspan(2, 3));

  EXPECT_EQ(text(options.find(1)), "abcdefghabcdefgh");
  EXPECT_EQ(text(options.find(2)), "cde");
  expectContiguous(options);
}

TEST(OptionListTest, AddZeroedThenFillThroughMutablePayload) {
  OptionList options;
  options.reserve(2, 5);
  options.addZeroed(7, 3);
  options.addZeroed(8, 2);
  auto payload = options.mutablePayload(1);
  payload[0] = 'o';
  payload[1] = 'k';

  EXPECT_THAT(*options.find(7), ElementsAre(0, 0, 0));
  EXPECT_EQ(text(options.find(8)), "ok");
}

TEST(OptionListTest, EqualityComparesCodesAndPayloadsInOrder) {
  OptionList left;
  left.add(1, bytesOf("ab"));
  left.add(2, bytesOf("c"));
  OptionList same;
  same.add(1, bytesOf("ab"));
  same.add(2, bytesOf("c"));
  OptionList split;
  split.add(1, bytesOf("a"));
  split.add(2, bytesOf("bc"));
  OptionList reordered;
  reordered.add(2, bytesOf("c"));
  reordered.add(1, bytesOf("ab"));

  EXPECT_TRUE(left == same);
  EXPECT_FALSE(left == split);
  EXPECT_FALSE(left == reordered);
}

TEST(OptionListTest, ClearEmptiesTheList) {
  OptionList options;
  options.add(1, bytesOf("x"));
  options.clear();
  EXPECT_TRUE(options.empty());
  EXPECT_EQ(options.payloadBytes(), 0u);
}

}  // namespace
}  // namespace leasehold::packet
