// IPv4 and IPv6 address and prefix value types shared by the server and the storage backends.
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace leasehold {

// An IPv4 address held as a 32-bit integer in host byte order, so that pools can be walked
// with arithmetic.
class IPv4Address {
 public:
  constexpr IPv4Address() = default;
  constexpr explicit IPv4Address(uint32_t value) : value_(value) {}

  // Parses dotted-quad text ("192.0.2.1"); returns nullopt for anything else.
  static std::optional<IPv4Address> parse(std::string_view text);
  // Reads 4 bytes in network order. REQUIRES: bytes.size() >= 4.
  static IPv4Address fromBytes(std::span<const uint8_t> bytes);

  constexpr uint32_t toUint32() const { return value_; }
  std::array<uint8_t, 4> toBytes() const;
  std::string toString() const;
  constexpr bool isZero() const { return value_ == 0; }

  constexpr auto operator<=>(const IPv4Address&) const = default;

 private:
  uint32_t value_ = 0;
};

// An IPv6 address in network byte order.
class IPv6Address {
 public:
  using Bytes = std::array<uint8_t, 16>;

  constexpr IPv6Address() = default;
  constexpr explicit IPv6Address(const Bytes& bytes) : bytes_(bytes) {}

  // Parses RFC 4291 text, including "::" compression and an embedded IPv4 tail.
  static std::optional<IPv6Address> parse(std::string_view text);
  // Reads 16 bytes. REQUIRES: bytes.size() >= 16.
  static IPv6Address fromBytes(std::span<const uint8_t> bytes);
  static IPv6Address fromUint128(unsigned __int128 value);

  const Bytes& bytes() const { return bytes_; }
  unsigned __int128 toUint128() const;
  // RFC 5952 canonical text ("2001:db8::1").
  std::string toString() const;
  bool isZero() const;
  bool isLinkLocal() const { return bytes_[0] == 0xfe && (bytes_[1] & 0xc0) == 0x80; }
  bool isMulticast() const { return bytes_[0] == 0xff; }

  auto operator<=>(const IPv6Address&) const = default;

 private:
  Bytes bytes_{};
};

// An IPv4 network: address and prefix length. `address` has no host bits set once validated.
struct IPv4Prefix {
  IPv4Address address;
  uint8_t length = 0;

  // Parses "192.0.2.0/24". Host bits are kept, so callers can report them as an error.
  static std::optional<IPv4Prefix> parse(std::string_view text);
  bool hasHostBits() const;
  bool contains(IPv4Address candidate) const;
  IPv4Address first() const;
  IPv4Address last() const;
  std::string toString() const;

  auto operator<=>(const IPv4Prefix&) const = default;
};

// An IPv6 network or delegated prefix.
struct IPv6Prefix {
  IPv6Address address;
  uint8_t length = 0;

  static std::optional<IPv6Prefix> parse(std::string_view text);
  bool hasHostBits() const;
  bool contains(const IPv6Address& candidate) const;
  bool contains(const IPv6Prefix& inner) const;
  IPv6Address first() const;
  IPv6Address last() const;
  std::string toString() const;

  auto operator<=>(const IPv6Prefix&) const = default;
};

// Mask of the top `length` bits of a 128-bit value; length 0 gives 0.
unsigned __int128 prefixMask128(unsigned length);

}  // namespace leasehold

template <>
struct std::hash<leasehold::IPv4Address> {
  size_t operator()(const leasehold::IPv4Address& address) const noexcept {
    return std::hash<uint32_t>{}(address.toUint32());
  }
};

template <>
struct std::hash<leasehold::IPv6Address> {
  size_t operator()(const leasehold::IPv6Address& address) const noexcept;
};
