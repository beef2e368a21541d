// LeaseIndex: the leases of one family in memory, with the indexes that serve LeaseTable
// queries without scanning every lease.
//
// Leases are kept in a map ordered by address. Each secondary index is an ordered set of
// (key, address) pairs, so the leases for one key come out in ascending address order and
// `after` / `limit` paging needs no sorting. Empty keys (no hwaddr, no client identifier, no
// hostname) are not indexed; a query for an empty value scans instead.
//
// Threads: not thread-safe. MemfileLeaseTable guards it with a shared mutex.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "backends/lease_store.h"

namespace leasehold::memfile {

template <typename LeaseT>
class LeaseIndex {
 public:
  using Address = typename LeaseTraits<LeaseT>::Address;
  using Query = typename LeaseTraits<LeaseT>::Query;

  // Returns the lease at `address`, or nullptr. The pointer is valid until the next change.
  const LeaseT* get(const Address& address) const;
  size_t size() const { return by_address_.size(); }
  // Returns the number of maximal runs of consecutive leased addresses.
  size_t runCountForTesting() const { return runs_.size(); }

  // REQUIRES: no lease at lease.address.
  void insert(const LeaseT& lease);
  // REQUIRES: a lease at lease.address.
  void replace(const LeaseT& lease);
  // REQUIRES: a lease at `address`.
  void erase(const Address& address);

  std::vector<LeaseT> find(const Query& query) const;
  // Leases in state kDefault or kDeclined expired at `now`, oldest first; limit 0: no limit.
  std::vector<LeaseT> findExpired(UnixTime now, size_t limit) const;
  // Free addresses as LeaseTable::findUnleased defines them. Jumps from one run of consecutive
  // leased addresses to the next, so without step_bits it costs O(log n) per run it crosses
  // plus O(1) per address returned, however full the range is. With step_bits it crosses
  // every run that contains an aligned candidate, one per delegated prefix in a prefix pool.
  // REQUIRES: first <= start <= last, step_bits below the address width.
  std::vector<Address> findUnleased(const Address& first, const Address& last,
                                    const Address& start, size_t limit,
                                    unsigned step_bits) const;
  // Returns the leases of `subnet_id`, or every lease when it is nullopt.
  std::vector<LeaseT> leasesOfSubnet(std::optional<SubnetId> subnet_id) const;
  std::vector<LeaseCount> count(std::optional<SubnetId> subnet_id) const;

  // Calls visit(lease) for every lease in ascending address order.
  template <typename Visit>
  void forEach(Visit visit) const {
    for (const auto& [address, lease] : by_address_) {
      visit(lease);
    }
  }

 private:
  using CountKey = std::tuple<SubnetId, LeaseType, LeaseState>;

  void addToIndexes(const LeaseT& lease);
  void removeFromIndexes(const LeaseT& lease);
  void addToRuns(unsigned __int128 address);
  void removeFromRuns(unsigned __int128 address);
  // Calls visit(lease) for the candidates of `query` in ascending address order, from the most
  // selective index the query allows, until visit returns false. Candidates still have to be
  // matched against the whole query.
  template <typename Visit>
  void visitCandidates(const Query& query, Visit visit) const;

  std::map<Address, LeaseT> by_address_;
  std::set<std::pair<HwAddr, Address>> by_hwaddr_;
  std::set<std::pair<std::vector<uint8_t>, Address>> by_client_;  // client_id or DUID
  std::set<std::pair<std::string, Address>> by_hostname_;         // lowercase
  std::set<std::pair<SubnetId, Address>> by_subnet_;
  std::set<std::pair<LeaseState, Address>> by_state_;
  // Only leases that findExpired may return: states kDefault and kDeclined.
  std::set<std::pair<UnixTime, Address>> by_expiry_;
  std::map<CountKey, uint64_t> counts_;
  // Maximal runs of consecutive leased addresses, first address to last, as integers.
  std::map<unsigned __int128, unsigned __int128> runs_;
};

// Lowercases ASCII letters, the hostname comparison LeaseQuery uses.
std::string lowercaseAscii(std::string_view text);

}  // namespace leasehold::memfile
