// Kea's control answers and the error type that command handlers throw. An answer is the JSON
// object {"result": N, "text": "...", "arguments": ...}; the keys come out in Kea's (sorted)
// order because nlohmann::json keeps object keys sorted.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace leasehold::control {

using Json = nlohmann::json;

// Kea's result codes.
enum class ResultCode : int {
  kSuccess = 0,
  kError = 1,
  kUnsupported = 2,
  kEmpty = 3,  // the command worked but found nothing
};

// Returns {"result": code, "text": text}.
Json makeAnswer(ResultCode code, std::string_view text);
// Returns {"result": code, "text": text, "arguments": arguments}.
Json makeAnswer(ResultCode code, std::string_view text, Json arguments);
// Returns {"result": code, "arguments": arguments}: Kea omits the text in some answers
// (statistic-get, list-commands).
Json makeAnswerWithoutText(ResultCode code, Json arguments);

// Thrown by a handler to answer with `code` and the message as text. The registry catches it,
// and any other std::exception, at the edge of the control plane.
class CommandError : public std::runtime_error {
 public:
  explicit CommandError(const std::string& text, ResultCode code = ResultCode::kError)
      : std::runtime_error(text), code_(code) {}
  ResultCode code() const { return code_; }

 private:
  ResultCode code_;
};

// True when `value` is an integer in [0, max]. Integers parsed from text are unsigned in
// nlohmann::json but those built in code are signed, so both are accepted.
bool isUnsignedInteger(const Json& value, uint64_t max);

// Returns `arguments` when it is a JSON object; throws CommandError with `text` otherwise
// (absent arguments arrive as null).
const Json& requireMap(const Json& arguments, std::string_view text);

}  // namespace leasehold::control
