// lease*-get, lease*-get-all, lease*-get-page and the lease*-get-by-* lookups.
#include <algorithm>
#include <limits>

#include "server/control/lease_command_support.h"

namespace leasehold::control::detail {

namespace {

const std::string& requiredStringParameter(const Json& arguments, const std::string& name) {
  const auto found = arguments.find(name);
  if (found == arguments.end()) {
    throw CommandError("'" + name + "' parameter not specified");
  }
  if (!found->is_string()) {
    throw CommandError("'" + name + "' parameter must be a string");
  }
  return found->get_ref<const std::string&>();
}

template <typename LeaseT>
Json getLease(ControlContext& context, const Json& arguments) {
  const bool v6 = std::is_same_v<LeaseT, Lease6>;
  const LeaseSelector selector = parseSelector(requireParameters(arguments), v6, false);
  std::optional<LeaseT> lease;
  if constexpr (std::is_same_v<LeaseT, Lease4>) {
    lease = findSelected(context, selector);
  } else {
    lease = findSelected6(context, selector);
  }
  if (!lease) {
    return makeAnswer(ResultCode::kEmpty, "Lease not found.");
  }
  return makeAnswer(ResultCode::kSuccess,
                    std::string(LeaseFamily<LeaseT>::kName) + " lease found.",
                    leaseToJson(*lease));
}

// lease*-get-all: every lease, or those of the listed subnets in the listed order.
template <typename LeaseT>
Json getAllLeases(ControlContext& context, const Json& arguments) {
  using Query = typename LeaseTraits<LeaseT>::Query;
  auto& table = LeaseFamily<LeaseT>::table(context);
  std::vector<LeaseT> leases;
  const bool has_subnets = arguments.is_object() && arguments.contains("subnets");
  if (!has_subnets) {
    leases = unwrap(table.find(Query{}));
    return leaseListAnswer(leases, false);
  }

  const Json& subnets = arguments["subnets"];
  if (!subnets.is_array()) {
    throw CommandError("'subnets' parameter must be a list");
  }
  for (const Json& id : subnets) {
    if (!isUnsignedInteger(id, std::numeric_limits<SubnetId>::max())) {
      throw CommandError("listed subnet identifiers must be numbers");
    }
  }
  for (const Json& id : subnets) {
    Query query;
    query.subnet_id = id.get<SubnetId>();
    std::vector<LeaseT> found = unwrap(table.find(query));
    leases.insert(leases.end(), std::make_move_iterator(found.begin()),
                  std::make_move_iterator(found.end()));
  }
  return leaseListAnswer(leases, false);
}

// lease*-get-page: up to "limit" leases after the address "from" ("start" for the first page).
template <typename LeaseT>
Json getLeasePage(ControlContext& context, const Json& arguments) {
  using Query = typename LeaseTraits<LeaseT>::Query;
  using Family = LeaseFamily<LeaseT>;
  const Json& parameters = requireParameters(arguments);

  const auto from = parameters.find("from");
  if (from == parameters.end()) {
    throw CommandError("'from' parameter not specified");
  }
  if (!from->is_string()) {
    throw CommandError("'from' parameter must be a string");
  }
  Query query;
  const std::string& from_text = from->get_ref<const std::string&>();
  if (from_text != "start") {
    try {
      query.after = Family::parseAddress(from_text);
    } catch (const CommandError&) {
      const bool other_family = std::is_same_v<LeaseT, Lease4>
                                    ? IPv6Address::parse(from_text).has_value()
                                    : IPv4Address::parse(from_text).has_value();
      if (other_family) {
        throw CommandError("'from' parameter value " + from_text + " is not an " +
                           std::string(Family::kName) + " address");
      }
      throw CommandError("'from' parameter value is neither 'start' keyword nor a valid " +
                         std::string(Family::kName) + " address");
    }
    if (query.after->isZero()) {
      query.after.reset();  // the zero address means the first page, as "start" does
    }
  }

  const auto limit = parameters.find("limit");
  if (limit == parameters.end()) {
    throw CommandError("'limit' parameter not specified");
  }
  if (!limit->is_number_integer()) {
    throw CommandError("'limit' parameter must be a number");
  }
  const int64_t page_size = limit->get<int64_t>();
  if (page_size == 0) {
    throw CommandError("page size of retrieved leases must not be 0");
  }
  if (page_size < 0 || page_size > std::numeric_limits<uint32_t>::max()) {
    throw CommandError("page size of retrieved leases must not be greater than 4294967295");
  }
  query.limit = static_cast<size_t>(page_size);

  const std::vector<LeaseT> leases = unwrap(Family::table(context).find(query));
  return leaseListAnswer(leases, true);
}

template <typename LeaseT, typename Fill>
Json getLeasesBy(ControlContext& context, const Json& arguments, Fill fill) {
  typename LeaseTraits<LeaseT>::Query query;
  fill(requireParameters(arguments), query);
  return leaseListAnswer(unwrap(LeaseFamily<LeaseT>::table(context).find(query)), false);
}

template <typename LeaseT>
void fillHostname(const Json& parameters, typename LeaseTraits<LeaseT>::Query& query) {
  const std::string& hostname = requiredStringParameter(parameters, "hostname");
  if (hostname.empty()) {
    throw CommandError("'hostname' parameter is empty");
  }
  query.hostname = hostname;
}

template <typename LeaseT>
void registerFamilyQueries(CommandRegistry& registry, ControlContext& context) {
  const std::string prefix(LeaseFamily<LeaseT>::kPrefix);
  registry.add(prefix + "-get",
               [&context](const Json& arguments) { return getLease<LeaseT>(context, arguments); });
  registry.add(prefix + "-get-all", [&context](const Json& arguments) {
    return getAllLeases<LeaseT>(context, arguments);
  });
  registry.add(prefix + "-get-page", [&context](const Json& arguments) {
    return getLeasePage<LeaseT>(context, arguments);
  });
  registry.add(prefix + "-get-by-hostname", [&context](const Json& arguments) {
    return getLeasesBy<LeaseT>(context, arguments, fillHostname<LeaseT>);
  });
}

}  // namespace

const Json& requireParameters(const Json& arguments) {
  return requireMap(arguments, "Parameters missing or are not a map.");
}

void registerLeaseQueries(CommandRegistry& registry, ControlContext& context) {
  if (context.family == Family::kV4) {
    registerFamilyQueries<Lease4>(registry, context);
    registry.add("lease4-get-by-hw-address", [&context](const Json& arguments) {
      return getLeasesBy<Lease4>(context, arguments, [](const Json& parameters, LeaseQuery4& query) {
        query.hwaddr = parseHwAddrArgument(requiredStringParameter(parameters, "hw-address"));
      });
    });
    registry.add("lease4-get-by-client-id", [&context](const Json& arguments) {
      return getLeasesBy<Lease4>(context, arguments, [](const Json& parameters, LeaseQuery4& query) {
        query.client_id =
            parseIdentifierArgument(requiredStringParameter(parameters, "client-id"));
      });
    });
    return;
  }
  registerFamilyQueries<Lease6>(registry, context);
  registry.add("lease6-get-by-duid", [&context](const Json& arguments) {
    return getLeasesBy<Lease6>(context, arguments, [](const Json& parameters, LeaseQuery6& query) {
      query.duid = parseIdentifierArgument(requiredStringParameter(parameters, "duid"));
    });
  });
}

}  // namespace leasehold::control::detail
