// The global declined-addresses statistic, summed from the subnets. Shared by both families'
// runtimes.
#pragma once

#include <cstdint>
#include <vector>

#include "server/stats/stats.h"

namespace leasehold::engine {

// Sets `total` to the sum of every subnet's declined-addresses count. Kea counts the declined
// leases again on every configuration, which adds a sample even when the count is unchanged,
// so a reconfiguration sets the statistic; a first configuration restarts its history.
template <typename SubnetState>
void publishDeclinedTotal(const std::vector<SubnetState>& subnets, stats::Statistic& total,
                          bool reconfiguring) {
  int64_t declined = 0;
  for (const SubnetState& state : subnets) {
    declined += state.stats.declined_addresses->currentInteger();
  }
  if (reconfiguring) {
    total.set(declined);
  } else {
    total.restart(declined);
  }
}

}  // namespace leasehold::engine
