#include "tests/unit/backends/lease_store_test_vocabulary.h"

#include <cstdlib>
#include <iostream>

namespace leasehold {

void PrintTo(const IPv4Address& address, std::ostream* out) { *out << address.toString(); }

void PrintTo(const IPv6Address& address, std::ostream* out) { *out << address.toString(); }

void PrintTo(const HwAddr& hwaddr, std::ostream* out) {
  *out << "{type " << hwaddr.type << " " << hwaddr.toString() << "}";
}

void PrintTo(const Lease4& lease, std::ostream* out) {
  *out << "Lease4{" << lease.address.toString() << " hwaddr " << lease.hwaddr.type << "/"
       << lease.hwaddr.toString() << " client_id " << toHexColon(lease.client_id) << " valid "
       << lease.valid_lifetime.count() << " cltt " << lease.cltt.time_since_epoch().count()
       << " subnet " << lease.subnet_id << " fqdn " << lease.fqdn_fwd << lease.fqdn_rev
       << " hostname \"" << lease.hostname << "\" state " << static_cast<uint32_t>(lease.state)
       << " user_context " << lease.user_context << " pool " << lease.pool_id << "}";
}

void PrintTo(const Lease6& lease, std::ostream* out) {
  *out << "Lease6{" << lease.address.toString() << "/" << unsigned{lease.prefix_length}
       << " type " << unsigned{static_cast<uint8_t>(lease.type)} << " duid "
       << toHexColon(lease.duid) << " iaid " << lease.iaid << " preferred "
       << lease.preferred_lifetime.count() << " valid " << lease.valid_lifetime.count()
       << " cltt " << lease.cltt.time_since_epoch().count() << " subnet " << lease.subnet_id
       << " fqdn " << lease.fqdn_fwd << lease.fqdn_rev << " hostname \"" << lease.hostname
       << "\" hwaddr " << lease.hwaddr.type << "/" << lease.hwaddr.toString() << " source "
       << lease.hwaddr_source << " state " << static_cast<uint32_t>(lease.state)
       << " user_context " << lease.user_context << " pool " << lease.pool_id << "}";
}

void PrintTo(const LeaseCount& count, std::ostream* out) {
  *out << "{subnet " << count.subnet_id << " type "
       << unsigned{static_cast<uint8_t>(count.type)} << " state "
       << static_cast<uint32_t>(count.state) << ": " << count.count << "}";
}

namespace testing {

namespace {

std::vector<uint8_t> bigEndianBytes(uint32_t value) {
  return {static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
          static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)};
}

}  // namespace

std::string_view codeName(StoreError::Code code) {
  switch (code) {
    case StoreError::Code::kConflict:
      return "kConflict";
    case StoreError::Code::kNotFound:
      return "kNotFound";
    case StoreError::Code::kInvalid:
      return "kInvalid";
    case StoreError::Code::kUnavailable:
      return "kUnavailable";
    case StoreError::Code::kInternal:
      return "kInternal";
  }
  return "unknown StoreError code";
}

IPv4Address v4(std::string_view text) {
  const auto address = IPv4Address::parse(text);
  if (!address) {
    std::cerr << "test bug: invalid IPv4 address " << text << "\n";
    std::abort();
  }
  return *address;
}

IPv6Address v6(std::string_view text) {
  const auto address = IPv6Address::parse(text);
  if (!address) {
    std::cerr << "test bug: invalid IPv6 address " << text << "\n";
    std::abort();
  }
  return *address;
}

IPv4Address Family<Lease4>::address(uint32_t index) { return IPv4Address(0x0a010000u + index); }

void Family<Lease4>::setClient(Lease4& lease, uint32_t client) {
  const auto bytes = bigEndianBytes(client);
  lease.hwaddr = HwAddr{1, {0x02, 0x00, bytes[0], bytes[1], bytes[2], bytes[3]}};
  lease.client_id = {0x01, 0x02, 0x00, bytes[0], bytes[1], bytes[2], bytes[3]};
}

Lease4 Family<Lease4>::lease(uint32_t index, SubnetId subnet_id) {
  Lease4 lease;
  lease.address = address(index);
  setClient(lease, index);
  lease.valid_lifetime = 3600s;
  lease.cltt = kT0;
  lease.subnet_id = subnet_id;
  lease.hostname = "client-" + std::to_string(index) + ".example.org";
  return lease;
}

IPv6Address Family<Lease6>::address(uint32_t index) {
  return IPv6Address::fromUint128(v6("2001:db8:1::").toUint128() + index);
}

void Family<Lease6>::setClient(Lease6& lease, uint32_t client) {
  const auto bytes = bigEndianBytes(client);
  // DUID-LL (type 3, hardware type 1) built from the client's hardware address.
  lease.duid = {0x00, 0x03, 0x00, 0x01, 0x02, 0x00, bytes[0], bytes[1], bytes[2], bytes[3]};
  lease.hwaddr = HwAddr{1, {0x02, 0x00, bytes[0], bytes[1], bytes[2], bytes[3]}};
  lease.hwaddr_source = 2;  // Kea's HWADDR_SOURCE_DUID
}

Lease6 Family<Lease6>::lease(uint32_t index, SubnetId subnet_id) {
  Lease6 lease;
  lease.address = address(index);
  lease.type = LeaseType::kNa;
  lease.prefix_length = 128;
  setClient(lease, index);
  lease.iaid = index;
  lease.preferred_lifetime = 1800s;
  lease.valid_lifetime = 3600s;
  lease.cltt = kT0;
  lease.subnet_id = subnet_id;
  lease.hostname = "client-" + std::to_string(index) + ".example.org";
  return lease;
}

}  // namespace testing
}  // namespace leasehold
