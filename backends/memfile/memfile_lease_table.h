// MemfileLeaseTable: the leases of one family in memory, each change appended to a Kea lease
// file before the call returns.
//
// Threads: every method may be called from any thread, without a lock that covers the whole
// table during file I/O:
//   - A write locks its address's stripe, one of kAddressStripes mutexes picked by hashing the
//     address. Writes to one address are serialized; writes to other addresses go on in
//     parallel and meet only in LeaseFileWriter's mutex, held for the write(2) call.
//   - Under its stripe lock a write checks the stored lease with the index locked shared,
//     appends the record to the file, and then locks the index exclusively only to apply the
//     change in memory. No other writer can change that address in between.
//   - Readers lock the index shared. They wait only while a change is applied in memory, never
//     for file I/O, and see a change only once its record is in the file.
//   - wipe() locks every stripe, in index order, so it cannot deadlock with single-address
//     writes, which take one stripe each.
#pragma once

#include <array>
#include <mutex>
#include <shared_mutex>

#include "backends/lease_store.h"
#include "backends/memfile/lease_file_loader.h"
#include "backends/memfile/lease_file_writer.h"
#include "backends/memfile/lease_index.h"

namespace leasehold::memfile {

template <typename LeaseT>
class MemfileLeaseTable final : public LeaseTable<LeaseT> {
 public:
  using Address = typename LeaseTable<LeaseT>::Address;
  using Query = typename LeaseTable<LeaseT>::Query;

  // Starts with `leases`. A null `writer` keeps leases in memory only; otherwise the writer
  // must outlive the table.
  MemfileLeaseTable(const LeaseMap<LeaseT>& leases, LeaseFileWriter* writer);

  StoreResult<std::optional<LeaseT>> get(const Address& address) override;
  StoreResult<std::vector<LeaseT>> find(const Query& query) override;
  StoreResult<std::vector<LeaseT>> findExpired(UnixTime now, size_t limit) override;
  StoreResult<std::vector<Address>> findUnleased(const Address& first, const Address& last,
                                                 const Address& start, size_t limit,
                                                 unsigned step_bits) override;
  // Besides the contract's errors: kInvalid for a valid_lifetime of 0, because the file format
  // uses it to mark a deleted lease. kUnavailable when the record cannot be appended, and then
  // memory is unchanged too.
  StoreResult<void> add(const LeaseT& lease) override;
  StoreResult<void> update(const LeaseT& lease, const LeaseT* expected) override;
  StoreResult<void> remove(const Address& address, const LeaseT* expected) override;
  // Appends the deletions in chunks. If a chunk fails, the leases of earlier chunks stay
  // deleted and the result is kUnavailable with their number in the message.
  StoreResult<uint64_t> wipe(std::optional<SubnetId> subnet_id) override;
  StoreResult<std::vector<LeaseCount>> count(std::optional<SubnetId> subnet_id) override;

  size_t size() const;

 private:
  static constexpr size_t kAddressStripes = 256;

  std::mutex& stripeFor(const Address& address);
  // Appends `records` to the lease file, if there is one.
  StoreResult<void> persist(std::string_view records);
  // Returns the error for a write to `address`, given the lease stored there (or null) and the
  // compare-and-set value (or null). Returns nullopt when the write may go ahead.
  // REQUIRES: index_mutex_ held.
  static std::optional<StoreError> checkExpected(const Address& address, const LeaseT* stored,
                                                 const LeaseT* expected);

  std::array<std::mutex, kAddressStripes> stripes_;
  mutable std::shared_mutex index_mutex_;
  LeaseIndex<LeaseT> index_;  // GUARDED_BY(index_mutex_)
  LeaseFileWriter* const writer_;
};

}  // namespace leasehold::memfile
