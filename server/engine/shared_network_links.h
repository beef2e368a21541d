// Links each subnet to the subnets it may hand out leases from: the members of its shared
// network, or only itself. Shared by both families' runtimes.
#pragma once

#include <vector>

namespace leasehold::engine {

// Fills `siblings` of every element of `subnets`. `find(id)` returns the subnet state with
// that id, or nullptr; a shared network lists its members by id.
template <typename SubnetState, typename FindSubnet>
void linkSharedNetworkSiblings(std::vector<SubnetState>& subnets, FindSubnet find) {
  for (SubnetState& state : subnets) {
    if (state.shared_network == nullptr) {
      state.siblings.push_back(&state);
      continue;
    }
    for (const auto member : state.shared_network->subnet_ids) {
      if (SubnetState* sibling = find(member)) {
        state.siblings.push_back(sibling);
      }
    }
  }
}

}  // namespace leasehold::engine
