#include "server/control/json_feed.h"

namespace leasehold::control {

namespace {

bool isJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

void JsonFeed::append(std::string_view bytes) {
  if (state_ != State::kNeedMore) {
    return;
  }
  const size_t from = buffer_.size();
  buffer_.append(bytes);
  if (max_bytes_ != 0 && buffer_.size() > max_bytes_) {
    fail("command of " + std::to_string(buffer_.size()) + " bytes is larger than the limit of " +
         std::to_string(max_bytes_) + " bytes");
    return;
  }
  scan(from);
}

void JsonFeed::fail(std::string message) {
  state_ = State::kInvalid;
  error_ = std::move(message);
}

void JsonFeed::scan(size_t from) {
  for (size_t i = from; i < buffer_.size(); ++i) {
    const char c = buffer_[i];
    if (!started_) {
      if (isJsonSpace(c)) {
        continue;
      }
      if (c != '{' && c != '[') {
        fail(std::string("invalid first character ") + c);
        return;
      }
      started_ = true;
      depth_ = 1;
      continue;
    }
    if (in_string_) {
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
      }
      continue;
    }
    if (c == '"') {
      in_string_ = true;
    } else if (c == '{' || c == '[') {
      ++depth_;
    } else if (c == '}' || c == ']') {
      if (--depth_ == 0) {
        end_ = i + 1;
        state_ = State::kComplete;
        return;
      }
    }
  }
}

bool JsonFeed::parse(nlohmann::json& value, std::string& error) const {
  value = nlohmann::json::parse(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(end_),
                                nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    // nlohmann's non-throwing parse gives no position, so parse again for the message.
    try {
      (void)nlohmann::json::parse(buffer_.begin(), buffer_.begin() + static_cast<ptrdiff_t>(end_));
      error = "invalid JSON command";
    } catch (const nlohmann::json::exception& parse_error) {
      // parse_error for syntax; out_of_range for a number beyond the range of a double.
      error = std::string("invalid JSON command: ") + parse_error.what();
    }
    return false;
  }
  return true;
}

}  // namespace leasehold::control
