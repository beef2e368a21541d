// leasehold-dhcp4: the DHCPv4 server. Takes kea-dhcp4's command line.
#include <iostream>

#include "backends/lease_store_registry.h"
#include "backends/memfile/memfile_lease_store.h"
#include "server/daemon/command_line.h"
#include "server/daemon/logging.h"
#include "server/dhcp4/daemon4.h"

int main(int argc, char** argv) {
  using leasehold::daemon::CommandLine;
  constexpr const char* kProgram = "leasehold-dhcp4";

  auto command_line = leasehold::daemon::parseCommandLine(argc, argv);
  if (!command_line) {
    std::cerr << kProgram << ": " << command_line.error() << "\n"
              << leasehold::daemon::usage(kProgram);
    return 1;
  }
  switch (command_line->mode) {
    case CommandLine::Mode::kVersion:
      std::cout << leasehold::daemon::versionText() << "\n";
      return 0;
    case CommandLine::Mode::kExtendedVersion:
    case CommandLine::Mode::kBuildReport:
      std::cout << leasehold::daemon::extendedVersionText(kProgram);
      return 0;
    default:
      break;
  }

  leasehold::LeaseStoreRegistry stores;
  leasehold::registerMemfileLeaseStore(stores);

  leasehold::daemon::configureBootstrapLogging(command_line->debug);
  if (command_line->mode == CommandLine::Mode::kCheck) {
    auto config = leasehold::dhcp4::Daemon4::loadConfig(command_line->config_file, *command_line,
                                                        stores);
    if (!config) {
      std::cerr << "Error checking " << command_line->config_file << ": " << config.error()
                << "\n";
      return 1;
    }
    std::cout << "Syntax check OK\n";
    return 0;
  }

  leasehold::dhcp4::Daemon4 daemon(*command_line, stores);
  return daemon.run();
}
