// JsonFeed: finds where one JSON request ends in a byte stream, as Kea's command channel does,
// so a UNIX socket session knows when it has read the whole request (the client keeps its end
// open while it waits for the answer).
//
// The scan tracks nesting and strings only; full validation happens in parse(). Not
// thread-safe: one feed belongs to one session.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace leasehold::control {

class JsonFeed {
 public:
  enum class State { kNeedMore, kComplete, kInvalid };

  // `max_bytes` bounds the request; 0 means no bound.
  explicit JsonFeed(size_t max_bytes = 0) : max_bytes_(max_bytes) {}

  // Appends bytes and advances the scan. Bytes after the first complete value are kept but
  // not scanned, because Kea ignores anything after the first request.
  void append(std::string_view bytes);

  State state() const { return state_; }
  // The reason for kInvalid, in Kea's words where Kea has them ("invalid first character x").
  const std::string& error() const { return error_; }
  size_t size() const { return buffer_.size(); }

  // Parses the complete value. REQUIRES: state() == kComplete. Returns false with a message
  // in `error` when the text is not valid JSON.
  bool parse(nlohmann::json& value, std::string& error) const;

 private:
  void scan(size_t from);
  void fail(std::string message);

  const size_t max_bytes_;
  std::string buffer_;
  State state_ = State::kNeedMore;
  std::string error_;
  size_t end_ = 0;       // one past the last byte of the complete value
  size_t depth_ = 0;
  bool started_ = false;
  bool in_string_ = false;
  bool escaped_ = false;
};

}  // namespace leasehold::control
