#include "server/daemon/command_line.h"

#include <boost/version.hpp>
#include <nlohmann/json.hpp>
#include <openssl/opensslv.h>
#include <spdlog/version.h>

#include <charconv>

namespace leasehold::daemon {

namespace {

Result<uint16_t, std::string> parsePort(std::string_view flag, std::string_view text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return makeUnexpected("invalid port \"" + std::string(text) + "\" for " + std::string(flag) +
                          ": expected a number from 1 to 65535");
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

Result<CommandLine, std::string> parseCommandLine(int argc, char** argv) {
  CommandLine line;
  bool have_mode = false;
  auto setMode = [&](CommandLine::Mode mode) { line.mode = mode; have_mode = true; };

  for (int i = 1; i < argc; ++i) {
    const std::string_view argument = argv[i];
    auto value = [&]() -> Result<std::string_view, std::string> {
      if (i + 1 >= argc) {
        return makeUnexpected("option " + std::string(argument) + " requires a value");
      }
      return std::string_view(argv[++i]);
    };
    if (argument == "-c" || argument == "-t") {
      auto file = value();
      if (!file) {
        return makeUnexpected(file.error());
      }
      line.config_file = std::string(*file);
      setMode(argument == "-c" ? CommandLine::Mode::kRun : CommandLine::Mode::kCheck);
    } else if (argument == "-v") {
      setMode(CommandLine::Mode::kVersion);
    } else if (argument == "-V") {
      setMode(CommandLine::Mode::kExtendedVersion);
    } else if (argument == "-W") {
      setMode(CommandLine::Mode::kBuildReport);
    } else if (argument == "-d") {
      line.debug = true;
    } else if (argument == "-p" || argument == "-P") {
      auto text = value();
      if (!text) {
        return makeUnexpected(text.error());
      }
      auto port = parsePort(argument, *text);
      if (!port) {
        return makeUnexpected(port.error());
      }
      (argument == "-p" ? line.server_port : line.client_port) = *port;
    } else {
      return makeUnexpected("unknown option \"" + std::string(argument) + "\"");
    }
  }
  if (!have_mode || ((line.mode == CommandLine::Mode::kRun ||
                      line.mode == CommandLine::Mode::kCheck) &&
                     line.config_file.empty())) {
    return makeUnexpected("a configuration file is required (-c FILE or -t FILE)");
  }
  return line;
}

std::string usage(std::string_view program) {
  const std::string name(program);
  return "Usage: " + name + " -[v|V|W] [-d] [-{c|t} FILE] [-p PORT] [-P PORT]\n"
         "  -v       print the version and exit\n"
         "  -V       print the extended version and exit\n"
         "  -W       print the build report and exit\n"
         "  -d       debug logging\n"
         "  -c FILE  run with the Kea-format configuration FILE\n"
         "  -t FILE  check the configuration FILE and exit: 0 valid, 1 invalid\n"
         "  -p PORT  listen on server port PORT instead of the standard one (for testing)\n"
         "  -P PORT  send to client port PORT instead of the standard one (for testing)\n";
}

std::string versionText() { return LEASEHOLD_VERSION; }

std::string extendedVersionText(std::string_view program) {
  std::string text = versionText() + "\n";
  text += std::string(program) + " (Leasehold)\n";
  text += "linked with:\n";
  text += "Boost " + std::to_string(BOOST_VERSION / 100000) + "." +
          std::to_string(BOOST_VERSION / 100 % 1000) + "." + std::to_string(BOOST_VERSION % 100) +
          "\n";
  text += std::string(OPENSSL_VERSION_TEXT) + "\n";
  text += "spdlog " + std::to_string(SPDLOG_VER_MAJOR) + "." + std::to_string(SPDLOG_VER_MINOR) +
          "." + std::to_string(SPDLOG_VER_PATCH) + "\n";
  text += "nlohmann/json " + std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
          std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
          std::to_string(NLOHMANN_JSON_VERSION_PATCH) + "\n";
  text += "lease databases: memfile, postgresql, mysql\n";
  return text;
}

}  // namespace leasehold::daemon
