// Lease records and the client identifiers they carry, shared by the DHCP engine and every
// LeaseStore implementation. Field meanings follow Kea's lease tables and CSV lease files.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/address.h"

namespace leasehold {

using SubnetId = uint32_t;
using UnixTime = std::chrono::sys_seconds;

// Kea's lease state values (the `state` column of lease files and tables).
enum class LeaseState : uint32_t {
  kDefault = 0,           // assigned
  kDeclined = 1,          // declined by a client, held for the probation period
  kExpiredReclaimed = 2,  // expired and processed by reclamation
  kReleased = 3,          // released, kept because lease affinity is on
  kRegistered = 4,        // DHCPv6 address registration (RFC 9686)
};

// Hardware type as in the DHCPv4 `htype` field (1 = Ethernet) plus the address bytes.
struct HwAddr {
  uint16_t type = 1;
  std::vector<uint8_t> bytes;

  // Parses Kea's colon-separated hex ("1a:1b:1c:1d:1e:1f"); also accepts '-' separators and
  // undelimited hex. Returns nullopt for anything else.
  static std::optional<HwAddr> parse(std::string_view text, uint16_t type = 1);
  std::string toString() const;  // "1a:1b:1c:1d:1e:1f"
  bool empty() const { return bytes.empty(); }
  auto operator<=>(const HwAddr&) const = default;
};

// Kinds of DHCPv6 leases, numbered as Kea stores them.
enum class LeaseType : uint8_t { kNa = 0, kTa = 1, kPd = 2 };

// Lowercase colon-separated hex, Kea's text form for identifiers.
std::string toHexColon(const std::vector<uint8_t>& bytes);
// Parses colon- or dash-separated hex bytes ("01:2a", "1:2a") or a plain run of hex digits,
// optionally prefixed with "0x". An empty string parses as no bytes. Returns nullopt on
// anything else.
std::optional<std::vector<uint8_t>> parseHex(std::string_view text);

struct Lease4 {
  IPv4Address address;
  HwAddr hwaddr;
  std::vector<uint8_t> client_id;  // option 61 contents; empty when the client sent none
  std::chrono::seconds valid_lifetime{0};
  UnixTime cltt{};  // client last transaction time
  SubnetId subnet_id = 0;
  bool fqdn_fwd = false;
  bool fqdn_rev = false;
  std::string hostname;
  LeaseState state = LeaseState::kDefault;
  std::string user_context;  // serialized JSON object, empty when there is none
  uint32_t pool_id = 0;

  UnixTime expire() const { return cltt + valid_lifetime; }
  bool expired(UnixTime now) const { return expire() <= now; }
  bool operator==(const Lease4&) const = default;
};

struct Lease6 {
  IPv6Address address;  // the address, or the first address of a delegated prefix
  uint8_t prefix_length = 128;
  LeaseType type = LeaseType::kNa;
  std::vector<uint8_t> duid;
  uint32_t iaid = 0;
  std::chrono::seconds preferred_lifetime{0};
  std::chrono::seconds valid_lifetime{0};
  UnixTime cltt{};
  SubnetId subnet_id = 0;
  bool fqdn_fwd = false;
  bool fqdn_rev = false;
  std::string hostname;
  HwAddr hwaddr;  // empty when unknown
  uint32_t hwaddr_source = 0;  // Kea's HWAddr source bit (HWADDR_SOURCE_*), 0 when unknown
  LeaseState state = LeaseState::kDefault;
  std::string user_context;
  uint32_t pool_id = 0;

  UnixTime expire() const { return cltt + valid_lifetime; }
  bool expired(UnixTime now) const { return expire() <= now; }
  bool operator==(const Lease6&) const = default;
};

// Field limits every LeaseStore enforces. They are the limits Kea 2.2 applies when it reads a
// lease back, so a lease that passes validateLease() also loads in Kea.
inline constexpr size_t kMaxHwAddrLength = 20;    // Kea's HWAddr::MAX_HWADDR_LEN
inline constexpr size_t kMinClientIdLength = 2;   // Kea rejects shorter client identifiers
inline constexpr size_t kMaxClientIdLength = 255; // option 61 has a one-byte length
inline constexpr size_t kMaxDuidLength = 128;     // Kea's DUID::MAX_DUID_LEN
inline constexpr size_t kMaxHostnameLength = 255; // RFC 1035 limit for a domain name
inline constexpr int64_t kMaxLifetimeSeconds = 0xffffffff;  // lifetimes are 32-bit; this one is infinite

// Checks the rules above plus: lifetimes in [0, kMaxLifetimeSeconds], cltt not before 1970,
// state and type within their enums, user_context empty or a JSON object. A DHCPv4 lease needs a
// hardware address or a client identifier unless it is declined. A DHCPv6 lease needs a DUID,
// and a prefix length of 128 for kNa and kTa or of 1 to 128 for kPd. Returns an empty string for
// a valid lease, else a message naming the field and the value ("hwaddr has 21 bytes; expected
// 0 to 20 bytes").
std::string validateLease(const Lease4& lease);
std::string validateLease(const Lease6& lease);

}  // namespace leasehold
