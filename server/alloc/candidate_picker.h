// Picking a free slot of one pool for a client: candidates come from the pool's cached free
// set; each is checked against the store by the caller's `verify`; when the cache runs dry or
// keeps proposing taken slots, it is refilled from the store with one findUnleased() query.
// Shared by the DHCPv4 and DHCPv6 engines.
#pragma once

#include <functional>
#include <optional>
#include <utility>

#include "backends/lease_store.h"
#include "server/alloc/pool_state.h"

namespace leasehold::alloc {

// Candidates tried before the pool's cache is refilled from the store. Each failed candidate
// means the cache was stale (another node or an operator took the address).
inline constexpr int kCandidatesPerRound = 8;
// Free slots fetched from the store in one refill.
inline constexpr size_t kRefillBatch = 256;

// Describes how a pool's slots map to addresses. `step_bits` is 0 for address pools and
// 128 - delegated length for DHCPv6 prefix pools.
template <typename Address>
struct PoolGeometry {
  Address first;
  Address last;
  unsigned step_bits = 0;
  std::function<Address(SlotIndex)> address_of;
  std::function<SlotIndex(const Address&)> slot_of;
};

enum class Verdict {
  kUse,      // the candidate is free for this client
  kTaken,    // someone holds it: the cache was stale
  kExclude,  // not for this client (reserved for another host): skip without probing
};

// Returns the first candidate `verify` accepts, or nullopt when the pool has none. With
// `first_slot`, that slot (taken from state.pickNext() by the caller) is the first candidate.
// REQUIRES: `verify` does not call back into `state`.
template <typename LeaseT, typename Address>
std::optional<Address> pickFromPool(PoolState& state, LeaseTable<LeaseT>& table,
                                    const PoolGeometry<Address>& geometry,
                                    const std::function<Verdict(const Address&)>& verify,
                                    std::optional<SlotIndex> first_slot = std::nullopt) {
  for (int round = 0; round < 2; ++round) {
    for (int attempt = 0; attempt < kCandidatesPerRound; ++attempt) {
      std::optional<SlotIndex> slot = std::exchange(first_slot, std::nullopt);
      if (!slot) {
        slot = state.pickNext();
      }
      if (!slot) {
        break;
      }
      const Address candidate = geometry.address_of(*slot);
      const Verdict verdict = verify(candidate);
      if (verdict == Verdict::kUse) {
        return candidate;
      }
      if (verdict == Verdict::kTaken) {
        state.markTakenElsewhere(*slot);
      } else {
        state.markUsed(*slot);
      }
    }
    if (round == 1) {
      break;
    }
    // Ask the store which slots really are free; other nodes and operators change leases
    // behind the cache.
    auto free = table.findUnleased(geometry.first, geometry.last,
                                   geometry.address_of(state.cursor()), kRefillBatch,
                                   geometry.step_bits);
    if (!free || free->empty()) {
      break;
    }
    for (const Address& address : *free) {
      state.markFree(geometry.slot_of(address));
    }
  }
  return std::nullopt;
}

}  // namespace leasehold::alloc
