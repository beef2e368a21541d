// Classification, subnet selection, host reservation lookup and the client's current lease.
#include <algorithm>

#include "server/dhcp4/exchange4.h"
#include "server/engine/classification.h"

namespace leasehold::dhcp4 {

namespace {

constexpr IPv4Address kBroadcast{0xffffffffu};

const std::vector<config::IdentifierType>& defaultIdentifiers() {
  static const std::vector<config::IdentifierType> identifiers = {
      config::IdentifierType::kHwAddress, config::IdentifierType::kDuid,
      config::IdentifierType::kCircuitId, config::IdentifierType::kClientId};
  return identifiers;
}

}  // namespace

// Like Kea 2.2, selection skips subnets whose client-class guard rejects the client, so a
// guarded subnet never becomes the way into its shared network for other clients.
SubnetState4* Exchange4::findSubnetForAddress(IPv4Address address) const {
  for (const SubnetState4& state : runtime_.subnets()) {
    if (state.subnet->prefix.contains(address) && subnetAdmitsClient(state)) {
      return const_cast<SubnetState4*>(&state);
    }
  }
  return nullptr;
}

SubnetState4* Exchange4::findSubnetForInterface() const {
  const auto served = addresses_.find(query_.transport.interface_index);
  const std::string& name = served != addresses_.end() ? served->second.name
                                                        : query_.transport.interface_name;
  // A subnet bound to the interface by name wins over one that matches its addresses.
  for (const SubnetState4& state : runtime_.subnets()) {
    const std::string& bound = !state.subnet->interface.empty() || state.shared_network == nullptr
                                   ? state.subnet->interface
                                   : state.shared_network->interface;
    if (!bound.empty() && bound == name && subnetAdmitsClient(state)) {
      return const_cast<SubnetState4*>(&state);
    }
  }
  if (served == addresses_.end()) {
    return nullptr;
  }
  for (const IPv4Prefix& prefix : served->second.prefixes) {
    if (SubnetState4* state = findSubnetForAddress(prefix.address)) {
      return state;
    }
  }
  return nullptr;
}

classify::PacketView Exchange4::packetView() const {
  classify::PacketView view;
  view.pkt4 = &query_;
  return view;
}

void Exchange4::classify() {
  classes_.add("ALL");
  if (const auto vendor_class = query_.options.find(packet::option4::kVendorClassIdentifier)) {
    classes_.add("VENDOR_CLASS_" +
                 std::string(reinterpret_cast<const char*>(vendor_class->data()),
                             vendor_class->size()));
  }
  engine::evaluateClasses(runtime_.config().client_classes, engine::ClassPhase::kBeforeHostLookup,
                          packetView(), classes_);
}

void Exchange4::classifyAdditional(IPv4Address address) {
  const SubnetState4* subnet = lease_subnet_ != nullptr ? lease_subnet_ : subnet_;
  if (subnet == nullptr) {
    return;
  }
  const config::Pool4* pool = address.isZero() ? nullptr : subnet->subnet->findPool(address);
  const std::vector<std::string>* lists[] = {
      subnet->shared_network != nullptr ? &subnet->shared_network->require_client_classes
                                        : nullptr,
      &subnet->subnet->require_client_classes,
      pool != nullptr ? &pool->require_client_classes : nullptr,
  };
  engine::evaluateAdditionalClasses(runtime_.config(), lists, packetView(), classes_);
}

bool Exchange4::subnetAdmitsClient(const SubnetState4& subnet) const {
  if (!classes_.admits(subnet.subnet->client_classes)) {
    return false;
  }
  return subnet.shared_network == nullptr || classes_.admits(subnet.shared_network->client_classes);
}

bool Exchange4::selectSubnet() {
  hwaddr_ = query_.hwAddr();
  if (const auto client_id = query_.options.find(packet::option4::kClientIdentifier)) {
    client_id_.assign(client_id->begin(), client_id->end());
  }
  classify();
  if (classes_.contains(engine::kDropClass)) {
    dropped_by_class_ = true;
    return false;
  }

  // RFC 3011 subnet selection, then RFC 3527 link selection, then the relay, then the
  // client's own address, then the interface the query arrived on.
  SubnetState4* selected = nullptr;
  if (const auto selection = query_.addressOption(packet::option4::kSubnetSelection)) {
    selected = findSubnetForAddress(*selection);
  } else if (const auto link = query_.relayAgentSubOption(packet::rai::kLinkSelection);
             link && link->size() == 4) {
    selected = findSubnetForAddress(IPv4Address::fromBytes(*link));
  } else if (query_.relayed()) {
    for (const SubnetState4& state : runtime_.subnets()) {
      const auto& relays = !state.subnet->relay_addresses.empty() || state.shared_network == nullptr
                               ? state.subnet->relay_addresses
                               : state.shared_network->relay_addresses;
      if (std::find(relays.begin(), relays.end(), query_.giaddr) != relays.end() &&
          subnetAdmitsClient(state)) {
        selected = const_cast<SubnetState4*>(&state);
        break;
      }
    }
    if (selected == nullptr) {
      selected = findSubnetForAddress(query_.giaddr);
    }
  } else if (!query_.ciaddr.isZero() && query_.transport.local_address != kBroadcast) {
    selected = findSubnetForAddress(query_.ciaddr);
  } else {
    selected = findSubnetForInterface();
  }
  if (selected == nullptr) {
    return false;
  }

  // The client may use any member of the selected subnet's shared network that its classes
  // admit; the selected subnet comes first.
  if (subnetAdmitsClient(*selected)) {
    candidates_.push_back(selected);
  }
  for (SubnetState4* sibling : selected->siblings) {
    if (sibling != selected && subnetAdmitsClient(*sibling)) {
      candidates_.push_back(sibling);
    }
  }
  if (candidates_.empty()) {
    return false;
  }
  subnet_ = candidates_.front();

  findReservation();
  classes_.add(reservation_ != nullptr ? "KNOWN" : "UNKNOWN");
  if (reservation_ != nullptr) {
    for (const auto& name : reservation_->client_classes) {
      classes_.add(name);
    }
  }
  engine::evaluateClasses(runtime_.config().client_classes, engine::ClassPhase::kAfterHostLookup,
                          packetView(), classes_);
  return true;
}

void Exchange4::findReservation() {
  const auto& configured = runtime_.config().host_reservation_identifiers;
  const auto& identifiers = configured.empty() ? defaultIdentifiers() : configured;

  for (const config::IdentifierType type : identifiers) {
    std::vector<uint8_t> identifier;
    switch (type) {
      case config::IdentifierType::kHwAddress:
        identifier = hwaddr_.bytes;
        break;
      case config::IdentifierType::kClientId:
        identifier = client_id_;
        break;
      case config::IdentifierType::kDuid:
        // RFC 4361 client identifier: type 255, IAID (4 bytes), then the DUID.
        if (client_id_.size() > 5 && client_id_[0] == 0xff) {
          identifier.assign(client_id_.begin() + 5, client_id_.end());
        }
        break;
      case config::IdentifierType::kCircuitId:
        if (const auto circuit = query_.relayAgentSubOption(packet::rai::kCircuitId)) {
          identifier.assign(circuit->begin(), circuit->end());
        }
        break;
      case config::IdentifierType::kFlexId:
        break;  // flex-id needs an expression Leasehold does not evaluate yet
    }
    if (identifier.empty()) {
      continue;
    }
    for (SubnetState4* candidate : candidates_) {
      if (!candidate->subnet->reservations_in_subnet) {
        continue;
      }
      if (const auto* found = candidate->reservations.find(type, identifier)) {
        reservation_ = found;
        reservation_subnet_ = candidate;
        return;
      }
    }
    if (subnet_->subnet->reservations_global) {
      if (const auto* found = runtime_.globalReservations().find(type, identifier)) {
        reservation_ = found;
        reservation_subnet_ = nullptr;
        return;
      }
    }
  }
}

bool Exchange4::belongsToClient(const Lease4& lease) const {
  const SubnetState4* subnet = runtime_.findSubnet(lease.subnet_id);
  const bool match_client_id = subnet == nullptr || subnet->subnet->match_client_id;
  if (match_client_id && !client_id_.empty() && !lease.client_id.empty()) {
    return lease.client_id == client_id_;
  }
  return !lease.hwaddr.bytes.empty() && lease.hwaddr.bytes == hwaddr_.bytes;
}

SubnetState4* Exchange4::candidateContaining(IPv4Address address) const {
  for (SubnetState4* candidate : candidates_) {
    if (candidate->subnet->prefix.contains(address)) {
      return candidate;
    }
  }
  return nullptr;
}

bool Exchange4::clientLeaseQueries(LeaseQuery4& client_id_query,
                                   LeaseQuery4& hwaddr_query) const {
  const std::optional<SubnetId> only_subnet =
      candidates_.size() == 1 ? std::optional<SubnetId>(subnet_->subnet->id) : std::nullopt;
  const bool by_client_id = !client_id_.empty() && subnet_->subnet->match_client_id;
  const bool by_hwaddr = !hwaddr_.bytes.empty();
  client_id_query = {};
  hwaddr_query = {};
  if (by_client_id) {
    client_id_query.client_id = client_id_;
    client_id_query.subnet_id = only_subnet;
  }
  if (by_hwaddr) {
    hwaddr_query.hwaddr = hwaddr_;
    hwaddr_query.subnet_id = only_subnet;
  }
  // A client with one identity looks it up twice over, which findEither() answers once.
  if (!by_client_id) {
    client_id_query = hwaddr_query;
  } else if (!by_hwaddr) {
    hwaddr_query = client_id_query;
  }
  return by_client_id || by_hwaddr;
}

void Exchange4::pickClientLease(const std::vector<Lease4>& leases) {
  // A lease found by client identifier wins over one found by hardware address. Within each,
  // a lease in the selected subnet wins over one in its shared-network siblings.
  const bool by_client_id = !client_id_.empty() && subnet_->subnet->match_client_id;
  auto pick = [&](auto found_by) -> bool {
    for (SubnetState4* candidate : candidates_) {
      for (const Lease4& lease : leases) {
        if (found_by(lease) && lease.subnet_id == candidate->subnet->id &&
            belongsToClient(lease)) {
          client_lease_ = lease;
          return true;
        }
      }
    }
    return false;
  };
  if (by_client_id && pick([&](const Lease4& lease) { return lease.client_id == client_id_; })) {
    return;
  }
  if (!hwaddr_.bytes.empty()) {
    pick([&](const Lease4& lease) { return lease.hwaddr == hwaddr_; });
  }
}

bool Exchange4::findClientLease() {
  LeaseQuery4 client_id_query;
  LeaseQuery4 hwaddr_query;
  if (!clientLeaseQueries(client_id_query, hwaddr_query)) {
    return true;
  }
  // Both identities in one lookup: one database round trip per message on SQL stores.
  auto leases = engine_.store_.leases4().findEither(client_id_query, hwaddr_query);
  if (!leases) {
    return false;
  }
  pickClientLease(*leases);
  return true;
}

const config::Reservation4* Exchange4::reservationOwning(IPv4Address address,
                                                         const SubnetState4& subnet) const {
  if (subnet.subnet->reservations_in_subnet) {
    const auto found = subnet.reserved_addresses.find(address);
    if (found != subnet.reserved_addresses.end()) {
      return found->second;
    }
  }
  if (subnet.subnet->reservations_global) {
    return runtime_.globalReservationFor(address);
  }
  return nullptr;
}

bool Exchange4::reservedForOther(IPv4Address address, const SubnetState4& subnet) const {
  const config::Reservation4* owner = reservationOwning(address, subnet);
  return owner != nullptr && owner != reservation_;
}

}  // namespace leasehold::dhcp4
