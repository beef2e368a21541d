// Declarations shared by the parts of the Kea configuration parser. Each part throws
// ConfigException (section.h) with the key path and the offending value; parseDhcp4 and
// parseDhcp6 catch it and return it as a ConfigError.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "server/config/model.h"
#include "server/config/parser.h"
#include "server/config/section.h"
#include "server/options/option_definition.h"

namespace leasehold::config::detail {

using options::Family;

// State shared by the parsers of one daemon configuration.
struct ParseState {
  Family family = Family::kV4;
  const ParseContext* context = nullptr;
  // Global option-def entries, consulted before the standard tables.
  const options::OptionDefinitionSet* custom_definitions = nullptr;
};

// ---- globals (parse_globals.cc, parse_services.cc)

// Rejects the features Leasehold does not implement (config-control, DHCPv4-over-DHCPv6, DDNS
// updates) before anything else is read, so their error is the one reported.
void rejectUnsupportedGlobals(Section& global, Family family);
// Reads the parameters DHCPv4 and DHCPv6 share at the global level into `config`.
void parseCommonGlobals(Section& global, const ParseState& state, DhcpCommon& config);
// Consumes the DDNS and hostname sanitizing parameters, which have no effect while DDNS
// updates are off (the only mode Leasehold supports).
void acceptDdnsParameters(Section& section);

DatabaseConfig parseDatabase(Section section, Family family, const ParseContext& context,
                             bool lease_database);
std::vector<LoggerConfig> parseLoggers(Section& global);
std::vector<ControlSocketConfig> parseControlSockets(Section& global);
void parseHooksLibraries(Section& global, DhcpCommon& config);

// ---- options (parse_options.cc)

// Parses `option-def` of `parent` into a set, checking each definition and that it does not
// redefine a standard option or one in `outer` (the global set, for class-level lists).
options::OptionDefinitionSet parseOptionDefinitions(Section& parent, Family family,
                                                    const options::OptionDefinitionSet* outer);
// Parses `option-data` of `parent`. `local` contains extra definitions (a class's option-def).
OptionList parseOptionData(Section& parent, const ParseState& state,
                           const options::OptionDefinitionSet* local = nullptr);

// ---- client classes (parse_classes.cc)

std::vector<ClientClass> parseClientClasses(Section& global, const ParseState& state);
// Reads `client-classes` (list) or the older `client-class` (one name), not both.
std::vector<std::string> parseClassRestriction(Section& section);
// Reads `evaluate-additional-classes` or the older `require-client-classes`.
std::vector<std::string> parseAdditionalClasses(Section& section);

// ---- inheritable network parameters (parse_network.cc)

// Scalar parameters that Kea inherits global -> shared network -> subnet. An empty optional
// means "not set at this level".
struct NetworkParams {
  std::optional<uint32_t> valid;
  std::optional<uint32_t> min_valid;
  std::optional<uint32_t> max_valid;
  std::optional<uint32_t> preferred;
  std::optional<uint32_t> min_preferred;
  std::optional<uint32_t> max_preferred;
  std::optional<uint32_t> renew_timer;
  std::optional<uint32_t> rebind_timer;
  std::optional<bool> calculate_tee_times;
  std::optional<double> t1_percent;
  std::optional<double> t2_percent;
  std::optional<double> cache_threshold;
  std::optional<uint32_t> cache_max_age;
  std::optional<std::string> allocator;
  std::optional<std::string> pd_allocator;
  std::optional<bool> store_extended_info;
  std::optional<bool> reservations_global;
  std::optional<bool> reservations_in_subnet;
  std::optional<bool> reservations_out_of_pool;
  std::optional<bool> match_client_id;
  std::optional<bool> authoritative;
  std::optional<IPv4Address> next_server;
  std::optional<std::string> server_hostname;
  std::optional<std::string> boot_file_name;
  std::optional<uint32_t> offer_lifetime;
  std::optional<bool> rapid_commit;
};

enum class Level { kGlobal, kSharedNetwork, kSubnet };

NetworkParams parseNetworkParams(Section& section, Family family, Level level);
// Field by field, the value of `inner` when set, else the one of `outer`.
NetworkParams inheritParams(const NetworkParams& outer, const NetworkParams& inner);
// Fills the effective values of `subnet` from fully inherited parameters, checking
// lifetimes (min <= default <= max) and the T1/T2 percentages.
void applyNetworkParams(const NetworkParams& params, Family family, const std::string& path,
                        SubnetCommon& subnet);
Triplet resolveTriplet(std::optional<uint32_t> value, std::optional<uint32_t> min,
                       std::optional<uint32_t> max, uint32_t default_value,
                       const std::string& path, std::string_view name);
std::optional<IPv4Address> parseIPv4(Section& section, std::string_view key);

// ---- reservations (parse_reservations.cc)

std::vector<IdentifierType> parseIdentifierTypes(Section& global, Family family);
Reservation4 parseReservation4(Section& section, const ParseState& state);
Reservation6 parseReservation6(Section& section, const ParseState& state);
// Checks reservations of one subnet (or the global list when `subnet` is null): addresses
// inside the subnet and unique unless ip-reservations-unique is false, identifiers unique.
void validateReservations4(const std::vector<Reservation4>& reservations,
                           const IPv4Prefix* subnet, SubnetId id, bool addresses_unique,
                           const std::string& path);
void validateReservations6(const std::vector<Reservation6>& reservations,
                           const IPv6Prefix* subnet, SubnetId id, bool addresses_unique,
                           const std::string& path);

// ---- shared checks (parse_subnets.cc)

// An address range with the configuration path and text it came from, for overlap messages.
template <typename Address>
struct NamedRange {
  Address first;
  Address last;
  std::string path;
  std::string text;
};

// Throws for the first two ranges that share an address, naming both.
template <typename Address>
void checkNoOverlap(std::vector<NamedRange<Address>> ranges, std::string_view what) {
  std::sort(ranges.begin(), ranges.end(),
            [](const NamedRange<Address>& a, const NamedRange<Address>& b) {
              return a.first < b.first;
            });
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first <= ranges[i - 1].last) {
      fail(ranges[i].path, std::string(what) + " " + ranges[i].text + " overlaps " +
                               std::string(what) + " " + ranges[i - 1].text);
    }
  }
}

// Throws for a subnet id used twice or two subnets that overlap. `paths` holds each subnet's
// configuration path, in the same order. Leasehold keys every lease and host query by subnet,
// so subnets must not overlap.
template <typename Subnet>
void checkSubnets(const std::vector<Subnet>& subnets, const std::vector<std::string>& paths) {
  using Address = decltype(subnets.front().prefix.first());
  std::map<SubnetId, size_t> ids;
  std::vector<NamedRange<Address>> ranges;
  for (size_t i = 0; i < subnets.size(); ++i) {
    const auto [it, inserted] = ids.emplace(subnets[i].id, i);
    if (!inserted) {
      fail(paths[i] + "/id", "duplicate subnet id " + std::to_string(subnets[i].id) +
                                 ": subnets " + subnets[it->second].prefix.toString() +
                                 " and " + subnets[i].prefix.toString() + " both use it");
    }
    ranges.push_back({subnets[i].prefix.first(), subnets[i].prefix.last(), paths[i] + "/subnet",
                      subnets[i].prefix.toString() + " (id " + std::to_string(subnets[i].id) +
                          ")"});
  }
  checkNoOverlap(ranges, "subnet");
}

// Reads a subnet "id" (required: leases and reservations are keyed by it).
SubnetId parseSubnetId(Section& section);
// Splits a pool text "first - last" (spaces optional) or "prefix/length" into its parts.
struct PoolText {
  std::string first;
  std::string last;
  std::string prefix;  // set for the prefix form only
};
PoolText splitPoolText(const std::string& text);

// Reads a pool's "pool" text, "first - last" or "prefix/length", into pool.first and
// pool.last, and throws unless the range is well formed and inside `subnet`. Works for both
// families: the address and prefix types come from the subnet.
template <typename Pool, typename Subnet>
void parsePoolRange(Section& section, const Subnet& subnet, Pool& pool) {
  using Prefix = std::remove_cvref_t<decltype(subnet.prefix)>;
  using Address = std::remove_cvref_t<decltype(subnet.prefix.address)>;
  constexpr bool kIPv4 = std::is_same_v<Address, IPv4Address>;

  auto text = section.string("pool");
  if (!text) {
    section.failAt("pool", "missing pool: use \"first - last\" or \"prefix/length\"");
  }
  const std::string invalid = "invalid pool " + quote(*text) + " in subnet " +
                              std::to_string(subnet.id) + ": ";
  const PoolText parts = splitPoolText(*text);
  if (parts.prefix.empty()) {
    auto first = Address::parse(parts.first);
    auto last = Address::parse(parts.last);
    if (!first || !last) {
      section.failAt("pool", invalid + (kIPv4 ? "expected two IPv4 addresses"
                                              : "expected two IPv6 addresses"));
    }
    if (*first > *last) {
      section.failAt("pool", invalid + "start is above end");
    }
    pool.first = *first;
    pool.last = *last;
  } else {
    auto prefix = Prefix::parse(parts.prefix);
    if (!prefix) {
      section.failAt("pool", invalid + "expected \"first - last\" or \"prefix/length\"");
    }
    pool.first = prefix->first();
    pool.last = prefix->last();
  }
  if (!subnet.prefix.contains(pool.first) || !subnet.prefix.contains(pool.last)) {
    section.failAt("pool", invalid + "outside the subnet " + subnet.prefix.toString());
  }
}
// Reads the `relay` object's ip-addresses (or Kea 1.x's single ip-address) as text.
std::vector<std::string> parseRelayAddresses(Section& section);
// Rejects a subnet interface that differs from its shared network's.
std::string inheritInterface(Section& section, const std::string& network_interface,
                             const std::string& network_name);
// Returns the daemon object of `root`: the value of `daemon_key` ("Dhcp4") when present, else
// `root` itself when it contains no other daemon's object.
const Json& selectDaemonObject(const Json& root, std::string_view daemon_key);

}  // namespace leasehold::config::detail
