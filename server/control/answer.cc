#include "server/control/answer.h"

namespace leasehold::control {

Json makeAnswer(ResultCode code, std::string_view text) {
  Json answer = Json::object();
  answer["result"] = static_cast<int>(code);
  answer["text"] = std::string(text);
  return answer;
}

Json makeAnswer(ResultCode code, std::string_view text, Json arguments) {
  Json answer = makeAnswer(code, text);
  answer["arguments"] = std::move(arguments);
  return answer;
}

Json makeAnswerWithoutText(ResultCode code, Json arguments) {
  Json answer = Json::object();
  answer["result"] = static_cast<int>(code);
  answer["arguments"] = std::move(arguments);
  return answer;
}

bool isUnsignedInteger(const Json& value, uint64_t max) {
  if (value.is_number_unsigned()) {
    return value.get<uint64_t>() <= max;
  }
  return value.is_number_integer() && value.get<int64_t>() >= 0 &&
         static_cast<uint64_t>(value.get<int64_t>()) <= max;
}

const Json& requireMap(const Json& arguments, std::string_view text) {
  if (!arguments.is_object()) {
    throw CommandError(std::string(text));
  }
  return arguments;
}

}  // namespace leasehold::control
