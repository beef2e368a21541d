#include "backends/memfile/memfile_lease_table.h"

#include <functional>

#include "backends/memfile/lease_file_format.h"

namespace leasehold::memfile {

namespace {

using Code = StoreError::Code;

constexpr size_t kWipeChunkBytes = 1 << 20;

template <typename LeaseT>
std::optional<StoreError> checkStorable(const LeaseT& lease) {
  if (auto problem = validateLease(lease); !problem.empty()) {
    return StoreError{Code::kInvalid, "invalid lease for " + lease.address.toString() + ": " +
                                          problem};
  }
  if (lease.valid_lifetime.count() == 0) {
    return StoreError{Code::kInvalid, "invalid lease for " + lease.address.toString() +
                                          ": valid_lifetime 0 cannot be stored in a memfile "
                                          "lease file, where it marks a deleted lease"};
  }
  return std::nullopt;
}

template <typename Address>
unsigned addressWidth() {
  return std::is_same_v<Address, IPv4Address> ? 32 : 128;
}

}  // namespace

template <typename LeaseT>
MemfileLeaseTable<LeaseT>::MemfileLeaseTable(const LeaseMap<LeaseT>& leases,
                                             LeaseFileWriter* writer)
    : writer_(writer) {
  for (const auto& [address, lease] : leases) {
    index_.insert(lease);
  }
}

template <typename LeaseT>
std::mutex& MemfileLeaseTable<LeaseT>::stripeFor(const Address& address) {
  return stripes_[std::hash<Address>{}(address) % kAddressStripes];
}

template <typename LeaseT>
StoreResult<void> MemfileLeaseTable<LeaseT>::persist(std::string_view records) {
  if (writer_ == nullptr) {
    return {};
  }
  return writer_->append(records);
}

template <typename LeaseT>
std::optional<StoreError> MemfileLeaseTable<LeaseT>::checkExpected(const Address& address,
                                                                   const LeaseT* stored,
                                                                   const LeaseT* expected) {
  if (stored == nullptr && expected == nullptr) {
    return StoreError{Code::kNotFound, "no lease for " + address.toString()};
  }
  if (stored == nullptr) {
    return StoreError{Code::kConflict, "the lease for " + address.toString() + " was removed"};
  }
  if (expected != nullptr && *stored != *expected) {
    return StoreError{Code::kConflict,
                      "the lease for " + address.toString() + " differs from the expected one"};
  }
  return std::nullopt;
}

template <typename LeaseT>
size_t MemfileLeaseTable<LeaseT>::size() const {
  std::shared_lock lock(index_mutex_);
  return index_.size();
}

template <typename LeaseT>
StoreResult<std::optional<LeaseT>> MemfileLeaseTable<LeaseT>::get(const Address& address) {
  std::shared_lock lock(index_mutex_);
  const LeaseT* lease = index_.get(address);
  return lease ? std::optional<LeaseT>(*lease) : std::nullopt;
}

template <typename LeaseT>
StoreResult<std::vector<LeaseT>> MemfileLeaseTable<LeaseT>::find(const Query& query) {
  std::shared_lock lock(index_mutex_);
  return index_.find(query);
}

template <typename LeaseT>
StoreResult<std::vector<LeaseT>> MemfileLeaseTable<LeaseT>::findExpired(UnixTime now,
                                                                        size_t limit) {
  std::shared_lock lock(index_mutex_);
  return index_.findExpired(now, limit);
}

template <typename LeaseT>
auto MemfileLeaseTable<LeaseT>::findUnleased(const Address& first, const Address& last,
                                             const Address& start, size_t limit,
                                             unsigned step_bits)
    -> StoreResult<std::vector<Address>> {
  if (step_bits >= addressWidth<Address>()) {
    return makeUnexpected(StoreError{
        Code::kInvalid, "step_bits " + std::to_string(step_bits) + " must be below " +
                            std::to_string(addressWidth<Address>())});
  }
  if (!(first <= start && start <= last)) {
    return makeUnexpected(StoreError{
        Code::kInvalid, "invalid range: expected first " + first.toString() + " <= start " +
                            start.toString() + " <= last " + last.toString()});
  }
  std::shared_lock lock(index_mutex_);
  return index_.findUnleased(first, last, start, limit, step_bits);
}

template <typename LeaseT>
StoreResult<void> MemfileLeaseTable<LeaseT>::add(const LeaseT& lease) {
  if (auto error = checkStorable(lease)) {
    return makeUnexpected(std::move(*error));
  }
  std::lock_guard address_lock(stripeFor(lease.address));
  {
    std::shared_lock read_lock(index_mutex_);
    if (index_.get(lease.address) != nullptr) {
      return makeUnexpected(
          StoreError{Code::kConflict, "a lease for " + lease.address.toString() + " exists"});
    }
  }

  std::string record;
  appendRecord(lease, record);
  if (auto written = persist(record); !written) {
    return written;
  }

  std::unique_lock write_lock(index_mutex_);
  index_.insert(lease);
  return {};
}

template <typename LeaseT>
StoreResult<void> MemfileLeaseTable<LeaseT>::update(const LeaseT& lease, const LeaseT* expected) {
  if (auto error = checkStorable(lease)) {
    return makeUnexpected(std::move(*error));
  }
  std::lock_guard address_lock(stripeFor(lease.address));
  {
    std::shared_lock read_lock(index_mutex_);
    if (auto error = checkExpected(lease.address, index_.get(lease.address), expected)) {
      return makeUnexpected(std::move(*error));
    }
  }

  std::string record;
  appendRecord(lease, record);
  if (auto written = persist(record); !written) {
    return written;
  }

  std::unique_lock write_lock(index_mutex_);
  index_.replace(lease);
  return {};
}

template <typename LeaseT>
StoreResult<void> MemfileLeaseTable<LeaseT>::remove(const Address& address,
                                                    const LeaseT* expected) {
  std::lock_guard address_lock(stripeFor(address));
  std::string record;
  {
    std::shared_lock read_lock(index_mutex_);
    const LeaseT* stored = index_.get(address);
    if (auto error = checkExpected(address, stored, expected)) {
      return makeUnexpected(std::move(*error));
    }
    appendDeletion(*stored, record);
  }

  if (auto written = persist(record); !written) {
    return written;
  }

  std::unique_lock write_lock(index_mutex_);
  index_.erase(address);
  return {};
}

template <typename LeaseT>
StoreResult<uint64_t> MemfileLeaseTable<LeaseT>::wipe(std::optional<SubnetId> subnet_id) {
  std::vector<std::unique_lock<std::mutex>> address_locks;
  address_locks.reserve(kAddressStripes);
  for (auto& stripe : stripes_) {
    address_locks.emplace_back(stripe);
  }
  std::vector<LeaseT> doomed;
  {
    std::shared_lock read_lock(index_mutex_);
    doomed = index_.leasesOfSubnet(subnet_id);
  }

  uint64_t deleted = 0;
  size_t chunk_start = 0;
  std::string records;
  for (size_t i = 0; i < doomed.size(); ++i) {
    appendDeletion(doomed[i], records);
    if (records.size() < kWipeChunkBytes && i + 1 < doomed.size()) {
      continue;
    }
    if (auto written = persist(records); !written) {
      return makeUnexpected(StoreError{written.error().code,
                                       written.error().message + "; " +
                                           std::to_string(deleted) + " leases were deleted"});
    }
    std::unique_lock write_lock(index_mutex_);
    for (size_t j = chunk_start; j <= i; ++j) {
      index_.erase(doomed[j].address);
    }
    deleted += i + 1 - chunk_start;
    chunk_start = i + 1;
    records.clear();
  }
  return deleted;
}

template <typename LeaseT>
StoreResult<std::vector<LeaseCount>> MemfileLeaseTable<LeaseT>::count(
    std::optional<SubnetId> subnet_id) {
  std::shared_lock lock(index_mutex_);
  return index_.count(subnet_id);
}

template class MemfileLeaseTable<Lease4>;
template class MemfileLeaseTable<Lease6>;

}  // namespace leasehold::memfile
