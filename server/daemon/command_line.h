// The daemons' command line, which is kea-dhcp4's and kea-dhcp6's:
//   -c FILE  run with a configuration file      -t FILE  check a configuration file and exit
//   -v       print the version and exit          -V       print the extended version and exit
//   -W       print the build report and exit     -d       debug logging
//   -p PORT  server port (testing)               -P PORT  client port (testing)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "backends/result.h"

namespace leasehold::daemon {

struct CommandLine {
  enum class Mode { kRun, kCheck, kVersion, kExtendedVersion, kBuildReport };
  Mode mode = Mode::kRun;
  std::string config_file;
  bool debug = false;
  std::optional<uint16_t> server_port;
  std::optional<uint16_t> client_port;
};

// Parses argv. Errors are one line saying what is wrong; print usage() after it.
Result<CommandLine, std::string> parseCommandLine(int argc, char** argv);
std::string usage(std::string_view program);

// "0.1.0" and a multi-line report of versions of the libraries Leasehold was built with.
std::string versionText();
std::string extendedVersionText(std::string_view program);

}  // namespace leasehold::daemon
