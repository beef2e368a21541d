// The commands built into every Kea daemon that Leasehold's daemons serve: build-report,
// version-get, list-commands, config-get, config-hash-get, config-test, config-set,
// config-write, config-reload, shutdown, dhcp-disable, dhcp-enable, leases-reclaim,
// libreload and status-get. The daemon's own work is delegated to DaemonActions.
#pragma once

#include <string>

#include "server/control/command_registry.h"
#include "server/control/control_context.h"

namespace leasehold::control {

// Registers the commands above. list-commands reports whatever `registry` holds when it runs.
void registerDaemonCommands(CommandRegistry& registry, ControlContext& context);

// Registers every command the control plane serves for `context.family`: the daemon
// commands, the statistic commands, stat-lease*-get and the lease commands.
void registerControlCommands(CommandRegistry& registry, ControlContext& context);

// Returns the build report: version, compiler, C++ standard, assertions and library versions.
// The build-report command returns it, and -W prints it, as Kea's daemons do with their
// configure report.
std::string buildReport();

// Returns {"Dhcp4": source} or {"Dhcp6": source} for the current configuration.
Json currentConfigJson(const ControlContext& context);
// Returns the SHA-256 digest of a configuration's compact JSON text as uppercase hex.
std::string configHash(const Json& config);

}  // namespace leasehold::control
