#include "server/control/control_server.h"

#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "backends/log.h"
#include "server/control/channel_sessions.h"

namespace leasehold::control {

namespace {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp;
using Local = asio::local::stream_protocol;
using detail::ChannelState;

std::string describe(const config::ControlSocketConfig& socket) {
  switch (socket.type) {
    case config::ControlSocketConfig::Type::kUnix:
      return "unix control socket " + socket.socket_name;
    case config::ControlSocketConfig::Type::kHttp:
      return "http control socket " + socket.socket_address + ":" +
             std::to_string(socket.socket_port);
    case config::ControlSocketConfig::Type::kHttps:
      break;
  }
  return "https control socket " + socket.socket_address + ":" +
         std::to_string(socket.socket_port);
}

// Returns the contents of a credentials file without its final line break, so that a file
// written with `echo` contains the same secret as one written without.
std::string readCredentialFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read the credentials file " + path);
  }
  std::ostringstream contents;
  contents << in.rdbuf();
  std::string text = contents.str();
  if (!text.empty() && text.back() == '\n') {
    text.pop_back();
    if (!text.empty() && text.back() == '\r') {
      text.pop_back();
    }
  }
  return text;
}

// Builds "user:password" for one client, reading Kea's user-file and password-file. A
// password-file without a user or user-file contains "user:password" itself.
std::string clientCredentials(const config::ControlSocketConfig::Client& client) {
  std::string user = client.user;
  if (!client.user_file.empty()) {
    user = readCredentialFile(client.user_file);
  }
  if (client.password_file.empty()) {
    return user + ":" + client.password;
  }
  const std::string secret = readCredentialFile(client.password_file);
  if (user.empty() && client.user_file.empty()) {
    if (secret.find(':') == std::string::npos) {
      throw std::runtime_error("the password file " + client.password_file +
                               " must hold \"user:password\" when no user is configured");
    }
    return secret;
  }
  return user + ":" + secret;
}

std::shared_ptr<asio::ssl::context> makeTlsContext(const config::ControlSocketConfig& socket) {
  auto tls = std::make_shared<asio::ssl::context>(asio::ssl::context::tls_server);
  tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                   asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                   asio::ssl::context::no_tlsv1_1);
  tls->use_certificate_chain_file(socket.cert_file);
  tls->use_private_key_file(socket.key_file, asio::ssl::context::pem);
  if (!socket.trust_anchor.empty()) {
    if (std::filesystem::is_directory(socket.trust_anchor)) {
      tls->add_verify_path(socket.trust_anchor);
    } else {
      tls->load_verify_file(socket.trust_anchor);
    }
  }
  if (socket.cert_required) {
    tls->set_verify_mode(asio::ssl::verify_peer | asio::ssl::verify_fail_if_no_peer_cert);
  } else {
    tls->set_verify_mode(asio::ssl::verify_none);
  }
  return tls;
}

// One listening channel and its accept loop. Runs on the control thread only.
class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(asio::io_context& io, std::shared_ptr<ChannelState> state)
      : state_(std::move(state)), tcp_(io), local_(io) {}

  // Binds and listens. Throws boost::system::system_error or std::exception on failure.
  void open() {
    const auto& config = state_->config;
    if (config.type == config::ControlSocketConfig::Type::kUnix) {
      // A socket file left by a previous run would make bind fail; nothing else can be
      // listening there, because the daemon holds a lock on its control socket path.
      std::error_code ignored;
      std::filesystem::remove(config.socket_name, ignored);
      local_.open(Local());
      local_.bind(Local::endpoint(config.socket_name));
      local_.listen();
      unix_path_ = config.socket_name;
      return;
    }
    if (config.type == config::ControlSocketConfig::Type::kHttps) {
      state_->tls = makeTlsContext(config);
    }
    const Tcp::endpoint endpoint(asio::ip::make_address(config.socket_address),
                                 config.socket_port);
    tcp_.open(endpoint.protocol());
    tcp_.set_option(Tcp::acceptor::reuse_address(true));
    tcp_.bind(endpoint);
    tcp_.listen();
  }

  void accept() {
    if (local_.is_open()) {
      local_.async_accept([self = shared_from_this()](const boost::system::error_code& error,
                                                       Local::socket socket) {
        if (error == asio::error::operation_aborted || !self->local_.is_open()) {
          return;
        }
        if (!error && self->admit()) {
          detail::startUnixSession(self->state_, std::move(socket));
        }
        self->accept();
      });
      return;
    }
    tcp_.async_accept([self = shared_from_this()](const boost::system::error_code& error,
                                                   Tcp::socket socket) {
      if (error == asio::error::operation_aborted || !self->tcp_.is_open()) {
        return;
      }
      if (!error && self->admit()) {
        if (self->state_->tls) {
          detail::startHttpsSession(self->state_, std::move(socket));
        } else {
          detail::startHttpSession(self->state_, std::move(socket));
        }
      }
      self->accept();
    });
  }

  uint16_t port() const {
    boost::system::error_code ignored;
    return tcp_.is_open() ? tcp_.local_endpoint(ignored).port() : 0;
  }

  bool isHttp() const { return state_->config.type != config::ControlSocketConfig::Type::kUnix; }

  void close() {
    boost::system::error_code ignored;
    tcp_.close(ignored);
    local_.close(ignored);
    if (!unix_path_.empty()) {
      std::error_code remove_error;
      std::filesystem::remove(unix_path_, remove_error);
      unix_path_.clear();
    }
  }

 private:
  // A connection over the limit is closed at once: the client sees the connection end, and
  // the counter tells the operator.
  bool admit() {
    state_->counters.connections++;
    if (state_->active.load() >= state_->limits.max_connections) {
      state_->counters.rejected_connections++;
      return false;
    }
    return true;
  }

  std::shared_ptr<ChannelState> state_;
  Tcp::acceptor tcp_;
  Local::acceptor local_;
  std::string unix_path_;
};

}  // namespace

struct ControlServer::Impl {
  Impl(CommandRegistry& registry_in, std::string service_name_in, ChannelLimits limits_in)
      : registry(registry_in),
        service_name(std::move(service_name_in)),
        limits(limits_in),
        work(asio::make_work_guard(io)) {}

  // Runs `task` on the control thread and waits for it; runs it inline when already there,
  // so a handler (config-set) can reconfigure the channels it is served by.
  template <typename Task>
  auto runOnControlThread(Task task) -> decltype(task()) {
    if (io.get_executor().running_in_this_thread() || !thread.joinable()) {
      return task();
    }
    std::packaged_task<decltype(task())()> packaged(std::move(task));
    auto result = packaged.get_future();
    asio::post(io, [&packaged] { packaged(); });
    return result.get();
  }

  void closeAll() {
    for (const auto& listener : listeners) {
      listener->close();
    }
    listeners.clear();
  }

  CommandRegistry& registry;
  const std::string service_name;
  const ChannelLimits limits;
  ChannelCounters counters;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work;
  std::thread thread;
  std::mutex stop_mutex;
  std::vector<std::shared_ptr<Listener>> listeners;  // touched on the control thread only
  // The sockets the open listeners came from, restored when a new set fails to open.
  std::vector<config::ControlSocketConfig> open_sockets;  // control thread only

  // Opens a listener per socket, or none: on failure every listener opened here is closed.
  // Runs on the control thread.
  Result<void, std::string> openAll(const std::vector<config::ControlSocketConfig>& sockets);
  Probes probes;                                      // touched on the control thread only
};

ControlServer::ControlServer(CommandRegistry& registry, std::string service_name,
                             ChannelLimits limits)
    : impl_(std::make_shared<Impl>(registry, std::move(service_name), limits)) {
  impl_->thread = std::thread([impl = impl_.get()] {
    // Handlers catch their own exceptions (CommandRegistry); this guards the loop itself.
    for (;;) {
      try {
        impl->io.run();
        return;
      } catch (const std::exception& error) {
        log::error("CTRL_LOOP_FAILED", "control channel loop failed: {}", error.what());
      }
    }
  });
}

ControlServer::~ControlServer() { stop(); }

Result<void, std::string> ControlServer::Impl::openAll(
    const std::vector<config::ControlSocketConfig>& sockets) {
  for (const auto& socket : sockets) {
    auto state = std::make_shared<ChannelState>(registry, service_name, limits, counters, socket);
    state->probes = probes;
    auto listener = std::make_shared<Listener>(io, state);
    try {
      for (const auto& client : socket.clients) {
        state->authorizations.push_back("Basic " +
                                        detail::encodeBase64(clientCredentials(client)));
      }
      listener->open();
    } catch (const std::exception& error) {
      listener->close();
      closeAll();
      return makeUnexpected("failed to open the " + describe(socket) + ": " + error.what() +
                            "; check the address, port, path and certificate files");
    }
    listener->accept();
    listeners.push_back(std::move(listener));
    log::info("CTRL_CHANNEL_OPEN", "opened the {}", describe(socket));
  }
  return {};
}

Result<void, std::string> ControlServer::configure(
    const std::vector<config::ControlSocketConfig>& sockets) {
  return impl_->runOnControlThread([this, &sockets]() -> Result<void, std::string> {
    impl_->closeAll();
    auto opened = impl_->openAll(sockets);
    if (opened) {
      impl_->open_sockets = sockets;
      return {};
    }
    // Keep the daemon reachable: an operator who sent a configuration whose channels cannot
    // open must still be able to send a corrected one.
    if (impl_->open_sockets.empty() || !impl_->openAll(impl_->open_sockets)) {
      impl_->open_sockets.clear();
      return makeUnexpected(opened.error());
    }
    return makeUnexpected(opened.error() + "; the previous control channels stay open");
  });
}

void ControlServer::setProbes(Probes probes) {
  impl_->runOnControlThread([this, &probes] { impl_->probes = std::move(probes); });
}

void ControlServer::stop() {
  std::lock_guard lock(impl_->stop_mutex);
  if (!impl_->thread.joinable()) {
    return;
  }
  asio::post(impl_->io, [impl = impl_.get()] { impl->closeAll(); });
  impl_->work.reset();
  // Sessions still open are ended by stopping the loop; their sockets close with them.
  asio::post(impl_->io, [impl = impl_.get()] { impl->io.stop(); });
  if (impl_->thread.get_id() == std::this_thread::get_id()) {
    impl_->thread.detach();
  } else {
    impl_->thread.join();
  }
}

std::vector<uint16_t> ControlServer::httpPorts() const {
  return impl_->runOnControlThread([this] {
    std::vector<uint16_t> ports;
    for (const auto& listener : impl_->listeners) {
      if (listener->isHttp()) {
        ports.push_back(listener->port());
      }
    }
    return ports;
  });
}

const ChannelCounters& ControlServer::counters() const { return impl_->counters; }

}  // namespace leasehold::control
