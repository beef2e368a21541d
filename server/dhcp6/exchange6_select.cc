// Identifier checks, classification, subnet and host selection, and the client's leases.
#include <algorithm>

#include "server/dhcp6/exchange6.h"
#include "server/engine/classification.h"

namespace leasehold::dhcp6 {

namespace {

// Kea's HWAddr source bits, stored with DHCPv6 leases.
constexpr uint32_t kSourceIpv6LinkLocal = 0x2;
constexpr uint32_t kSourceDuid = 0x4;
constexpr uint32_t kSourceClientAddrRelayOption = 0x8;

const std::vector<config::IdentifierType>& defaultIdentifiers() {
  static const std::vector<config::IdentifierType> identifiers = {
      config::IdentifierType::kHwAddress, config::IdentifierType::kDuid};
  return identifiers;
}

uint16_t readUint16(std::span<const uint8_t> bytes) {
  return static_cast<uint16_t>((bytes[0] << 8) | bytes[1]);
}

}  // namespace

bool Exchange6::validIdentifiers(bool server_id_required, bool server_id_allowed) const {
  const auto client_id = query_.options.find(packet::option6::kClientId);
  const auto server_id = query_.options.find(packet::option6::kServerId);
  // A DUID longer than any store keeps (Kea's limit too) could be advertised but never
  // committed, so such a client is refused from its first message.
  if (!client_id || client_id->empty() || client_id->size() > kMaxDuidLength) {
    return false;
  }
  if (server_id) {
    if (!server_id_allowed) {
      return false;
    }
    const auto& ours = runtime_.serverDuid();
    return std::equal(server_id->begin(), server_id->end(), ours.begin(), ours.end());
  }
  return !server_id_required;
}

bool Exchange6::unicastNotAllowed() const {
  if (query_.relayed() || !query_.transport.received_unicast) {
    return false;
  }
  const auto served = interfaces_.find(query_.transport.interface_index);
  return served == interfaces_.end() || !served->second.unicast;
}

// Like Kea 2.2, selection skips subnets whose client-class guard rejects the client, so a
// guarded subnet never becomes the way into its shared network for other clients.
SubnetState6* Exchange6::findSubnetForAddress(const IPv6Address& address) const {
  for (const SubnetState6& state : runtime_.subnets()) {
    if (state.subnet->prefix.contains(address) && subnetAdmitsClient(state)) {
      return const_cast<SubnetState6*>(&state);
    }
  }
  return nullptr;
}

bool Exchange6::subnetAdmitsClient(const SubnetState6& subnet) const {
  if (!classes_.admits(subnet.subnet->client_classes)) {
    return false;
  }
  return subnet.shared_network == nullptr || classes_.admits(subnet.shared_network->client_classes);
}

classify::PacketView Exchange6::packetView() const {
  classify::PacketView view;
  view.pkt6 = &query_;
  return view;
}

void Exchange6::classify() {
  classes_.add("ALL");
  addVendorClass();
  engine::evaluateClasses(runtime_.config().client_classes, engine::ClassPhase::kBeforeHostLookup,
                          packetView(), classes_);
}

// Kea's VENDOR_CLASS_ class for DHCPv6: from the vendor class option (16), "docsis3.0" or
// "eRouter1.0" when any data chunk is one of them, else the first chunk.
void Exchange6::addVendorClass() {
  const auto option = query_.options.find(packet::option6::kVendorClass);
  if (!option || option->size() < 6) {
    return;
  }
  std::optional<std::string_view> first;
  std::optional<std::string_view> docsis;
  size_t offset = 4;  // after the enterprise number
  while (offset + 2 <= option->size()) {
    const size_t length = readUint16(option->subspan(offset));
    if (offset + 2 + length > option->size()) {
      break;
    }
    const std::string_view chunk(reinterpret_cast<const char*>(option->data()) + offset + 2,
                                 length);
    if (!first) {
      first = chunk;
    }
    if (chunk == "docsis3.0" || (chunk == "eRouter1.0" && !docsis)) {
      docsis = chunk;
    }
    offset += 2 + length;
  }
  if (docsis || first) {
    classes_.add("VENDOR_CLASS_" + std::string(docsis ? *docsis : *first));
  }
}

void Exchange6::classifyAdditional() {
  if (options_subnet_ == nullptr) {
    return;
  }
  std::vector<const std::vector<std::string>*> lists = {
      options_subnet_->shared_network != nullptr
          ? &options_subnet_->shared_network->require_client_classes
          : nullptr,
      &options_subnet_->subnet->require_client_classes,
  };
  for (const config::Pool6* pool : reply_pools_) {
    lists.push_back(&pool->require_client_classes);
  }
  engine::evaluateAdditionalClasses(runtime_.config(), lists, packetView(), classes_);
}

void Exchange6::extractHwAddr() {
  // Kea's order for mac-sources "any" on UDP sockets: the relay's client link-layer address
  // option (RFC 6939), then a DUID-LLT or DUID-LL, then an EUI-64 link-local source address.
  if (query_.relayed()) {
    const auto& closest = query_.relays.back();
    if (const auto option = closest.options.find(packet::option6::kClientLinkLayerAddr);
        option && option->size() > 2) {
      hwaddr_.type = readUint16(*option);
      hwaddr_.bytes.assign(option->begin() + 2, option->end());
      hwaddr_source_ = kSourceClientAddrRelayOption;
      return;
    }
  }
  if (duid_.size() >= 4) {
    const uint16_t duid_type = readUint16(duid_);
    const size_t offset = duid_type == 1 ? 8 : (duid_type == 3 ? 4 : 0);
    if (offset != 0 && duid_.size() > offset) {
      hwaddr_.type = readUint16(std::span<const uint8_t>(duid_).subspan(2));
      hwaddr_.bytes.assign(duid_.begin() + static_cast<ptrdiff_t>(offset), duid_.end());
      hwaddr_source_ = kSourceDuid;
      return;
    }
  }
  const IPv6Address& source = query_.transport.remote_address;
  const auto& bytes = source.bytes();
  if (!query_.relayed() && source.isLinkLocal() && bytes[11] == 0xff && bytes[12] == 0xfe) {
    hwaddr_.type = 1;
    hwaddr_.bytes = {static_cast<uint8_t>(bytes[8] ^ 0x02), bytes[9], bytes[10],
                     bytes[13], bytes[14], bytes[15]};
    hwaddr_source_ = kSourceIpv6LinkLocal;
  }
}

bool Exchange6::selectSubnet() {
  if (const auto client_id = query_.options.find(packet::option6::kClientId)) {
    duid_.assign(client_id->begin(), client_id->end());
  }
  extractHwAddr();
  classify();
  if (classes_.contains(engine::kDropClass)) {
    dropped_by_class_ = true;
    return false;
  }

  // Relayed: the interface-id of the relay closest to the client, then its link address
  // (first as a configured relay address, then as an address in a subnet). Direct: the
  // interface's name, then the client's source address when it is not link-local.
  SubnetState6* selected = nullptr;
  if (query_.relayed()) {
    const packet::RelayInfo6& closest = query_.relays.back();
    if (const auto interface_id = closest.options.find(packet::option6::kInterfaceId)) {
      for (const SubnetState6& state : runtime_.subnets()) {
        const auto& wanted = !state.subnet->interface_id.empty() || state.shared_network == nullptr
                                 ? state.subnet->interface_id
                                 : state.shared_network->interface_id;
        if (!wanted.empty() &&
            std::equal(wanted.begin(), wanted.end(), interface_id->begin(), interface_id->end()) &&
            subnetAdmitsClient(state)) {
          selected = const_cast<SubnetState6*>(&state);
          break;
        }
      }
    }
    if (selected == nullptr && !closest.link_address.isZero()) {
      for (const SubnetState6& state : runtime_.subnets()) {
        const auto& relays = !state.subnet->relay_addresses.empty() || state.shared_network == nullptr
                                 ? state.subnet->relay_addresses
                                 : state.shared_network->relay_addresses;
        if (std::find(relays.begin(), relays.end(), closest.link_address) != relays.end() &&
            subnetAdmitsClient(state)) {
          selected = const_cast<SubnetState6*>(&state);
          break;
        }
      }
      if (selected == nullptr) {
        selected = findSubnetForAddress(closest.link_address);
      }
    }
  } else {
    for (const SubnetState6& state : runtime_.subnets()) {
      const std::string& bound =
          !state.subnet->interface.empty() || state.shared_network == nullptr
              ? state.subnet->interface
              : state.shared_network->interface;
      if (!bound.empty() && bound == query_.transport.interface_name &&
          subnetAdmitsClient(state)) {
        selected = const_cast<SubnetState6*>(&state);
        break;
      }
    }
    if (selected == nullptr && !query_.transport.remote_address.isLinkLocal()) {
      selected = findSubnetForAddress(query_.transport.remote_address);
    }
  }
  if (selected == nullptr) {
    return false;
  }

  if (subnetAdmitsClient(*selected)) {
    candidates_.push_back(selected);
  }
  for (SubnetState6* sibling : selected->siblings) {
    if (sibling != selected && subnetAdmitsClient(*sibling)) {
      candidates_.push_back(sibling);
    }
  }
  if (candidates_.empty()) {
    return false;
  }
  subnet_ = candidates_.front();
  options_subnet_ = subnet_;

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

void Exchange6::findReservation() {
  const auto& configured = runtime_.config().host_reservation_identifiers;
  const auto& identifiers = configured.empty() ? defaultIdentifiers() : configured;
  for (const config::IdentifierType type : identifiers) {
    const std::vector<uint8_t>* identifier = nullptr;
    if (type == config::IdentifierType::kDuid) {
      identifier = &duid_;
    } else if (type == config::IdentifierType::kHwAddress) {
      identifier = &hwaddr_.bytes;
    }
    if (identifier == nullptr || identifier->empty()) {
      continue;
    }
    for (SubnetState6* candidate : candidates_) {
      if (!candidate->subnet->reservations_in_subnet) {
        continue;
      }
      if (const auto* found = candidate->reservations.find(type, *identifier)) {
        reservation_ = found;
        reservation_subnet_ = candidate;
        return;
      }
    }
    if (subnet_->subnet->reservations_global) {
      if (const auto* found = runtime_.globalReservations().find(type, *identifier)) {
        reservation_ = found;
        reservation_subnet_ = subnet_;
        return;
      }
    }
  }
}

LeaseQuery6 Exchange6::clientLeaseQuery() const {
  LeaseQuery6 query;
  query.duid = duid_;
  if (candidates_.size() == 1) {
    query.subnet_id = subnet_->subnet->id;
  }
  return query;
}

void Exchange6::keepClientLeases(std::vector<Lease6>& leases) {
  for (Lease6& lease : leases) {
    for (const SubnetState6* candidate : candidates_) {
      if (lease.subnet_id == candidate->subnet->id) {
        client_leases_.push_back(std::move(lease));
        break;
      }
    }
  }
}

bool Exchange6::loadClientLeases() {
  auto leases = engine_.store_.leases6().find(clientLeaseQuery());
  if (!leases) {
    return false;
  }
  keepClientLeases(*leases);
  return true;
}

SubnetState6* Exchange6::candidateContaining(const IPv6Address& address) const {
  for (SubnetState6* candidate : candidates_) {
    if (candidate->subnet->prefix.contains(address)) {
      return candidate;
    }
    // Delegated prefixes often lie outside the subnet's own prefix.
    if (candidate->findPool(LeaseType::kPd, address) != nullptr) {
      return candidate;
    }
  }
  // A reserved prefix may lie outside every pool and outside the subnet's prefix; it belongs
  // to the subnet the reservation was found in.
  if (reservation_ != nullptr) {
    for (const IPv6Prefix& prefix : reservation_->prefixes) {
      if (prefix.address == address) {
        return reservation_subnet_;
      }
    }
  }
  return nullptr;
}

bool Exchange6::reservedForOther(const IPv6Address& address, const SubnetState6& subnet) const {
  const config::Reservation6* owner = nullptr;
  if (subnet.subnet->reservations_in_subnet) {
    const auto found = subnet.reserved.find(address);
    if (found != subnet.reserved.end()) {
      owner = found->second;
    }
  }
  if (owner == nullptr && subnet.subnet->reservations_global) {
    owner = runtime_.globalReservationFor(address);
  }
  return owner != nullptr && owner != reservation_;
}

bool Exchange6::ownsLease(const Lease6& lease, uint32_t iaid, LeaseType type) const {
  return lease.duid == duid_ && lease.iaid == iaid && lease.type == type;
}

}  // namespace leasehold::dhcp6
