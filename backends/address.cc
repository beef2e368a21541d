#include "backends/address.h"

#include <arpa/inet.h>

#include <cstring>

namespace leasehold {

namespace {

// Splits "address/length" and parses the length as a decimal in [0, max_length].
bool splitPrefix(std::string_view text, unsigned max_length, std::string_view& address,
                 uint8_t& length) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos || slash + 1 == text.size()) {
    return false;
  }
  address = text.substr(0, slash);
  unsigned value = 0;
  for (char c : text.substr(slash + 1)) {
    if (c < '0' || c > '9') {
      return false;
    }
    value = value * 10 + static_cast<unsigned>(c - '0');
    if (value > max_length) {
      return false;
    }
  }
  length = static_cast<uint8_t>(value);
  return true;
}

std::string_view trimSpaces(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::optional<IPv4Address> IPv4Address::parse(std::string_view text) {
  // inet_pton accepts exactly the dotted-quad form and rejects leading zeros' octal
  // ambiguity, which is what Kea accepts too.
  if (text.empty() || text.size() > 15) {
    return std::nullopt;
  }
  char buffer[16];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  in_addr parsed{};
  if (inet_pton(AF_INET, buffer, &parsed) != 1) {
    return std::nullopt;
  }
  return IPv4Address(ntohl(parsed.s_addr));
}

IPv4Address IPv4Address::fromBytes(std::span<const uint8_t> bytes) {
  return IPv4Address((uint32_t{bytes[0]} << 24) | (uint32_t{bytes[1]} << 16) |
                     (uint32_t{bytes[2]} << 8) | uint32_t{bytes[3]});
}

std::array<uint8_t, 4> IPv4Address::toBytes() const {
  return {static_cast<uint8_t>(value_ >> 24), static_cast<uint8_t>(value_ >> 16),
          static_cast<uint8_t>(value_ >> 8), static_cast<uint8_t>(value_)};
}

std::string IPv4Address::toString() const {
  char buffer[INET_ADDRSTRLEN];
  const in_addr raw{htonl(value_)};
  inet_ntop(AF_INET, &raw, buffer, sizeof buffer);
  return buffer;
}

std::optional<IPv6Address> IPv6Address::parse(std::string_view text) {
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) {
    return std::nullopt;
  }
  char buffer[INET6_ADDRSTRLEN];
  std::memcpy(buffer, text.data(), text.size());
  buffer[text.size()] = '\0';
  Bytes bytes{};
  if (inet_pton(AF_INET6, buffer, bytes.data()) != 1) {
    return std::nullopt;
  }
  return IPv6Address(bytes);
}

IPv6Address IPv6Address::fromBytes(std::span<const uint8_t> bytes) {
  Bytes copy{};
  std::memcpy(copy.data(), bytes.data(), copy.size());
  return IPv6Address(copy);
}

IPv6Address IPv6Address::fromUint128(unsigned __int128 value) {
  Bytes bytes{};
  for (int i = 15; i >= 0; --i) {
    bytes[static_cast<size_t>(i)] = static_cast<uint8_t>(value);
    value >>= 8;
  }
  return IPv6Address(bytes);
}

unsigned __int128 IPv6Address::toUint128() const {
  unsigned __int128 value = 0;
  for (uint8_t byte : bytes_) {
    value = (value << 8) | byte;
  }
  return value;
}

std::string IPv6Address::toString() const {
  char buffer[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, bytes_.data(), buffer, sizeof buffer);
  return buffer;
}

bool IPv6Address::isZero() const {
  for (uint8_t byte : bytes_) {
    if (byte != 0) {
      return false;
    }
  }
  return true;
}

unsigned __int128 prefixMask128(unsigned length) {
  if (length == 0) {
    return 0;
  }
  if (length >= 128) {
    return ~static_cast<unsigned __int128>(0);
  }
  return ~static_cast<unsigned __int128>(0) << (128 - length);
}

namespace {

uint32_t prefixMask32(unsigned length) {
  return length == 0 ? 0 : (length >= 32 ? 0xffffffffu : 0xffffffffu << (32 - length));
}

}  // namespace

std::optional<IPv4Prefix> IPv4Prefix::parse(std::string_view text) {
  std::string_view address_text;
  uint8_t length = 0;
  if (!splitPrefix(trimSpaces(text), 32, address_text, length)) {
    return std::nullopt;
  }
  const auto address = IPv4Address::parse(trimSpaces(address_text));
  if (!address) {
    return std::nullopt;
  }
  return IPv4Prefix{*address, length};
}

bool IPv4Prefix::hasHostBits() const {
  return (address.toUint32() & ~prefixMask32(length)) != 0;
}

bool IPv4Prefix::contains(IPv4Address candidate) const {
  const uint32_t mask = prefixMask32(length);
  return (candidate.toUint32() & mask) == (address.toUint32() & mask);
}

IPv4Address IPv4Prefix::first() const {
  return IPv4Address(address.toUint32() & prefixMask32(length));
}

IPv4Address IPv4Prefix::last() const {
  return IPv4Address(address.toUint32() | ~prefixMask32(length));
}

std::string IPv4Prefix::toString() const {
  return address.toString() + "/" + std::to_string(length);
}

std::optional<IPv6Prefix> IPv6Prefix::parse(std::string_view text) {
  std::string_view address_text;
  uint8_t length = 0;
  if (!splitPrefix(trimSpaces(text), 128, address_text, length)) {
    return std::nullopt;
  }
  const auto address = IPv6Address::parse(trimSpaces(address_text));
  if (!address) {
    return std::nullopt;
  }
  return IPv6Prefix{*address, length};
}

bool IPv6Prefix::hasHostBits() const {
  return (address.toUint128() & ~prefixMask128(length)) != 0;
}

bool IPv6Prefix::contains(const IPv6Address& candidate) const {
  const auto mask = prefixMask128(length);
  return (candidate.toUint128() & mask) == (address.toUint128() & mask);
}

bool IPv6Prefix::contains(const IPv6Prefix& inner) const {
  return inner.length >= length && contains(inner.address);
}

IPv6Address IPv6Prefix::first() const {
  return IPv6Address::fromUint128(address.toUint128() & prefixMask128(length));
}

IPv6Address IPv6Prefix::last() const {
  return IPv6Address::fromUint128(address.toUint128() | ~prefixMask128(length));
}

std::string IPv6Prefix::toString() const {
  return address.toString() + "/" + std::to_string(length);
}

}  // namespace leasehold

size_t std::hash<leasehold::IPv6Address>::operator()(
    const leasehold::IPv6Address& address) const noexcept {
  // FNV-1a over the 16 bytes: cheap and well spread for addresses that differ in low bits.
  uint64_t hash = 1469598103934665603ull;
  for (uint8_t byte : address.bytes()) {
    hash = (hash ^ byte) * 1099511628211ull;
  }
  return static_cast<size_t>(hash);
}
