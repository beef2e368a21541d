// Parameters that Kea inherits from the global level through shared networks to subnets:
// reading them at each level, merging them, and checking the effective values.
#include <algorithm>

#include "server/config/parse_internal.h"

namespace leasehold::config::detail {

namespace {

constexpr int64_t kMaxUint32 = 4294967295;

std::optional<uint32_t> optionalUint32(Section& section, std::string_view key) {
  auto value = section.integer(key, 0, kMaxUint32);
  return value ? std::optional<uint32_t>(static_cast<uint32_t>(*value)) : std::nullopt;
}

// Kea's values: "iterative", "random" and, for addresses, the free lease queue "flq".
std::optional<std::string> parseAllocator(Section& section, std::string_view key) {
  auto value = section.string(key);
  if (value && *value != "iterative" && *value != "random" && *value != "flq") {
    section.failAt(key, "invalid allocator " + quote(*value) + ": use iterative, random or flq");
  }
  return value;
}

// The Kea 1.x/2.x reservation-mode, which Kea 2.x replaced by three flags.
void parseReservationMode(Section& section, NetworkParams& params) {
  auto mode = section.string("reservation-mode");
  if (!mode) {
    return;
  }
  for (const char* flag : {"reservations-global", "reservations-in-subnet",
                           "reservations-out-of-pool"}) {
    if (section.has(flag)) {
      section.failAt("reservation-mode",
                     "use either reservation-mode or the reservations-* flags, not both");
    }
  }
  if (*mode == "all") {
    params.reservations_global = false;
    params.reservations_in_subnet = true;
    params.reservations_out_of_pool = false;
  } else if (*mode == "out-of-pool") {
    params.reservations_global = false;
    params.reservations_in_subnet = true;
    params.reservations_out_of_pool = true;
  } else if (*mode == "global") {
    params.reservations_global = true;
    params.reservations_in_subnet = false;
    params.reservations_out_of_pool = false;
  } else if (*mode == "disabled") {
    params.reservations_global = false;
    params.reservations_in_subnet = false;
    params.reservations_out_of_pool = false;
  } else {
    section.failAt("reservation-mode", "invalid reservation-mode " + quote(*mode) +
                                           ": use all, out-of-pool, global or disabled");
  }
}

template <typename T>
void inheritField(std::optional<T>& result, const std::optional<T>& inner) {
  if (inner) {
    result = inner;
  }
}

}  // namespace

std::optional<IPv4Address> parseIPv4(Section& section, std::string_view key) {
  auto text = section.string(key);
  if (!text) {
    return std::nullopt;
  }
  auto address = IPv4Address::parse(*text);
  if (!address) {
    section.failAt(key, "invalid IPv4 address " + quote(*text));
  }
  return address;
}

NetworkParams parseNetworkParams(Section& section, Family family, Level level) {
  NetworkParams params;
  params.valid = optionalUint32(section, "valid-lifetime");
  params.min_valid = optionalUint32(section, "min-valid-lifetime");
  params.max_valid = optionalUint32(section, "max-valid-lifetime");
  params.renew_timer = optionalUint32(section, "renew-timer");
  params.rebind_timer = optionalUint32(section, "rebind-timer");
  params.calculate_tee_times = section.boolean("calculate-tee-times");
  params.t1_percent = section.number("t1-percent", 0.0, 1.0);
  params.t2_percent = section.number("t2-percent", 0.0, 1.0);
  params.cache_threshold = section.number("cache-threshold", 0.0, 1.0);
  params.cache_max_age = optionalUint32(section, "cache-max-age");
  params.allocator = parseAllocator(section, "allocator");
  params.store_extended_info = section.boolean("store-extended-info");
  params.reservations_global = section.boolean("reservations-global");
  params.reservations_in_subnet = section.boolean("reservations-in-subnet");
  params.reservations_out_of_pool = section.boolean("reservations-out-of-pool");
  parseReservationMode(section, params);

  if (family == Family::kV4) {
    params.match_client_id = section.boolean("match-client-id");
    params.authoritative = section.boolean("authoritative");
    params.next_server = parseIPv4(section, "next-server");
    params.server_hostname = section.string("server-hostname");
    params.boot_file_name = section.string("boot-file-name");
    params.offer_lifetime = optionalUint32(section, "offer-lifetime");
  } else {
    params.preferred = optionalUint32(section, "preferred-lifetime");
    params.min_preferred = optionalUint32(section, "min-preferred-lifetime");
    params.max_preferred = optionalUint32(section, "max-preferred-lifetime");
    params.pd_allocator = parseAllocator(section, "pd-allocator");
    if (params.pd_allocator == "flq") {
      section.failAt("pd-allocator", "invalid allocator \"flq\" for prefixes: use iterative or "
                                     "random");
    }
    if (level != Level::kGlobal) {
      params.rapid_commit = section.boolean("rapid-commit");
    }
  }

  // Kea's adaptive lease time shortens lifetimes when pools fill up; Leasehold always hands
  // out the configured lifetime.
  section.acceptWithoutEffect("adaptive-lease-time-threshold", Kind::kNumber);
  acceptDdnsParameters(section);
  return params;
}

NetworkParams inheritParams(const NetworkParams& outer, const NetworkParams& inner) {
  NetworkParams result = outer;
  inheritField(result.valid, inner.valid);
  inheritField(result.min_valid, inner.min_valid);
  inheritField(result.max_valid, inner.max_valid);
  inheritField(result.preferred, inner.preferred);
  inheritField(result.min_preferred, inner.min_preferred);
  inheritField(result.max_preferred, inner.max_preferred);
  inheritField(result.renew_timer, inner.renew_timer);
  inheritField(result.rebind_timer, inner.rebind_timer);
  inheritField(result.calculate_tee_times, inner.calculate_tee_times);
  inheritField(result.t1_percent, inner.t1_percent);
  inheritField(result.t2_percent, inner.t2_percent);
  inheritField(result.cache_threshold, inner.cache_threshold);
  inheritField(result.cache_max_age, inner.cache_max_age);
  inheritField(result.allocator, inner.allocator);
  inheritField(result.pd_allocator, inner.pd_allocator);
  inheritField(result.store_extended_info, inner.store_extended_info);
  inheritField(result.reservations_global, inner.reservations_global);
  inheritField(result.reservations_in_subnet, inner.reservations_in_subnet);
  inheritField(result.reservations_out_of_pool, inner.reservations_out_of_pool);
  inheritField(result.match_client_id, inner.match_client_id);
  inheritField(result.authoritative, inner.authoritative);
  inheritField(result.next_server, inner.next_server);
  inheritField(result.server_hostname, inner.server_hostname);
  inheritField(result.boot_file_name, inner.boot_file_name);
  inheritField(result.offer_lifetime, inner.offer_lifetime);
  inheritField(result.rapid_commit, inner.rapid_commit);
  return result;
}

Triplet resolveTriplet(std::optional<uint32_t> value, std::optional<uint32_t> min,
                       std::optional<uint32_t> max, uint32_t default_value,
                       const std::string& path, std::string_view name) {
  // Without a configured value, the default moves inside whatever bounds are configured.
  uint32_t effective = value.value_or(default_value);
  if (!value) {
    effective = std::max(effective, min.value_or(effective));
    effective = std::min(effective, max.value_or(effective));
  }
  Triplet triplet{seconds(effective), seconds(min.value_or(effective)),
                  seconds(max.value_or(effective))};

  const std::string key(name);
  if (triplet.min > triplet.value) {
    fail(path + "/min-" + key, "invalid lifetimes: min-" + key + " (" +
                                   std::to_string(triplet.min.count()) + ") is above " + key +
                                   " (" + std::to_string(triplet.value.count()) + ")");
  }
  if (triplet.max < triplet.value) {
    fail(path + "/max-" + key, "invalid lifetimes: max-" + key + " (" +
                                   std::to_string(triplet.max.count()) + ") is below " + key +
                                   " (" + std::to_string(triplet.value.count()) + ")");
  }
  return triplet;
}

void applyNetworkParams(const NetworkParams& params, Family family, const std::string& path,
                        SubnetCommon& subnet) {
  const bool v4 = family == Family::kV4;
  subnet.valid_lifetime =
      resolveTriplet(params.valid, params.min_valid, params.max_valid, 7200, path,
                     "valid-lifetime");
  if (params.renew_timer) {
    subnet.renew_timer = seconds(*params.renew_timer);
  }
  if (params.rebind_timer) {
    subnet.rebind_timer = seconds(*params.rebind_timer);
  }
  // Kea computes T1/T2 by default for DHCPv6 only.
  subnet.calculate_tee_times = params.calculate_tee_times.value_or(!v4);
  subnet.t1_percent = params.t1_percent.value_or(0.5);
  subnet.t2_percent = params.t2_percent.value_or(v4 ? 0.875 : 0.8);
  if (subnet.calculate_tee_times && subnet.t1_percent >= subnet.t2_percent) {
    fail(path + "/t1-percent", "invalid t1-percent " + Json(subnet.t1_percent).dump() +
                                   ": it must be below t2-percent " +
                                   Json(subnet.t2_percent).dump());
  }
  subnet.cache_threshold = params.cache_threshold.value_or(0.25);
  if (params.cache_max_age) {
    subnet.cache_max_age = seconds(*params.cache_max_age);
  }
  subnet.allocator = params.allocator.value_or("iterative");
  subnet.store_extended_info = params.store_extended_info.value_or(false);
  subnet.reservations_global = params.reservations_global.value_or(false);
  subnet.reservations_in_subnet = params.reservations_in_subnet.value_or(true);
  subnet.reservations_out_of_pool = params.reservations_out_of_pool.value_or(false);
}

}  // namespace leasehold::config::detail
