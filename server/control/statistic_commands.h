// The statistic-* commands over a StatsRegistry, and stat-lease4-get / stat-lease6-get (Kea's
// stat_cmds hook library, built in).
#pragma once

#include "server/control/command_registry.h"
#include "server/control/control_context.h"
#include "server/stats/stats.h"

namespace leasehold::control {

// `statistics` must outlive `registry`'s use.
void registerStatisticCommands(CommandRegistry& registry, stats::StatsRegistry& statistics);

// Registers stat-lease4-get (DHCPv4 daemon) or stat-lease6-get (DHCPv6 daemon). Rows come
// from LeaseStore::count() and the pool sizes of the current configuration; the cumulative
// columns from the subnet[N].cumulative-assigned-* statistics.
void registerStatLeaseCommands(CommandRegistry& registry, ControlContext& context);

}  // namespace leasehold::control
