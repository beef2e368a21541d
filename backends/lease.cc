#include "backends/lease.h"

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

}  // namespace

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
