#include <algorithm>

#include "server/config/model.h"

#include "server/classify/expression.h"

namespace leasehold::config {

seconds Triplet::resolve(std::optional<seconds> hint) const {
  if (!hint) {
    return value;
  }
  return std::clamp(*hint, min, max);
}

std::string_view identifierTypeName(IdentifierType type) {
  switch (type) {
    case IdentifierType::kHwAddress: return "hw-address";
    case IdentifierType::kDuid: return "duid";
    case IdentifierType::kCircuitId: return "circuit-id";
    case IdentifierType::kClientId: return "client-id";
    case IdentifierType::kFlexId: return "flex-id";
  }
  return "unknown";
}

const Pool4* Subnet4::findPool(IPv4Address address) const {
  for (const Pool4& pool : pools) {
    if (pool.contains(address)) {
      return &pool;
    }
  }
  return nullptr;
}

const Pool6* Subnet6::findPool(LeaseType type, const IPv6Address& address) const {
  const auto& candidates = type == LeaseType::kPd ? pd_pools : pools;
  for (const Pool6& pool : candidates) {
    if (pool.type == type && pool.contains(address)) {
      return &pool;
    }
  }
  return nullptr;
}

bool ClientClass::dependsOnKnown() const {
  return expression != nullptr && expression->dependsOnKnown();
}

const ClientClass* DhcpCommon::findClass(std::string_view name) const {
  for (const ClientClass& client_class : client_classes) {
    if (client_class.name == name) {
      return &client_class;
    }
  }
  return nullptr;
}

namespace {

template <typename Subnet>
const Subnet* findById(const std::vector<Subnet>& subnets, SubnetId id) {
  for (const Subnet& subnet : subnets) {
    if (subnet.id == id) {
      return &subnet;
    }
  }
  return nullptr;
}

template <typename Network>
const Network* findByName(const std::vector<Network>& networks, std::string_view name) {
  for (const Network& network : networks) {
    if (network.name == name) {
      return &network;
    }
  }
  return nullptr;
}

}  // namespace

const Subnet4* Dhcp4Config::findSubnet(SubnetId id) const { return findById(subnets, id); }

const SharedNetwork4* Dhcp4Config::findSharedNetwork(std::string_view name) const {
  return findByName(shared_networks, name);
}

const Subnet6* Dhcp6Config::findSubnet(SubnetId id) const { return findById(subnets, id); }

const SharedNetwork6* Dhcp6Config::findSharedNetwork(std::string_view name) const {
  return findByName(shared_networks, name);
}

}  // namespace leasehold::config
