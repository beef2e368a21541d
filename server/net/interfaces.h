// The host's network interfaces as the kernel reports them (getifaddrs).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/address.h"
#include "backends/result.h"

namespace leasehold::net {

struct NetworkInterface {
  std::string name;
  int index = 0;
  bool up = false;
  bool loopback = false;
  bool has_mac = false;
  std::array<uint8_t, 6> mac{};
  std::vector<IPv4Prefix> ipv4;  // address with its prefix length
  std::vector<IPv6Prefix> ipv6;
};

// Lists every interface. Errors carry the system error text.
Result<std::vector<NetworkInterface>, std::string> listInterfaces();

// Returns the interface called `name`, or nullptr.
const NetworkInterface* findInterface(const std::vector<NetworkInterface>& interfaces,
                                      std::string_view name);
// Returns the interface with kernel index `index`, or nullptr.
const NetworkInterface* findInterface(const std::vector<NetworkInterface>& interfaces, int index);

// An `interfaces-config` entry: "eth0", "eth0/192.0.2.1" (one address) or "*" (all).
struct InterfaceSelector {
  std::string name;  // "*" for all
  std::optional<std::string> address;
};
InterfaceSelector parseInterfaceSelector(std::string_view entry);

// An interface chosen by interfaces-config, with the address its entry named, if any.
struct SelectedInterface {
  NetworkInterface interface;
  std::optional<std::string> address;
};

// Resolves interfaces-config entries against `all`: "*" picks every interface that is up and
// not loopback. Each interface appears once, in index order. An unknown name is an error
// naming it.
Result<std::vector<SelectedInterface>, std::string> selectInterfaces(
    const std::vector<std::string>& entries, const std::vector<NetworkInterface>& all);

}  // namespace leasehold::net
