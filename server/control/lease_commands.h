// The lease commands of Kea's lease_cmds hook library, built in: lease4-add, lease4-get,
// lease4-get-all, lease4-get-page, lease4-get-by-hw-address, lease4-get-by-client-id,
// lease4-get-by-hostname, lease4-update, lease4-del, lease4-wipe, and the lease6 family
// (lease6-get-by-duid in place of the hw-address and client-id lookups). A DHCPv4 daemon
// gets the lease4 commands and a DHCPv6 daemon the lease6 ones.
#pragma once

#include <functional>

#include "backends/lease.h"
#include "server/control/command_registry.h"
#include "server/control/control_context.h"

namespace leasehold::control {

// The clock that stamps leases added without "expire"; tests inject a fixed one.
using LeaseClock = std::function<UnixTime()>;
UnixTime systemLeaseClock();

// Registers the commands of `context.family`. `context` must outlive `registry`'s use.
void registerLeaseCommands(CommandRegistry& registry, ControlContext& context,
                           LeaseClock clock = systemLeaseClock);

}  // namespace leasehold::control
