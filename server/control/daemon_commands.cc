#include "server/control/daemon_commands.h"

#include <fstream>
#include <sstream>

#include <boost/version.hpp>
#include <openssl/evp.h>
#include <openssl/opensslv.h>

#include "server/control/config_secrets.h"
#include "server/control/lease_commands.h"
#include "server/control/statistic_commands.h"

namespace leasehold::control {

namespace {

std::string_view rootKey(Family family) { return family == Family::kV4 ? "Dhcp4" : "Dhcp6"; }
std::string_view serviceName(Family family) {
  return family == Family::kV4 ? "DHCPv4" : "DHCPv6";
}

std::string libraryVersions() {
  std::ostringstream text;
  text << "linked with:\n"
       << "Boost " << BOOST_LIB_VERSION << "\n"
       << OPENSSL_VERSION_TEXT << "\n"
       << "nlohmann-json " << NLOHMANN_JSON_VERSION_MAJOR << "." << NLOHMANN_JSON_VERSION_MINOR
       << "." << NLOHMANN_JSON_VERSION_PATCH;
  return text.str();
}


// Returns the running configuration, or null before one is loaded.
Json runningConfigJson(const ControlContext& context) {
  try {
    return currentConfigJson(context);
  } catch (const CommandError&) {
    return Json();
  }
}

// Checks config-test and config-set arguments: {"Dhcp4": {...}} for the DHCPv4 daemon.
// Returns them with each redacted password put back from the running configuration.
Json requireConfigArguments(const ControlContext& context, const Json& arguments) {
  if (!arguments.is_object()) {
    throw CommandError("Missing mandatory 'arguments' parameter.");
  }
  const std::string key(rootKey(context.family));
  if (!arguments.contains(key)) {
    throw CommandError("Missing mandatory '" + key + "' parameter.");
  }
  Json restored = arguments;
  restoreSecrets(restored, runningConfigJson(context));
  return restored;
}

Json configWrite(ControlContext& context, const Json& arguments) {
  std::string filename = context.config.file().string();
  if (arguments.is_object() && arguments.contains("filename")) {
    if (!arguments["filename"].is_string()) {
      throw CommandError("passed parameter 'filename' is not a string");
    }
    filename = arguments["filename"].get<std::string>();
  }
  if (filename.empty()) {
    throw CommandError("Unable to determine filename. Please specify valid filename in the "
                       "'filename' parameter.");
  }

  const std::string text = currentConfigJson(context).dump(4) + "\n";
  std::ofstream file(filename, std::ios::binary | std::ios::trunc);
  if (!file) {
    // Kea's text, missing space included, so scripts that match it keep working.
    throw CommandError("Error during write-config:Unable to open file " + filename +
                       " for writing");
  }
  file << text;
  file.close();
  if (!file) {
    throw CommandError("Error during write-config:Unable to write file " + filename);
  }
  return makeAnswer(ResultCode::kSuccess, "Configuration written to " + filename + " successful",
                    Json{{"filename", filename}, {"size", text.size()}});
}

Json dhcpDisable(ControlContext& context, const Json& arguments) {
  std::optional<std::chrono::seconds> max_period;
  std::string origin = "user";
  if (!arguments.is_null()) {
    if (!arguments.is_object()) {
      throw CommandError("arguments for the 'dhcp-disable' command must be a map");
    }
    if (const auto period = arguments.find("max-period"); period != arguments.end()) {
      if (!period->is_number_integer()) {
        throw CommandError("'max-period' argument must be a number");
      }
      if (period->get<int64_t>() <= 0) {
        throw CommandError("'max-period' must be positive integer");
      }
      max_period = std::chrono::seconds(period->get<int64_t>());
    }
    if (const auto value = arguments.find("origin"); value != arguments.end()) {
      if (!value->is_string() && !isUnsignedInteger(*value, UINT32_MAX)) {
        throw CommandError("'origin' argument must be a string or a number");
      }
      origin = value->is_string() ? value->get<std::string>() : value->dump();
    }
  }
  context.actions.disableService(max_period, origin);
  std::string text = std::string(serviceName(context.family)) + " service disabled";
  if (max_period) {
    text += " for " + std::to_string(max_period->count()) + " seconds";
  }
  return makeAnswer(ResultCode::kSuccess, text);
}

Json dhcpEnable(ControlContext& context, const Json& arguments) {
  std::string origin = "user";
  if (!arguments.is_null()) {
    if (!arguments.is_object()) {
      throw CommandError("arguments for the 'dhcp-enable' command must be a map");
    }
    if (const auto value = arguments.find("origin"); value != arguments.end()) {
      if (!value->is_string() && !isUnsignedInteger(*value, UINT32_MAX)) {
        throw CommandError("'origin' argument must be a string or a number");
      }
      origin = value->is_string() ? value->get<std::string>() : value->dump();
    }
  }
  context.actions.enableService(origin);
  return makeAnswer(ResultCode::kSuccess, "DHCP service successfully enabled");
}

Json statusGet(ControlContext& context) {
  const DaemonStatus status = context.actions.status();
  Json arguments = {{"pid", status.pid},
                    {"uptime", status.uptime.count()},
                    {"reload", status.since_reload.count()},
                    {"multi-threading-enabled", status.multi_threading}};
  if (status.multi_threading) {
    arguments["thread-pool-size"] = status.thread_pool_size;
    arguments["packet-queue-size"] = status.packet_queue_size;
    // NOTE: queue statistics (average depth over 10, 100 and 1000 packets) are not measured
    // yet, so zeros are reported in Kea's shape.
    arguments["packet-queue-statistics"] = Json::array({0.0, 0.0, 0.0});
  }
  Json sockets = Json::object();
  switch (status.sockets.state) {
    case SocketStatus::State::kReady:
      sockets["status"] = "ready";
      break;
    case SocketStatus::State::kRetrying:
      sockets["status"] = "retrying";
      break;
    case SocketStatus::State::kFailed:
      sockets["status"] = "failed";
      break;
  }
  if (!status.sockets.errors.empty()) {
    sockets["errors"] = status.sockets.errors;
  }
  arguments["sockets"] = std::move(sockets);
  return makeAnswerWithoutText(ResultCode::kSuccess, std::move(arguments));
}

Json actionAnswer(const ActionResult& result, std::string_view success_text,
                  std::string_view failure_prefix) {
  if (!result) {
    throw CommandError(std::string(failure_prefix) + result.error().message);
  }
  return makeAnswer(ResultCode::kSuccess, success_text);
}

}  // namespace

std::string buildReport() {
  std::ostringstream text;
  text << "Leasehold build report\n"
       << "  Version:        " << LEASEHOLD_VERSION << "\n"
       << "  C++ compiler:   " << __VERSION__ << "\n"
       << "  C++ standard:   " << __cplusplus << "\n"
#ifdef NDEBUG
       << "  Assertions:     off\n"
#else
       << "  Assertions:     on\n"
#endif
       << "  " << libraryVersions();
  return text.str();
}

Json currentConfigJson(const ControlContext& context) {
  Json source;
  if (context.family == Family::kV4) {
    if (const auto config = context.config.current4()) {
      source = config->source;
    }
  } else if (const auto config = context.config.current6()) {
    source = config->source;
  }
  if (source.is_null()) {
    throw CommandError("no configuration is loaded");
  }
  return Json{{std::string(rootKey(context.family)), std::move(source)}};
}

std::string configHash(const Json& config) {
  const std::string text = config.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw CommandError("failed to compute the SHA-256 digest of the configuration");
  }
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kDigits[digest[i] >> 4]);
    hex.push_back(kDigits[digest[i] & 0x0f]);
  }
  return hex;
}

void registerDaemonCommands(CommandRegistry& registry, ControlContext& context) {
  registry.add("build-report",
               [](const Json&) { return makeAnswer(ResultCode::kSuccess, buildReport()); });
  registry.add("version-get", [](const Json&) {
    const std::string extended = std::string(LEASEHOLD_VERSION) + "\n" + libraryVersions();
    return makeAnswer(ResultCode::kSuccess, LEASEHOLD_VERSION, Json{{"extended", extended}});
  });
  registry.add("list-commands", [&registry](const Json&) {
    return makeAnswerWithoutText(ResultCode::kSuccess, Json(registry.names()));
  });

  registry.add("config-get", [&context](const Json&) {
    // The hash covers the running configuration, passwords included, so that it matches
    // config-hash-get; the answer itself carries no password.
    const Json running = currentConfigJson(context);
    Json config = redactSecrets(running);
    config["hash"] = configHash(running);
    return makeAnswerWithoutText(ResultCode::kSuccess, std::move(config));
  });
  registry.add("config-hash-get", [&context](const Json&) {
    return makeAnswerWithoutText(ResultCode::kSuccess,
                                 Json{{"hash", configHash(currentConfigJson(context))}});
  });
  registry.add("config-test", [&context](const Json& arguments) {
    const ActionResult result =
        context.actions.testConfig(requireConfigArguments(context, arguments));
    return actionAnswer(result,
                        "Configuration seems sane. Control-socket, hook-libraries, and D2 "
                        "configuration were sanity checked, but not applied.",
                        "");
  });
  registry.add("config-set", [&context](const Json& arguments) {
    const ActionResult result =
        context.actions.applyConfig(requireConfigArguments(context, arguments));
    actionAnswer(result, "", "");
    return makeAnswer(ResultCode::kSuccess, "Configuration successful.",
                      Json{{"hash", configHash(currentConfigJson(context))}});
  });
  registry.add("config-write",
               [&context](const Json& arguments) { return configWrite(context, arguments); });
  registry.add("config-reload", [&context](const Json&) {
    return actionAnswer(context.actions.reloadConfig(), "Configuration successful.",
                        "Config reload failed: ");
  });

  registry.add("shutdown", [&context](const Json& arguments) {
    int exit_value = 0;
    if (arguments.is_object() && arguments.contains("exit-value")) {
      const Json& value = arguments["exit-value"];
      if (!value.is_number_integer()) {
        throw CommandError("parameter 'exit-value' is not an integer");
      }
      exit_value = value.get<int>();
    }
    context.actions.requestShutdown(exit_value);
    return makeAnswer(ResultCode::kSuccess, "Shutting down.");
  });
  registry.add("dhcp-disable",
               [&context](const Json& arguments) { return dhcpDisable(context, arguments); });
  registry.add("dhcp-enable",
               [&context](const Json& arguments) { return dhcpEnable(context, arguments); });
  registry.add("leases-reclaim", [&context](const Json& arguments) {
    if (!arguments.is_object() || !arguments.contains("remove")) {
      throw CommandError("Missing mandatory 'remove' parameter.");
    }
    if (!arguments["remove"].is_boolean()) {
      throw CommandError("'remove' parameter expected to be a boolean.");
    }
    return actionAnswer(context.actions.reclaimExpiredLeases(arguments["remove"].get<bool>()),
                        "Reclamation of expired leases is complete.", "");
  });
  registry.add("libreload", [&context](const Json&) {
    return actionAnswer(context.actions.reloadHooks(), "Hooks libraries successfully reloaded.",
                        "");
  });
  registry.add("status-get", [&context](const Json&) { return statusGet(context); });
}

void registerControlCommands(CommandRegistry& registry, ControlContext& context) {
  registerDaemonCommands(registry, context);
  registerStatisticCommands(registry, context.stats);
  registerStatLeaseCommands(registry, context);
  registerLeaseCommands(registry, context);
}

}  // namespace leasehold::control
