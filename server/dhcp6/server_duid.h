// The DHCPv6 server's own DUID (RFC 8415 section 11), built from `server-id` and kept in a
// file so that it survives restarts, as clients remember which server gave them leases.
#pragma once

#include <string>
#include <vector>

#include "backends/result.h"
#include "server/config/model.h"
#include "server/net/interfaces.h"

namespace leasehold::dhcp6 {

// Returns the DUID to use. Explicit values in `config` win; otherwise a DUID stored in
// `file` with the configured type is reused; otherwise a new one is made from the first
// interface with a link-layer address (and the current time, for DUID-LLT) and, when
// config.persist is set, written to `file`. Errors name the file or the missing interface.
Result<std::vector<uint8_t>, std::string> loadOrCreateServerDuid(
    const config::ServerIdConfig& config, const std::string& file,
    const std::vector<net::NetworkInterface>& interfaces);

}  // namespace leasehold::dhcp6
