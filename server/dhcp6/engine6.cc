// DHCPv6 message handling (RFC 8415 section 18.3) and the statistics of each exchange.
#include "server/dhcp6/engine6.h"

#include "server/dhcp6/exchange6.h"

namespace leasehold::dhcp6 {

namespace {

using packet::MessageType6;
using packet::StatusCode6;

bool isReclaimedState(LeaseState state) {
  return state == LeaseState::kExpiredReclaimed || state == LeaseState::kReleased;
}

}  // namespace

std::optional<Reply6> Exchange6::solicit(DropReason& drop) {
  // RFC 8415 section 16.2: a Solicit carries a client identifier and no server identifier,
  // and is never unicast.
  if (!validIdentifiers(false, false) || (query_.transport.received_unicast && !query_.relayed())) {
    drop = DropReason::kInvalid;
    return std::nullopt;
  }
  if (!selectSubnet()) {
    return answerWithoutSubnet(MessageType6::kAdvertise, drop);
  }
  if (!loadClientLeasesAndCandidate()) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  const bool rapid = query_.options.contains(packet::option6::kRapidCommit) &&
                     (subnet_->subnet->rapid_commit ||
                      (subnet_->shared_network != nullptr && subnet_->shared_network->rapid_commit));
  Reply6 reply = makeReply(rapid ? MessageType6::kReply : MessageType6::kAdvertise);
  if (!answerIas(reply.packet, rapid ? IaMode::kAssign : IaMode::kAdvertise)) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  if (rapid) {
    reply.packet.options.add(packet::option6::kRapidCommit, {});
  }
  addConfiguredOptions(reply);
  setDestination(reply);
  return reply;
}

// A SOLICIT or REQUEST for which no subnet admits the client: like Kea 2.2, answer every IA
// with NoAddrsAvail (NoPrefixAvail for IA_PD) and send the global and class options, unless
// the client is in the DROP class.
std::optional<Reply6> Exchange6::answerWithoutSubnet(MessageType6 type, DropReason& drop) {
  if (noSubnetReason() == DropReason::kDropClass) {
    drop = DropReason::kDropClass;
    return std::nullopt;
  }
  Reply6 reply = makeReply(type);
  for (const auto& entry : query_.options.entries()) {
    if (entry.code != packet::option6::kIaNa && entry.code != packet::option6::kIaTa &&
        entry.code != packet::option6::kIaPd) {
      continue;
    }
    const auto ia = packet::decodeIa6(entry.code, query_.options.payload(entry));
    if (!ia) {
      continue;
    }
    const bool pd = entry.code == packet::option6::kIaPd;
    writeIa(reply.packet, entry.code, ia->iaid, 0, 0, {}, {},
            pd ? StatusCode6::kNoPrefixAvail : StatusCode6::kNoAddrsAvail,
            "no subnet is available for this client", 128);
  }
  options_subnet_ = nullptr;
  addConfiguredOptions(reply);
  setDestination(reply);
  return reply;
}

std::optional<Reply6> Exchange6::request(DropReason& drop) {
  if (!validIdentifiers(true, true)) {
    drop = DropReason::kNotForUs;
    return std::nullopt;
  }
  if (unicastNotAllowed()) {
    Reply6 reply = makeReply(MessageType6::kReply);
    addStatus(reply.packet.options, StatusCode6::kUseMulticast, "use multicast");
    setDestination(reply);
    return reply;
  }
  if (!selectSubnet()) {
    return answerWithoutSubnet(MessageType6::kReply, drop);
  }
  Reply6 reply = makeReply(MessageType6::kReply);
  bool leases_loaded = false;
  const std::optional<bool> claimed = claimRequested(reply.packet, leases_loaded);
  if (claimed == false || (!claimed && !leases_loaded && !loadClientLeases())) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  if (!claimed && !answerIas(reply.packet, IaMode::kAssign)) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  addConfiguredOptions(reply);
  setDestination(reply);
  return reply;
}

std::optional<Reply6> Exchange6::renew(DropReason& drop, bool rebind) {
  // RENEW names this server; REBIND goes to any server and must not be unicast.
  if (!validIdentifiers(!rebind, !rebind)) {
    drop = DropReason::kNotForUs;
    return std::nullopt;
  }
  if (!rebind && unicastNotAllowed()) {
    Reply6 reply = makeReply(MessageType6::kReply);
    addStatus(reply.packet.options, StatusCode6::kUseMulticast, "use multicast");
    setDestination(reply);
    return reply;
  }
  if (rebind && query_.transport.received_unicast && !query_.relayed()) {
    drop = DropReason::kInvalid;
    return std::nullopt;
  }
  if (!selectSubnet()) {
    drop = noSubnetReason();
    return std::nullopt;
  }
  if (!loadClientLeases()) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  Reply6 reply = makeReply(MessageType6::kReply);
  if (!answerIas(reply.packet, IaMode::kExtend)) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  addConfiguredOptions(reply);
  setDestination(reply);
  return reply;
}

bool Exchange6::forEachListedLease(packet::Pkt6& reply, bool prefixes, std::string_view done,
                                   const std::function<bool(const Lease6&)>& act) {
  LeaseTable<Lease6>& table = engine_.store_.leases6();
  for (const auto& entry : query_.options.entries()) {
    const bool is_pd = entry.code == packet::option6::kIaPd;
    if (entry.code != packet::option6::kIaNa && !(prefixes && is_pd)) {
      continue;
    }
    const LeaseType type = is_pd ? LeaseType::kPd : LeaseType::kNa;
    auto ia = packet::decodeIa6(entry.code, query_.options.payload(entry));
    if (!ia) {
      continue;
    }
    bool acted = false;
    for (const auto& inner : ia->options.entries()) {
      std::optional<IPv6Address> address;
      if (inner.code == packet::option6::kIaAddr) {
        if (auto decoded = packet::decodeIaAddress6(ia->options.payload(inner))) {
          address = decoded->address;
        }
      } else if (inner.code == packet::option6::kIaPrefix) {
        if (auto decoded = packet::decodeIaPrefix6(ia->options.payload(inner))) {
          address = decoded->prefix;
        }
      }
      if (!address) {
        continue;
      }
      auto lease = table.get(*address);
      if (!lease) {
        return false;
      }
      if (lease->has_value() && ownsLease(**lease, ia->iaid, type) && act(**lease)) {
        acted = true;
      }
    }
    writeIa(reply, entry.code, ia->iaid, 0, 0, {}, {},
            acted ? StatusCode6::kSuccess : StatusCode6::kNoBinding,
            acted ? done : std::string_view("no binding for this IA"), 128);
  }
  return true;
}

std::optional<Reply6> Exchange6::answerListedLeases(DropReason& drop, bool prefixes,
                                                     std::string_view done,
                                                     std::string_view processed,
                                                     const std::function<bool(const Lease6&)>& act) {
  if (!validIdentifiers(true, true)) {
    drop = DropReason::kNotForUs;
    return std::nullopt;
  }
  Reply6 reply = makeReply(MessageType6::kReply);
  setDestination(reply);
  if (unicastNotAllowed()) {
    addStatus(reply.packet.options, StatusCode6::kUseMulticast, "use multicast");
    return reply;
  }
  if (const auto client_id = query_.options.find(packet::option6::kClientId)) {
    duid_.assign(client_id->begin(), client_id->end());
  }
  if (!forEachListedLease(reply.packet, prefixes, done, act)) {
    drop = DropReason::kStoreFailed;
    return std::nullopt;
  }
  addStatus(reply.packet.options, StatusCode6::kSuccess, processed);
  return reply;
}

std::optional<Reply6> Exchange6::release(DropReason& drop) {
  // Each address or prefix the client lists is released if it holds it (RFC 8415 section
  // 18.3.7).
  LeaseTable<Lease6>& table = engine_.store_.leases6();
  return answerListedLeases(drop, true, "released", "release processed",
                            [&](const Lease6& current) {
    if (!table.remove(current.address, &current)) {
      return false;
    }
    if (SubnetState6* subnet = runtime_.findSubnet(current.subnet_id)) {
      if (!isReclaimedState(current.state)) {
        (current.type == LeaseType::kPd ? subnet->stats.assigned_pds : subnet->stats.assigned_nas)
            ->add(-1);
      }
      if (const PoolRuntime6* pool = subnet->findPool(current.type, current.address)) {
        pool->state->markFree(pool->slotOf(current.address));
      }
    }
    return true;
  });
}

std::optional<Reply6> Exchange6::decline(DropReason& drop) {
  // Declined addresses are held, owned by nobody, for the probation period.
  LeaseTable<Lease6>& table = engine_.store_.leases6();
  return answerListedLeases(drop, false, "declined", "decline processed",
                            [&](const Lease6& current) {
    Lease6 declined = current;
    declined.duid = {0};
    declined.hwaddr = HwAddr{};
    declined.hostname.clear();
    declined.fqdn_fwd = false;
    declined.fqdn_rev = false;
    declined.preferred_lifetime = std::chrono::seconds{0};
    declined.valid_lifetime = runtime_.config().decline_probation_period;
    declined.cltt = engine_.clock_.now();
    declined.state = LeaseState::kDeclined;
    if (!table.update(declined, &current)) {
      return false;
    }
    runtime_.stats().declined_addresses->add(1);
    if (SubnetState6* subnet = runtime_.findSubnet(current.subnet_id)) {
      subnet->stats.declined_addresses->add(1);
    }
    return true;
  });
}

std::optional<Reply6> Exchange6::confirm(DropReason& drop) {
  if (!validIdentifiers(false, false)) {
    drop = DropReason::kInvalid;
    return std::nullopt;
  }
  if (!selectSubnet()) {
    drop = noSubnetReason();
    return std::nullopt;
  }
  // RFC 8415 section 18.3.3: answer only when the client listed addresses; Success when all
  // are on its link, NotOnLink otherwise.
  size_t listed = 0;
  bool all_on_link = true;
  for (const auto& entry : query_.options.entries()) {
    if (entry.code != packet::option6::kIaNa && entry.code != packet::option6::kIaTa) {
      continue;
    }
    auto ia = packet::decodeIa6(entry.code, query_.options.payload(entry));
    if (!ia) {
      continue;
    }
    for (const auto& inner : ia->options.entries()) {
      if (inner.code != packet::option6::kIaAddr) {
        continue;
      }
      if (auto decoded = packet::decodeIaAddress6(ia->options.payload(inner))) {
        ++listed;
        bool on_link = false;
        for (const SubnetState6* candidate : candidates_) {
          on_link = on_link || candidate->subnet->prefix.contains(decoded->address);
        }
        all_on_link = all_on_link && on_link;
      }
    }
  }
  if (listed == 0) {
    drop = DropReason::kNone;
    return std::nullopt;
  }
  Reply6 reply = makeReply(MessageType6::kReply);
  if (all_on_link) {
    addStatus(reply.packet.options, StatusCode6::kSuccess, "all addresses are on link");
  } else {
    addStatus(reply.packet.options, StatusCode6::kNotOnLink, "some addresses are not on link");
  }
  setDestination(reply);
  return reply;
}

std::optional<Reply6> Exchange6::informationRequest(DropReason& drop) {
  // The client identifier is optional here; a server identifier, if present, must be ours.
  if (const auto server_id = query_.options.find(packet::option6::kServerId)) {
    const auto& ours = runtime_.serverDuid();
    if (!std::equal(server_id->begin(), server_id->end(), ours.begin(), ours.end())) {
      drop = DropReason::kNotForUs;
      return std::nullopt;
    }
  }
  if (query_.options.contains(packet::option6::kIaNa) ||
      query_.options.contains(packet::option6::kIaPd)) {
    drop = DropReason::kInvalid;  // RFC 8415 section 16.12
    return std::nullopt;
  }
  const bool selected = selectSubnet();
  if (!selected && noSubnetReason() == DropReason::kDropClass) {
    drop = DropReason::kDropClass;
    return std::nullopt;
  }
  Reply6 reply = makeReply(MessageType6::kReply);
  if (!selected) {
    options_subnet_ = nullptr;
  }
  addConfiguredOptions(reply);
  setDestination(reply);
  return reply;
}

std::optional<Reply6> Engine6::process(const Runtime6& runtime, const packet::Pkt6& query,
                                       const InterfaceAddresses& interfaces, DropReason& drop) {
  GlobalStats6& stats = runtime.stats();
  drop = DropReason::kNone;
  Exchange6 exchange(*this, runtime, query, interfaces);
  std::optional<Reply6> reply;

  switch (query.type) {
    case MessageType6::kSolicit:
      stats.solicit_received->add(1);
      reply = exchange.solicit(drop);
      break;
    case MessageType6::kRequest:
      stats.request_received->add(1);
      reply = exchange.request(drop);
      break;
    case MessageType6::kRenew:
      stats.renew_received->add(1);
      reply = exchange.renew(drop, false);
      break;
    case MessageType6::kRebind:
      stats.rebind_received->add(1);
      reply = exchange.renew(drop, true);
      break;
    case MessageType6::kRelease:
      stats.release_received->add(1);
      reply = exchange.release(drop);
      break;
    case MessageType6::kDecline:
      stats.decline_received->add(1);
      reply = exchange.decline(drop);
      break;
    case MessageType6::kConfirm:
      stats.confirm_received->add(1);
      reply = exchange.confirm(drop);
      break;
    case MessageType6::kInformationRequest:
      stats.infrequest_received->add(1);
      reply = exchange.informationRequest(drop);
      break;
    case MessageType6::kAdvertise:
      stats.advertise_received->add(1);
      drop = DropReason::kNotForUs;
      break;
    case MessageType6::kReply:
      stats.reply_received->add(1);
      drop = DropReason::kNotForUs;
      break;
    default:
      stats.unknown_received->add(1);
      drop = DropReason::kNotForUs;
      break;
  }
  engine::countDrop(stats, drop);
  return reply;
}

}  // namespace leasehold::dhcp6
