// Global parameters shared by DHCPv4 and DHCPv6: interfaces, lease reclamation, identifiers,
// statistics defaults, sanity checks, and the features Leasehold rejects.
#include "server/config/parse_internal.h"

namespace leasehold::config::detail {

namespace {

constexpr int64_t kMaxUint32 = 4294967295;

InterfacesConfig parseInterfaces(Section section, Family family) {
  InterfacesConfig interfaces;
  if (auto names = section.stringList("interfaces")) {
    interfaces.interfaces = std::move(*names);
  }
  if (family == Family::kV4) {
    if (auto type = section.string("dhcp-socket-type")) {
      if (*type != "raw" && *type != "udp") {
        section.failAt("dhcp-socket-type", "invalid socket type " + quote(*type) +
                                               ": use \"raw\" or \"udp\"");
      }
      interfaces.raw_sockets = *type == "raw";
    }
    if (auto outbound = section.string("outbound-interface")) {
      if (*outbound != "same-as-inbound" && *outbound != "use-routing") {
        section.failAt("outbound-interface", "invalid value " + quote(*outbound) +
                                                 ": use \"same-as-inbound\" or \"use-routing\"");
      }
      interfaces.outbound_same_as_inbound = *outbound == "same-as-inbound";
    }
  }
  interfaces.re_detect = section.boolean("re-detect").value_or(interfaces.re_detect);
  interfaces.service_sockets_require_all =
      section.boolean("service-sockets-require-all").value_or(false);
  interfaces.service_sockets_max_retries = static_cast<uint32_t>(
      section.integer("service-sockets-max-retries", 0, kMaxUint32).value_or(0));
  if (auto wait = section.integer("service-sockets-retry-wait-time", 0, kMaxUint32)) {
    interfaces.service_sockets_retry_wait_time = std::chrono::milliseconds(*wait);
  }
  section.finish();
  return interfaces;
}

ExpiredLeasesProcessing parseExpiredLeases(Section section) {
  ExpiredLeasesProcessing processing;
  if (auto value = section.integer("reclaim-timer-wait-time", 0, kMaxUint32)) {
    processing.reclaim_timer_wait_time = seconds(*value);
  }
  if (auto value = section.integer("flush-reclaimed-timer-wait-time", 0, kMaxUint32)) {
    processing.flush_reclaimed_timer_wait_time = seconds(*value);
  }
  if (auto value = section.integer("hold-reclaimed-time", 0, kMaxUint32)) {
    processing.hold_reclaimed_time = seconds(*value);
  }
  if (auto value = section.integer("max-reclaim-leases", 0, kMaxUint32)) {
    processing.max_reclaim_leases = static_cast<uint32_t>(*value);
  }
  if (auto value = section.integer("max-reclaim-time", 0, kMaxUint32)) {
    processing.max_reclaim_time = std::chrono::milliseconds(*value);
  }
  if (auto value = section.integer("unwarned-reclaim-cycles", 0, kMaxUint32)) {
    processing.unwarned_reclaim_cycles = static_cast<uint32_t>(*value);
  }
  section.finish();
  return processing;
}

MultiThreading parseMultiThreading(Section section) {
  MultiThreading threading;
  threading.enable = section.boolean("enable-multi-threading").value_or(true);
  threading.thread_pool_size =
      static_cast<uint32_t>(section.integer("thread-pool-size", 0, 65535).value_or(0));
  threading.packet_queue_size =
      static_cast<uint32_t>(section.integer("packet-queue-size", 0, kMaxUint32).value_or(64));
  section.finish();
  return threading;
}

std::string parseChoice(Section& section, std::string_view key,
                        std::initializer_list<std::string_view> choices, std::string fallback) {
  auto value = section.string(key);
  if (!value) {
    return fallback;
  }
  for (std::string_view choice : choices) {
    if (*value == choice) {
      return *value;
    }
  }
  std::string allowed;
  for (std::string_view choice : choices) {
    allowed += (allowed.empty() ? "" : ", ") + std::string(choice);
  }
  section.failAt(key, "invalid value " + quote(*value) + ": use one of " + allowed);
}

void parseSanityChecks(Section section, DhcpCommon& config) {
  config.lease_checks =
      parseChoice(section, "lease-checks", {"none", "warn", "fix", "fix-del", "del"}, "warn");
  config.extended_info_checks = parseChoice(section, "extended-info-checks",
                                            {"none", "fix", "strict", "pedantic"}, "fix");
  section.finish();
}

void parseCompatibility(Section section, Family family, DhcpCommon& config) {
  config.lenient_option_parsing = section.boolean("lenient-option-parsing").value_or(false);
  if (family == Family::kV4) {
    config.ignore_dhcp_server_identifier =
        section.boolean("ignore-dhcp-server-identifier").value_or(false);
    config.ignore_rai_link_selection =
        section.boolean("ignore-rai-link-selection").value_or(false);
    config.exclude_first_last_24 = section.boolean("exclude-first-last-24").value_or(false);
  }
  section.finish();
}

// Kea's own packet queue (dhcp-queue-control) has no counterpart: Leasehold's workers read
// sockets directly, so the settings are checked and then have no effect.
void acceptQueueControl(Section section) {
  section.acceptWithoutEffect("enable-queue", Kind::kBool);
  section.acceptWithoutEffect("queue-type", Kind::kString);
  section.acceptWithoutEffect("capacity", Kind::kInteger);
  section.finish();
}

void checkDdnsClient(Section section) {
  if (section.boolean("enable-updates").value_or(false)) {
    section.failAt("enable-updates",
                   "DDNS updates are not supported by Leasehold; set enable-updates to false");
  }
  for (const char* key : {"server-ip", "sender-ip", "ncr-protocol", "ncr-format"}) {
    section.acceptWithoutEffect(key, Kind::kString);
  }
  for (const char* key : {"server-port", "sender-port", "max-queue-size"}) {
    section.acceptWithoutEffect(key, Kind::kInteger);
  }
  section.finish();
}

}  // namespace

void rejectUnsupportedGlobals(Section& global, Family family) {
  global.rejectFeature("config-control", "the configuration backend (config-control)");
  if (global.integer("dhcp4o6-port", 0, 65535).value_or(0) != 0) {
    global.failAt("dhcp4o6-port", "DHCPv4-over-DHCPv6 (RFC 7341) is not supported by "
                                  "Leasehold; remove dhcp4o6-port or set it to 0");
  }
  if (auto ddns = global.object("dhcp-ddns")) {
    checkDdnsClient(*ddns);
  }
}

void acceptDdnsParameters(Section& section) {
  for (const char* key : {"ddns-send-updates", "ddns-override-no-update",
                          "ddns-override-client-update", "ddns-update-on-renew",
                          "ddns-use-conflict-resolution"}) {
    section.acceptWithoutEffect(key, Kind::kBool);
  }
  for (const char* key : {"ddns-replace-client-name", "ddns-generated-prefix",
                          "ddns-qualifying-suffix", "ddns-conflict-resolution-mode",
                          "hostname-char-set", "hostname-char-replacement"}) {
    section.acceptWithoutEffect(key, Kind::kString);
  }
  section.acceptWithoutEffect("ddns-ttl-percent", Kind::kNumber);
  for (const char* key : {"ddns-ttl", "ddns-ttl-min", "ddns-ttl-max"}) {
    section.acceptWithoutEffect(key, Kind::kInteger);
  }
}

void parseCommonGlobals(Section& global, const ParseState& state, DhcpCommon& config) {
  const Family family = state.family;
  if (auto interfaces = global.object("interfaces-config")) {
    config.interfaces = parseInterfaces(*interfaces, family);
  }

  if (auto lease_database = global.object("lease-database")) {
    config.lease_database = parseDatabase(*lease_database, family, *state.context, true);
  } else {
    config.lease_database.type = "memfile";
    config.lease_database.family = family == Family::kV4 ? 4 : 6;
    config.lease_database.data_dir = state.context->default_data_dir;
  }
  if (global.has("hosts-database") && global.has("hosts-databases")) {
    global.failAt("hosts-database", "use either hosts-database or hosts-databases, not both");
  }
  if (auto hosts_database = global.object("hosts-database")) {
    config.hosts_databases.push_back(parseDatabase(*hosts_database, family, *state.context, false));
  }
  for (Section& hosts_database : objectList(global, "hosts-databases")) {
    config.hosts_databases.push_back(parseDatabase(hosts_database, family, *state.context, false));
  }

  if (auto expired = global.object("expired-leases-processing")) {
    config.expired_leases = parseExpiredLeases(*expired);
  }
  if (auto probation = global.integer("decline-probation-period", 0, kMaxUint32)) {
    config.decline_probation_period = seconds(*probation);
  }
  config.loggers = parseLoggers(global);
  config.control_sockets = parseControlSockets(global);
  parseHooksLibraries(global, config);
  if (auto threading = global.object("multi-threading")) {
    config.multi_threading = parseMultiThreading(*threading);
  }
  config.host_reservation_identifiers = parseIdentifierTypes(global, family);
  config.client_classes = parseClientClasses(global, state);
  config.global_options = parseOptionData(global, state);

  config.server_tag = global.string("server-tag").value_or("");
  if (auto count = global.integer("statistic-default-sample-count", 0, kMaxUint32)) {
    config.statistic_default_sample_count = static_cast<size_t>(*count);
  }
  if (auto age = global.integer("statistic-default-sample-age", 0, kMaxUint32)) {
    config.statistic_default_sample_age = seconds(*age);
  }
  config.ip_reservations_unique = global.boolean("ip-reservations-unique").value_or(true);
  if (auto sanity = global.object("sanity-checks")) {
    parseSanityChecks(*sanity, config);
  }
  if (auto compatibility = global.object("compatibility")) {
    parseCompatibility(*compatibility, family, config);
  }
  if (auto queue = global.object("dhcp-queue-control")) {
    acceptQueueControl(*queue);
  }

  // Tuning knobs of Kea internals that Leasehold does not have: checked, no effect.
  global.acceptWithoutEffect("parked-packet-limit", Kind::kInteger);
  global.acceptWithoutEffect("early-global-reservations-lookup", Kind::kBool);
  global.acceptWithoutEffect("reservations-lookup-first", Kind::kBool);
  if (family == Family::kV4) {
    global.acceptWithoutEffect("stash-agent-options", Kind::kBool);
  } else {
    global.acceptWithoutEffect("allow-address-registration", Kind::kBool);
  }
  acceptDdnsParameters(global);
}

}  // namespace leasehold::config::detail
