// The DHCPv4 configuration: subnets, pools, shared networks and the DHCPv4-only globals.
#include <set>

#include "server/config/parse_internal.h"

namespace leasehold::config {

namespace {

using namespace detail;

struct Subnet4Context {
  const ParseState& state;
  NetworkParams inherited;  // global, then shared network
  const SharedNetwork4* network = nullptr;
  bool ip_reservations_unique = true;
};

Pool4 parsePool4(Section& section, const ParseState& state, const Subnet4& subnet) {
  Pool4 pool;
  parsePoolRange(section, subnet, pool);
  pool.options = parseOptionData(section, state);
  pool.client_classes = parseClassRestriction(section);
  pool.require_client_classes = parseAdditionalClasses(section);
  pool.pool_id = static_cast<uint32_t>(section.integer("pool-id", 0, 4294967295).value_or(0));
  pool.user_context = section.userContext();
  acceptDdnsParameters(section);
  section.finish();
  return pool;
}

void rejectDhcp4o6(Section& section) {
  for (const char* key : {"4o6-interface", "4o6-interface-id", "4o6-subnet"}) {
    if (section.string(key).value_or("").empty()) {
      continue;
    }
    section.failAt(key, "DHCPv4-over-DHCPv6 (RFC 7341) is not supported by Leasehold; remove " +
                            quote(key));
  }
}

Subnet4 parseSubnet4(Section& section, const Subnet4Context& context) {
  Subnet4 subnet;
  subnet.id = parseSubnetId(section);
  auto prefix_text = section.string("subnet");
  if (!prefix_text) {
    section.failAt("subnet", "missing subnet prefix");
  }
  auto prefix = IPv4Prefix::parse(*prefix_text);
  if (!prefix) {
    section.failAt("subnet", "invalid subnet " + quote(*prefix_text) +
                                 ": expected address/length, e.g. 192.0.2.0/24");
  }
  if (prefix->hasHostBits()) {
    section.failAt("subnet", "invalid subnet " + quote(*prefix_text) +
                                 ": bits are set beyond the prefix length; did you mean " +
                                 IPv4Prefix{prefix->first(), prefix->length}.toString() + "?");
  }
  subnet.prefix = *prefix;
  rejectDhcp4o6(section);

  // Scalar parameters: the subnet's own values over the inherited ones.
  const NetworkParams params = inheritParams(
      context.inherited, parseNetworkParams(section, Family::kV4, Level::kSubnet));
  applyNetworkParams(params, Family::kV4, section.path(), subnet);
  subnet.match_client_id = params.match_client_id.value_or(true);
  subnet.authoritative = params.authoritative.value_or(false);
  if (params.next_server && !params.next_server->isZero()) {
    subnet.next_server = params.next_server;
  }
  subnet.server_hostname = params.server_hostname.value_or("");
  subnet.boot_file_name = params.boot_file_name.value_or("");
  if (params.offer_lifetime) {
    subnet.offer_lifetime = seconds(*params.offer_lifetime);
  }

  const SharedNetwork4* network = context.network;
  subnet.shared_network = network != nullptr ? network->name : "";
  subnet.interface = inheritInterface(section, network != nullptr ? network->interface : "",
                                      subnet.shared_network);
  for (const std::string& text : parseRelayAddresses(section)) {
    auto address = IPv4Address::parse(text);
    if (!address) {
      section.failAt("relay", "invalid relay address " + quote(text));
    }
    subnet.relay_addresses.push_back(*address);
  }
  if (subnet.relay_addresses.empty() && network != nullptr) {
    subnet.relay_addresses = network->relay_addresses;
  }
  subnet.options = parseOptionData(section, context.state);
  subnet.client_classes = parseClassRestriction(section);
  subnet.require_client_classes = parseAdditionalClasses(section);
  subnet.user_context = section.userContext();

  std::vector<NamedRange<IPv4Address>> ranges;
  for (Section& pool_section : objectList(section, "pools")) {
    subnet.pools.push_back(parsePool4(pool_section, context.state, subnet));
    ranges.push_back({subnet.pools.back().first, subnet.pools.back().last,
                      pool_section.pathOf("pool"), quote(*pool_section.string("pool"))});
  }
  checkNoOverlap(ranges, "pool");

  for (Section& reservation : objectList(section, "reservations")) {
    subnet.reservations.push_back(parseReservation4(reservation, context.state));
  }
  validateReservations4(subnet.reservations, &subnet.prefix, subnet.id,
                        context.ip_reservations_unique, section.path());
  section.finish();
  return subnet;
}

SharedNetwork4 parseSharedNetworkHeader(Section& section, const ParseState& state) {
  SharedNetwork4 network;
  auto name = section.string("name");
  if (!name || name->empty()) {
    section.failAt("name", "missing shared network name");
  }
  network.name = *name;
  network.interface = section.string("interface").value_or("");
  for (const std::string& text : parseRelayAddresses(section)) {
    auto address = IPv4Address::parse(text);
    if (!address) {
      section.failAt("relay", "invalid relay address " + quote(text));
    }
    network.relay_addresses.push_back(*address);
  }
  network.options = parseOptionData(section, state);
  network.client_classes = parseClassRestriction(section);
  network.require_client_classes = parseAdditionalClasses(section);
  network.user_context = section.userContext();
  return network;
}

std::shared_ptr<const Dhcp4Config> buildDhcp4(const Json& root, const ParseContext& context) {
  auto config = std::make_shared<Dhcp4Config>();
  const Json& inner = selectDaemonObject(root, "Dhcp4");
  Section global(inner, "Dhcp4");
  config->source = inner;
  rejectUnsupportedGlobals(global, Family::kV4);

  config->option_definitions = parseOptionDefinitions(global, Family::kV4, nullptr);
  const ParseState state{Family::kV4, &context, &config->option_definitions};
  parseCommonGlobals(global, state, *config);

  const NetworkParams global_params = parseNetworkParams(global, Family::kV4, Level::kGlobal);
  resolveTriplet(global_params.valid, global_params.min_valid, global_params.max_valid, 7200,
                 "Dhcp4", "valid-lifetime");
  config->echo_client_id = global.boolean("echo-client-id").value_or(true);
  config->match_client_id = global_params.match_client_id.value_or(true);
  config->authoritative = global_params.authoritative.value_or(false);

  for (Section& reservation : objectList(global, "reservations")) {
    config->global_reservations.push_back(parseReservation4(reservation, state));
  }
  validateReservations4(config->global_reservations, nullptr, 0, config->ip_reservations_unique,
                        "Dhcp4");

  std::vector<std::string> subnet_paths;
  const Subnet4Context top_level{state, global_params, nullptr, config->ip_reservations_unique};
  for (Section& section : objectList(global, "subnet4")) {
    config->subnets.push_back(parseSubnet4(section, top_level));
    subnet_paths.push_back(section.path());
  }

  std::set<std::string> network_names;
  for (Section& section : objectList(global, "shared-networks")) {
    SharedNetwork4 network = parseSharedNetworkHeader(section, state);
    if (!network_names.insert(network.name).second) {
      section.failAt("name", "duplicate shared network name " + quote(network.name));
    }
    const NetworkParams params = inheritParams(
        global_params, parseNetworkParams(section, Family::kV4, Level::kSharedNetwork));
    resolveTriplet(params.valid, params.min_valid, params.max_valid, 7200, section.path(),
                   "valid-lifetime");
    const Subnet4Context member{state, params, &network, config->ip_reservations_unique};
    for (Section& subnet_section : objectList(section, "subnet4")) {
      config->subnets.push_back(parseSubnet4(subnet_section, member));
      subnet_paths.push_back(subnet_section.path());
      network.subnet_ids.push_back(config->subnets.back().id);
    }
    section.finish();
    config->shared_networks.push_back(std::move(network));
  }
  checkSubnets(config->subnets, subnet_paths);
  global.finish();
  return config;
}

}  // namespace

Result<std::shared_ptr<const Dhcp4Config>, ConfigError> parseDhcp4(const nlohmann::json& root,
                                                                   const ParseContext& context) {
  try {
    return buildDhcp4(root, context);
  } catch (const ConfigException& e) {
    return makeUnexpected(e.error());
  }
}

}  // namespace leasehold::config
