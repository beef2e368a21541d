// Pieces of subnet and shared network parsing that DHCPv4 and DHCPv6 share.
#include "server/config/parse_internal.h"

namespace leasehold::config::detail {

SubnetId parseSubnetId(Section& section) {
  // 0 and 4294967295 are reserved by Kea (unassigned and "any subnet").
  auto id = section.integer("id", 1, 4294967294);
  if (!id) {
    section.failAt("id", "missing subnet id: Leasehold needs an explicit id because leases "
                         "and reservations are stored by it");
  }
  return static_cast<SubnetId>(*id);
}

PoolText splitPoolText(const std::string& text) {
  auto trim = [](std::string piece) {
    const auto first = piece.find_first_not_of(" \t");
    const auto last = piece.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : piece.substr(first, last - first + 1);
  };
  PoolText pool;
  const auto dash = text.find('-');
  if (dash != std::string::npos) {
    pool.first = trim(text.substr(0, dash));
    pool.last = trim(text.substr(dash + 1));
    return pool;
  }
  pool.prefix = trim(text);
  return pool;
}

std::vector<std::string> parseRelayAddresses(Section& section) {
  auto relay = section.object("relay");
  if (!relay) {
    return {};
  }
  if (relay->has("ip-address") && relay->has("ip-addresses")) {
    relay->failAt("ip-address", "use either ip-address or ip-addresses, not both");
  }
  std::vector<std::string> addresses;
  if (auto single = relay->string("ip-address")) {
    addresses.push_back(*single);
  }
  if (auto list = relay->stringList("ip-addresses")) {
    addresses = std::move(*list);
  }
  relay->finish();
  return addresses;
}

std::string inheritInterface(Section& section, const std::string& network_interface,
                             const std::string& network_name) {
  auto own = section.string("interface");
  if (!own || own->empty()) {
    return network_interface;
  }
  if (!network_interface.empty() && *own != network_interface) {
    section.failAt("interface", "interface " + quote(*own) + " differs from interface " +
                                    quote(network_interface) + " of shared network " +
                                    quote(network_name));
  }
  return *own;
}

const Json& selectDaemonObject(const Json& root, std::string_view daemon_key) {
  const std::string key(daemon_key);
  if (!root.is_object()) {
    fail(key, "expected an object, got " + describe(root));
  }
  if (root.contains(key)) {
    return root.at(key);
  }
  for (const char* other : {"Dhcp4", "Dhcp6", "DhcpDdns", "Control-agent", "Netconf"}) {
    if (root.contains(other)) {
      fail(key, "missing \"" + key + "\" object: the file configures " + other);
    }
  }
  return root;
}

}  // namespace leasehold::config::detail
