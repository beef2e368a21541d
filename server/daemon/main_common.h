// The body of main() shared by leasehold-dhcp4 and leasehold-dhcp6: the Kea command line,
// version output, configuration check (-t) and running the daemon (-c).
#pragma once

#include <iostream>

#include "backends/lease_store_registry.h"
#include "server/control/daemon_commands.h"
#include "server/daemon/command_line.h"
#include "server/daemon/daemon.h"
#include "server/daemon/logging.h"

namespace leasehold::daemon {

template <typename Family>
int runMain(int argc, char** argv, const LeaseStoreRegistry& stores) {
  auto command_line = parseCommandLine(argc, argv);
  if (!command_line) {
    std::cerr << Family::kProgram << ": " << command_line.error() << "\n"
              << usage(Family::kProgram);
    return 1;
  }
  switch (command_line->mode) {
    case CommandLine::Mode::kVersion:
      std::cout << versionText() << "\n";
      return 0;
    case CommandLine::Mode::kExtendedVersion:
      std::cout << extendedVersionText(Family::kProgram);
      return 0;
    case CommandLine::Mode::kBuildReport:
      std::cout << control::buildReport() << "\n";
      return 0;
    case CommandLine::Mode::kCheck: {
      configureBootstrapLogging(command_line->debug);
      auto config = Daemon<Family>::loadConfig(command_line->config_file, *command_line, stores);
      if (!config) {
        std::cerr << "Error checking " << command_line->config_file << ": " << config.error()
                  << "\n";
        return 1;
      }
      std::cout << "Syntax check OK\n";
      return 0;
    }
    case CommandLine::Mode::kRun:
      break;
  }
  configureBootstrapLogging(command_line->debug);
  Daemon<Family> daemon(*command_line, stores);
  return daemon.run();
}

}  // namespace leasehold::daemon
