// The server's connections to the outside: lease and host databases, loggers, control
// sockets and hook libraries.
#include <filesystem>

#include "server/config/parse_internal.h"

namespace leasehold::config::detail {

namespace {

constexpr int64_t kMaxUint32 = 4294967295;

void parseSqlSettings(Section& section, DatabaseConfig& database) {
  database.host = section.string("host").value_or(database.host);
  database.port = static_cast<uint16_t>(section.integer("port", 0, 65535).value_or(0));
  database.user = section.string("user").value_or("");
  database.password = section.string("password").value_or("");
  if (auto timeout = section.integer("connect-timeout", 0, kMaxUint32)) {
    database.connect_timeout = seconds(*timeout);
  }
  if (auto tries = section.integer("max-reconnect-tries", 0, kMaxUint32)) {
    database.max_reconnect_tries = static_cast<uint32_t>(*tries);
  }
  if (auto wait = section.integer("reconnect-wait-time", 0, kMaxUint32)) {
    database.reconnect_wait_time = std::chrono::milliseconds(*wait);
  }
  if (auto on_fail = section.string("on-fail")) {
    if (*on_fail != "stop-retry-exit" && *on_fail != "serve-retry-exit" &&
        *on_fail != "serve-retry-continue") {
      section.failAt("on-fail", "invalid value " + quote(*on_fail) +
                                    ": use stop-retry-exit, serve-retry-exit or "
                                    "serve-retry-continue");
    }
    database.on_fail = *on_fail;
  }
  database.retry_on_startup = section.boolean("retry-on-startup").value_or(false);
  database.trust_anchor = section.string("trust-anchor").value_or("");
  database.cert_file = section.string("cert-file").value_or("");
  database.key_file = section.string("key-file").value_or("");
  database.key_password = section.string("key-password").value_or("");
  database.cipher_list = section.string("cipher-list").value_or("");

  // Kea accepts each timeout only for the backend whose client library has it.
  const bool mysql = database.type == "mysql";
  for (const char* key : {"read-timeout", "write-timeout"}) {
    if (section.has(key) && !mysql) {
      section.failAt(key, std::string(key) + " applies only to mysql databases");
    }
  }
  for (const char* key : {"tcp-user-timeout", "ssl-mode"}) {
    if (section.has(key) && mysql) {
      section.failAt(key, std::string(key) + " applies only to postgresql databases");
    }
  }
  if (auto timeout = section.integer("read-timeout", 0, kMaxUint32)) {
    database.read_timeout = seconds(*timeout);
  }
  if (auto timeout = section.integer("write-timeout", 0, kMaxUint32)) {
    database.write_timeout = seconds(*timeout);
  }
  if (auto timeout = section.integer("tcp-user-timeout", 0, kMaxUint32)) {
    database.tcp_user_timeout = seconds(*timeout);
  }
  if (auto mode = section.string("ssl-mode")) {
    if (*mode != "disable" && *mode != "prefer" && *mode != "require" && *mode != "verify-ca" &&
        *mode != "verify-full") {
      section.failAt("ssl-mode", "invalid value " + quote(*mode) +
                                     ": use disable, prefer, require, verify-ca or verify-full");
    }
    database.ssl_mode = *mode;
  }
}

LoggerConfig parseLogger(Section section) {
  LoggerConfig logger;
  auto name = section.string("name");
  if (!name || name->empty()) {
    section.failAt("name", "missing logger name");
  }
  logger.name = *name;
  if (auto severity = section.string("severity")) {
    static constexpr std::string_view kSeverities[] = {"FATAL", "ERROR", "WARN",
                                                       "INFO",  "DEBUG", "NONE"};
    if (std::find(std::begin(kSeverities), std::end(kSeverities), *severity) ==
        std::end(kSeverities)) {
      section.failAt("severity", "invalid severity " + quote(*severity) +
                                     ": use FATAL, ERROR, WARN, INFO, DEBUG or NONE");
    }
    logger.severity = *severity;
  }
  logger.debuglevel = static_cast<int>(section.integer("debuglevel", 0, 99).value_or(0));

  // Kea 1.x spelled the list output_options.
  const char* list_key = section.has("output_options") ? "output_options" : "output-options";
  for (Section& output : objectList(section, list_key)) {
    auto destination = output.string("output");
    if (!destination || destination->empty()) {
      output.failAt("output", "missing output: use stdout, stderr, syslog[:name] or a file");
    }
    logger.outputs.push_back(*destination);
    // Rotation and layout belong to Kea's log4cplus backend; Leasehold's logger has its own.
    output.acceptWithoutEffect("flush", Kind::kBool);
    output.acceptWithoutEffect("maxsize", Kind::kInteger);
    output.acceptWithoutEffect("maxver", Kind::kInteger);
    output.acceptWithoutEffect("pattern", Kind::kString);
    output.finish();
  }
  section.finish();
  return logger;
}

std::string joinDirectory(const std::string& directory, const std::string& file) {
  if (directory.empty() || file.empty() || std::filesystem::path(file).is_absolute()) {
    return file;
  }
  return (std::filesystem::path(directory) / file).string();
}

void parseAuthentication(Section section, ControlSocketConfig& socket) {
  auto type = section.string("type");
  if (!type) {
    section.failAt("type", "missing authentication type: use \"basic\"");
  }
  if (*type != "basic") {
    section.failAt("type", "invalid authentication type " + quote(*type) + ": use \"basic\"");
  }
  socket.realm = section.string("realm").value_or("");
  const std::string directory = section.string("directory").value_or("");
  for (Section& client_section : objectList(section, "clients")) {
    ControlSocketConfig::Client client;
    client.user = client_section.string("user").value_or("");
    client.password = client_section.string("password").value_or("");
    client.user_file = joinDirectory(directory, client_section.string("user-file").value_or(""));
    client.password_file =
        joinDirectory(directory, client_section.string("password-file").value_or(""));
    if (client.user.find(':') != std::string::npos) {
      client_section.failAt("user", "invalid user " + quote(client.user) +
                                        ": a user id must not contain ':'");
    }
    if (client.user.empty() && client.user_file.empty() && client.password_file.empty()) {
      client_section.failAt("user", "missing user: set user, user-file or password-file");
    }
    client_section.finish();
    socket.clients.push_back(std::move(client));
  }
  section.finish();
}

ControlSocketConfig parseControlSocket(Section section) {
  ControlSocketConfig socket;
  const std::string type = section.string("socket-type").value_or("");
  if (type == "unix") {
    socket.type = ControlSocketConfig::Type::kUnix;
  } else if (type == "http") {
    socket.type = ControlSocketConfig::Type::kHttp;
  } else if (type == "https") {
    socket.type = ControlSocketConfig::Type::kHttps;
  } else {
    section.failAt("socket-type", (type.empty() ? std::string("missing socket type")
                                                : "invalid socket type " + quote(type)) +
                                      ": use unix, http or https");
  }

  if (socket.type == ControlSocketConfig::Type::kUnix) {
    auto name = section.string("socket-name");
    if (!name || name->empty()) {
      section.failAt("socket-name", "missing socket-name for a unix control socket");
    }
    socket.socket_name = *name;
    section.finish();
    return socket;
  }

  socket.socket_address = section.string("socket-address").value_or(socket.socket_address);
  socket.socket_port =
      static_cast<uint16_t>(section.integer("socket-port", 1, 65535).value_or(socket.socket_port));
  socket.trust_anchor = section.string("trust-anchor").value_or("");
  socket.cert_file = section.string("cert-file").value_or("");
  socket.key_file = section.string("key-file").value_or("");
  socket.cert_required = section.boolean("cert-required").value_or(true);
  // An http socket with TLS files serves HTTPS, as in Kea.
  if (!socket.cert_file.empty() || !socket.key_file.empty()) {
    socket.type = ControlSocketConfig::Type::kHttps;
  }
  if (socket.type == ControlSocketConfig::Type::kHttps &&
      (socket.cert_file.empty() || socket.key_file.empty())) {
    section.failAt("cert-file", "an https control socket needs cert-file and key-file");
  }
  if (auto authentication = section.object("authentication")) {
    parseAuthentication(*authentication, socket);
  }
  for (Section& header : objectList(section, "http-headers")) {
    auto name = header.string("name");
    auto value = header.string("value");
    if (!name || name->empty()) {
      header.failAt("name", "missing HTTP header name");
    }
    if (!value) {
      header.failAt("value", "missing HTTP header value");
    }
    header.finish();
    socket.http_headers.emplace_back(*name, *value);
  }
  section.finish();
  return socket;
}

// Hook libraries whose commands and features Leasehold has built in; listing one switches the
// feature on instead of loading a library.
struct BuiltInHook {
  std::string_view file;
  bool DhcpCommon::*flag;  // null when the library needs no flag
  bool commands_implemented = true;
};

constexpr BuiltInHook kBuiltInHooks[] = {
    {"libdhcp_lease_cmds.so", &DhcpCommon::lease_cmds_hook},
    {"libdhcp_stat_cmds.so", &DhcpCommon::stat_cmds_hook},
    {"libdhcp_host_cmds.so", nullptr, false},
    {"libdhcp_subnet_cmds.so", nullptr, false},
    {"libdhcp_class_cmds.so", nullptr, false},
    {"libdhcp_host_cache.so", nullptr},
    {"libdhcp_cb_cmds.so", nullptr},
    {"libdhcp_mysql.so", nullptr},
    {"libdhcp_pgsql.so", nullptr},
};

// Libraries that implement a feature Leasehold lacks, named so the error says which.
constexpr std::pair<std::string_view, std::string_view> kKnownUnsupportedHooks[] = {
    {"libdhcp_ha.so", "high availability"},
    {"libdhcp_radius.so", "RADIUS"},
    {"libdhcp_flex_id.so", "flexible identifiers"},
    {"libdhcp_flex_option.so", "flexible options"},
    {"libdhcp_rbac.so", "role-based access control"},
    {"libdhcp_legal_log.so", "forensic logging"},
    {"libdhcp_lease_query.so", "lease query"},
    {"libdhcp_run_script.so", "run script"},
    {"libdhcp_bootp.so", "BOOTP"},
    {"libdhcp_limits.so", "rate limiting"},
    {"libdhcp_ddns_tuning.so", "DDNS tuning"},
    {"libdhcp_ping_check.so", "ping check"},
    {"libdhcp_perfmon.so", "performance monitoring"},
};

}  // namespace

DatabaseConfig parseDatabase(Section section, Family family, const ParseContext& context,
                             bool lease_database) {
  DatabaseConfig database;
  database.family = family == Family::kV4 ? 4 : 6;
  database.data_dir = context.default_data_dir;
  auto type = section.string("type");
  if (!type) {
    section.failAt("type", "missing database type: use memfile, mysql or postgresql");
  }
  database.type = *type;
  const bool memfile = *type == "memfile";
  if (*type == "cql") {
    section.failAt("type", "Cassandra (cql) is not supported by Leasehold; use memfile, mysql "
                           "or postgresql");
  }
  if (!memfile && *type != "mysql" && *type != "postgresql") {
    section.failAt("type", "invalid database type " + quote(*type) +
                               ": use memfile, mysql or postgresql");
  }
  if (memfile && !lease_database) {
    section.failAt("type", "memfile cannot hold host reservations: use mysql or postgresql, "
                           "or put reservations in the configuration");
  }

  database.name = section.string("name").value_or("");
  if (!memfile && database.name.empty()) {
    section.failAt("name", "missing database name");
  }
  if (memfile) {
    database.persist = section.boolean("persist").value_or(true);
    if (auto interval = section.integer("lfc-interval", 0, kMaxUint32)) {
      database.lfc_interval = seconds(*interval);
    }
    if (auto errors = section.integer("max-row-errors", 0, kMaxUint32)) {
      database.max_row_errors = static_cast<uint32_t>(*errors);
    }
  } else {
    parseSqlSettings(section, database);
    if (!lease_database) {
      database.readonly = section.boolean("readonly").value_or(false);
    } else {
      // Kea's separate lease tables for extended info; Leasehold keeps it in the lease row.
      section.acceptWithoutEffect("extended-info-tables", Kind::kBool);
    }
  }
  section.finish();
  return database;
}

std::vector<LoggerConfig> parseLoggers(Section& global) {
  std::vector<LoggerConfig> loggers;
  for (Section& logger : objectList(global, "loggers")) {
    loggers.push_back(parseLogger(logger));
  }
  return loggers;
}

std::vector<ControlSocketConfig> parseControlSockets(Section& global) {
  if (global.has("control-socket") && global.has("control-sockets")) {
    global.failAt("control-socket", "use either control-socket or control-sockets, not both");
  }
  std::vector<ControlSocketConfig> sockets;
  if (auto single = global.object("control-socket")) {
    sockets.push_back(parseControlSocket(*single));
  }
  for (Section& socket : objectList(global, "control-sockets")) {
    sockets.push_back(parseControlSocket(socket));
  }
  return sockets;
}

void parseHooksLibraries(Section& global, DhcpCommon& config) {
  for (Section& entry : objectList(global, "hooks-libraries")) {
    auto library = entry.string("library");
    if (!library || library->empty()) {
      entry.failAt("library", "missing library file name");
    }
    const std::string file = std::filesystem::path(*library).filename().string();
    const BuiltInHook* built_in = nullptr;
    for (const BuiltInHook& hook : kBuiltInHooks) {
      if (hook.file == file) {
        built_in = &hook;
      }
    }
    if (built_in == nullptr) {
      std::string feature;
      for (const auto& [known_file, name] : kKnownUnsupportedHooks) {
        if (known_file == file) {
          feature = " (" + std::string(name) + ")";
        }
      }
      entry.failAt("library", "hook library " + quote(*library) + feature +
                                  " is not supported by Leasehold, which cannot load Kea hook "
                                  "libraries; remove this entry");
    }
    if (built_in->flag != nullptr) {
      config.*(built_in->flag) = true;
    }
    HookLibrary hook;
    hook.library = *library;
    hook.commands_implemented = built_in->commands_implemented;
    if (const Json* parameters = entry.get("parameters")) {
      if (!parameters->is_object()) {
        entry.failAt("parameters", "expected an object, got " + describe(*parameters));
      }
      hook.parameters = *parameters;
    }
    entry.finish();
    config.hooks_libraries.push_back(std::move(hook));
  }
}

}  // namespace leasehold::config::detail
