#include "backends/lease.h"

#include <nlohmann/json.hpp>

namespace leasehold {

namespace {

int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string checkLifetime(const char* field, std::chrono::seconds lifetime) {
  if (lifetime.count() < 0 || lifetime.count() > kMaxLifetimeSeconds) {
    return std::string(field) + " " + std::to_string(lifetime.count()) +
           " is out of range; expected 0 to " + std::to_string(kMaxLifetimeSeconds);
  }
  return {};
}

std::string byteCount(size_t count) {
  return std::to_string(count) + (count == 1 ? " byte" : " bytes");
}

std::string checkLength(const char* field, size_t length, size_t min, size_t max) {
  if (length < min || length > max) {
    return std::string(field) + " has " + byteCount(length) + "; expected " +
           std::to_string(min) + " to " + byteCount(max);
  }
  return {};
}

// Checks the fields Lease4 and Lease6 share. Returns the first problem found, or "".
template <typename LeaseT>
std::string validateCommonFields(const LeaseT& lease) {
  if (auto problem = checkLifetime("valid_lifetime", lease.valid_lifetime); !problem.empty()) {
    return problem;
  }
  if (lease.cltt.time_since_epoch().count() < 0) {
    return "cltt " + std::to_string(lease.cltt.time_since_epoch().count()) +
           " is before 1970";
  }
  if (lease.hwaddr.bytes.size() > kMaxHwAddrLength) {
    return checkLength("hwaddr", lease.hwaddr.bytes.size(), 0, kMaxHwAddrLength);
  }
  if (lease.hostname.size() > kMaxHostnameLength) {
    return "hostname has " + byteCount(lease.hostname.size()) + "; expected at most " +
           byteCount(kMaxHostnameLength);
  }
  if (static_cast<uint32_t>(lease.state) > static_cast<uint32_t>(LeaseState::kRegistered)) {
    return "state " + std::to_string(static_cast<uint32_t>(lease.state)) +
           " is out of range; expected 0 to 4";
  }
  if (!lease.user_context.empty()) {
    const auto context = nlohmann::json::parse(lease.user_context, nullptr, false);
    if (context.is_discarded() || !context.is_object()) {
      return "user_context is not a JSON object: " + lease.user_context;
    }
  }
  return {};
}

}  // namespace

std::string validateLease(const Lease4& lease) {
  if (auto problem = validateCommonFields(lease); !problem.empty()) {
    return problem;
  }
  if (!lease.client_id.empty()) {
    if (auto problem = checkLength("client_id", lease.client_id.size(), kMinClientIdLength,
                                   kMaxClientIdLength);
        !problem.empty()) {
      return problem;
    }
  }
  if (lease.hwaddr.empty() && lease.client_id.empty() && lease.state != LeaseState::kDeclined) {
    return "lease for " + lease.address.toString() +
           " has neither a hwaddr nor a client_id; only a declined lease may have neither";
  }
  return {};
}

std::string validateLease(const Lease6& lease) {
  if (auto problem = validateCommonFields(lease); !problem.empty()) {
    return problem;
  }
  if (auto problem = checkLifetime("preferred_lifetime", lease.preferred_lifetime);
      !problem.empty()) {
    return problem;
  }
  if (auto problem = checkLength("duid", lease.duid.size(), 1, kMaxDuidLength); !problem.empty()) {
    return problem;
  }
  switch (lease.type) {
    case LeaseType::kNa:
    case LeaseType::kTa:
      if (lease.prefix_length != 128) {
        return "prefix_length " + std::to_string(lease.prefix_length) +
               " is invalid for an address lease; expected 128";
      }
      return {};
    case LeaseType::kPd:
      if (lease.prefix_length < 1 || lease.prefix_length > 128) {
        return "prefix_length " + std::to_string(lease.prefix_length) +
               " is out of range; expected 1 to 128";
      }
      return {};
  }
  return "type " + std::to_string(static_cast<unsigned>(lease.type)) +
         " is out of range; expected 0 to 2";
}

std::string toHexColon(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 3);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) {
      text.push_back(':');
    }
    text.push_back(kDigits[bytes[i] >> 4]);
    text.push_back(kDigits[bytes[i] & 0x0f]);
  }
  return text;
}

std::optional<std::vector<uint8_t>> parseHex(std::string_view text) {
  std::vector<uint8_t> bytes;
  if (text.starts_with("0x") || text.starts_with("0X")) {
    text.remove_prefix(2);
  }
  if (text.empty()) {
    return bytes;
  }
  const bool delimited = text.find_first_of(":-") != std::string_view::npos;
  if (!delimited) {
    // A plain digit run; an odd count means a leading zero was left out ("abc" = 0a:bc).
    size_t i = 0;
    if (text.size() % 2 == 1) {
      const int value = hexDigitValue(text[0]);
      if (value < 0) {
        return std::nullopt;
      }
      bytes.push_back(static_cast<uint8_t>(value));
      i = 1;
    }
    for (; i < text.size(); i += 2) {
      const int high = hexDigitValue(text[i]);
      const int low = hexDigitValue(text[i + 1]);
      if (high < 0 || low < 0) {
        return std::nullopt;
      }
      bytes.push_back(static_cast<uint8_t>(high * 16 + low));
    }
    return bytes;
  }

  // Delimited groups of one or two digits; both ':' and '-' are accepted, but not mixed.
  const char separator = text.find(':') != std::string_view::npos ? ':' : '-';
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    const std::string_view group = text.substr(start, end - start);
    if (group.empty() || group.size() > 2) {
      return std::nullopt;
    }
    int value = 0;
    for (char c : group) {
      const int digit = hexDigitValue(c);
      if (digit < 0) {
        return std::nullopt;
      }
      value = value * 16 + digit;
    }
    bytes.push_back(static_cast<uint8_t>(value));
    start = end + 1;
  }
  return bytes;
}

std::optional<HwAddr> HwAddr::parse(std::string_view text, uint16_t type) {
  auto bytes = parseHex(text);
  if (!bytes) {
    return std::nullopt;
  }
  return HwAddr{type, std::move(*bytes)};
}

std::string HwAddr::toString() const { return toHexColon(bytes); }

}  // namespace leasehold
