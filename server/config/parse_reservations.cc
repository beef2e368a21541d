// Host reservations in subnets and at the global level: identifiers, reserved addresses and
// prefixes, per-host options, and the uniqueness rules Kea applies to them.
#include <map>
#include <set>

#include "server/config/parse_internal.h"

namespace leasehold::config::detail {

namespace {

constexpr size_t kMaxHwAddrLength = 20;
constexpr size_t kMaxIdentifierLength = 128;

struct IdentifierKey {
  const char* key;
  IdentifierType type;
};

constexpr IdentifierKey kIdentifierKeys[] = {
    {"hw-address", IdentifierType::kHwAddress}, {"duid", IdentifierType::kDuid},
    {"circuit-id", IdentifierType::kCircuitId}, {"client-id", IdentifierType::kClientId},
    {"flex-id", IdentifierType::kFlexId},
};

bool allowedIn(IdentifierType type, Family family) {
  return family == Family::kV4 || type == IdentifierType::kHwAddress ||
         type == IdentifierType::kDuid || type == IdentifierType::kFlexId;
}

// Reads the one identifier key of a reservation: hex ("01:02:03", "010203") or text in
// single quotes ("'abc'"), as Kea accepts.
void parseIdentifier(Section& section, Family family, IdentifierType& type,
                     std::vector<uint8_t>& identifier) {
  const char* found = nullptr;
  for (const IdentifierKey& candidate : kIdentifierKeys) {
    if (!section.has(candidate.key) || !allowedIn(candidate.type, family)) {
      continue;
    }
    if (found != nullptr) {
      section.failAt(candidate.key, std::string("a reservation has one identifier, but both ") +
                                        found + " and " + candidate.key + " are set");
    }
    found = candidate.key;
    type = candidate.type;
  }
  if (found == nullptr) {
    fail(section.path(), family == Family::kV4
                             ? "missing identifier: set hw-address, duid, circuit-id, "
                               "client-id or flex-id"
                             : "missing identifier: set duid, hw-address or flex-id");
  }

  const std::string text = *section.string(found);
  if (type == IdentifierType::kHwAddress) {
    auto hwaddr = HwAddr::parse(text);
    if (!hwaddr || hwaddr->bytes.empty() || hwaddr->bytes.size() > kMaxHwAddrLength) {
      section.failAt(found, "invalid hw-address " + quote(text) +
                                ": expected 1 to 20 hex bytes such as 1a:1b:1c:1d:1e:1f");
    }
    identifier = std::move(hwaddr->bytes);
    return;
  }
  auto bytes = options::encodeHexData(text);
  if (!bytes || bytes->empty() || bytes->size() > kMaxIdentifierLength) {
    section.failAt(found, "invalid " + std::string(found) + " " + quote(text) +
                              ": expected 1 to 128 bytes as hex or as 'quoted text'");
  }
  identifier = std::move(*bytes);
}

std::string parseHostname(Section& section) {
  std::string hostname = section.string("hostname").value_or("");
  bool label_empty = true;
  for (size_t i = 0; i < hostname.size(); ++i) {
    if (hostname[i] == '.') {
      if (label_empty && i + 1 != hostname.size()) {
        section.failAt("hostname", "invalid hostname " + quote(hostname) + ": empty label");
      }
      label_empty = true;
    } else {
      label_empty = false;
    }
  }
  if (hostname.size() > 255) {
    section.failAt("hostname", "invalid hostname: longer than 255 characters");
  }
  return hostname;
}

std::string identifierText(IdentifierType type, const std::vector<uint8_t>& identifier) {
  return std::string(identifierTypeName(type)) + " " + toHexColon(identifier);
}

template <typename Reservation>
void checkIdentifiersUnique(const std::vector<Reservation>& reservations,
                            const std::string& path) {
  std::map<std::pair<IdentifierType, std::vector<uint8_t>>, size_t> seen;
  for (size_t i = 0; i < reservations.size(); ++i) {
    const auto key = std::make_pair(reservations[i].identifier_type, reservations[i].identifier);
    const auto [it, inserted] = seen.emplace(key, i);
    if (!inserted) {
      fail(path + "/reservations[" + std::to_string(i) + "]",
           "duplicate reservation for " + identifierText(key.first, key.second) +
               ": reservations[" + std::to_string(it->second) + "] has the same identifier");
    }
  }
}

std::string where(SubnetId id) {
  return id == 0 ? std::string("the global reservations") : "subnet " + std::to_string(id);
}

}  // namespace

std::vector<IdentifierType> parseIdentifierTypes(Section& global, Family family) {
  auto names = global.stringList("host-reservation-identifiers");
  if (!names) {
    if (family == Family::kV4) {
      return {IdentifierType::kHwAddress, IdentifierType::kDuid, IdentifierType::kCircuitId,
              IdentifierType::kClientId};
    }
    return {IdentifierType::kHwAddress, IdentifierType::kDuid};
  }
  std::vector<IdentifierType> types;
  for (const std::string& name : *names) {
    const IdentifierKey* match = nullptr;
    for (const IdentifierKey& candidate : kIdentifierKeys) {
      if (name == candidate.key && allowedIn(candidate.type, family)) {
        match = &candidate;
      }
    }
    if (match == nullptr) {
      global.failAt("host-reservation-identifiers",
                    "invalid identifier type " + quote(name) +
                        (family == Family::kV4
                             ? ": use hw-address, duid, circuit-id, client-id or flex-id"
                             : ": use hw-address, duid or flex-id"));
    }
    if (std::find(types.begin(), types.end(), match->type) != types.end()) {
      global.failAt("host-reservation-identifiers", "duplicate identifier type " + quote(name));
    }
    types.push_back(match->type);
  }
  return types;
}

Reservation4 parseReservation4(Section& section, const ParseState& state) {
  Reservation4 reservation;
  parseIdentifier(section, Family::kV4, reservation.identifier_type, reservation.identifier);
  reservation.ip_address = parseIPv4(section, "ip-address");
  if (reservation.ip_address && reservation.ip_address->isZero()) {
    reservation.ip_address.reset();  // 0.0.0.0 reserves no address in Kea
  }
  reservation.hostname = parseHostname(section);
  reservation.next_server = parseIPv4(section, "next-server");
  reservation.server_hostname = section.string("server-hostname").value_or("");
  reservation.boot_file_name = section.string("boot-file-name").value_or("");
  reservation.options = parseOptionData(section, state);
  reservation.client_classes = section.stringList("client-classes").value_or(
      std::vector<std::string>{});
  reservation.user_context = section.userContext();
  section.finish();
  return reservation;
}

Reservation6 parseReservation6(Section& section, const ParseState& state) {
  Reservation6 reservation;
  parseIdentifier(section, Family::kV6, reservation.identifier_type, reservation.identifier);
  for (const std::string& text : section.stringList("ip-addresses").value_or(
           std::vector<std::string>{})) {
    auto address = IPv6Address::parse(text);
    if (!address) {
      section.failAt("ip-addresses", "invalid IPv6 address " + quote(text));
    }
    reservation.ip_addresses.push_back(*address);
  }
  for (const std::string& text : section.stringList("prefixes").value_or(
           std::vector<std::string>{})) {
    auto prefix = IPv6Prefix::parse(text);
    if (!prefix || prefix->hasHostBits()) {
      section.failAt("prefixes", "invalid prefix " + quote(text) +
                                     ": expected address/length with no bits beyond the length");
    }
    reservation.prefixes.push_back(*prefix);
  }
  for (const std::string& text : section.stringList("excluded-prefixes").value_or(
           std::vector<std::string>{})) {
    auto prefix = IPv6Prefix::parse(text);
    if (!prefix || prefix->hasHostBits()) {
      section.failAt("excluded-prefixes", "invalid excluded prefix " + quote(text));
    }
    reservation.excluded_prefixes.push_back(*prefix);
  }
  if (!reservation.excluded_prefixes.empty()) {
    // Each reserved prefix has its excluded prefix at the same position (RFC 6603).
    if (reservation.excluded_prefixes.size() != reservation.prefixes.size()) {
      section.failAt("excluded-prefixes", "excluded-prefixes needs one entry per prefix");
    }
    for (size_t i = 0; i < reservation.prefixes.size(); ++i) {
      const IPv6Prefix& delegated = reservation.prefixes[i];
      const IPv6Prefix& excluded = reservation.excluded_prefixes[i];
      if (excluded.length <= delegated.length || !delegated.contains(excluded)) {
        section.failAt("excluded-prefixes",
                       "excluded prefix " + excluded.toString() + " is not inside prefix " +
                           delegated.toString());
      }
    }
  }
  reservation.hostname = parseHostname(section);
  reservation.options = parseOptionData(section, state);
  reservation.client_classes = section.stringList("client-classes").value_or(
      std::vector<std::string>{});
  reservation.user_context = section.userContext();
  section.finish();
  return reservation;
}

void validateReservations4(const std::vector<Reservation4>& reservations,
                           const IPv4Prefix* subnet, SubnetId id, bool addresses_unique,
                           const std::string& path) {
  checkIdentifiersUnique(reservations, path);
  std::map<IPv4Address, size_t> addresses;
  for (size_t i = 0; i < reservations.size(); ++i) {
    if (!reservations[i].ip_address) {
      continue;
    }
    const IPv4Address address = *reservations[i].ip_address;
    const std::string entry = path + "/reservations[" + std::to_string(i) + "]/ip-address";
    if (subnet != nullptr && !subnet->contains(address)) {
      fail(entry, "reserved address " + address.toString() + " is outside subnet " +
                      std::to_string(id) + " (" + subnet->toString() + ")");
    }
    const auto [it, inserted] = addresses.emplace(address, i);
    if (!inserted && addresses_unique) {
      fail(entry, "address " + address.toString() + " is reserved twice in " + where(id) +
                      " (also in reservations[" + std::to_string(it->second) +
                      "]); set ip-reservations-unique to false to allow it");
    }
  }
}

void validateReservations6(const std::vector<Reservation6>& reservations,
                           const IPv6Prefix* subnet, SubnetId id, bool addresses_unique,
                           const std::string& path) {
  checkIdentifiersUnique(reservations, path);
  std::map<IPv6Address, size_t> addresses;
  std::map<IPv6Prefix, size_t> prefixes;
  for (size_t i = 0; i < reservations.size(); ++i) {
    const std::string entry = path + "/reservations[" + std::to_string(i) + "]";
    for (const IPv6Address& address : reservations[i].ip_addresses) {
      if (subnet != nullptr && !subnet->contains(address)) {
        fail(entry + "/ip-addresses", "reserved address " + address.toString() +
                                          " is outside subnet " + std::to_string(id) + " (" +
                                          subnet->toString() + ")");
      }
      const auto [it, inserted] = addresses.emplace(address, i);
      if (!inserted && addresses_unique) {
        fail(entry + "/ip-addresses",
             "address " + address.toString() + " is reserved twice in " + where(id) +
                 " (also in reservations[" + std::to_string(it->second) +
                 "]); set ip-reservations-unique to false to allow it");
      }
    }
    for (const IPv6Prefix& prefix : reservations[i].prefixes) {
      const auto [it, inserted] = prefixes.emplace(prefix, i);
      if (!inserted && addresses_unique) {
        fail(entry + "/prefixes", "prefix " + prefix.toString() + " is reserved twice in " +
                                      where(id) + " (also in reservations[" +
                                      std::to_string(it->second) + "])");
      }
    }
  }
}

}  // namespace leasehold::config::detail
