#include "server/control/lease_arguments.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <limits>
#include <optional>

namespace leasehold::control {

namespace {

// Typed argument lookups with the texts of Kea's parameter parser.
const Json* findArgument(const Json& arguments, std::string_view name) {
  const auto found = arguments.find(name);
  return found == arguments.end() ? nullptr : &*found;
}

[[noreturn]] void throwMissing(std::string_view name) {
  throw CommandError("missing parameter '" + std::string(name) + "'");
}

[[noreturn]] void throwWrongType(std::string_view name) {
  throw CommandError("invalid type specified for parameter '" + std::string(name) + "'");
}

std::optional<std::string> optionalString(const Json& arguments, std::string_view name) {
  const Json* value = findArgument(arguments, name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_string()) {
    throwWrongType(name);
  }
  return value->get<std::string>();
}

std::string requiredString(const Json& arguments, std::string_view name) {
  auto value = optionalString(arguments, name);
  if (!value) {
    throwMissing(name);
  }
  return *value;
}

std::optional<int64_t> optionalInteger(const Json& arguments, std::string_view name) {
  const Json* value = findArgument(arguments, name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_number_integer()) {
    throwWrongType(name);
  }
  return value->get<int64_t>();
}

std::optional<uint32_t> optionalUint32(const Json& arguments, std::string_view name) {
  const auto value = optionalInteger(arguments, name);
  if (!value) {
    return std::nullopt;
  }
  if (*value < 0 || *value > std::numeric_limits<uint32_t>::max()) {
    throw CommandError("The '" + std::string(name) + "' value (" + std::to_string(*value) +
                       ") is not within expected range: (0 - 4294967295)");
  }
  return static_cast<uint32_t>(*value);
}

std::optional<bool> optionalBool(const Json& arguments, std::string_view name) {
  const Json* value = findArgument(arguments, name);
  if (value == nullptr) {
    return std::nullopt;
  }
  if (!value->is_boolean()) {
    throwWrongType(name);
  }
  return value->get<bool>();
}

std::string toLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Fields that lease4 and lease6 arguments share, parsed after the family-specific ones.
struct CommonFields {
  std::chrono::seconds valid_lifetime{0};
  UnixTime cltt{};
  bool fqdn_fwd = false;
  bool fqdn_rev = false;
  std::string hostname;
  LeaseState state = LeaseState::kDefault;
  std::string user_context;
  bool force_create = false;
};

CommonFields parseCommonFields(const Json& arguments, std::chrono::seconds default_valid,
                               const std::string& address_text, UnixTime now) {
  CommonFields fields;
  fields.valid_lifetime = default_valid;
  if (const auto valid = optionalUint32(arguments, "valid-lft")) {
    fields.valid_lifetime = std::chrono::seconds(*valid);
  }

  // "expire" fixes the client last transaction time as expire - valid-lft.
  fields.cltt = now;
  if (const auto expire = optionalInteger(arguments, "expire")) {
    if (*expire <= 0) {
      throw CommandError("expiration time must be positive for address " + address_text);
    }
    if (*expire < fields.valid_lifetime.count()) {
      throw CommandError("expiration time must be greater than valid lifetime for address " +
                         address_text);
    }
    fields.cltt = UnixTime(std::chrono::seconds(*expire) - fields.valid_lifetime);
  }

  fields.fqdn_fwd = optionalBool(arguments, "fqdn-fwd").value_or(false);
  fields.fqdn_rev = optionalBool(arguments, "fqdn-rev").value_or(false);
  fields.hostname = toLower(optionalString(arguments, "hostname").value_or(""));
  if (fields.hostname.empty() && (fields.fqdn_fwd || fields.fqdn_rev)) {
    throw CommandError(
        "No hostname specified and either forward or reverse fqdn was set to true.");
  }

  if (const auto state = optionalInteger(arguments, "state")) {
    if (*state < 0 || *state > 2) {
      throw CommandError("Invalid state value: " + std::to_string(*state) +
                         ", supported values are: 0 (default), 1 (declined) and 2 "
                         "(expired-reclaimed)");
    }
    fields.state = static_cast<LeaseState>(*state);
  }

  if (const Json* context = findArgument(arguments, "user-context")) {
    if (!context->is_object()) {
      throw CommandError("Invalid user context '" + context->dump() + "' is not a JSON map.");
    }
    fields.user_context = context->dump();
  }

  fields.force_create = optionalBool(arguments, "force-create").value_or(false);
  return fields;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

// Resolves the lease's subnet from "subnet-id" or, when it is absent or 0, from the address.
template <typename Config, typename Address>
const auto& resolveSubnet(const Config& config, std::optional<uint32_t> subnet_id,
                          const Address& address, std::string_view family_name) {
  if (!subnet_id || *subnet_id == 0) {
    const auto* subnet = findSubnetFor(config, address);
    if (subnet == nullptr) {
      throw CommandError("subnet-id not specified and failed to find a subnet for address " +
                         address.toString());
    }
    return *subnet;
  }
  const auto* subnet = findSubnetById(config, *subnet_id);
  if (subnet == nullptr) {
    throw CommandError("Invalid subnet-id: No " + std::string(family_name) +
                       " subnet with subnet-id=" + std::to_string(*subnet_id) +
                       " currently configured.");
  }
  if (!subnet->prefix.contains(address)) {
    throw CommandError("The address " + address.toString() + " does not belong to subnet " +
                       subnet->prefix.toString() + ", subnet-id=" + std::to_string(*subnet_id));
  }
  return *subnet;
}

}  // namespace

std::string_view leaseTypeName(LeaseType type) {
  switch (type) {
    case LeaseType::kTa:
      return "IA_TA";
    case LeaseType::kPd:
      return "IA_PD";
    case LeaseType::kNa:
      break;
  }
  return "IA_NA";
}

LeaseType parseLeaseType(const std::string& text) {
  if (text == "IA_NA") {
    return LeaseType::kNa;
  }
  if (text == "IA_TA") {
    return LeaseType::kTa;
  }
  if (text == "IA_PD") {
    return LeaseType::kPd;
  }
  throw CommandError("Incorrect lease type: " + text +
                     ", the only supported values are: na, ta and pd");
}

Json leaseToJson(const Lease4& lease) {
  Json json = Json::object();
  if (!lease.client_id.empty()) {
    json["client-id"] = toHexColon(lease.client_id);
  }
  json["cltt"] = lease.cltt.time_since_epoch().count();
  json["fqdn-fwd"] = lease.fqdn_fwd;
  json["fqdn-rev"] = lease.fqdn_rev;
  json["hostname"] = lease.hostname;
  json["hw-address"] = lease.hwaddr.toString();
  json["ip-address"] = lease.address.toString();
  json["state"] = static_cast<uint32_t>(lease.state);
  json["subnet-id"] = lease.subnet_id;
  if (!lease.user_context.empty()) {
    json["user-context"] = Json::parse(lease.user_context, nullptr, false);
  }
  json["valid-lft"] = lease.valid_lifetime.count();
  return json;
}

Json leaseToJson(const Lease6& lease) {
  Json json = Json::object();
  json["cltt"] = lease.cltt.time_since_epoch().count();
  json["duid"] = toHexColon(lease.duid);
  json["fqdn-fwd"] = lease.fqdn_fwd;
  json["fqdn-rev"] = lease.fqdn_rev;
  json["hostname"] = lease.hostname;
  if (!lease.hwaddr.empty()) {
    json["hw-address"] = lease.hwaddr.toString();
  }
  json["iaid"] = lease.iaid;
  json["ip-address"] = lease.address.toString();
  json["preferred-lft"] = lease.preferred_lifetime.count();
  if (lease.type == LeaseType::kPd) {
    json["prefix-len"] = lease.prefix_length;
  }
  json["state"] = static_cast<uint32_t>(lease.state);
  json["subnet-id"] = lease.subnet_id;
  json["type"] = std::string(leaseTypeName(lease.type));
  if (!lease.user_context.empty()) {
    json["user-context"] = Json::parse(lease.user_context, nullptr, false);
  }
  json["valid-lft"] = lease.valid_lifetime.count();
  return json;
}

IPv4Address parseIPv4Argument(const std::string& text) {
  if (const auto address = IPv4Address::parse(text)) {
    return *address;
  }
  if (IPv6Address::parse(text)) {
    throw CommandError("Non-IPv4 address specified: " + text);
  }
  throw CommandError("Failed to convert string to address '" + text + "': Invalid argument");
}

IPv6Address parseIPv6Argument(const std::string& text) {
  if (const auto address = IPv6Address::parse(text)) {
    return *address;
  }
  if (IPv4Address::parse(text)) {
    throw CommandError("Non-IPv6 address specified: " + text);
  }
  throw CommandError("Failed to convert string to address '" + text + "': Invalid argument");
}

HwAddr parseHwAddrArgument(const std::string& text) {
  if (auto hwaddr = HwAddr::parse(text)) {
    return *hwaddr;
  }
  for (char c : text) {
    if (c != ':' && c != '-' && hexValue(c) < 0) {
      throw CommandError(std::string("'") + c +
                         "' is not a valid hexadecimal digit in decoded string '" + text + "'");
    }
  }
  throw CommandError("invalid hardware address '" + text +
                     "': expected hexadecimal bytes separated by ':'");
}

std::vector<uint8_t> parseIdentifierArgument(const std::string& text) {
  auto bytes = parseHex(text);
  if (!bytes || bytes->empty()) {
    throw CommandError("'" + text + "' is not a valid string of hexadecimal digits");
  }
  return *bytes;
}

const config::Subnet4* findSubnetFor(const config::Dhcp4Config& config, IPv4Address address) {
  for (const auto& subnet : config.subnets) {
    if (subnet.prefix.contains(address)) {
      return &subnet;
    }
  }
  return nullptr;
}

const config::Subnet6* findSubnetFor(const config::Dhcp6Config& config,
                                     const IPv6Address& address) {
  for (const auto& subnet : config.subnets) {
    if (subnet.prefix.contains(address)) {
      return &subnet;
    }
  }
  return nullptr;
}

const config::Subnet4* findSubnetById(const config::Dhcp4Config& config, SubnetId id) {
  for (const auto& subnet : config.subnets) {
    if (subnet.id == id) {
      return &subnet;
    }
  }
  return nullptr;
}

const config::Subnet6* findSubnetById(const config::Dhcp6Config& config, SubnetId id) {
  for (const auto& subnet : config.subnets) {
    if (subnet.id == id) {
      return &subnet;
    }
  }
  return nullptr;
}

namespace {

// The lease-adding commands name the conversion that failed ahead of the address parser's
// own message, as Kea's lease parser does.
void requireSomeAddress(const std::string& text) {
  if (!IPv4Address::parse(text) && !IPv6Address::parse(text)) {
    throw CommandError("Failed to convert '" + text + "' to address: Failed to convert string "
                       "to address '" + text + "': Invalid argument");
  }
}

}  // namespace

ParsedLease4 parseLease4(const Json& arguments, const config::Dhcp4Config& config,
                         UnixTime now) {
  const std::string address_text = requiredString(arguments, "ip-address");
  requireSomeAddress(address_text);
  const IPv4Address address = parseIPv4Argument(address_text);
  const HwAddr hwaddr = parseHwAddrArgument(requiredString(arguments, "hw-address"));
  const auto subnet_id = optionalUint32(arguments, "subnet-id");
  const config::Subnet4& subnet = resolveSubnet(config, subnet_id, address, "IPv4");

  ParsedLease4 parsed;
  Lease4& lease = parsed.lease;
  lease.address = address;
  lease.hwaddr = hwaddr;
  lease.subnet_id = subnet.id;
  if (const auto client_id = optionalString(arguments, "client-id")) {
    lease.client_id = parseIdentifierArgument(*client_id);
  }

  const CommonFields common =
      parseCommonFields(arguments, subnet.valid_lifetime.value, address_text, now);
  lease.valid_lifetime = common.valid_lifetime;
  lease.cltt = common.cltt;
  lease.fqdn_fwd = common.fqdn_fwd;
  lease.fqdn_rev = common.fqdn_rev;
  lease.hostname = common.hostname;
  lease.state = common.state;
  lease.user_context = common.user_context;
  parsed.force_create = common.force_create;
  return parsed;
}

ParsedLease6 parseLease6(const Json& arguments, const config::Dhcp6Config& config,
                         UnixTime now) {
  const std::string address_text = requiredString(arguments, "ip-address");
  requireSomeAddress(address_text);
  const IPv6Address address = parseIPv6Argument(address_text);
  const LeaseType type = parseLeaseType(optionalString(arguments, "type").value_or("IA_NA"));

  uint8_t prefix_length = 128;
  if (type == LeaseType::kPd) {
    const auto length = optionalInteger(arguments, "prefix-len");
    if (!length) {
      throwMissing("prefix-len");
    }
    if (*length < 1 || *length > 128) {
      throw CommandError("Invalid prefix length " + std::to_string(*length) + " for prefix " +
                         address_text + ": expected 1 to 128");
    }
    prefix_length = static_cast<uint8_t>(*length);
    if (IPv6Prefix{address, prefix_length}.hasHostBits()) {
      throw CommandError("Invalid prefix " + address_text + "/" + std::to_string(*length) +
                         ": the bits after the prefix length must be zero");
    }
  }

  const auto subnet_id = optionalUint32(arguments, "subnet-id");
  if (type == LeaseType::kPd && subnet_id.value_or(0) == 0) {
    throw CommandError(
        "Subnet-id is 0 or not specified. This is allowed for address leases only, not prefix "
        "leases.");
  }
  const std::vector<uint8_t> duid = parseIdentifierArgument(requiredString(arguments, "duid"));
  const auto iaid = optionalUint32(arguments, "iaid");
  if (!iaid) {
    throwMissing("iaid");
  }
  // Delegated prefixes come from pd-pools that usually lie outside the subnet's own prefix,
  // so a prefix lease is checked only for a known subnet-id, as Kea 2.2 does.
  const config::Subnet6* pd_subnet =
      type == LeaseType::kPd ? findSubnetById(config, *subnet_id) : nullptr;
  if (type == LeaseType::kPd && pd_subnet == nullptr) {
    throw CommandError("Invalid subnet-id: No IPv6 subnet with subnet-id=" +
                       std::to_string(*subnet_id) + " currently configured.");
  }
  const config::Subnet6& subnet =
      pd_subnet != nullptr ? *pd_subnet : resolveSubnet(config, subnet_id, address, "IPv6");

  ParsedLease6 parsed;
  Lease6& lease = parsed.lease;
  lease.address = address;
  lease.type = type;
  lease.prefix_length = prefix_length;
  lease.duid = duid;
  lease.iaid = *iaid;
  lease.subnet_id = subnet.id;
  if (const auto hwaddr = optionalString(arguments, "hw-address")) {
    lease.hwaddr = parseHwAddrArgument(*hwaddr);
  }

  // NOTE: Kea 2.2 defaults preferred-lft to the subnet's valid lifetime, not its preferred
  // lifetime; Leasehold answers the same so that lease dumps compare equal.
  lease.preferred_lifetime = subnet.valid_lifetime.value;
  if (const auto preferred = optionalUint32(arguments, "preferred-lft")) {
    lease.preferred_lifetime = std::chrono::seconds(*preferred);
  }
  const CommonFields common =
      parseCommonFields(arguments, subnet.valid_lifetime.value, address_text, now);
  lease.valid_lifetime = common.valid_lifetime;
  lease.cltt = common.cltt;
  lease.fqdn_fwd = common.fqdn_fwd;
  lease.fqdn_rev = common.fqdn_rev;
  lease.hostname = common.hostname;
  lease.state = common.state;
  lease.user_context = common.user_context;
  parsed.force_create = common.force_create;
  return parsed;
}

}  // namespace leasehold::control
