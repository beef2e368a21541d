#include "server/control/lease_statistics.h"

namespace leasehold::control {

namespace {

constexpr std::string_view kDeclined = "declined-addresses";

std::string assignedName(const Lease6& lease) {
  return lease.type == LeaseType::kPd ? "assigned-pds" : "assigned-nas";
}

}  // namespace

std::string subnetStatisticName(SubnetId subnet_id, std::string_view name) {
  return "subnet[" + std::to_string(subnet_id) + "]." + std::string(name);
}

void LeaseStatistics::add(const std::string& name, int64_t delta) {
  if (stats::Statistic* statistic = registry_.find(name)) {
    statistic->add(delta);
    return;
  }
  // get() creates the statistic with `delta` as its first sample; a statistic hidden by
  // statistic-remove already exists and restarts from zero.
  stats::Statistic& statistic = registry_.get(name, int64_t{delta});
  if (!statistic.visible()) {
    statistic.add(delta);
  }
}

void LeaseStatistics::set(const std::string& name, int64_t value) {
  if (stats::Statistic* statistic = registry_.find(name)) {
    statistic->set(value);
    return;
  }
  stats::Statistic& statistic = registry_.get(name, int64_t{value});
  if (!statistic.visible()) {
    statistic.set(value);
  }
}

void LeaseStatistics::change(const Contribution& lease, int64_t sign) {
  if (lease.state == LeaseState::kExpiredReclaimed) {
    return;
  }
  add(subnetStatisticName(lease.subnet_id, lease.assigned_name), sign);
  if (lease.state == LeaseState::kDeclined) {
    add(std::string(kDeclined), sign);
    add(subnetStatisticName(lease.subnet_id, kDeclined), sign);
  }
}

// The cases, in Kea's order of updates so that sample histories match:
//  - an expired-reclaimed old lease counted nothing, so the new lease is simply added;
//  - otherwise the assigned counts move only when the subnet changes, and the declined counts
//    drop for a declined old lease and rise for a declined new one. A new lease that is
//    expired-reclaimed adds nothing, and (as in Kea 2.2) its old subnet keeps counting it
//    as assigned unless the subnet changed.
void LeaseStatistics::update(const Contribution& before, const Contribution& after) {
  if (before.state == LeaseState::kExpiredReclaimed) {
    change(after, +1);
    return;
  }
  const bool moved = before.subnet_id != after.subnet_id;
  if (moved) {
    add(subnetStatisticName(before.subnet_id, before.assigned_name), -1);
  }
  if (before.state == LeaseState::kDeclined) {
    add(std::string(kDeclined), -1);
    add(subnetStatisticName(before.subnet_id, kDeclined), -1);
  }
  if (after.state == LeaseState::kExpiredReclaimed) {
    return;
  }
  if (moved) {
    add(subnetStatisticName(after.subnet_id, after.assigned_name), +1);
  }
  if (after.state == LeaseState::kDeclined) {
    add(std::string(kDeclined), +1);
    add(subnetStatisticName(after.subnet_id, kDeclined), +1);
  }
}

void LeaseStatistics::onAdd(const Lease4& lease) {
  change({lease.subnet_id, "assigned-addresses", lease.state}, +1);
}

void LeaseStatistics::onAdd(const Lease6& lease) {
  change({lease.subnet_id, assignedName(lease), lease.state}, +1);
}

void LeaseStatistics::onUpdate(const Lease4& before, const Lease4& after) {
  update({before.subnet_id, "assigned-addresses", before.state},
         {after.subnet_id, "assigned-addresses", after.state});
}

void LeaseStatistics::onUpdate(const Lease6& before, const Lease6& after) {
  // Kea names both sides after the new lease's type.
  update({before.subnet_id, assignedName(after), before.state},
         {after.subnet_id, assignedName(after), after.state});
}

void LeaseStatistics::onDelete(const Lease4& lease) {
  change({lease.subnet_id, "assigned-addresses", lease.state}, -1);
}

void LeaseStatistics::onDelete(const Lease6& lease) {
  change({lease.subnet_id, assignedName(lease), lease.state}, -1);
}

void LeaseStatistics::onWipeSubnet(SubnetId subnet_id, bool v6) {
  int64_t previously_declined = 0;
  if (stats::Statistic* declined = registry_.find(subnetStatisticName(subnet_id, kDeclined))) {
    previously_declined = declined->currentInteger();
  }
  if (v6) {
    set(subnetStatisticName(subnet_id, "assigned-nas"), 0);
    set(subnetStatisticName(subnet_id, "assigned-pds"), 0);
  } else {
    set(subnetStatisticName(subnet_id, "assigned-addresses"), 0);
  }
  set(subnetStatisticName(subnet_id, kDeclined), 0);
  add(std::string(kDeclined), -previously_declined);
}

void LeaseStatistics::onWipeAll(const std::vector<SubnetId>& subnet_ids, bool v6) {
  for (const SubnetId subnet_id : subnet_ids) {
    if (v6) {
      set(subnetStatisticName(subnet_id, "assigned-nas"), 0);
      set(subnetStatisticName(subnet_id, "assigned-pds"), 0);
    } else {
      set(subnetStatisticName(subnet_id, "assigned-addresses"), 0);
    }
    set(subnetStatisticName(subnet_id, kDeclined), 0);
  }
  set(std::string(kDeclined), 0);
}

}  // namespace leasehold::control
