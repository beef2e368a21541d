// DHCPv4 message handling (RFC 2131 section 4.3) and the statistics of each exchange.
#include "server/dhcp4/engine4.h"

#include "backends/log.h"
#include "server/dhcp4/exchange4.h"

namespace leasehold::dhcp4 {

namespace {

using packet::MessageType4;

// Echoes the client identifier (RFC 6842) and the relay agent information (RFC 3046, last in
// the reply) from the query into `reply`.
void echoQueryOptions(const Runtime4& runtime, const packet::Pkt4& query, Reply4& reply) {
  if (runtime.config().echo_client_id) {
    if (const auto client_id = query.options.find(packet::option4::kClientIdentifier)) {
      reply.packet.options.set(packet::option4::kClientIdentifier, *client_id);
    }
  }
  if (const auto agent = query.options.find(packet::option4::kRelayAgentInformation)) {
    reply.packet.options.set(packet::option4::kRelayAgentInformation, *agent);
  }
}

}  // namespace

std::optional<Reply4> Exchange4::discover(DropReason& drop) {
  if (!selectSubnet()) {
    drop = noSubnetReason();
    return std::nullopt;
  }
  if (!findClientLeaseAndCandidate()) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  const auto address = chooseOfferAddress();
  if (!address) {
    countAllocationFailure();
    drop = DropReason::kNone;
    return std::nullopt;
  }

  // An OFFER commits nothing: the lease is written when the client REQUESTs it.
  const Lease4 offered = makeLease(*address, *lease_subnet_);
  classifyAdditional(*address);
  Reply4 reply = makeReply(MessageType4::kOffer);
  addLeaseOptions(reply, offered);
  addConfiguredOptions(reply);
  setDestination(reply, MessageType4::kOffer);
  return reply;
}

std::optional<Reply4> Exchange4::request(DropReason& drop) {
  const auto server_id = query_.addressOption(packet::option4::kServerIdentifier);
  const auto requested = query_.addressOption(packet::option4::kRequestedAddress);

  // RFC 2131 4.3.2: which state the client is in decides what it asks for.
  //   SELECTING:      server identifier and requested address present
  //   INIT-REBOOT:    requested address, no server identifier, ciaddr zero
  //   RENEWING/REBINDING: ciaddr set, neither option
  if (server_id && *server_id != serverAddress()) {
    drop = DropReason::kNotForUs;  // the client chose another server
    return std::nullopt;
  }
  const bool init_reboot = !server_id && requested && query_.ciaddr.isZero();
  std::optional<IPv4Address> wanted = requested;
  if (!wanted && !query_.ciaddr.isZero()) {
    wanted = query_.ciaddr;
  }
  if (!wanted) {
    drop = DropReason::kInvalid;
    return std::nullopt;
  }

  if (!selectSubnet()) {
    drop = noSubnetReason();
    return std::nullopt;
  }

  // SELECTING: the client asks for the address it was offered. When that address is allowed
  // whatever the client holds, and free, one store call claims it and returns the client's
  // other leases, so no lookup precedes the write.
  std::optional<Commit> commit;
  bool known_taken = false;
  const bool selecting = server_id && requested && query_.ciaddr.isZero();
  if (SubnetState4* subnet = candidateContaining(*wanted);
      selecting && subnet != nullptr && !reservedForOther(*wanted, *subnet) &&
      (reservedHere(*wanted) || inPermittedPool(*wanted, *subnet))) {
    commit = claimSelected(*wanted, *subnet);
    known_taken = !commit.has_value();
  }
  if (!commit) {
    commit = requestByLookup(*wanted, init_reboot, known_taken, drop);
    if (!commit) {
      return std::nullopt;  // dropped, with `drop` set
    }
  }

  switch (*commit) {
    case Commit::kStoreFailed:
      drop = DropReason::kStoreFailed;
      return std::nullopt;
    case Commit::kTaken:
      return makeNak(drop);
    case Commit::kAcked:
      break;
  }

  classifyAdditional(committed_->address);
  Reply4 reply = makeReply(MessageType4::kAck);
  addLeaseOptions(reply, *committed_);
  addConfiguredOptions(reply);
  setDestination(reply, MessageType4::kAck);
  return reply;
}

bool Exchange4::reservedHere(IPv4Address address) const {
  return reservation_ != nullptr && reservation_->ip_address &&
         *reservation_->ip_address == address;
}

std::optional<Exchange4::Commit> Exchange4::requestByLookup(IPv4Address wanted,
                                                            bool init_reboot, bool known_taken,
                                                            DropReason& drop) {
  if (!findClientLease()) {
    return Commit::kStoreFailed;
  }

  if (init_reboot) {
    // A client rebooting with an address we never gave it: only an authoritative server
    // answers (with a NAK); others stay silent (RFC 2131 4.3.2).
    const bool known = client_lease_ && client_lease_->address == wanted;
    if (!known && !subnet_->subnet->authoritative) {
      drop = DropReason::kUnknownClient;
      return std::nullopt;
    }
  }

  // The address must be on the client's network, in a pool its classes may use or reserved
  // for it, and not reserved for someone else.
  SubnetState4* subnet = candidateContaining(wanted);
  const bool own_lease = client_lease_ && client_lease_->address == wanted;
  const bool allowed = subnet != nullptr && !reservedForOther(wanted, *subnet) &&
                       (reservedHere(wanted) || inPermittedPool(wanted, *subnet) ||
                        (own_lease && subnet->subnet->reservations_out_of_pool));
  // A client holding a lease on an address it is no longer entitled to (its reservation
  // moved, the pool shrank) gets a NAK and starts over.
  if (!allowed) {
    return Commit::kTaken;
  }

  lease_subnet_ = subnet;
  return commitLease(wanted, known_taken);
}

void Exchange4::release(DropReason& drop) {
  hwaddr_ = query_.hwAddr();
  if (const auto client_id = query_.options.find(packet::option4::kClientIdentifier)) {
    client_id_.assign(client_id->begin(), client_id->end());
  }
  auto lease = engine_.store_.leases4().get(query_.ciaddr);
  if (!lease) {
    drop = DropReason::kStoreFailed;
    return;
  }
  if (!lease->has_value() || !belongsToClient(**lease)) {
    drop = DropReason::kInvalid;  // nothing to release, or not this client's lease
    return;
  }
  const Lease4 current = **lease;
  if (!engine_.store_.leases4().remove(current.address, &current)) {
    drop = DropReason::kStoreFailed;
    return;
  }
  if (SubnetState4* subnet = runtime_.findSubnet(current.subnet_id)) {
    if (current.state == LeaseState::kDefault || current.state == LeaseState::kDeclined) {
      subnet->stats.assigned_addresses->add(-1);
    }
    markPoolSlot(*subnet, current.address, false);
  }
}

void Exchange4::decline(DropReason& drop) {
  hwaddr_ = query_.hwAddr();
  if (const auto client_id = query_.options.find(packet::option4::kClientIdentifier)) {
    client_id_.assign(client_id->begin(), client_id->end());
  }
  const auto address = query_.addressOption(packet::option4::kRequestedAddress);
  if (!address) {
    drop = DropReason::kInvalid;
    return;
  }
  auto lease = engine_.store_.leases4().get(*address);
  if (!lease) {
    drop = DropReason::kStoreFailed;
    return;
  }
  if (!lease->has_value() || !belongsToClient(**lease)) {
    drop = DropReason::kInvalid;
    return;
  }

  // The address is in use by someone else on the link: hold it for the probation period,
  // owned by nobody, so it is not handed out again before then.
  const Lease4 current = **lease;
  Lease4 declined = current;
  declined.hwaddr = HwAddr{};
  declined.client_id.clear();
  declined.hostname.clear();
  declined.fqdn_fwd = false;
  declined.fqdn_rev = false;
  declined.cltt = engine_.clock_.now();
  declined.valid_lifetime = runtime_.config().decline_probation_period;
  declined.state = LeaseState::kDeclined;
  if (!engine_.store_.leases4().update(declined, &current)) {
    drop = DropReason::kStoreFailed;
    return;
  }
  runtime_.stats().declined_addresses->add(1);
  if (SubnetState4* subnet = runtime_.findSubnet(current.subnet_id)) {
    subnet->stats.declined_addresses->add(1);
  }
}

std::optional<Reply4> Exchange4::inform(DropReason& drop) {
  if (!selectSubnet()) {
    drop = noSubnetReason();
    return std::nullopt;
  }
  classifyAdditional(IPv4Address{});
  Reply4 reply = makeReply(MessageType4::kAck);
  reply.packet.ciaddr = query_.ciaddr;
  addConfiguredOptions(reply);
  setDestination(reply, MessageType4::kAck);
  return reply;
}

std::optional<Reply4> Engine4::process(const Runtime4& runtime, const packet::Pkt4& query,
                                       const InterfaceAddresses& addresses, DropReason& drop) {
  GlobalStats4& stats = runtime.stats();
  drop = DropReason::kNone;
  const auto type = query.messageType();
  Exchange4 exchange(*this, runtime, query, addresses);
  std::optional<Reply4> reply;

  if (query.op != packet::kBootRequest) {
    // A BOOTREPLY (another server's answer seen on the wire) is never for us.
    stats.receive_drop->add(1);
    drop = DropReason::kNotForUs;
    return std::nullopt;
  }
  switch (type.value_or(MessageType4::kForceRenew)) {
    case MessageType4::kDiscover:
      stats.discover_received->add(1);
      reply = exchange.discover(drop);
      break;
    case MessageType4::kRequest:
      stats.request_received->add(1);
      reply = exchange.request(drop);
      break;
    case MessageType4::kRelease:
      stats.release_received->add(1);
      exchange.release(drop);
      break;
    case MessageType4::kDecline:
      stats.decline_received->add(1);
      exchange.decline(drop);
      break;
    case MessageType4::kInform:
      stats.inform_received->add(1);
      reply = exchange.inform(drop);
      break;
    case MessageType4::kOffer:
      stats.offer_received->add(1);
      drop = DropReason::kNotForUs;
      break;
    case MessageType4::kAck:
      stats.ack_received->add(1);
      drop = DropReason::kNotForUs;
      break;
    case MessageType4::kNak:
      stats.nak_received->add(1);
      drop = DropReason::kNotForUs;
      break;
    default:
      stats.unknown_received->add(1);
      drop = DropReason::kNotForUs;
      break;
  }

  engine::countDrop(stats, drop);
  if (!reply) {
    return std::nullopt;
  }
  echoQueryOptions(runtime, query, *reply);

  // Most replies fit; only one that may not is put in the order its options are dropped in.
  reply->max_size = maxReplySize(query);
  if (packet::kPkt4FixedSize + encodedOptionsSize(reply->packet) + 1 > reply->max_size) {
    rankReplyOptions(reply->packet, query);
  }
  return reply;
}

}  // namespace leasehold::dhcp4
