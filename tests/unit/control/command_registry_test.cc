#include "server/control/command_registry.h"

#include <gtest/gtest.h>

namespace leasehold::control {
namespace {

class CommandRegistryTest : public ::testing::Test {
 protected:
  CommandRegistryTest() {
    registry_.add("echo", [](const Json& arguments) {
      return makeAnswer(ResultCode::kSuccess, "echoed", arguments);
    });
    registry_.add("fail", [](const Json&) -> Json { throw CommandError("it failed"); });
    registry_.add("crash", [](const Json&) -> Json { throw std::runtime_error("boom"); });
  }

  CommandRegistry registry_;
};

TEST_F(CommandRegistryTest, ExecutesHandlerWithArguments) {
  const Json answer = registry_.execute({{"command", "echo"}, {"arguments", {{"a", 1}}}});
  EXPECT_EQ(answer["result"], 0);
  EXPECT_EQ(answer["text"], "echoed");
  EXPECT_EQ(answer["arguments"]["a"], 1);
}

TEST_F(CommandRegistryTest, MissingArgumentsArriveAsNull) {
  const Json answer = registry_.execute({{"command", "echo"}});
  EXPECT_TRUE(answer["arguments"].is_null());
}

TEST_F(CommandRegistryTest, UnknownCommandIsUnsupported) {
  const Json answer = registry_.execute({{"command", "nothing"}});
  EXPECT_EQ(answer["result"], 2);
  EXPECT_EQ(answer["text"], "'nothing' command not supported.");
  EXPECT_EQ(registry_.counters().unknown_commands, 1u);
}

TEST_F(CommandRegistryTest, MalformedRequestsGetKeaTexts) {
  struct Case {
    std::string text;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {"not json", "invalid first character n"},
      {"\"text\"", "invalid first character \""},
      {"[1, 2]",
       "Error during command processing: Invalid command Element specified, expected map"},
      {"{\"command\": 5}",
       "Error during command processing: 'command' element in command message is not a string"},
      {"{}",
       "Error during command processing: Invalid answer specified, does not contain mandatory "
       "'command'"},
      {"{\"command\": \"echo\", \"extra\": 1}",
       "Error during command processing: Received command contains unsupported parameter "
       "'extra'"},
  };
  for (const Case& each : cases) {
    const Json answer = registry_.executeText(each.text);
    EXPECT_EQ(answer["result"], 1) << each.text;
    EXPECT_EQ(answer["text"], each.expected) << each.text;
  }
  EXPECT_EQ(registry_.counters().malformed_requests, cases.size());
}

TEST_F(CommandRegistryTest, TruncatedJsonIsRejected) {
  const Json answer = registry_.executeText("{\"command\": \"echo\"");
  EXPECT_EQ(answer["result"], 1);
  EXPECT_NE(answer["text"].get<std::string>().find("incomplete JSON command"), std::string::npos);
}

TEST_F(CommandRegistryTest, InvalidJsonInsideObjectIsRejected) {
  const Json answer = registry_.executeText("{\"command\": x}");
  EXPECT_EQ(answer["result"], 1);
  EXPECT_NE(answer["text"].get<std::string>().find("invalid JSON command"), std::string::npos);
}

TEST_F(CommandRegistryTest, NumberBeyondDoubleRangeIsRejected) {
  const Json answer = registry_.executeText("{\"command\": \"echo\", \"arguments\": {\"a\": -1e400}}");
  EXPECT_EQ(answer["result"], 1);
  EXPECT_NE(answer["text"].get<std::string>().find("number overflow"), std::string::npos)
      << answer["text"];
}

TEST_F(CommandRegistryTest, TextAfterFirstRequestIsIgnored) {
  const Json answer = registry_.executeText("{\"command\": \"echo\"} {\"command\": \"fail\"}");
  EXPECT_EQ(answer["result"], 0);
}

TEST_F(CommandRegistryTest, HandlerErrorsBecomeAnswers) {
  const Json failed = registry_.execute({{"command", "fail"}});
  EXPECT_EQ(failed["result"], 1);
  EXPECT_EQ(failed["text"], "it failed");
  const Json crashed = registry_.execute({{"command", "crash"}});
  EXPECT_EQ(crashed["result"], 1);
  EXPECT_EQ(crashed["text"], "boom");
  EXPECT_EQ(registry_.counters().failed_commands, 1u);
  EXPECT_EQ(registry_.counters().handler_exceptions, 1u);
}

TEST_F(CommandRegistryTest, DuplicateRegistrationThrows) {
  EXPECT_THROW(registry_.add("echo", [](const Json&) { return Json(); }), std::logic_error);
}

TEST_F(CommandRegistryTest, NamesAreSorted) {
  EXPECT_EQ(registry_.names(), (std::vector<std::string>{"crash", "echo", "fail"}));
}

TEST_F(CommandRegistryTest, AgentServiceWrapsAnswerInList) {
  const Json answer =
      registry_.executeForAgent({{"command", "echo"}, {"service", {"dhcp4"}}}, "dhcp4");
  ASSERT_TRUE(answer.is_array());
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0]["text"], "echoed");
}

TEST_F(CommandRegistryTest, AgentOtherServiceGetsForwardingError) {
  const Json answer =
      registry_.executeForAgent({{"command", "echo"}, {"service", {"dhcp4", "dhcp6"}}}, "dhcp4");
  ASSERT_EQ(answer.size(), 2u);
  EXPECT_EQ(answer[0]["result"], 0);
  EXPECT_EQ(answer[1]["result"], 1);
  EXPECT_EQ(answer[1]["text"], "forwarding socket is not configured for the server type dhcp6");
}

TEST_F(CommandRegistryTest, AgentServiceNotListIsError) {
  const Json answer =
      registry_.executeForAgent({{"command", "echo"}, {"service", "dhcp4"}}, "dhcp4");
  ASSERT_TRUE(answer.is_array());
  EXPECT_EQ(answer[0]["text"], "service value must be a list");
}

TEST_F(CommandRegistryTest, AgentWithoutServiceAnswersPlain) {
  const Json answer = registry_.executeForAgent({{"command", "echo"}}, "dhcp4");
  EXPECT_TRUE(answer.is_object());
}

}  // namespace
}  // namespace leasehold::control
