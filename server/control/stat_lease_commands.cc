// stat-lease4-get and stat-lease6-get: per-subnet lease counts in Kea's result-set shape.
#include <algorithm>
#include <limits>
#include <map>
#include <optional>

#include "server/control/lease_statistics.h"
#include "server/control/statistic_commands.h"

namespace leasehold::control {

namespace {

// Which subnets a request covers, and how the answer's text names them.
struct SubnetFilter {
  std::optional<SubnetId> single;
  std::optional<std::pair<SubnetId, SubnetId>> range;

  bool matches(SubnetId id) const {
    if (single) {
      return id == *single;
    }
    if (range) {
      return id >= range->first && id <= range->second;
    }
    return true;
  }

  std::string describe() const {
    if (single) {
      return "subnet-id=" + std::to_string(*single);
    }
    if (range) {
      return "subnets " + std::to_string(range->first) + " through " +
             std::to_string(range->second);
    }
    return "all subnets";
  }
};

SubnetId requiredRangeBound(const Json& range, const std::string& key) {
  const auto value = range.find(key);
  if (value == range.end() || !isUnsignedInteger(*value, std::numeric_limits<SubnetId>::max())) {
    throw CommandError("'" + key + "' parameter missing or not an integer");
  }
  return value->get<SubnetId>();
}

SubnetFilter parseFilter(const Json& arguments) {
  SubnetFilter filter;
  if (!arguments.is_object()) {
    return filter;
  }
  const auto id = arguments.find("subnet-id");
  const auto range = arguments.find("subnet-range");
  if (id != arguments.end() && range != arguments.end()) {
    throw CommandError("cannot specify both subnet-id and subnet-range");
  }
  if (id != arguments.end()) {
    if (!id->is_number_integer()) {
      throw CommandError("'subnet-id' parameter is not integer");
    }
    if (!isUnsignedInteger(*id, std::numeric_limits<SubnetId>::max()) ||
        id->get<uint64_t>() == 0) {
      throw CommandError("'subnet-id' parameter must be > 0");
    }
    filter.single = id->get<SubnetId>();
  }
  if (range != arguments.end()) {
    if (!range->is_object()) {
      throw CommandError("'subnet-range' parameter is not a map");
    }
    const SubnetId first = requiredRangeBound(*range, "first-subnet-id");
    const SubnetId last = requiredRangeBound(*range, "last-subnet-id");
    if (last <= first) {
      throw CommandError("'last-subnet-id' must be greater than 'first-subnet-id'");
    }
    filter.range = std::make_pair(first, last);
  }
  return filter;
}

int64_t saturatingAdd(int64_t total, unsigned __int128 size) {
  const auto max = static_cast<unsigned __int128>(std::numeric_limits<int64_t>::max());
  const unsigned __int128 sum = static_cast<unsigned __int128>(total) + size;
  return sum > max ? std::numeric_limits<int64_t>::max() : static_cast<int64_t>(sum);
}

int64_t currentValue(stats::StatsRegistry& statistics, const std::string& name) {
  stats::Statistic* statistic = statistics.find(name);
  return statistic == nullptr ? 0 : statistic->currentInteger();
}

// Lease counts of one subnet by (type, state).
using CountKey = std::pair<LeaseType, LeaseState>;

std::map<SubnetId, std::map<CountKey, int64_t>> countLeases(LeaseStore& store, bool v6,
                                                            const SubnetFilter& filter) {
  std::optional<SubnetId> only;
  if (filter.single) {
    only = filter.single;
  }
  auto result = v6 ? store.leases6().count(only) : store.leases4().count(only);
  if (!result) {
    throw CommandError("lease database error: " + result.error().message);
  }
  std::map<SubnetId, std::map<CountKey, int64_t>> counts;
  for (const LeaseCount& count : *result) {
    counts[count.subnet_id][{count.type, count.state}] += static_cast<int64_t>(count.count);
  }
  return counts;
}

Json resultSetAnswer(const std::string& command, const SubnetFilter& filter, Json columns,
                     Json rows) {
  const std::string label = command + "[" + filter.describe() + "]: ";
  if (rows.empty()) {
    std::string text = label + "no matching data";
    if (filter.single) {
      text += ", subnet-id: " + std::to_string(*filter.single) + " does not exist";
    }
    return makeAnswer(ResultCode::kEmpty, text, Json::object());
  }
  const size_t row_count = rows.size();
  Json result_set = {{"columns", std::move(columns)},
                     {"rows", std::move(rows)},
                     {"timestamp", stats::formatSampleTime(stats::Clock::now())}};
  return makeAnswer(ResultCode::kSuccess, label + std::to_string(row_count) + " rows found",
                    Json{{"result-set", std::move(result_set)}});
}

Json statLease4(ControlContext& context, const Json& arguments) {
  const SubnetFilter filter = parseFilter(arguments);
  const auto config = context.config.current4();
  if (!config) {
    throw CommandError("no DHCPv4 configuration is loaded");
  }
  std::vector<const config::Subnet4*> subnets;
  for (const auto& subnet : config->subnets) {
    if (filter.matches(subnet.id)) {
      subnets.push_back(&subnet);
    }
  }
  std::sort(subnets.begin(), subnets.end(),
            [](const auto* left, const auto* right) { return left->id < right->id; });

  auto counts = countLeases(context.leases, false, filter);
  Json rows = Json::array();
  for (const config::Subnet4* subnet : subnets) {
    int64_t total = 0;
    for (const auto& pool : subnet->pools) {
      total = saturatingAdd(total, pool.size());
    }
    auto& subnet_counts = counts[subnet->id];
    rows.push_back(Json::array(
        {subnet->id, total,
         currentValue(context.stats,
                      subnetStatisticName(subnet->id, "cumulative-assigned-addresses")),
         subnet_counts[{LeaseType::kNa, LeaseState::kDefault}],
         subnet_counts[{LeaseType::kNa, LeaseState::kDeclined}]}));
  }
  Json columns = {"subnet-id", "total-addresses", "cumulative-assigned-addresses",
                  "assigned-addresses", "declined-addresses"};
  return resultSetAnswer("stat-lease4-get", filter, std::move(columns), std::move(rows));
}

unsigned __int128 pool6Size(const config::Pool6& pool) {
  if (pool.type == LeaseType::kPd) {
    const unsigned bits = pool.delegated_length - pool.prefix_length;
    return bits >= 127 ? ~static_cast<unsigned __int128>(0) : static_cast<unsigned __int128>(1)
                                                                  << bits;
  }
  const unsigned __int128 span = pool.last.toUint128() - pool.first.toUint128();
  return span == ~static_cast<unsigned __int128>(0) ? span : span + 1;
}

Json statLease6(ControlContext& context, const Json& arguments) {
  const SubnetFilter filter = parseFilter(arguments);
  const auto config = context.config.current6();
  if (!config) {
    throw CommandError("no DHCPv6 configuration is loaded");
  }
  std::vector<const config::Subnet6*> subnets;
  for (const auto& subnet : config->subnets) {
    if (filter.matches(subnet.id)) {
      subnets.push_back(&subnet);
    }
  }
  std::sort(subnets.begin(), subnets.end(),
            [](const auto* left, const auto* right) { return left->id < right->id; });

  auto counts = countLeases(context.leases, true, filter);
  Json rows = Json::array();
  for (const config::Subnet6* subnet : subnets) {
    int64_t total_nas = 0;
    int64_t total_pds = 0;
    for (const auto& pool : subnet->pools) {
      total_nas = saturatingAdd(total_nas, pool6Size(pool));
    }
    for (const auto& pool : subnet->pd_pools) {
      total_pds = saturatingAdd(total_pds, pool6Size(pool));
    }
    auto& subnet_counts = counts[subnet->id];
    rows.push_back(Json::array(
        {subnet->id, total_nas,
         currentValue(context.stats, subnetStatisticName(subnet->id, "cumulative-assigned-nas")),
         subnet_counts[{LeaseType::kNa, LeaseState::kDefault}],
         subnet_counts[{LeaseType::kNa, LeaseState::kDeclined}], total_pds,
         currentValue(context.stats, subnetStatisticName(subnet->id, "cumulative-assigned-pds")),
         subnet_counts[{LeaseType::kPd, LeaseState::kDefault}]}));
  }
  // Kea 2.2 names the fifth column declined-nas (newer documentation says declined-addresses).
  Json columns = {"subnet-id",    "total-nas", "cumulative-assigned-nas",
                  "assigned-nas", "declined-nas", "total-pds",
                  "cumulative-assigned-pds", "assigned-pds"};
  return resultSetAnswer("stat-lease6-get", filter, std::move(columns), std::move(rows));
}

}  // namespace

void registerStatLeaseCommands(CommandRegistry& registry, ControlContext& context) {
  if (context.family == Family::kV4) {
    registry.add("stat-lease4-get",
                 [&context](const Json& arguments) { return statLease4(context, arguments); });
  } else {
    registry.add("stat-lease6-get",
                 [&context](const Json& arguments) { return statLease6(context, arguments); });
  }
}

}  // namespace leasehold::control
