#include "server/control/control_server.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace leasehold::control {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Tcp = asio::ip::tcp;

class ControlServerTest : public ::testing::Test {
 protected:
  ControlServerTest() {
    registry_.add("echo", [](const Json& arguments) {
      return makeAnswer(ResultCode::kSuccess, "echoed", arguments);
    });
    directory_ = std::filesystem::path(::testing::TempDir()) /
                 ("control-server-" + std::to_string(::getpid()));
    std::filesystem::create_directories(directory_);
  }
  ~ControlServerTest() override {
    server_.reset();
    std::filesystem::remove_all(directory_);
  }

  void startServer(std::vector<config::ControlSocketConfig> sockets, ChannelLimits limits = {}) {
    server_ = std::make_unique<ControlServer>(registry_, "dhcp4", limits);
    const auto opened = server_->configure(sockets);
    ASSERT_TRUE(opened) << opened.error();
  }

  static config::ControlSocketConfig httpSocket() {
    config::ControlSocketConfig socket;
    socket.type = config::ControlSocketConfig::Type::kHttp;
    socket.socket_port = 0;
    return socket;
  }

  uint16_t port() { return server_->httpPorts().at(0); }

  // Sends one request on a new connection and returns the response.
  http::response<http::string_body> post(const std::string& body,
                                         const std::string& authorization = "") {
    Tcp::socket socket(io_);
    socket.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
    return exchange(socket, body, authorization);
  }

  http::response<http::string_body> exchange(Tcp::socket& socket, const std::string& body,
                                             const std::string& authorization = "") {
    http::request<http::string_body> request(http::verb::post, "/", 11);
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::content_type, "application/json");
    if (!authorization.empty()) {
      request.set(http::field::authorization, authorization);
    }
    request.body() = body;
    request.prepare_payload();
    http::write(socket, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response;
  }

  http::response<http::string_body> get(const std::string& target) {
    Tcp::socket socket(io_);
    socket.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
    http::request<http::string_body> request(http::verb::get, target, 11);
    request.set(http::field::host, "127.0.0.1");
    http::write(socket, request);
    beast::flat_buffer buffer;
    http::response<http::string_body> response;
    http::read(socket, buffer, response);
    return response;
  }

  std::string unixExchange(const std::string& path, const std::string& text) {
    asio::local::stream_protocol::socket socket(io_);
    socket.connect(asio::local::stream_protocol::endpoint(path));
    asio::write(socket, asio::buffer(text));
    std::string answer;
    boost::system::error_code error;
    asio::read(socket, asio::dynamic_buffer(answer), error);  // until the server closes
    return answer;
  }

  CommandRegistry registry_;
  std::unique_ptr<ControlServer> server_;
  std::filesystem::path directory_;
  asio::io_context io_;
};

TEST_F(ControlServerTest, UnixSocketAnswersAndCloses) {
  config::ControlSocketConfig socket;
  socket.socket_name = (directory_ / "control.sock").string();
  startServer({socket});
  const Json answer = Json::parse(unixExchange(socket.socket_name, R"({"command": "echo"})"));
  EXPECT_EQ(answer["text"], "echoed");
  const Json unknown = Json::parse(unixExchange(socket.socket_name, R"({"command": "x"})"));
  EXPECT_EQ(unknown["result"], 2);
  const Json invalid = Json::parse(unixExchange(socket.socket_name, "not json"));
  EXPECT_EQ(invalid["text"], "invalid first character n");
}

TEST_F(ControlServerTest, UnixPartialRequestTimesOut) {
  config::ControlSocketConfig socket;
  socket.socket_name = (directory_ / "control.sock").string();
  ChannelLimits limits;
  limits.request_timeout = std::chrono::milliseconds(100);
  startServer({socket}, limits);
  // The client keeps its side open, so only the server's timeout ends the wait.
  const Json answer = Json::parse(unixExchange(socket.socket_name, R"({"command": "ec)"));
  EXPECT_EQ(answer["text"],
            "Connection over control channel timed out, discarded partial command of 15 bytes");
  EXPECT_EQ(server_->counters().timeouts, 1u);
}

TEST_F(ControlServerTest, UnixOversizedRequestIsRejected) {
  config::ControlSocketConfig socket;
  socket.socket_name = (directory_ / "control.sock").string();
  ChannelLimits limits;
  limits.max_body_bytes = 64;
  startServer({socket}, limits);
  const std::string big = R"({"command": "echo", "arguments": {"x": ")" + std::string(100, 'a') +
                          R"("}})";
  const Json answer = Json::parse(unixExchange(socket.socket_name, big));
  EXPECT_EQ(answer["result"], 1);
  EXPECT_EQ(server_->counters().oversized_requests, 1u);
}

TEST_F(ControlServerTest, HttpKeepAliveServesTwoRequests) {
  startServer({httpSocket()});
  Tcp::socket socket(io_);
  socket.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  const auto first = exchange(socket, R"({"command": "echo"})");
  EXPECT_EQ(first.result(), http::status::ok);
  const auto second = exchange(socket, R"({"command": "echo", "arguments": {"n": 2}})");
  EXPECT_EQ(Json::parse(second.body())["arguments"]["n"], 2);
  EXPECT_EQ(server_->counters().connections, 1u);
}

TEST_F(ControlServerTest, HttpServiceListWrapsAnswer) {
  startServer({httpSocket()});
  const auto response = post(R"({"command": "echo", "service": ["dhcp4"]})");
  const Json answer = Json::parse(response.body());
  ASSERT_TRUE(answer.is_array());
  EXPECT_EQ(answer[0]["text"], "echoed");
}

TEST_F(ControlServerTest, HttpBadJsonIs400) {
  startServer({httpSocket()});
  const auto response = post("{\"command\": ");
  EXPECT_EQ(response.result(), http::status::bad_request);
  EXPECT_EQ(server_->counters().bad_requests, 1u);
}

TEST_F(ControlServerTest, HttpWrongCredentialsGet401WithRealm) {
  auto socket = httpSocket();
  socket.realm = "kea-control";
  socket.clients.push_back({"admin", "secret"});
  socket.http_headers.push_back({"X-Control", "leasehold"});
  startServer({socket});
  const auto denied = post(R"({"command": "echo"})", "Basic YWRtaW46d3Jvbmc=");  // admin:wrong
  EXPECT_EQ(denied.result(), http::status::unauthorized);
  EXPECT_EQ(denied[http::field::www_authenticate], "Basic realm=\"kea-control\"");
  EXPECT_EQ(denied["X-Control"], "leasehold");
  const auto missing = post(R"({"command": "echo"})");
  EXPECT_EQ(missing.result(), http::status::unauthorized);
  const auto allowed = post(R"({"command": "echo"})", "Basic YWRtaW46c2VjcmV0");  // admin:secret
  EXPECT_EQ(allowed.result(), http::status::ok);
  EXPECT_EQ(server_->counters().auth_failures, 2u);
}

TEST_F(ControlServerTest, HttpOversizedBodyIs413) {
  ChannelLimits limits;
  limits.max_body_bytes = 32;
  startServer({httpSocket()}, limits);
  const auto response = post(R"({"command": "echo", "arguments": {"padding": ")" +
                             std::string(64, 'x') + R"("}})");
  EXPECT_EQ(response.result(), http::status::payload_too_large);
  EXPECT_EQ(server_->counters().oversized_requests, 1u);
}

TEST_F(ControlServerTest, HttpSlowClientDoesNotBlockOthers) {
  ChannelLimits limits;
  limits.request_timeout = std::chrono::milliseconds(200);
  startServer({httpSocket()}, limits);
  Tcp::socket slow(io_);
  slow.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  asio::write(slow, asio::buffer(std::string("POST / HTTP/1.1\r\nHost: x\r\n")));

  const auto response = post(R"({"command": "echo"})");
  EXPECT_EQ(response.result(), http::status::ok);

  beast::flat_buffer buffer;
  http::response<http::string_body> timed_out;
  http::read(slow, buffer, timed_out);
  EXPECT_EQ(timed_out.result(), http::status::request_timeout);
  EXPECT_EQ(server_->counters().timeouts, 1u);
}

TEST_F(ControlServerTest, HttpConnectionLimitClosesExtraConnections) {
  ChannelLimits limits;
  limits.max_connections = 1;
  startServer({httpSocket()}, limits);
  Tcp::socket first(io_);
  first.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  exchange(first, R"({"command": "echo"})");  // the first connection is now surely counted
  Tcp::socket second(io_);
  second.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()));
  char byte;
  boost::system::error_code error;
  second.read_some(asio::buffer(&byte, 1), error);
  EXPECT_TRUE(error == asio::error::eof || error == asio::error::connection_reset);
  EXPECT_EQ(server_->counters().rejected_connections, 1u);
}

TEST_F(ControlServerTest, ReconfigureReplacesChannels) {
  startServer({httpSocket()});
  const uint16_t before = port();
  config::ControlSocketConfig unix_socket;
  unix_socket.socket_name = (directory_ / "control.sock").string();
  ASSERT_TRUE(server_->configure({unix_socket}));
  EXPECT_TRUE(server_->httpPorts().empty());
  Tcp::socket socket(io_);
  boost::system::error_code error;
  socket.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), before), error);
  EXPECT_TRUE(error);
  EXPECT_EQ(Json::parse(unixExchange(unix_socket.socket_name, R"({"command":"echo"})"))["result"],
            0);
}

TEST_F(ControlServerTest, ProbesAnswerWithoutCredentials) {
  auto socket = httpSocket();
  socket.clients.push_back({"admin", "secret", "", ""});
  server_ = std::make_unique<ControlServer>(registry_, "dhcp4");
  server_->setProbes({[] { return ProbeResult{}; },
                      [] { return ProbeResult{false, "DHCP service disabled by user"}; }});
  ASSERT_TRUE(server_->configure({socket}));

  const auto health = get("/health");
  EXPECT_EQ(health.result(), http::status::ok);
  EXPECT_EQ(Json::parse(health.body()), (Json{{"status", "healthy"}}));
  const auto ready = get("/ready");
  EXPECT_EQ(ready.result(), http::status::service_unavailable);
  EXPECT_EQ(Json::parse(ready.body()),
            (Json{{"status", "not ready"}, {"reason", "DHCP service disabled by user"}}));
  EXPECT_EQ(get("/").result(), http::status::method_not_allowed);
  EXPECT_EQ(post(R"({"command": "echo"})").result(), http::status::unauthorized);
}

TEST_F(ControlServerTest, ProbesWithoutDaemonReportSuccess) {
  startServer({httpSocket()});
  EXPECT_EQ(get("/health").result(), http::status::ok);
  EXPECT_EQ(get("/ready").result(), http::status::ok);
}

TEST_F(ControlServerTest, CredentialsComeFromFiles) {
  const auto write = [this](const std::string& name, const std::string& text) {
    std::ofstream(directory_ / name) << text;
    return (directory_ / name).string();
  };
  auto socket = httpSocket();
  config::ControlSocketConfig::Client separate;
  separate.user_file = write("user", "admin\n");
  separate.password_file = write("password", "secret\n");
  config::ControlSocketConfig::Client combined;
  combined.password_file = write("combined", "second:other");
  socket.clients = {separate, combined};
  startServer({socket});

  EXPECT_EQ(post(R"({"command": "echo"})", "Basic YWRtaW46c2VjcmV0").result(),  // admin:secret
            http::status::ok);
  EXPECT_EQ(post(R"({"command": "echo"})", "Basic c2Vjb25kOm90aGVy").result(),  // second:other
            http::status::ok);
  EXPECT_EQ(post(R"({"command": "echo"})", "Basic Og==").result(),  // ":"
            http::status::unauthorized);
}

TEST_F(ControlServerTest, MissingCredentialsFileFailsConfigure) {
  auto socket = httpSocket();
  config::ControlSocketConfig::Client client;
  client.password_file = (directory_ / "absent").string();
  socket.clients = {client};
  server_ = std::make_unique<ControlServer>(registry_, "dhcp4");
  const auto opened = server_->configure({socket});
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().find("cannot read the credentials file"), std::string::npos);
}

TEST_F(ControlServerTest, FailedReconfigureKeepsPreviousChannels) {
  config::ControlSocketConfig unix_socket;
  unix_socket.socket_name = (directory_ / "control.sock").string();
  startServer({unix_socket});

  config::ControlSocketConfig unix_replacement;
  unix_replacement.socket_name = (directory_ / "other.sock").string();
  auto http = httpSocket();
  config::ControlSocketConfig::Client client;
  client.password_file = (directory_ / "absent").string();
  http.clients = {client};
  const auto reconfigured = server_->configure({unix_replacement, http});
  ASSERT_FALSE(reconfigured);
  EXPECT_NE(reconfigured.error().find("the previous control channels stay open"),
            std::string::npos)
      << reconfigured.error();

  EXPECT_FALSE(std::filesystem::exists(unix_replacement.socket_name));
  const Json answer = Json::parse(unixExchange(unix_socket.socket_name, R"({"command": "echo"})"));
  EXPECT_EQ(answer["text"], "echoed");
}

TEST_F(ControlServerTest, BadListenAddressNamesChannel) {
  server_ = std::make_unique<ControlServer>(registry_, "dhcp4");
  auto socket = httpSocket();
  socket.socket_address = "not-an-address";
  const auto opened = server_->configure({socket});
  ASSERT_FALSE(opened);
  EXPECT_NE(opened.error().find("http control socket not-an-address:0"), std::string::npos);
}

// HTTPS with a client certificate, checked with curl against certificates made by openssl.
class ControlServerTlsTest : public ControlServerTest {
 protected:
  void SetUp() override {
    const std::string dir = directory_.string();
    const std::string script =
        "cd '" + dir + "' && "
        "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 "
        "-subj /CN=test-ca >/dev/null 2>&1 && "
        "for name in server client; do "
        "openssl req -newkey rsa:2048 -nodes -keyout $name.key -out $name.csr "
        "-subj /CN=127.0.0.1 >/dev/null 2>&1 && "
        "printf 'subjectAltName=IP:127.0.0.1\\n' > $name.ext && "
        "openssl x509 -req -in $name.csr -CA ca.pem -CAkey ca.key -CAcreateserial "
        "-out $name.pem -days 1 -extfile $name.ext >/dev/null 2>&1 || exit 1; done";
    ASSERT_EQ(std::system(script.c_str()), 0) << "openssl failed to make test certificates";
  }

  config::ControlSocketConfig httpsSocket(bool cert_required) {
    config::ControlSocketConfig socket = httpSocket();
    socket.type = config::ControlSocketConfig::Type::kHttps;
    socket.trust_anchor = (directory_ / "ca.pem").string();
    socket.cert_file = (directory_ / "server.pem").string();
    socket.key_file = (directory_ / "server.key").string();
    socket.cert_required = cert_required;
    return socket;
  }

  // Runs curl and returns its output: the body, then the HTTP status on the last line.
  std::string curl(bool with_client_cert) {
    std::string command = "curl -s -w '\\n%{http_code}' --cacert '" +
                          (directory_ / "ca.pem").string() + "' ";
    if (with_client_cert) {
      command += "--cert '" + (directory_ / "client.pem").string() + "' --key '" +
                 (directory_ / "client.key").string() + "' ";
    }
    command += "-H 'Content-Type: application/json' -d '{\"command\": \"echo\"}' "
               "https://127.0.0.1:" + std::to_string(port()) + "/";
    std::string output;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
      return output;
    }
    char chunk[4096];
    size_t length = 0;
    while ((length = fread(chunk, 1, sizeof chunk, pipe)) > 0) {
      output.append(chunk, length);
    }
    pclose(pipe);
    return output;
  }
};

TEST_F(ControlServerTlsTest, ClientCertificateAccepted) {
  startServer({httpsSocket(true)});
  const std::string output = curl(true);
  EXPECT_NE(output.find("\"echoed\""), std::string::npos) << output;
  EXPECT_EQ(output.substr(output.size() - 3), "200");
}

TEST_F(ControlServerTlsTest, MissingClientCertificateRejected) {
  startServer({httpsSocket(true)});
  const std::string output = curl(false);
  EXPECT_EQ(output.find("echoed"), std::string::npos) << output;
  EXPECT_GE(server_->counters().tls_failures, 1u);
}

TEST_F(ControlServerTlsTest, CertificateOptionalWhenNotRequired) {
  startServer({httpsSocket(false)});
  const std::string output = curl(false);
  EXPECT_NE(output.find("\"echoed\""), std::string::npos) << output;
}

}  // namespace
}  // namespace leasehold::control
