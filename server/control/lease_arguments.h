// Conversions between control-command JSON and lease records, with Kea's validation and
// Kea's error texts (lease_cmds hook library, Kea 2.2): lease4-add / lease6-add / *-update
// arguments into Lease4 / Lease6, and leases into Kea's JSON field names.
//
// Every function throws CommandError on invalid input; nothing is stored by these functions.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "backends/lease.h"
#include "server/config/model.h"
#include "server/control/answer.h"

namespace leasehold::control {

// Kea's JSON form of a lease, keys in Kea's (sorted) order.
Json leaseToJson(const Lease4& lease);
Json leaseToJson(const Lease6& lease);

// A lease built from lease4-add or lease4-update arguments.
struct ParsedLease4 {
  Lease4 lease;
  bool force_create = false;  // lease4-update's "force-create"
};
struct ParsedLease6 {
  Lease6 lease;
  bool force_create = false;
};

// Validates `arguments` against `config`: the subnet-id is derived from the address when
// missing, an address outside every subnet or outside the named subnet is rejected, and the
// client last transaction time is `now` unless "expire" is given.
ParsedLease4 parseLease4(const Json& arguments, const config::Dhcp4Config& config,
                         UnixTime now);
// As parseLease4; prefix leases (type IA_PD) need a subnet-id and a prefix without host bits.
ParsedLease6 parseLease6(const Json& arguments, const config::Dhcp6Config& config,
                         UnixTime now);

// Parses an address argument as Kea's lease commands do, with Kea's error texts.
IPv4Address parseIPv4Argument(const std::string& text);
IPv6Address parseIPv6Argument(const std::string& text);
// Parses a hw-address, client-id or DUID text.
HwAddr parseHwAddrArgument(const std::string& text);
std::vector<uint8_t> parseIdentifierArgument(const std::string& text);

// Kea's names for lease types ("IA_NA", "IA_TA", "IA_PD").
std::string_view leaseTypeName(LeaseType type);
// Parses a "type" argument; throws CommandError naming the accepted values.
LeaseType parseLeaseType(const std::string& text);

// Returns the subnet whose prefix contains `address`, or nullptr.
const config::Subnet4* findSubnetFor(const config::Dhcp4Config& config, IPv4Address address);
const config::Subnet6* findSubnetFor(const config::Dhcp6Config& config,
                                     const IPv6Address& address);
// Returns the subnet with `id`, or nullptr.
const config::Subnet4* findSubnetById(const config::Dhcp4Config& config, SubnetId id);
const config::Subnet6* findSubnetById(const config::Dhcp6Config& config, SubnetId id);

}  // namespace leasehold::control
