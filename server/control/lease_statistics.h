// Keeps the per-subnet lease statistics right when a control command changes leases, as
// Kea's lease_cmds hook library does: subnet[N].assigned-addresses (DHCPv4) or
// subnet[N].assigned-nas / assigned-pds (DHCPv6), subnet[N].declined-addresses and the global
// declined-addresses. A declined lease counts as assigned too; an expired-reclaimed lease
// counts as neither.
//
// Threads: called from the control plane's thread; StatsRegistry does its own locking.
#pragma once

#include <string>
#include <vector>

#include "backends/lease.h"
#include "server/stats/stats.h"

namespace leasehold::control {

class LeaseStatistics {
 public:
  explicit LeaseStatistics(stats::StatsRegistry& registry) : registry_(registry) {}

  void onAdd(const Lease4& lease);
  void onAdd(const Lease6& lease);
  void onUpdate(const Lease4& before, const Lease4& after);
  void onUpdate(const Lease6& before, const Lease6& after);
  void onDelete(const Lease4& lease);
  void onDelete(const Lease6& lease);

  // After wiping one subnet: its counters go to zero and the global declined count loses
  // what the subnet had.
  void onWipeSubnet(SubnetId subnet_id, bool v6);
  // After wiping every configured subnet: each listed subnet and the global count go to zero.
  void onWipeAll(const std::vector<SubnetId>& subnet_ids, bool v6);

  // Adds `delta` to an integer statistic, creating it with `delta` when it does not exist,
  // as Kea's statistics manager does.
  void add(const std::string& name, int64_t delta);
  // Sets an integer statistic, creating it when it does not exist.
  void set(const std::string& name, int64_t value);

 private:
  // One lease's contribution to the counters of its subnet.
  struct Contribution {
    SubnetId subnet_id;
    std::string assigned_name;  // "assigned-addresses", "assigned-nas" or "assigned-pds"
    LeaseState state;
  };
  void change(const Contribution& lease, int64_t sign);
  void update(const Contribution& before, const Contribution& after);

  stats::StatsRegistry& registry_;
};

// Returns Kea's per-subnet statistic name: "subnet[4].assigned-addresses".
std::string subnetStatisticName(SubnetId subnet_id, std::string_view name);

}  // namespace leasehold::control
