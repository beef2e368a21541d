// The UNIX socket channel: Kea's protocol of one JSON request, one answer, then close.
#include <array>
#include <chrono>

#include "backends/log.h"
#include "server/control/channel_sessions.h"
#include "server/control/json_feed.h"

namespace leasehold::control::detail {

namespace {

namespace asio = boost::asio;
using UnixSocket = asio::local::stream_protocol::socket;

// How long a client may take to close its end after the answer, while what it still sends is
// discarded.
constexpr std::chrono::seconds kLingerTime{1};

class UnixSession : public std::enable_shared_from_this<UnixSession> {
 public:
  UnixSession(std::shared_ptr<ChannelState> state, UnixSocket socket)
      : state_(std::move(state)),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        feed_(state_->limits.max_body_bytes) {}

  ~UnixSession() { state_->active--; }

  void start() {
    // The timer bounds the whole request, so a client that connects and stays silent or
    // trickles bytes cannot hold the connection for ever.
    timer_.expires_after(state_->limits.request_timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) {
        self->timedOut();
      }
    });
    read();
  }

 private:
  void read() {
    reading_ = true;
    socket_.async_read_some(
        asio::buffer(buffer_),
        [self = shared_from_this()](const boost::system::error_code& error, size_t length) {
          self->onRead(error, length);
        });
  }

  void onRead(const boost::system::error_code& error, size_t length) {
    reading_ = false;
    if (answered_) {
      if (error) {
        close();
      } else if (draining_) {
        read();  // discards what the client still sends after the answer
      }
      return;
    }
    if (length > 0) {
      feed_.append(std::string_view(buffer_.data(), length));
    }
    switch (feed_.state()) {
      case JsonFeed::State::kComplete: {
        Json request;
        std::string parse_error;
        if (!feed_.parse(request, parse_error)) {
          state_->counters.bad_requests++;
          answer(makeAnswer(ResultCode::kError, parse_error));
        } else {
          answer(state_->registry.execute(request));
        }
        return;
      }
      case JsonFeed::State::kInvalid:
        state_->counters.bad_requests++;
        if (feed_.size() > state_->limits.max_body_bytes) {
          state_->counters.oversized_requests++;
        }
        answer(makeAnswer(ResultCode::kError, feed_.error()));
        return;
      case JsonFeed::State::kNeedMore:
        break;
    }
    if (error) {
      // The client closed its side (or the socket failed) before the request was complete.
      if (feed_.size() > 0 && error == asio::error::eof) {
        state_->counters.bad_requests++;
        answer(makeAnswer(ResultCode::kError,
                          "incomplete JSON command of " + std::to_string(feed_.size()) +
                              " bytes: the connection was closed before the command ended"));
      } else {
        close();
      }
      return;
    }
    read();
  }

  void timedOut() {
    if (answered_) {
      return;
    }
    state_->counters.timeouts++;
    answer(makeAnswer(ResultCode::kError,
                      "Connection over control channel timed out, discarded partial command of " +
                          std::to_string(feed_.size()) + " bytes"));
  }

  void answer(const Json& answer) {
    answered_ = true;
    timer_.cancel();
    reply_ = answer.dump();
    asio::async_write(socket_, asio::buffer(reply_),
                      [self = shared_from_this()](const boost::system::error_code& error,
                                                  size_t) { self->linger(error); });
  }

  // Kea closes the connection after the answer. Closing a socket that still has unread bytes
  // (the rest of an oversized request) resets the connection, and the client may lose the
  // answer, so the send side is shut down first and what the client still sends is discarded
  // until it closes its end or kLingerTime passes.
  void linger(const boost::system::error_code& error) {
    if (error) {
      close();
      return;
    }
    boost::system::error_code ignored;
    socket_.shutdown(UnixSocket::shutdown_send, ignored);
    draining_ = true;
    timer_.expires_after(kLingerTime);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& error) {
      if (!error) {
        self->close();
      }
    });
    if (!reading_) {
      read();
    }
  }

  void close() {
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(UnixSocket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  std::shared_ptr<ChannelState> state_;
  UnixSocket socket_;
  asio::steady_timer timer_;
  JsonFeed feed_;
  std::array<char, 16384> buffer_{};
  std::string reply_;
  bool answered_ = false;
  bool reading_ = false;   // a read is pending
  bool draining_ = false;  // the answer is sent; reads discard
};

}  // namespace

void startUnixSession(std::shared_ptr<ChannelState> state, UnixSocket socket) {
  state->active++;
  std::make_shared<UnixSession>(std::move(state), std::move(socket))->start();
}

}  // namespace leasehold::control::detail
