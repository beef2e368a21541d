#include "server/net/interfaces.h"

#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <algorithm>
#include <map>

namespace leasehold::net {

namespace {

uint8_t maskLength(const uint8_t* bytes, size_t size) {
  unsigned length = 0;
  for (size_t i = 0; i < size; ++i) {
    length += static_cast<unsigned>(std::popcount(static_cast<unsigned>(bytes[i])));
  }
  return static_cast<uint8_t>(length);
}

}  // namespace

Result<std::vector<NetworkInterface>, std::string> listInterfaces() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) {
    return makeUnexpected(std::string("getifaddrs failed: ") + std::strerror(errno));
  }

  std::map<std::string, NetworkInterface> by_name;
  for (ifaddrs* entry = list; entry != nullptr; entry = entry->ifa_next) {
    if (entry->ifa_name == nullptr) {
      continue;
    }
    NetworkInterface& interface = by_name[entry->ifa_name];
    interface.name = entry->ifa_name;
    interface.index = static_cast<int>(if_nametoindex(entry->ifa_name));
    interface.up = (entry->ifa_flags & IFF_UP) != 0;
    interface.loopback = (entry->ifa_flags & IFF_LOOPBACK) != 0;
    if (entry->ifa_addr == nullptr) {
      continue;
    }

    switch (entry->ifa_addr->sa_family) {
      case AF_PACKET: {
        const auto* link = reinterpret_cast<const sockaddr_ll*>(entry->ifa_addr);
        if (link->sll_halen == 6) {
          std::memcpy(interface.mac.data(), link->sll_addr, 6);
          interface.has_mac = true;
        }
        break;
      }
      case AF_INET: {
        const auto* address = reinterpret_cast<const sockaddr_in*>(entry->ifa_addr);
        uint8_t length = 32;
        if (entry->ifa_netmask != nullptr) {
          const auto* mask = reinterpret_cast<const sockaddr_in*>(entry->ifa_netmask);
          length = maskLength(reinterpret_cast<const uint8_t*>(&mask->sin_addr), 4);
        }
        interface.ipv4.push_back(IPv4Prefix{
            IPv4Address::fromBytes({reinterpret_cast<const uint8_t*>(&address->sin_addr), 4}),
            length});
        break;
      }
      case AF_INET6: {
        const auto* address = reinterpret_cast<const sockaddr_in6*>(entry->ifa_addr);
        uint8_t length = 128;
        if (entry->ifa_netmask != nullptr) {
          const auto* mask = reinterpret_cast<const sockaddr_in6*>(entry->ifa_netmask);
          length = maskLength(mask->sin6_addr.s6_addr, 16);
        }
        interface.ipv6.push_back(
            IPv6Prefix{IPv6Address::fromBytes({address->sin6_addr.s6_addr, 16}), length});
        break;
      }
      default:
        break;
    }
  }
  freeifaddrs(list);

  std::vector<NetworkInterface> interfaces;
  interfaces.reserve(by_name.size());
  for (auto& [name, interface] : by_name) {
    interfaces.push_back(std::move(interface));
  }
  return interfaces;
}

const NetworkInterface* findInterface(const std::vector<NetworkInterface>& interfaces,
                                      std::string_view name) {
  for (const auto& interface : interfaces) {
    if (interface.name == name) {
      return &interface;
    }
  }
  return nullptr;
}

const NetworkInterface* findInterface(const std::vector<NetworkInterface>& interfaces, int index) {
  for (const NetworkInterface& interface : interfaces) {
    if (interface.index == index) {
      return &interface;
    }
  }
  return nullptr;
}

InterfaceSelector parseInterfaceSelector(std::string_view entry) {
  InterfaceSelector selector;
  const auto slash = entry.find('/');
  selector.name = std::string(entry.substr(0, slash));
  if (slash != std::string_view::npos) {
    selector.address = std::string(entry.substr(slash + 1));
  }
  return selector;
}

Result<std::vector<SelectedInterface>, std::string> selectInterfaces(
    const std::vector<std::string>& entries, const std::vector<NetworkInterface>& all) {
  std::vector<SelectedInterface> selected;
  auto add = [&](const NetworkInterface& interface, std::optional<std::string> address) {
    for (auto& existing : selected) {
      if (existing.interface.index == interface.index) {
        if (address) {
          existing.address = std::move(address);
        }
        return;
      }
    }
    selected.push_back(SelectedInterface{interface, std::move(address)});
  };
  for (const auto& entry : entries) {
    const InterfaceSelector selector = parseInterfaceSelector(entry);
    if (selector.name == "*") {
      for (const auto& interface : all) {
        if (!interface.loopback && interface.up) {
          add(interface, std::nullopt);
        }
      }
      continue;
    }
    const NetworkInterface* found = findInterface(all, selector.name);
    if (found == nullptr) {
      return makeUnexpected("interface \"" + selector.name + "\" from interfaces-config not found");
    }
    add(*found, selector.address);
  }
  std::sort(selected.begin(), selected.end(), [](const auto& a, const auto& b) {
    return a.interface.index < b.interface.index;
  });
  return selected;
}

}  // namespace leasehold::net
