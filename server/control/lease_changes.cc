// lease*-add, lease*-update, lease*-del and lease*-wipe, plus the selector that lease*-get and
// lease*-del share. Each change keeps the lease statistics right (lease_statistics.h).
#include <sstream>

#include "server/control/lease_command_support.h"
#include "server/control/lease_statistics.h"

namespace leasehold::control {

UnixTime systemLeaseClock() {
  return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now());
}

namespace detail {

std::shared_ptr<const config::Dhcp4Config> LeaseFamily<Lease4>::config(
    const ControlContext& context) {
  auto snapshot = context.config.current4();
  if (!snapshot) {
    throw CommandError("no DHCPv4 configuration is loaded");
  }
  return snapshot;
}

std::shared_ptr<const config::Dhcp6Config> LeaseFamily<Lease6>::config(
    const ControlContext& context) {
  auto snapshot = context.config.current6();
  if (!snapshot) {
    throw CommandError("no DHCPv6 configuration is loaded");
  }
  return snapshot;
}

namespace {

const std::string* findString(const Json& arguments, const char* name) {
  const auto found = arguments.find(name);
  return found != arguments.end() && found->is_string() ? &found->get_ref<const std::string&>()
                                                        : nullptr;
}

LeaseSelector::Kind parseIdentifierType(const std::string& text, bool v6, bool deleting) {
  const std::string verb = deleting ? "Delete" : "Query";
  if (text == "hw-address") {
    if (v6) {
      throw CommandError(verb + " by hw-address is not allowed in v6.");
    }
    return LeaseSelector::Kind::kHwAddr;
  }
  if (text == "client-id") {
    if (v6) {
      throw CommandError(verb + " by client-id is not allowed in v6.");
    }
    return LeaseSelector::Kind::kClientId;
  }
  if (text == "duid") {
    if (!v6) {
      throw CommandError(verb + " by duid is not allowed in v4.");
    }
    return LeaseSelector::Kind::kDuid;
  }
  if (text == "address") {
    throw CommandError("identifier-type 'address' requires the 'ip-address' parameter");
  }
  throw CommandError("Incorrect identifier type: " + text +
                     ", the only supported values are: address, hw-address, duid");
}

}  // namespace

LeaseSelector parseSelector(const Json& arguments, bool v6, bool deleting) {
  LeaseSelector selector;
  if (v6) {
    if (const auto type = arguments.find("type"); type != arguments.end()) {
      if (!type->is_string()) {
        throw CommandError("'type' parameter must be a string");
      }
      selector.type = parseLeaseType(type->get<std::string>());
    }
  }

  if (const auto address = arguments.find("ip-address"); address != arguments.end()) {
    if (!address->is_string()) {
      throw CommandError("'ip-address' is not a string.");
    }
    selector.kind = LeaseSelector::Kind::kAddress;
    selector.address_text = address->get<std::string>();
    return selector;
  }

  const auto subnet_id = arguments.find("subnet-id");
  if (subnet_id == arguments.end()) {
    throw CommandError("Mandatory 'subnet-id' parameter missing.");
  }
  if (!isUnsignedInteger(*subnet_id, UINT32_MAX)) {
    throw CommandError("'subnet-id' parameter is not integer.");
  }
  selector.subnet_id = subnet_id->get<SubnetId>();

  const std::string* type = findString(arguments, "identifier-type");
  if (type == nullptr) {
    throw CommandError(
        "No 'ip-address' provided and 'identifier-type' is either missing or not a string.");
  }
  const std::string* identifier = findString(arguments, "identifier");
  if (identifier == nullptr) {
    throw CommandError(
        "No 'ip-address' provided and 'identifier' is either missing or not a string.");
  }
  selector.kind = parseIdentifierType(*type, v6, deleting);
  if (selector.kind == LeaseSelector::Kind::kHwAddr) {
    selector.hwaddr = parseHwAddrArgument(*identifier);
  } else {
    selector.identifier = parseIdentifierArgument(*identifier);
  }
  if (v6) {
    if (const auto iaid = arguments.find("iaid"); iaid != arguments.end()) {
      if (!isUnsignedInteger(*iaid, UINT32_MAX)) {
        throw CommandError("'iaid' parameter is not integer.");
      }
      selector.iaid = iaid->get<uint32_t>();
    }
  }
  return selector;
}

std::optional<Lease4> findSelected(ControlContext& context, const LeaseSelector& selector) {
  auto& table = context.leases.leases4();
  if (selector.kind == LeaseSelector::Kind::kAddress) {
    return unwrap(table.get(parseIPv4Argument(selector.address_text)));
  }
  LeaseQuery4 query;
  query.subnet_id = selector.subnet_id;
  query.limit = 1;
  if (selector.kind == LeaseSelector::Kind::kHwAddr) {
    query.hwaddr = selector.hwaddr;
  } else {
    query.client_id = selector.identifier;
  }
  std::vector<Lease4> found = unwrap(table.find(query));
  return found.empty() ? std::nullopt : std::optional<Lease4>(std::move(found.front()));
}

std::optional<Lease6> findSelected6(ControlContext& context, const LeaseSelector& selector) {
  auto& table = context.leases.leases6();
  if (selector.kind == LeaseSelector::Kind::kAddress) {
    auto lease = unwrap(table.get(parseIPv6Argument(selector.address_text)));
    // Kea keys DHCPv6 leases by type and address: a lease of another type is not the one
    // requested.
    if (lease && lease->type != selector.type) {
      return std::nullopt;
    }
    return lease;
  }
  LeaseQuery6 query;
  query.duid = selector.identifier;
  query.iaid = selector.iaid;
  query.type = selector.type;
  query.subnet_id = selector.subnet_id;
  query.limit = 1;
  std::vector<Lease6> found = unwrap(table.find(query));
  return found.empty() ? std::nullopt : std::optional<Lease6>(std::move(found.front()));
}

namespace {

const Json& requireAddArguments(const Json& arguments) {
  return requireMap(arguments, "no parameters specified for the command");
}

std::string addedText(const Lease4& lease) {
  return "Lease for address " + lease.address.toString() + ", subnet-id " +
         std::to_string(lease.subnet_id) + " added.";
}

std::string addedText(const Lease6& lease) {
  if (lease.type == LeaseType::kPd) {
    return "Lease for prefix " + lease.address.toString() + "/" +
           std::to_string(lease.prefix_length) + ", subnet-id " +
           std::to_string(lease.subnet_id) + " added.";
  }
  return "Lease for address " + lease.address.toString() + ", subnet-id " +
         std::to_string(lease.subnet_id) + " added.";
}

template <typename LeaseT>
auto parseLease(const ControlContext& context, const Json& arguments, UnixTime now) {
  if constexpr (std::is_same_v<LeaseT, Lease4>) {
    return parseLease4(arguments, *LeaseFamily<Lease4>::config(context), now);
  } else {
    return parseLease6(arguments, *LeaseFamily<Lease6>::config(context), now);
  }
}

template <typename LeaseT>
Json addLease(ControlContext& context, const LeaseClock& clock, const Json& arguments) {
  const auto parsed = parseLease<LeaseT>(context, requireAddArguments(arguments), clock());
  const std::string already_exists =
      std::string(LeaseFamily<LeaseT>::kName) + " lease already exists.";
  auto& table = LeaseFamily<LeaseT>::table(context);
  const auto added = table.add(parsed.lease);
  if (!added) {
    if (added.error().code == StoreError::Code::kConflict) {
      throw CommandError(already_exists);
    }
    unwrap(added);
  }
  LeaseStatistics(context.stats).onAdd(parsed.lease);
  return makeAnswer(ResultCode::kSuccess, addedText(parsed.lease));
}

template <typename LeaseT>
Json updateLease(ControlContext& context, const LeaseClock& clock, const Json& arguments) {
  using Family = LeaseFamily<LeaseT>;
  const auto parsed = parseLease<LeaseT>(context, requireAddArguments(arguments), clock());
  const LeaseT& lease = parsed.lease;
  auto& table = Family::table(context);
  const std::string lost_race = "failed to update the lease with address " +
                                lease.address.toString() +
                                " either because the lease has been deleted or it has changed "
                                "in the database, in both cases a retry might succeed";

  const std::optional<LeaseT> existing = unwrap(table.get(lease.address));
  if (!existing && parsed.force_create) {
    const auto added = table.add(lease);
    if (!added) {
      if (added.error().code == StoreError::Code::kConflict) {
        throw CommandError("lost race between calls to get and add");
      }
      unwrap(added);
    }
    LeaseStatistics(context.stats).onAdd(lease);
    return makeAnswer(ResultCode::kSuccess, std::string(Family::kName) + " lease added.");
  }
  if (!existing) {
    throw CommandError(lost_race);
  }

  // Compare-and-set against the lease just read, so a concurrent change is not overwritten.
  const auto updated = table.update(lease, &*existing);
  if (!updated) {
    const auto code = updated.error().code;
    if (code == StoreError::Code::kConflict || code == StoreError::Code::kNotFound) {
      throw CommandError(lost_race);
    }
    unwrap(updated);
  }
  LeaseStatistics(context.stats).onUpdate(*existing, lease);
  return makeAnswer(ResultCode::kSuccess, std::string(Family::kName) + " lease updated.");
}

template <typename LeaseT>
Json deleteLease(ControlContext& context, const Json& arguments) {
  using Family = LeaseFamily<LeaseT>;
  const bool v6 = std::is_same_v<LeaseT, Lease6>;
  const LeaseSelector selector = parseSelector(requireParameters(arguments), v6, true);
  std::optional<LeaseT> lease;
  if constexpr (std::is_same_v<LeaseT, Lease4>) {
    lease = findSelected(context, selector);
  } else {
    lease = findSelected6(context, selector);
  }
  const std::string not_found = std::string(Family::kName) + " lease not found.";
  if (!lease) {
    return makeAnswer(ResultCode::kEmpty, not_found);
  }
  const auto removed = Family::table(context).remove(lease->address, &*lease);
  if (!removed) {
    if (removed.error().code == StoreError::Code::kNotFound) {
      return makeAnswer(ResultCode::kEmpty, not_found);
    }
    if (removed.error().code == StoreError::Code::kConflict) {
      throw CommandError("failed to delete the lease with address " + lease->address.toString() +
                         " because it changed in the database; a retry might succeed");
    }
    unwrap(removed);
  }
  LeaseStatistics(context.stats).onDelete(*lease);
  return makeAnswer(ResultCode::kSuccess, std::string(Family::kName) + " lease deleted.");
}

// lease*-wipe: one subnet, or (without subnet-id, or with 0) every configured subnet.
template <typename LeaseT>
Json wipeLeases(ControlContext& context, const Json& arguments) {
  using Family = LeaseFamily<LeaseT>;
  const bool v6 = std::is_same_v<LeaseT, Lease6>;
  SubnetId subnet_id = 0;
  if (arguments.is_object()) {
    if (const auto id = arguments.find("subnet-id"); id != arguments.end()) {
      if (!id->is_number_integer()) {
        throw CommandError("invalid type specified for parameter 'subnet-id'");
      }
      if (!isUnsignedInteger(*id, UINT32_MAX)) {
        throw CommandError("The 'subnet-id' value (" + id->dump() +
                           ") is not within expected range: (0 - 4294967295)");
      }
      subnet_id = id->get<SubnetId>();
    }
  }

  auto& table = Family::table(context);
  LeaseStatistics statistics(context.stats);
  uint64_t deleted = 0;
  std::ostringstream ids;
  if (subnet_id != 0) {
    deleted = unwrap(table.wipe(subnet_id));
    ids << ' ' << subnet_id;
    statistics.onWipeSubnet(subnet_id, v6);
  } else {
    std::vector<SubnetId> subnet_ids;
    for (const auto& subnet : Family::config(context)->subnets) {
      subnet_ids.push_back(subnet.id);
    }
    for (const SubnetId id : subnet_ids) {
      deleted += unwrap(table.wipe(id));
      ids << ' ' << id;
    }
    statistics.onWipeAll(subnet_ids, v6);
  }
  const std::string text = "Deleted " + std::to_string(deleted) + " " +
                           std::string(Family::kName) + " lease(s) from subnet(s)" + ids.str();
  return makeAnswer(deleted != 0 ? ResultCode::kSuccess : ResultCode::kEmpty, text);
}

template <typename LeaseT>
void registerFamilyChanges(CommandRegistry& registry, ControlContext& context,
                           LeaseClock clock) {
  const std::string prefix(LeaseFamily<LeaseT>::kPrefix);
  registry.add(prefix + "-add", [&context, clock](const Json& arguments) {
    return addLease<LeaseT>(context, clock, arguments);
  });
  registry.add(prefix + "-update", [&context, clock](const Json& arguments) {
    return updateLease<LeaseT>(context, clock, arguments);
  });
  registry.add(prefix + "-del", [&context](const Json& arguments) {
    return deleteLease<LeaseT>(context, arguments);
  });
  registry.add(prefix + "-wipe", [&context](const Json& arguments) {
    return wipeLeases<LeaseT>(context, arguments);
  });
}

}  // namespace

void registerLeaseChanges(CommandRegistry& registry, ControlContext& context, LeaseClock clock) {
  if (context.family == Family::kV4) {
    registerFamilyChanges<Lease4>(registry, context, std::move(clock));
  } else {
    registerFamilyChanges<Lease6>(registry, context, std::move(clock));
  }
}

}  // namespace detail

void registerLeaseCommands(CommandRegistry& registry, ControlContext& context, LeaseClock clock) {
  detail::registerLeaseQueries(registry, context);
  detail::registerLeaseChanges(registry, context, std::move(clock));
}

}  // namespace leasehold::control
