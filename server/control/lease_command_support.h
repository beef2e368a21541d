// Pieces shared by the lease query and lease change handlers (lease_queries.cc,
// lease_changes.cc). Internal to the control library.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/lease_store.h"
#include "server/control/answer.h"
#include "server/control/control_context.h"
#include "server/control/lease_arguments.h"
#include "server/control/lease_commands.h"

namespace leasehold::control::detail {

// Per-family names and accessors, so one template serves lease4-* and lease6-*.
template <typename LeaseT>
struct LeaseFamily;

template <>
struct LeaseFamily<Lease4> {
  static constexpr std::string_view kPrefix = "lease4";
  static constexpr std::string_view kName = "IPv4";
  static LeaseTable<Lease4>& table(ControlContext& context) { return context.leases.leases4(); }
  static std::shared_ptr<const config::Dhcp4Config> config(const ControlContext& context);
  static IPv4Address parseAddress(const std::string& text) { return parseIPv4Argument(text); }
};

template <>
struct LeaseFamily<Lease6> {
  static constexpr std::string_view kPrefix = "lease6";
  static constexpr std::string_view kName = "IPv6";
  static LeaseTable<Lease6>& table(ControlContext& context) { return context.leases.leases6(); }
  static std::shared_ptr<const config::Dhcp6Config> config(const ControlContext& context);
  static IPv6Address parseAddress(const std::string& text) { return parseIPv6Argument(text); }
};

// Returns the value of a store call or throws CommandError with the store's message.
template <typename T>
T unwrap(StoreResult<T> result) {
  if (!result) {
    throw CommandError("lease database error: " + result.error().message);
  }
  return std::move(result).value();
}

inline void unwrap(StoreResult<void> result) {
  if (!result) {
    throw CommandError("lease database error: " + result.error().message);
  }
}

// How lease4-get, lease4-del, lease6-get and lease6-del name one lease.
struct LeaseSelector {
  enum class Kind { kAddress, kHwAddr, kClientId, kDuid };
  Kind kind = Kind::kAddress;
  std::string address_text;
  HwAddr hwaddr;
  std::vector<uint8_t> identifier;  // client-id or DUID
  SubnetId subnet_id = 0;
  LeaseType type = LeaseType::kNa;  // DHCPv6 only
  uint32_t iaid = 0;                // DHCPv6 only
};

// Parses lease*-get / lease*-del arguments. `deleting` selects the delete wording of the
// "not allowed" errors.
LeaseSelector parseSelector(const Json& arguments, bool v6, bool deleting);

// Finds the lease a selector names; nullopt when there is none.
std::optional<Lease4> findSelected(ControlContext& context, const LeaseSelector& selector);
std::optional<Lease6> findSelected6(ControlContext& context, const LeaseSelector& selector);

// Builds {"leases": [...]} with "N IPv4 lease(s) found." (result 3 when N is 0).
template <typename LeaseT>
Json leaseListAnswer(const std::vector<LeaseT>& leases, bool with_count) {
  Json list = Json::array();
  for (const LeaseT& lease : leases) {
    list.push_back(leaseToJson(lease));
  }
  Json arguments = Json::object();
  if (with_count) {
    arguments["count"] = leases.size();
  }
  arguments["leases"] = std::move(list);
  const std::string text = std::to_string(leases.size()) + " " +
                           std::string(LeaseFamily<LeaseT>::kName) + " lease(s) found.";
  return makeAnswer(leases.empty() ? ResultCode::kEmpty : ResultCode::kSuccess, text,
                    std::move(arguments));
}

// Throws Kea's error for arguments that are absent or not a map.
const Json& requireParameters(const Json& arguments);

void registerLeaseQueries(CommandRegistry& registry, ControlContext& context);
void registerLeaseChanges(CommandRegistry& registry, ControlContext& context, LeaseClock clock);

}  // namespace leasehold::control::detail
