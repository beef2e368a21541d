// Claiming a lease in a LeaseTable so that no address is ever leased twice, on one node or
// many sharing a database: the store's conditional writes decide, and this loop only retries
// when the stored lease changed between reading and writing it.
#pragma once

#include <optional>

#include "backends/lease_store.h"

namespace leasehold::alloc {

enum class ClaimOutcome {
  kClaimed,      // `desired` is now the stored lease
  kTaken,        // another client holds an active lease on the address
  kStoreFailed,  // the store failed; `error` says how
};


// Writes `desired` for its address. An existing lease is replaced only when `reusable(existing)`
// returns true (it expired, was reclaimed, or belongs to the same client); then `replaced`
// receives it. Without `try_add_first` the first round skips add(), for a caller that has
// just seen it conflict. REQUIRES: `reusable` has no side effects, because it may run more
// than once.
template <typename LeaseT, typename Reusable>
ClaimOutcome claimLease(LeaseTable<LeaseT>& table, const LeaseT& desired, Reusable reusable,
                        std::optional<LeaseT>& replaced, std::optional<StoreError>& error,
                        bool try_add_first = true) {
  // A few rounds are enough: each retry means another writer changed this very address
  // between our read and our write, and then it usually holds it.
  constexpr int kMaxRounds = 4;
  replaced.reset();
  for (int round = 0; round < kMaxRounds; ++round) {
    if (round > 0 || try_add_first) {
      auto added = table.add(desired);
      if (added) {
        return ClaimOutcome::kClaimed;
      }
      if (added.error().code != StoreError::Code::kConflict) {
        error = added.error();
        return ClaimOutcome::kStoreFailed;
      }
    }

    auto existing = table.get(desired.address);
    if (!existing) {
      error = existing.error();
      return ClaimOutcome::kStoreFailed;
    }
    if (!existing->has_value()) {
      continue;  // deleted since add() saw it: try add() again
    }
    const LeaseT& current = **existing;
    if (!reusable(current)) {
      return ClaimOutcome::kTaken;
    }

    auto updated = table.update(desired, &current);
    if (updated) {
      replaced = current;
      return ClaimOutcome::kClaimed;
    }
    const auto code = updated.error().code;
    if (code != StoreError::Code::kConflict && code != StoreError::Code::kNotFound) {
      error = updated.error();
      return ClaimOutcome::kStoreFailed;
    }
  }
  return ClaimOutcome::kTaken;
}

}  // namespace leasehold::alloc
