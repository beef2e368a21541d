// The typed, immutable configuration model that the Kea JSON parser produces. Request-time code
// reads only these structures, never JSON. A snapshot is shared as
// std::shared_ptr<const Dhcp4Config> (or Dhcp6Config); reconfiguration builds a new snapshot
// and swaps the pointer.
//
// Inheritance: the parser resolves Kea's global -> shared network -> subnet -> pool inheritance
// for scalar parameters (lifetimes, timers, flags), so each Subnet holds effective values.
// Options are not flattened, because client-class options sit between the shared-network and
// global levels; each level keeps its own list and the engine merges them per packet.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "backends/address.h"
#include "backends/database_config.h"
#include "backends/lease.h"
#include "server/options/option_definition.h"

namespace leasehold::classify {
class Expression;
}

namespace leasehold::config {

using std::chrono::seconds;

// A lifetime with optional bounds, Kea's "triplet" (valid-lifetime with min-/max-). When a
// bound is not configured it equals `value`.
struct Triplet {
  seconds value{0};
  seconds min{0};
  seconds max{0};

  // Clamps a client's hint into [min, max]; no hint gives `value`.
  seconds resolve(std::optional<seconds> hint) const;
};

// One `option-data` entry after encoding.
struct OptionValue {
  std::string space;  // "dhcp4", "dhcp6", "vendor-4491", or a custom space
  uint16_t code = 0;
  std::vector<uint8_t> payload;  // encoded data, without code and length
  bool always_send = false;
  bool never_send = false;
  std::vector<std::string> client_classes;  // send only to members of one of these (empty: all)
};
using OptionList = std::vector<OptionValue>;

// Kea's host-reservation-identifiers values.
enum class IdentifierType { kHwAddress, kDuid, kCircuitId, kClientId, kFlexId };
std::string_view identifierTypeName(IdentifierType type);

struct ClientClass {
  std::string name;
  std::string test;  // the expression text as configured; empty means none
  // The compiled `test` (a condition) or `template-test` (a string naming the SPAWN_ class);
  // null when the class has neither, which makes it a class that only reservations,
  // evaluate-additional-classes or member() of built-ins assign.
  std::shared_ptr<const classify::Expression> expression;
  std::string template_test;  // the template expression text as configured
  bool only_in_additional_list = false;  // Kea 2.2's "only-if-required"
  OptionList options;
  std::optional<IPv4Address> next_server;
  std::string server_hostname;
  std::string boot_file_name;
  std::optional<Triplet> valid_lifetime;
  std::optional<Triplet> preferred_lifetime;  // DHCPv6 only
  std::optional<seconds> offer_lifetime;      // DHCPv4 only
  nlohmann::json user_context;

  bool isTemplate() const { return !template_test.empty(); }
  // True when evaluating the class waits for the host reservation lookup.
  bool dependsOnKnown() const;
};

struct InterfacesConfig {
  std::vector<std::string> interfaces;  // names, optionally "name/address" (unicast, DHCPv6)
  bool raw_sockets = true;              // dhcp-socket-type raw (DHCPv4) or udp
  bool outbound_same_as_inbound = true;  // outbound-interface
  bool re_detect = true;
  bool service_sockets_require_all = false;
  uint32_t service_sockets_max_retries = 0;
  std::chrono::milliseconds service_sockets_retry_wait_time{5000};
};

struct ExpiredLeasesProcessing {
  seconds reclaim_timer_wait_time{10};
  seconds flush_reclaimed_timer_wait_time{25};
  seconds hold_reclaimed_time{3600};
  uint32_t max_reclaim_leases = 100;
  std::chrono::milliseconds max_reclaim_time{250};
  uint32_t unwarned_reclaim_cycles = 5;
};

struct LoggerConfig {
  std::string name;
  std::string severity = "INFO";
  int debuglevel = 0;
  std::vector<std::string> outputs;  // "stdout", "stderr", "syslog[:name]" or a file path
};

// One control channel from `control-socket` or `control-sockets`.
struct ControlSocketConfig {
  enum class Type { kUnix, kHttp, kHttps };
  Type type = Type::kUnix;
  std::string socket_name;  // UNIX socket path
  std::string socket_address = "127.0.0.1";
  uint16_t socket_port = 8000;
  // Basic authentication; empty `clients` means no authentication.
  struct Client {
    std::string user;
    std::string password;
    // Kea's hidden credentials: files whose contents are the user id, the password, or
    // "user:password" when only password_file is set. Paths are already joined with the
    // authentication `directory`; the control channel reads them when it starts.
    std::string user_file;
    std::string password_file;
  };
  std::string realm;
  std::vector<Client> clients;
  // TLS (HTTPS)
  std::string trust_anchor;
  std::string cert_file;
  std::string key_file;
  bool cert_required = true;
  std::vector<std::pair<std::string, std::string>> http_headers;
};

struct HookLibrary {
  std::string library;
  nlohmann::json parameters;
  // False for a library that is accepted but whose commands Leasehold does not implement yet
  // (subnet_cmds, host_cmds, class_cmds): they answer "not supported".
  bool commands_implemented = true;
};

struct MultiThreading {
  bool enable = true;
  uint32_t thread_pool_size = 0;  // 0: chosen from the number of CPUs
  uint32_t packet_queue_size = 64;
};

// Parameters shared by DHCPv4 and DHCPv6 subnets, after inheritance.
struct SubnetCommon {
  SubnetId id = 0;
  std::string interface;
  std::string shared_network;  // name, empty when the subnet is not in one
  Triplet valid_lifetime;
  std::optional<seconds> renew_timer;
  std::optional<seconds> rebind_timer;
  bool calculate_tee_times = false;
  double t1_percent = 0.5;
  double t2_percent = 0.875;
  OptionList options;  // this subnet's own option-data
  // Only members of one of these classes may use the subnet; empty means everyone. Kea 2.x
  // configures one class as `client-class`, Kea 3.x a list as `client-classes`.
  std::vector<std::string> client_classes;
  std::vector<std::string> require_client_classes;
  bool reservations_global = false;
  bool reservations_in_subnet = true;
  bool reservations_out_of_pool = false;
  bool store_extended_info = false;
  std::string allocator = "iterative";
  double cache_threshold = 0.25;
  std::optional<seconds> cache_max_age;
  nlohmann::json user_context;
};

struct Reservation4 {
  IdentifierType identifier_type = IdentifierType::kHwAddress;
  std::vector<uint8_t> identifier;
  std::optional<IPv4Address> ip_address;
  std::string hostname;
  std::optional<IPv4Address> next_server;
  std::string server_hostname;
  std::string boot_file_name;
  OptionList options;
  std::vector<std::string> client_classes;
  nlohmann::json user_context;
};

struct Pool4 {
  IPv4Address first;
  IPv4Address last;
  OptionList options;
  std::vector<std::string> client_classes;  // as in SubnetCommon
  std::vector<std::string> require_client_classes;
  uint32_t pool_id = 0;
  nlohmann::json user_context;

  uint64_t size() const { return uint64_t{last.toUint32()} - first.toUint32() + 1; }
  bool contains(IPv4Address address) const { return first <= address && address <= last; }
};

struct Subnet4 : SubnetCommon {
  IPv4Prefix prefix;
  std::vector<Pool4> pools;
  std::vector<IPv4Address> relay_addresses;
  bool match_client_id = true;
  bool authoritative = false;
  std::optional<IPv4Address> next_server;
  std::string server_hostname;
  std::string boot_file_name;
  std::optional<seconds> offer_lifetime;
  std::vector<Reservation4> reservations;

  // Returns the pool containing `address`, or nullptr.
  const Pool4* findPool(IPv4Address address) const;
};

struct SharedNetwork4 {
  std::string name;
  std::vector<SubnetId> subnet_ids;  // in configuration order
  OptionList options;
  std::string interface;
  std::vector<IPv4Address> relay_addresses;
  std::vector<std::string> client_classes;  // as in SubnetCommon
  std::vector<std::string> require_client_classes;
  nlohmann::json user_context;
};

struct DhcpCommon {
  InterfacesConfig interfaces;
  DatabaseConfig lease_database;
  std::vector<DatabaseConfig> hosts_databases;
  ExpiredLeasesProcessing expired_leases;
  seconds decline_probation_period{86400};
  std::vector<LoggerConfig> loggers;
  std::vector<ControlSocketConfig> control_sockets;
  std::vector<HookLibrary> hooks_libraries;
  MultiThreading multi_threading;
  std::vector<IdentifierType> host_reservation_identifiers;
  std::vector<ClientClass> client_classes;  // in evaluation order
  options::OptionDefinitionSet option_definitions;  // custom option-def entries only
  OptionList global_options;
  std::string server_tag;
  size_t statistic_default_sample_count = 20;
  seconds statistic_default_sample_age{0};
  bool ip_reservations_unique = true;  // false lets reservations in a subnet share an address
  // sanity-checks: what to do with lease file rows whose subnet does not fit.
  std::string lease_checks = "warn";       // none, warn, fix, fix-del or del
  std::string extended_info_checks = "fix";  // none, fix, strict or pedantic
  // compatibility: workarounds for clients and relays that break the RFCs.
  bool lenient_option_parsing = false;
  bool ignore_dhcp_server_identifier = false;  // DHCPv4 only
  bool ignore_rai_link_selection = false;      // DHCPv4 only
  bool exclude_first_last_24 = false;          // DHCPv4 only
  bool lease_cmds_hook = false;  // libdhcp_lease_cmds.so listed in hooks-libraries
  bool stat_cmds_hook = false;   // libdhcp_stat_cmds.so listed in hooks-libraries
  // The configuration as loaded (includes expanded, comments removed): the daemon's object
  // only, e.g. the value of "Dhcp4". config-get and config-write return it.
  nlohmann::json source;

  const ClientClass* findClass(std::string_view name) const;
};

struct Dhcp4Config : DhcpCommon {
  std::vector<Subnet4> subnets;  // in configuration order, shared networks' members included
  std::vector<SharedNetwork4> shared_networks;
  std::vector<Reservation4> global_reservations;
  bool echo_client_id = true;
  bool match_client_id = true;
  bool authoritative = false;
  uint16_t server_port = 67;  // overridden by -p
  uint16_t client_port = 68;  // overridden by -P

  const Subnet4* findSubnet(SubnetId id) const;
  const SharedNetwork4* findSharedNetwork(std::string_view name) const;
};

// ---------------------------------------------------------------------------------------------
// DHCPv6

struct Reservation6 {
  IdentifierType identifier_type = IdentifierType::kDuid;
  std::vector<uint8_t> identifier;
  std::vector<IPv6Address> ip_addresses;
  std::vector<IPv6Prefix> prefixes;
  std::vector<IPv6Prefix> excluded_prefixes;  // pd-exclude per reserved prefix, same order
  std::string hostname;
  OptionList options;
  std::vector<std::string> client_classes;
  nlohmann::json user_context;
};

// An address pool (`pools`) or a prefix delegation pool (`pd-pools`).
struct Pool6 {
  LeaseType type = LeaseType::kNa;
  IPv6Address first;  // NA: first address; PD: first delegated prefix
  IPv6Address last;   // NA: last address; PD: start of the last delegated prefix
  uint8_t prefix_length = 128;     // PD: length of the pool prefix
  uint8_t delegated_length = 128;  // PD: length of each delegated prefix
  std::optional<IPv6Prefix> excluded_prefix;
  OptionList options;
  std::vector<std::string> client_classes;  // as in SubnetCommon
  std::vector<std::string> require_client_classes;
  uint32_t pool_id = 0;
  nlohmann::json user_context;

  bool contains(const IPv6Address& address) const { return first <= address && address <= last; }
};

struct Subnet6 : SubnetCommon {
  IPv6Prefix prefix;
  std::vector<Pool6> pools;     // NA pools
  std::vector<Pool6> pd_pools;  // PD pools
  std::vector<IPv6Address> relay_addresses;
  std::vector<uint8_t> interface_id;
  Triplet preferred_lifetime;
  bool rapid_commit = false;
  std::string pd_allocator = "iterative";
  std::vector<Reservation6> reservations;

  const Pool6* findPool(LeaseType type, const IPv6Address& address) const;
};

struct SharedNetwork6 {
  std::string name;
  std::vector<SubnetId> subnet_ids;
  OptionList options;
  std::string interface;
  std::vector<uint8_t> interface_id;
  std::vector<IPv6Address> relay_addresses;
  std::vector<std::string> client_classes;  // as in SubnetCommon
  std::vector<std::string> require_client_classes;
  bool rapid_commit = false;
  nlohmann::json user_context;
};

// `server-id`: how the server's DUID is made and where it is kept.
struct ServerIdConfig {
  enum class Type { kLlt, kEn, kLl };
  Type type = Type::kLlt;
  std::vector<uint8_t> identifier;  // link-layer address or EN identifier; empty: generated
  uint16_t htype = 1;
  uint32_t time = 0;  // LLT time; 0: generated
  uint32_t enterprise_id = 0;
  bool persist = true;
};

enum class MacSource { kAny, kRaw, kDuid, kIpv6LinkLocal, kClientLinkAddrOption, kRemoteId, kSubscriberId, kDocsisCmts, kDocsisModem };

struct Dhcp6Config : DhcpCommon {
  std::vector<Subnet6> subnets;
  std::vector<SharedNetwork6> shared_networks;
  std::vector<Reservation6> global_reservations;
  ServerIdConfig server_id;
  std::vector<MacSource> mac_sources;
  std::vector<uint16_t> relay_supplied_options;
  Triplet preferred_lifetime;
  uint16_t server_port = 547;
  uint16_t client_port = 546;
  std::string data_directory;  // where the server DUID file is kept

  const Subnet6* findSubnet(SubnetId id) const;
  const SharedNetwork6* findSharedNetwork(std::string_view name) const;
};

}  // namespace leasehold::config
