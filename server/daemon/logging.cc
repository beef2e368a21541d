#include "server/daemon/logging.h"

#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/sinks/syslog_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

namespace leasehold::daemon {

namespace {

spdlog::level::level_enum parseSeverity(std::string severity) {
  std::transform(severity.begin(), severity.end(), severity.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  if (severity == "DEBUG") {
    return spdlog::level::debug;
  }
  if (severity == "WARN") {
    return spdlog::level::warn;
  }
  if (severity == "ERROR") {
    return spdlog::level::err;
  }
  if (severity == "FATAL") {
    return spdlog::level::critical;
  }
  if (severity == "NONE") {
    return spdlog::level::off;
  }
  return spdlog::level::info;
}

bool loggerApplies(std::string_view logger, std::string_view daemon_name) {
  // Kea logger names: "kea-dhcp4" and children such as "kea-dhcp4.leases".
  const std::string_view family = daemon_name.substr(daemon_name.size() - 1);
  for (std::string_view name : {std::string_view("kea-dhcp"), std::string_view("leasehold-dhcp")}) {
    if (logger.starts_with(name) && logger.size() > name.size() &&
        logger.substr(name.size(), 1) == family &&
        (logger.size() == name.size() + 1 || logger[name.size() + 1] == '.')) {
      return true;
    }
  }
  return false;
}

}  // namespace

void configureBootstrapLogging(bool debug) {
  auto logger = std::make_shared<spdlog::logger>(
      "leasehold", std::make_shared<spdlog::sinks::stderr_sink_mt>());
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n/%t] %v");
  logger->set_level(debug ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void configureLogging(const std::vector<config::LoggerConfig>& loggers, bool debug,
                      std::string_view daemon_name) {
  std::vector<spdlog::sink_ptr> sinks;
  spdlog::level::level_enum level = spdlog::level::info;
  bool configured = false;
  std::vector<std::string> failures;

  for (const auto& logger : loggers) {
    if (!loggerApplies(logger.name, daemon_name)) {
      continue;
    }
    // The top-level logger decides the level; child loggers only add outputs.
    if (!configured || logger.name.find('.') == std::string::npos) {
      level = parseSeverity(logger.severity);
    }
    configured = true;
    for (const auto& output : logger.outputs) {
      if (output == "stdout") {
        sinks.push_back(std::make_shared<spdlog::sinks::stdout_sink_mt>());
      } else if (output == "stderr") {
        sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
      } else if (output == "syslog" || output.starts_with("syslog:")) {
        const std::string ident =
            output.size() > 7 ? output.substr(7) : std::string(daemon_name);
        sinks.push_back(std::make_shared<spdlog::sinks::syslog_sink_mt>(ident, 0, LOG_DAEMON, true));
      } else {
        try {
          sinks.push_back(std::make_shared<spdlog::sinks::basic_file_sink_mt>(output));
        } catch (const spdlog::spdlog_ex& error) {
          failures.push_back(output + ": " + error.what());
        }
      }
    }
  }
  if (sinks.empty()) {
    sinks.push_back(std::make_shared<spdlog::sinks::stderr_sink_mt>());
  }
  if (debug) {
    level = spdlog::level::debug;
  }

  auto logger = std::make_shared<spdlog::logger>(std::string(daemon_name), sinks.begin(),
                                                 sinks.end());
  logger->set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n/%t] %v");
  logger->set_level(level);
  logger->flush_on(spdlog::level::warn);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
  for (const auto& failure : failures) {
    spdlog::error("LOG_OUTPUT_FAILED cannot open log output {}; logging to the other outputs",
                  failure);
  }
}

}  // namespace leasehold::daemon
