// Reclamation of expired leases (Kea's expired-leases-processing), shared by DHCPv4 and
// DHCPv6. Each expired lease is either deleted or kept in the expired-reclaimed state for
// `hold-reclaimed-time` (so a returning client can get its address back), and the caller's
// callback updates statistics and returns the address to its pool.
//
// Every write is a compare-and-set against the expired lease that was read, so a client that
// renews at the same moment (on this node or another) keeps its lease.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>

#include "backends/lease_store.h"

namespace leasehold::engine {

struct ReclaimReport {
  size_t reclaimed = 0;
  size_t failed = 0;        // store errors
  bool incomplete = false;  // stopped at the lease or time limit with more to do
};

// Reclaims up to `max_leases` leases that expired at or before `now`, stopping early at
// `deadline`. With `remove` the leases are deleted, else set to kExpiredReclaimed.
// `on_reclaimed` runs once per reclaimed lease with the lease as it was before.
template <typename LeaseT>
ReclaimReport reclaimExpired(LeaseTable<LeaseT>& table, UnixTime now, size_t max_leases,
                             std::chrono::steady_clock::time_point deadline, bool remove,
                             const std::function<void(const LeaseT&)>& on_reclaimed) {
  ReclaimReport report;
  auto expired = table.findExpired(now, max_leases);
  if (!expired) {
    report.failed = 1;
    return report;
  }
  for (const LeaseT& lease : *expired) {
    if (std::chrono::steady_clock::now() >= deadline) {
      report.incomplete = true;
      break;
    }
    StoreResult<void> written;
    if (remove) {
      written = table.remove(lease.address, &lease);
    } else {
      LeaseT reclaimed = lease;
      reclaimed.state = LeaseState::kExpiredReclaimed;
      written = table.update(reclaimed, &lease);
    }
    if (written) {
      ++report.reclaimed;
      on_reclaimed(lease);
    } else if (written.error().code != StoreError::Code::kConflict &&
               written.error().code != StoreError::Code::kNotFound) {
      ++report.failed;  // conflicts mean the client renewed meanwhile: not a failure
    }
  }
  if (expired->size() >= max_leases && max_leases != 0) {
    report.incomplete = true;
  }
  return report;
}

// Deletes leases that have been in the expired-reclaimed state since before `cutoff`.
// Returns how many were deleted.
template <typename LeaseT>
size_t flushReclaimed(LeaseTable<LeaseT>& table, UnixTime cutoff) {
  typename LeaseTable<LeaseT>::Query query;
  query.state = LeaseState::kExpiredReclaimed;
  auto reclaimed = table.find(query);
  if (!reclaimed) {
    return 0;
  }
  size_t deleted = 0;
  for (const LeaseT& lease : *reclaimed) {
    if (lease.expire() <= cutoff && table.remove(lease.address, &lease)) {
      ++deleted;
    }
  }
  return deleted;
}

}  // namespace leasehold::engine
