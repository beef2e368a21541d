// The HTTP and HTTPS channels: POST of a JSON command, keep-alive, limits, basic
// authentication and extra response headers, and the GET /health and GET /ready probes.
// One session object per connection.
#include <chrono>
#include <optional>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/crypto.h>

#include "server/control/channel_sessions.h"

namespace leasehold::control::detail {

namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

bool equalInConstantTime(const std::string& left, const std::string& right) {
  return left.size() == right.size() &&
         CRYPTO_memcmp(left.data(), right.data(), left.size()) == 0;
}

template <typename Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
 public:
  template <typename... StreamArguments>
  HttpSession(std::shared_ptr<ChannelState> state, StreamArguments&&... arguments)
      : state_(std::move(state)),
        stream_(std::forward<StreamArguments>(arguments)...),
        timer_(socket().get_executor()) {}

  ~HttpSession() { state_->active--; }

  void start() {
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      readRequest();
    } else {
      armTimer(state_->limits.request_timeout);
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](const beast::error_code& error) {
                                self->onHandshake(error);
                              });
    }
  }

 private:
  Tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void armTimer(std::chrono::milliseconds after) {
    timer_.expires_after(after);
    timer_.async_wait([self = this->shared_from_this()](const beast::error_code& error) {
      if (!error) {
        self->timed_out_ = true;
        beast::error_code ignored;
        self->socket().cancel(ignored);
      }
    });
  }

  void onHandshake(const beast::error_code& error) {
    if (error) {
      state_->counters.tls_failures++;
      close();
      return;
    }
    readRequest();
  }

  void readRequest() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(state_->limits.max_header_bytes));
    parser_->body_limit(state_->limits.max_body_bytes);
    receiving_ = false;
    timed_out_ = false;
    armTimer(state_->limits.idle_timeout);
    readSome();
  }

  void readSome() {
    http::async_read_some(stream_, buffer_, *parser_,
                          [self = this->shared_from_this()](const beast::error_code& error,
                                                            size_t) { self->onRead(error); });
  }

  // The idle timer runs until the first byte of a request; from then on the request has
  // request_timeout to arrive whole.
  void onRead(const beast::error_code& error) {
    if (!receiving_ && (parser_->got_some() || buffer_.size() > 0)) {
      receiving_ = true;
      armTimer(state_->limits.request_timeout);
    }
    if (timed_out_) {
      if (receiving_) {
        state_->counters.timeouts++;
        sendError(http::status::request_timeout, "request not received in time");
      } else {
        close();
      }
      return;
    }
    if (error == http::error::body_limit) {
      state_->counters.oversized_requests++;
      sendError(http::status::payload_too_large,
                "request body is larger than the limit of " +
                    std::to_string(state_->limits.max_body_bytes) + " bytes");
      return;
    }
    if (error == http::error::header_limit) {
      state_->counters.oversized_requests++;
      sendError(http::status::request_header_fields_too_large,
                "request headers are larger than the limit of " +
                    std::to_string(state_->limits.max_header_bytes) + " bytes");
      return;
    }
    if (error == http::error::end_of_stream || error == asio::error::eof ||
        error == asio::error::connection_reset || error == asio::ssl::error::stream_truncated) {
      close();
      return;
    }
    if (error) {
      state_->counters.bad_requests++;
      sendError(http::status::bad_request, "invalid HTTP request: " + error.message());
      return;
    }
    if (!parser_->is_done()) {
      readSome();
      return;
    }
    timer_.cancel();
    handleRequest(parser_->release());
  }

  void handleRequest(Request request) {
    keep_alive_ = request.keep_alive();
    if (request.method() == http::verb::get) {
      const std::string_view target(request.target().data(), request.target().size());
      const std::string_view path = target.substr(0, target.find('?'));
      if (path == "/health" || path == "/ready") {
        answerProbe(path == "/health");
        return;
      }
    }
    if (request.method() != http::verb::post) {
      state_->counters.bad_requests++;
      sendError(http::status::method_not_allowed,
                "HTTP method " + std::string(request.method_string()) +
                    " is not allowed; send the command with POST");
      return;
    }
    if (!state_->authorizations.empty() && !authorized(request)) {
      state_->counters.auth_failures++;
      sendError(http::status::unauthorized, "Unauthorized");
      return;
    }
    const auto content_type = request[http::field::content_type];
    if (!content_type.empty() && !content_type.starts_with("application/json")) {
      state_->counters.bad_requests++;
      sendError(http::status::unsupported_media_type,
                "content type " + std::string(content_type) +
                    " is not supported; send application/json");
      return;
    }

    Json command;
    Json error;
    if (!parseRequestText(request.body(), command, error)) {
      state_->counters.bad_requests++;
      send(http::status::bad_request, error);
      return;
    }
    send(http::status::ok,
         state_->registry.executeForAgent(command, state_->service_name));
  }

  // Probes need no credentials: a Kubernetes kubelet sends none, and the answer carries only
  // a status and, when failing, a short reason.
  void answerProbe(bool health) {
    const auto& probe = health ? state_->probes.health : state_->probes.ready;
    ProbeResult result;
    try {
      if (probe) {
        result = probe();
      }
    } catch (const std::exception& error) {
      result = ProbeResult{false, std::string("probe failed: ") + error.what()};
    }
    if (result.ok) {
      send(http::status::ok, Json{{"status", health ? "healthy" : "ready"}});
      return;
    }
    send(http::status::service_unavailable,
         Json{{"status", health ? "unhealthy" : "not ready"}, {"reason", result.reason}});
  }

  bool authorized(const Request& request) const {
    const std::string header(request[http::field::authorization]);
    bool match = false;
    for (const std::string& expected : state_->authorizations) {
      match |= equalInConstantTime(header, expected);
    }
    return match;
  }

  // Error bodies keep Kea's shape: {"result": <HTTP status>, "text": "..."}.
  void sendError(http::status status, const std::string& text) {
    keep_alive_ = keep_alive_ && status != http::status::request_timeout &&
                  status != http::status::payload_too_large &&
                  status != http::status::request_header_fields_too_large &&
                  status != http::status::bad_request;
    send(status, Json{{"result", static_cast<int>(status)}, {"text", text}});
  }

  void send(http::status status, const Json& body) {
    response_.emplace(status, 11);
    response_->set(http::field::content_type, "application/json");
    for (const auto& [name, value] : state_->config.http_headers) {
      response_->set(name, value);
    }
    if (status == http::status::unauthorized) {
      const std::string realm = state_->config.realm.empty() ? "leasehold" : state_->config.realm;
      response_->set(http::field::www_authenticate, "Basic realm=\"" + realm + "\"");
    }
    if (status == http::status::method_not_allowed) {
      response_->set(http::field::allow, "POST");
    }
    response_->keep_alive(keep_alive_);
    response_->body() = body.dump();
    response_->prepare_payload();

    armTimer(state_->limits.request_timeout);
    http::async_write(stream_, *response_,
                      [self = this->shared_from_this()](const beast::error_code& error, size_t) {
                        self->onWrite(error);
                      });
  }

  void onWrite(const beast::error_code& error) {
    timer_.cancel();
    if (error || timed_out_ || !keep_alive_) {
      close();
      return;
    }
    readRequest();
  }

  void close() {
    timer_.cancel();
    // No TLS close_notify: it would need another round trip with a possibly hostile client,
    // and the TCP shutdown ends the session either way.
    beast::error_code ignored;
    socket().shutdown(Tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  std::shared_ptr<ChannelState> state_;
  Stream stream_;
  asio::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<Response> response_;
  bool receiving_ = false;
  bool timed_out_ = false;
  bool keep_alive_ = false;
};

}  // namespace

void startHttpSession(std::shared_ptr<ChannelState> state, Tcp::socket socket) {
  state->active++;
  std::make_shared<HttpSession<beast::tcp_stream>>(std::move(state), std::move(socket))->start();
}

void startHttpsSession(std::shared_ptr<ChannelState> state, Tcp::socket socket) {
  state->active++;
  // The session holds `state`, which keeps the TLS context alive as long as the session.
  asio::ssl::context& tls = *state->tls;
  std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(std::move(state),
                                                                      std::move(socket), tls)
      ->start();
}

std::string encodeBase64(const std::string& text) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  size_t i = 0;
  for (; i + 2 < text.size(); i += 3) {
    const uint32_t group = (uint8_t(text[i]) << 16) | (uint8_t(text[i + 1]) << 8) |
                           uint8_t(text[i + 2]);
    encoded += kAlphabet[group >> 18];
    encoded += kAlphabet[(group >> 12) & 63];
    encoded += kAlphabet[(group >> 6) & 63];
    encoded += kAlphabet[group & 63];
  }
  if (i < text.size()) {
    uint32_t group = uint8_t(text[i]) << 16;
    if (i + 1 < text.size()) {
      group |= uint8_t(text[i + 1]) << 8;
    }
    encoded += kAlphabet[group >> 18];
    encoded += kAlphabet[(group >> 12) & 63];
    encoded += i + 1 < text.size() ? kAlphabet[(group >> 6) & 63] : '=';
    encoded += '=';
  }
  return encoded;
}

}  // namespace leasehold::control::detail
