// Encoders for the standard options whose option-data text has its own syntax rather than a
// list of typed values: classless static routes (RFC 3442) and encrypted DNS resolvers
// (RFC 9463, DHCPv4 and DHCPv6 forms). The syntax follows Kea's documentation.
#include <algorithm>
#include <map>

#include "backends/address.h"
#include "server/options/option_text.h"

namespace leasehold::options::detail {

namespace {

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

// SvcParamKeys from RFC 9460 section 14.3.2 and RFC 9461 (dohpath).
const std::map<std::string_view, uint16_t>& svcParamKeys() {
  static const std::map<std::string_view, uint16_t> keys{
      {"mandatory", 0}, {"alpn", 1},     {"no-default-alpn", 2}, {"port", 3},
      {"ipv4hint", 4},  {"ech", 5},      {"ipv6hint", 6},        {"dohpath", 7},
  };
  return keys;
}

Result<Bytes, std::string> encodeSvcParamValue(std::string_view key, std::string_view value) {
  Bytes out;
  if (key == "alpn") {
    for (const std::string& protocol : splitEscaped(value, ',', true)) {
      if (protocol.empty() || protocol.size() > 255) {
        return makeUnexpected("invalid alpn value " + quoted(value));
      }
      out.push_back(static_cast<uint8_t>(protocol.size()));
      out.insert(out.end(), protocol.begin(), protocol.end());
    }
    if (out.empty()) {
      return makeUnexpected(std::string("alpn needs at least one protocol id"));
    }
    return out;
  }
  if (key == "port") {
    auto port = parseInteger(value, 0, 65535);
    if (!port) {
      return makeUnexpected("invalid port: " + port.error());
    }
    appendUint16(static_cast<uint16_t>(*port), out);
    return out;
  }
  if (key == "dohpath") {
    if (value.empty()) {
      return makeUnexpected(std::string("dohpath needs a URI template"));
    }
    return Bytes(value.begin(), value.end());
  }
  if (key == "mandatory") {
    std::vector<uint16_t> listed;
    for (const std::string& name : splitEscaped(value, ',', true)) {
      const auto it = svcParamKeys().find(name);
      if (it == svcParamKeys().end()) {
        return makeUnexpected("unknown key " + quoted(name) + " in mandatory");
      }
      listed.push_back(it->second);
    }
    std::sort(listed.begin(), listed.end());
    for (uint16_t number : listed) {
      appendUint16(number, out);
    }
    return out;
  }
  if (key == "no-default-alpn") {
    if (!value.empty()) {
      return makeUnexpected(std::string("no-default-alpn takes no value"));
    }
    return out;
  }
  return makeUnexpected("SvcParam " + std::string(key) +
                        " is not supported in DNR options (RFC 9463 section 3.1.5)");
}

// Encodes space-separated "key=value" pairs in key order, as RFC 9460 requires on the wire.
Result<Bytes, std::string> encodeSvcParams(std::string_view text) {
  std::map<uint16_t, Bytes> params;
  for (const std::string& pair : splitEscaped(text, ' ', false)) {
    if (pair.empty()) {
      continue;
    }
    const auto equals = pair.find('=');
    const std::string key = pair.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : pair.substr(equals + 1);
    const auto it = svcParamKeys().find(key);
    if (it == svcParamKeys().end()) {
      return makeUnexpected("unknown SvcParam key " + quoted(key));
    }
    auto encoded = encodeSvcParamValue(key, value);
    if (!encoded) {
      return makeUnexpected(encoded.error());
    }
    if (!params.emplace(it->second, std::move(*encoded)).second) {
      return makeUnexpected("SvcParam " + key + " appears twice");
    }
  }
  Bytes out;
  for (const auto& [number, value] : params) {
    appendUint16(number, out);
    appendUint16(static_cast<uint16_t>(value.size()), out);
    out.insert(out.end(), value.begin(), value.end());
  }
  return out;
}

// The parts of one DNR instance: "priority, adn[, addresses[, svcparams]]".
struct DnrInstance {
  uint16_t priority = 0;
  Bytes adn;
  Bytes addresses;
  Bytes svc_params;
  bool adn_only = true;
};

Result<DnrInstance, std::string> parseDnrInstance(std::string_view text, Family family) {
  const auto fields = splitEscaped(text, ',', true);
  if (fields.size() < 2 || fields.size() > 4) {
    return makeUnexpected("DNR instance " + quoted(text) +
                          " needs: service priority, ADN[, addresses[, SvcParams]]");
  }
  DnrInstance instance;
  auto priority = parseInteger(fields[0], 1, 65535);
  if (!priority) {
    return makeUnexpected("invalid service priority: " + priority.error());
  }
  instance.priority = static_cast<uint16_t>(*priority);
  auto adn = appendFqdn(fields[1], instance.adn);
  if (!adn) {
    return makeUnexpected("invalid ADN: " + adn.error());
  }
  if (fields.size() == 2) {
    return instance;
  }

  instance.adn_only = false;
  for (const std::string& text_address : splitEscaped(fields[2], ' ', true)) {
    if (text_address.empty()) {
      continue;
    }
    if (family == Family::kV4) {
      const auto address = IPv4Address::parse(text_address);
      if (!address) {
        return makeUnexpected("invalid IPv4 address " + quoted(text_address) + " in DNR");
      }
      const auto bytes = address->toBytes();
      instance.addresses.insert(instance.addresses.end(), bytes.begin(), bytes.end());
    } else {
      const auto address = IPv6Address::parse(text_address);
      if (!address) {
        return makeUnexpected("invalid IPv6 address " + quoted(text_address) + " in DNR");
      }
      instance.addresses.insert(instance.addresses.end(), address->bytes().begin(),
                                address->bytes().end());
    }
  }
  if (instance.addresses.empty()) {
    return makeUnexpected("DNR instance " + quoted(text) + " lists no resolver address");
  }
  if (fields.size() == 4) {
    auto params = encodeSvcParams(fields[3]);
    if (!params) {
      return makeUnexpected(params.error());
    }
    instance.svc_params = std::move(*params);
  }
  return instance;
}

}  // namespace

Result<Bytes, std::string> encodeClasslessStaticRoutes(std::string_view data) {
  Bytes out;
  const auto routes = splitEscaped(data, ',', true);
  if (routes.empty()) {
    return makeUnexpected(std::string("classless-static-route needs at least one route"));
  }
  for (size_t i = 0; i < routes.size(); ++i) {
    const std::string& route = routes[i];
    const std::string label = "route " + std::to_string(i + 1) + " " + quoted(route) + ": ";
    const auto dash = route.find('-');
    if (dash == std::string::npos) {
      return makeUnexpected(label + "expected \"prefix/length - router\"");
    }
    auto trim = [](std::string_view text) {
      while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
      while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
      return text;
    };
    const auto prefix = IPv4Prefix::parse(trim(std::string_view(route).substr(0, dash)));
    const auto router = IPv4Address::parse(trim(std::string_view(route).substr(dash + 1)));
    if (!prefix) {
      return makeUnexpected(label + "invalid destination prefix");
    }
    if (prefix->hasHostBits()) {
      return makeUnexpected(label + "the destination has bits set beyond its length");
    }
    if (!router) {
      return makeUnexpected(label + "invalid router address");
    }
    // Width, the significant destination octets, then the router (RFC 3442 section 3).
    out.push_back(prefix->length);
    const auto destination = prefix->address.toBytes();
    out.insert(out.end(), destination.begin(), destination.begin() + (prefix->length + 7) / 8);
    const auto gateway = router->toBytes();
    out.insert(out.end(), gateway.begin(), gateway.end());
  }
  return out;
}

Result<Bytes, std::string> encodeDnr6(std::string_view data) {
  auto instance = parseDnrInstance(data, Family::kV6);
  if (!instance) {
    return makeUnexpected(instance.error());
  }
  Bytes out;
  appendUint16(instance->priority, out);
  appendUint16(static_cast<uint16_t>(instance->adn.size()), out);
  out.insert(out.end(), instance->adn.begin(), instance->adn.end());
  if (!instance->adn_only) {
    appendUint16(static_cast<uint16_t>(instance->addresses.size()), out);
    out.insert(out.end(), instance->addresses.begin(), instance->addresses.end());
    out.insert(out.end(), instance->svc_params.begin(), instance->svc_params.end());
  }
  return out;
}

Result<Bytes, std::string> encodeDnr4(std::string_view data) {
  const auto instances = splitEscaped(data, '|', false);
  if (instances.empty()) {
    return makeUnexpected(std::string("v4-dnr needs at least one DNR instance"));
  }
  Bytes out;
  for (size_t i = 0; i < instances.size(); ++i) {
    auto instance = parseDnrInstance(instances[i], Family::kV4);
    if (!instance) {
      return makeUnexpected("instance " + std::to_string(i + 1) + ": " + instance.error());
    }
    if (instance->adn.size() > 255 || instance->addresses.size() > 255) {
      return makeUnexpected("instance " + std::to_string(i + 1) + " is too long for DHCPv4");
    }
    // RFC 9463 section 5.1: instance length, priority, ADN length (1 byte), ADN, then the
    // address length (1 byte), addresses and SvcParams when not in ADN-only mode.
    Bytes body;
    appendUint16(instance->priority, body);
    body.push_back(static_cast<uint8_t>(instance->adn.size()));
    body.insert(body.end(), instance->adn.begin(), instance->adn.end());
    if (!instance->adn_only) {
      body.push_back(static_cast<uint8_t>(instance->addresses.size()));
      body.insert(body.end(), instance->addresses.begin(), instance->addresses.end());
      body.insert(body.end(), instance->svc_params.begin(), instance->svc_params.end());
    }
    appendUint16(static_cast<uint16_t>(body.size()), out);
    out.insert(out.end(), body.begin(), body.end());
  }
  return out;
}

}  // namespace leasehold::options::detail
