// Test vocabulary for LeaseStore tests: leases for numbered clients, result checks that print the
// store's error, and gtest printers for leases and addresses. The conformance suite uses it, and
// backend tests may too.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "backends/lease_store.h"

namespace leasehold {

// gtest printers, found through argument-dependent lookup.
void PrintTo(const IPv4Address& address, std::ostream* out);
void PrintTo(const IPv6Address& address, std::ostream* out);
void PrintTo(const HwAddr& hwaddr, std::ostream* out);
void PrintTo(const Lease4& lease, std::ostream* out);
void PrintTo(const Lease6& lease, std::ostream* out);
void PrintTo(const LeaseCount& count, std::ostream* out);

namespace testing {

using namespace std::chrono_literals;

// The client last transaction time of the leases the vocabulary makes.
inline constexpr UnixTime kT0{std::chrono::seconds{1'700'000'000}};

std::string_view codeName(StoreError::Code code);

// Passes when `result` contains a value; the failure message names the error code and message.
template <typename T>
::testing::AssertionResult succeeded(const StoreResult<T>& result) {
  if (result.hasValue()) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure()
         << codeName(result.error().code) << ": " << result.error().message;
}

// Passes when `result` failed with `code`.
template <typename T>
::testing::AssertionResult failedWith(const StoreResult<T>& result, StoreError::Code code) {
  if (result.hasValue()) {
    return ::testing::AssertionFailure() << "succeeded; expected " << codeName(code);
  }
  if (result.error().code != code) {
    return ::testing::AssertionFailure() << "failed with " << codeName(result.error().code)
                                         << " (" << result.error().message << "); expected "
                                         << codeName(code);
  }
  return ::testing::AssertionSuccess();
}

IPv4Address v4(std::string_view text);  // REQUIRES: valid text; aborts the test program otherwise
IPv6Address v6(std::string_view text);

// Per-family vocabulary, so one test body can run against LeaseTable<Lease4> and
// LeaseTable<Lease6>. Lease i belongs to client i, sits at address(i) in subnet 1, and was
// renewed at kT0 for 3600 s.
template <typename LeaseT>
struct Family;

template <>
struct Family<Lease4> {
  using Lease = Lease4;
  using Address = IPv4Address;
  using Query = LeaseQuery4;
  static constexpr const char* kName = "DHCPv4";
  static constexpr unsigned kAddressBits = 32;

  static LeaseTable<Lease4>& table(LeaseStore& store) { return store.leases4(); }
  static Address address(uint32_t index);  // 10.1.0.0 + index
  static Lease4 lease(uint32_t index, SubnetId subnet_id = 1);
  // Changes the client identity (hwaddr, client_id) to that of client `client`.
  static void setClient(Lease4& lease, uint32_t client);
  static Address fromUint(unsigned __int128 value) {
    return IPv4Address(static_cast<uint32_t>(value));
  }
  static unsigned __int128 toUint(const Address& address) { return address.toUint32(); }
};

template <>
struct Family<Lease6> {
  using Lease = Lease6;
  using Address = IPv6Address;
  using Query = LeaseQuery6;
  static constexpr const char* kName = "DHCPv6";
  static constexpr unsigned kAddressBits = 128;

  static LeaseTable<Lease6>& table(LeaseStore& store) { return store.leases6(); }
  static Address address(uint32_t index);  // 2001:db8:1:: + index
  static Lease6 lease(uint32_t index, SubnetId subnet_id = 1);
  static void setClient(Lease6& lease, uint32_t client);
  static Address fromUint(unsigned __int128 value) { return IPv6Address::fromUint128(value); }
  static unsigned __int128 toUint(const Address& address) { return address.toUint128(); }
};

// Runs `body(Family<Lease4>{})` and then `body(Family<Lease6>{})`, each under a trace naming the
// family.
template <typename Body>
void forBothFamilies(Body body) {
  {
    SCOPED_TRACE(Family<Lease4>::kName);
    body(Family<Lease4>{});
  }
  {
    SCOPED_TRACE(Family<Lease6>::kName);
    body(Family<Lease6>{});
  }
}

template <typename LeaseT>
std::vector<typename LeaseTraits<LeaseT>::Address> addressesOf(const std::vector<LeaseT>& leases) {
  std::vector<typename LeaseTraits<LeaseT>::Address> addresses;
  for (const auto& lease : leases) {
    addresses.push_back(lease.address);
  }
  return addresses;
}

// Returns the leases `query` finds; an empty vector after a failure, which the check reports.
template <typename LeaseT>
std::vector<LeaseT> findLeases(LeaseTable<LeaseT>& table,
                               const typename LeaseTraits<LeaseT>::Query& query) {
  auto found = table.find(query);
  EXPECT_TRUE(succeeded(found));
  return found ? *found : std::vector<LeaseT>{};
}

// Returns every lease of `table` (a find with no criteria).
template <typename LeaseT>
std::vector<LeaseT> allLeases(LeaseTable<LeaseT>& table) {
  return findLeases(table, typename LeaseTraits<LeaseT>::Query{});
}

// Returns the stored lease at `address`, or nullopt when there is none or get() failed (which
// the check reports).
template <typename LeaseT>
std::optional<LeaseT> storedLease(LeaseTable<LeaseT>& table,
                                  const typename LeaseTraits<LeaseT>::Address& address) {
  auto found = table.get(address);
  EXPECT_TRUE(succeeded(found));
  return found ? *found : std::nullopt;
}

}  // namespace testing
}  // namespace leasehold
