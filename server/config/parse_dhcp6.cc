// The DHCPv6 configuration: subnets with address and prefix delegation pools, shared
// networks, and the DHCPv6-only globals (server-id, mac-sources, relay-supplied-options).
#include <set>

#include "server/config/parse_internal.h"

namespace leasehold::config {

namespace {

using namespace detail;

struct Subnet6Context {
  const ParseState& state;
  NetworkParams inherited;
  const SharedNetwork6* network = nullptr;
  bool ip_reservations_unique = true;
};

void parsePoolCommon(Section& section, const ParseState& state, Pool6& pool) {
  pool.options = parseOptionData(section, state);
  pool.client_classes = parseClassRestriction(section);
  pool.require_client_classes = parseAdditionalClasses(section);
  pool.pool_id = static_cast<uint32_t>(section.integer("pool-id", 0, 4294967295).value_or(0));
  pool.user_context = section.userContext();
  acceptDdnsParameters(section);
  section.finish();
}

Pool6 parseAddressPool(Section& section, const ParseState& state, const Subnet6& subnet) {
  Pool6 pool;
  pool.type = LeaseType::kNa;
  parsePoolRange(section, subnet, pool);
  parsePoolCommon(section, state, pool);
  return pool;
}

Pool6 parsePrefixPool(Section& section, const ParseState& state, SubnetId id) {
  Pool6 pool;
  pool.type = LeaseType::kPd;
  auto prefix_text = section.string("prefix");
  auto prefix_length = section.integer("prefix-len", 1, 128);
  auto delegated_length = section.integer("delegated-len", 1, 128);
  if (!prefix_text || !prefix_length || !delegated_length) {
    fail(section.path(), "a pd-pool needs prefix, prefix-len and delegated-len");
  }
  const std::string invalid = "invalid pd-pool " + *prefix_text + "/" +
                              std::to_string(*prefix_length) + " in subnet " +
                              std::to_string(id) + ": ";
  auto address = IPv6Address::parse(*prefix_text);
  if (!address) {
    section.failAt("prefix", invalid + "prefix is not an IPv6 address");
  }
  const IPv6Prefix prefix{*address, static_cast<uint8_t>(*prefix_length)};
  if (*delegated_length < *prefix_length) {
    section.failAt("delegated-len", invalid + "delegated-len " +
                                        std::to_string(*delegated_length) +
                                        " is shorter than prefix-len");
  }
  // Kea 2.2 accepts a prefix with bits set beyond prefix-len: the pool then runs from that
  // address to the end of the prefix. It must still start a delegated prefix.
  if (IPv6Prefix{prefix.address, static_cast<uint8_t>(*delegated_length)}.hasHostBits()) {
    section.failAt("prefix", invalid + "the prefix has bits set beyond delegated-len " +
                                 std::to_string(*delegated_length));
  }
  pool.first = prefix.address;
  pool.prefix_length = prefix.length;
  pool.delegated_length = static_cast<uint8_t>(*delegated_length);
  // The last delegated prefix starts one delegated block below the end of the pool prefix.
  const unsigned __int128 block = static_cast<unsigned __int128>(1) << (128 - pool.delegated_length);
  pool.last = IPv6Address::fromUint128(prefix.last().toUint128() - (block - 1));

  auto excluded_text = section.string("excluded-prefix");
  auto excluded_length = section.integer("excluded-prefix-len", 0, 128);
  if (excluded_text.has_value() != excluded_length.has_value()) {
    fail(section.path(), "excluded-prefix and excluded-prefix-len go together");
  }
  if (excluded_text && !(excluded_text->empty() && *excluded_length == 0)) {
    auto excluded_address = IPv6Address::parse(*excluded_text);
    if (!excluded_address) {
      section.failAt("excluded-prefix", invalid + "excluded-prefix is not an IPv6 address");
    }
    const IPv6Prefix excluded{*excluded_address, static_cast<uint8_t>(*excluded_length)};
    if (excluded.length <= pool.delegated_length || excluded.hasHostBits() ||
        !prefix.contains(excluded)) {
      section.failAt("excluded-prefix",
                     invalid + "excluded prefix " + excluded.toString() +
                         " must lie in the pool and be longer than delegated-len");
    }
    pool.excluded_prefix = excluded;
  }
  parsePoolCommon(section, state, pool);
  return pool;
}

std::vector<uint8_t> parseInterfaceId(Section& section) {
  const std::string text = section.string("interface-id").value_or("");
  return std::vector<uint8_t>(text.begin(), text.end());
}

Subnet6 parseSubnet6(Section& section, const Subnet6Context& context,
                     std::vector<NamedRange<IPv6Address>>& prefix_pools) {
  Subnet6 subnet;
  subnet.id = parseSubnetId(section);
  auto prefix_text = section.string("subnet");
  if (!prefix_text) {
    section.failAt("subnet", "missing subnet prefix");
  }
  auto prefix = IPv6Prefix::parse(*prefix_text);
  if (!prefix) {
    section.failAt("subnet", "invalid subnet " + quote(*prefix_text) +
                                 ": expected address/length, e.g. 2001:db8:1::/64");
  }
  if (prefix->hasHostBits()) {
    section.failAt("subnet", "invalid subnet " + quote(*prefix_text) +
                                 ": bits are set beyond the prefix length; did you mean " +
                                 IPv6Prefix{prefix->first(), prefix->length}.toString() + "?");
  }
  subnet.prefix = *prefix;

  const NetworkParams params = inheritParams(
      context.inherited, parseNetworkParams(section, Family::kV6, Level::kSubnet));
  applyNetworkParams(params, Family::kV6, section.path(), subnet);
  subnet.preferred_lifetime =
      resolveTriplet(params.preferred, params.min_preferred, params.max_preferred, 3600,
                     section.path(), "preferred-lifetime");
  subnet.rapid_commit = params.rapid_commit.value_or(false);
  subnet.pd_allocator = params.pd_allocator.value_or("iterative");

  const SharedNetwork6* network = context.network;
  subnet.shared_network = network != nullptr ? network->name : "";
  subnet.interface = inheritInterface(section, network != nullptr ? network->interface : "",
                                      subnet.shared_network);
  subnet.interface_id = parseInterfaceId(section);
  if (subnet.interface_id.empty() && network != nullptr) {
    subnet.interface_id = network->interface_id;
  }
  if (!subnet.interface.empty() && !subnet.interface_id.empty()) {
    section.failAt("interface-id", "interface and interface-id select a subnet in different "
                                   "ways and cannot both be set");
  }
  for (const std::string& text : parseRelayAddresses(section)) {
    auto address = IPv6Address::parse(text);
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

  std::vector<NamedRange<IPv6Address>> address_pools;
  for (Section& pool_section : objectList(section, "pools")) {
    subnet.pools.push_back(parseAddressPool(pool_section, context.state, subnet));
    address_pools.push_back({subnet.pools.back().first, subnet.pools.back().last,
                             pool_section.pathOf("pool"), quote(*pool_section.string("pool"))});
  }
  checkNoOverlap(address_pools, "pool");
  for (Section& pool_section : objectList(section, "pd-pools")) {
    subnet.pd_pools.push_back(parsePrefixPool(pool_section, context.state, subnet.id));
    const Pool6& pool = subnet.pd_pools.back();
    const IPv6Prefix pool_prefix{pool.first, pool.prefix_length};
    prefix_pools.push_back({pool.first, pool_prefix.last(), pool_section.pathOf("prefix"),
                            pool_prefix.toString() + " (subnet " + std::to_string(subnet.id) +
                                ")"});
  }

  for (Section& reservation : objectList(section, "reservations")) {
    subnet.reservations.push_back(parseReservation6(reservation, context.state));
  }
  validateReservations6(subnet.reservations, &subnet.prefix, subnet.id,
                        context.ip_reservations_unique, section.path());
  section.finish();
  return subnet;
}

SharedNetwork6 parseSharedNetworkHeader(Section& section, const ParseState& state,
                                        const NetworkParams& params) {
  SharedNetwork6 network;
  auto name = section.string("name");
  if (!name || name->empty()) {
    section.failAt("name", "missing shared network name");
  }
  network.name = *name;
  network.interface = section.string("interface").value_or("");
  network.interface_id = parseInterfaceId(section);
  if (!network.interface.empty() && !network.interface_id.empty()) {
    section.failAt("interface-id", "interface and interface-id cannot both be set");
  }
  for (const std::string& text : parseRelayAddresses(section)) {
    auto address = IPv6Address::parse(text);
    if (!address) {
      section.failAt("relay", "invalid relay address " + quote(text));
    }
    network.relay_addresses.push_back(*address);
  }
  network.options = parseOptionData(section, state);
  network.client_classes = parseClassRestriction(section);
  network.require_client_classes = parseAdditionalClasses(section);
  network.rapid_commit = params.rapid_commit.value_or(false);
  network.user_context = section.userContext();
  return network;
}

ServerIdConfig parseServerId(Section section) {
  ServerIdConfig server_id;
  auto type = section.string("type");
  if (!type) {
    section.failAt("type", "missing server-id type: use LLT, EN or LL");
  }
  if (*type == "LLT") {
    server_id.type = ServerIdConfig::Type::kLlt;
  } else if (*type == "EN") {
    server_id.type = ServerIdConfig::Type::kEn;
  } else if (*type == "LL") {
    server_id.type = ServerIdConfig::Type::kLl;
  } else {
    section.failAt("type", "invalid server-id type " + quote(*type) + ": use LLT, EN or LL");
  }
  if (auto identifier = section.string("identifier")) {
    auto bytes = parseHex(*identifier);
    if (!bytes) {
      section.failAt("identifier", "invalid identifier " + quote(*identifier) + ": expected hex");
    }
    server_id.identifier = std::move(*bytes);
  }
  server_id.htype = static_cast<uint16_t>(section.integer("htype", 0, 65535).value_or(1));
  server_id.time = static_cast<uint32_t>(section.integer("time", 0, 4294967295).value_or(0));
  server_id.enterprise_id =
      static_cast<uint32_t>(section.integer("enterprise-id", 0, 4294967295).value_or(0));
  server_id.persist = section.boolean("persist").value_or(true);
  section.finish();
  return server_id;
}

std::vector<MacSource> parseMacSources(Section& global) {
  static const std::pair<std::string_view, MacSource> kNames[] = {
      {"any", MacSource::kAny},
      {"raw", MacSource::kRaw},
      {"duid", MacSource::kDuid},
      {"ipv6-link-local", MacSource::kIpv6LinkLocal},
      {"client-link-addr-option", MacSource::kClientLinkAddrOption},
      {"rfc6939", MacSource::kClientLinkAddrOption},
      {"remote-id", MacSource::kRemoteId},
      {"rfc4649", MacSource::kRemoteId},
      {"subscriber-id", MacSource::kSubscriberId},
      {"rfc4580", MacSource::kSubscriberId},
      {"docsis-cmts", MacSource::kDocsisCmts},
      {"docsis-modem", MacSource::kDocsisModem},
  };
  std::vector<MacSource> sources;
  for (const std::string& name : global.stringList("mac-sources").value_or(
           std::vector<std::string>{"any"})) {
    const auto* match = std::find_if(std::begin(kNames), std::end(kNames),
                                     [&](const auto& entry) { return entry.first == name; });
    if (match == std::end(kNames)) {
      global.failAt("mac-sources", "invalid MAC source " + quote(name));
    }
    sources.push_back(match->second);
  }
  return sources;
}

std::vector<uint16_t> parseRelaySuppliedOptions(Section& global) {
  std::vector<uint16_t> codes;
  for (const std::string& entry : global.stringList("relay-supplied-options").value_or(
           std::vector<std::string>{})) {
    const auto* definition = options::standardDefinitions(Family::kV6).find("dhcp6", entry);
    if (definition != nullptr) {
      codes.push_back(definition->code);
      continue;
    }
    auto code = std::all_of(entry.begin(), entry.end(), [](char c) { return c >= '0' && c <= '9'; })
                    ? std::optional<long>(entry.empty() || entry.size() > 5 ? -1 : std::stol(entry))
                    : std::nullopt;
    if (!code || *code < 1 || *code > 65535) {
      global.failAt("relay-supplied-options",
                    "invalid option " + quote(entry) + ": use a DHCPv6 option code or name");
    }
    codes.push_back(static_cast<uint16_t>(*code));
  }
  return codes;
}

std::shared_ptr<const Dhcp6Config> buildDhcp6(const Json& root, const ParseContext& context) {
  auto config = std::make_shared<Dhcp6Config>();
  const Json& inner = selectDaemonObject(root, "Dhcp6");
  Section global(inner, "Dhcp6");
  config->source = inner;
  rejectUnsupportedGlobals(global, Family::kV6);

  config->option_definitions = parseOptionDefinitions(global, Family::kV6, nullptr);
  const ParseState state{Family::kV6, &context, &config->option_definitions};
  parseCommonGlobals(global, state, *config);

  const NetworkParams global_params = parseNetworkParams(global, Family::kV6, Level::kGlobal);
  resolveTriplet(global_params.valid, global_params.min_valid, global_params.max_valid, 7200,
                 "Dhcp6", "valid-lifetime");
  config->preferred_lifetime =
      resolveTriplet(global_params.preferred, global_params.min_preferred,
                     global_params.max_preferred, 3600, "Dhcp6", "preferred-lifetime");
  if (auto server_id = global.object("server-id")) {
    config->server_id = parseServerId(*server_id);
  }
  config->mac_sources = parseMacSources(global);
  config->relay_supplied_options = parseRelaySuppliedOptions(global);
  config->data_directory = global.string("data-directory").value_or(context.default_data_dir);

  for (Section& reservation : objectList(global, "reservations")) {
    config->global_reservations.push_back(parseReservation6(reservation, state));
  }
  validateReservations6(config->global_reservations, nullptr, 0, config->ip_reservations_unique,
                        "Dhcp6");

  std::vector<std::string> subnet_paths;
  std::vector<NamedRange<IPv6Address>> prefix_pools;
  const Subnet6Context top_level{state, global_params, nullptr, config->ip_reservations_unique};
  for (Section& section : objectList(global, "subnet6")) {
    config->subnets.push_back(parseSubnet6(section, top_level, prefix_pools));
    subnet_paths.push_back(section.path());
  }

  std::set<std::string> network_names;
  for (Section& section : objectList(global, "shared-networks")) {
    const NetworkParams params = inheritParams(
        global_params, parseNetworkParams(section, Family::kV6, Level::kSharedNetwork));
    SharedNetwork6 network = parseSharedNetworkHeader(section, state, params);
    if (!network_names.insert(network.name).second) {
      section.failAt("name", "duplicate shared network name " + quote(network.name));
    }
    resolveTriplet(params.valid, params.min_valid, params.max_valid, 7200, section.path(),
                   "valid-lifetime");
    const Subnet6Context member{state, params, &network, config->ip_reservations_unique};
    for (Section& subnet_section : objectList(section, "subnet6")) {
      config->subnets.push_back(parseSubnet6(subnet_section, member, prefix_pools));
      subnet_paths.push_back(subnet_section.path());
      network.subnet_ids.push_back(config->subnets.back().id);
    }
    section.finish();
    config->shared_networks.push_back(std::move(network));
  }
  checkSubnets(config->subnets, subnet_paths);
  // Delegated prefixes must be unique across the server, not only within a subnet.
  checkNoOverlap(prefix_pools, "pd-pool");
  global.finish();
  return config;
}

}  // namespace

Result<std::shared_ptr<const Dhcp6Config>, ConfigError> parseDhcp6(const nlohmann::json& root,
                                                                   const ParseContext& context) {
  try {
    return buildDhcp6(root, context);
  } catch (const ConfigException& e) {
    return makeUnexpected(e.error());
  }
}

}  // namespace leasehold::config
