// Encoding of `option-data` text into option payloads: the typed values of each data type and
// the rules that combine them (single values, arrays, records).
#include <charconv>
#include <limits>

#include "backends/address.h"
#include "server/options/option_definition.h"
#include "server/options/option_text.h"

namespace leasehold::options {

using detail::Bytes;
using detail::Status;

namespace detail {

namespace {

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view trimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

std::string quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

void appendUint32(uint32_t value, Bytes& out) {
  out.push_back(static_cast<uint8_t>(value >> 24));
  out.push_back(static_cast<uint8_t>(value >> 16));
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

Status appendInteger(DataType type, std::string_view text, Bytes& out) {
  int64_t min = 0;
  int64_t max = 0;
  int width = 1;
  switch (type) {
    case DataType::kInt8: min = INT8_MIN; max = INT8_MAX; width = 1; break;
    case DataType::kInt16: min = INT16_MIN; max = INT16_MAX; width = 2; break;
    case DataType::kInt32: min = INT32_MIN; max = INT32_MAX; width = 4; break;
    case DataType::kUint8: max = UINT8_MAX; width = 1; break;
    case DataType::kUint16: max = UINT16_MAX; width = 2; break;
    default: max = UINT32_MAX; width = 4; break;
  }
  auto value = parseInteger(text, min, max);
  if (!value) {
    return makeUnexpected(value.error());
  }
  const auto bits = static_cast<uint32_t>(*value);
  for (int shift = (width - 1) * 8; shift >= 0; shift -= 8) {
    out.push_back(static_cast<uint8_t>(bits >> shift));
  }
  return {};
}

Status appendBoolean(std::string_view text, Bytes& out) {
  if (text == "true" || text == "1") {
    out.push_back(1);
    return {};
  }
  if (text == "false" || text == "0") {
    out.push_back(0);
    return {};
  }
  return makeUnexpected("invalid boolean " + quoted(text) + ": use true, false, 1 or 0");
}

Status appendIpv6Prefix(std::string_view text, Bytes& out) {
  const auto prefix = IPv6Prefix::parse(text);
  if (!prefix) {
    return makeUnexpected("invalid IPv6 prefix " + quoted(text) + ": expected address/length");
  }
  if (prefix->hasHostBits()) {
    return makeUnexpected("invalid IPv6 prefix " + quoted(text) +
                          ": bits are set beyond the prefix length");
  }
  // Length, then only the bytes that the length covers (RFC 6603 and RFC 7598 layout).
  out.push_back(prefix->length);
  const auto& bytes = prefix->address.bytes();
  out.insert(out.end(), bytes.begin(), bytes.begin() + (prefix->length + 7) / 8);
  return {};
}

Status appendPsid(std::string_view text, Bytes& out) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) {
    return makeUnexpected("invalid PSID " + quoted(text) + ": expected psid/psid-length");
  }
  auto length = parseInteger(trimBlanks(text.substr(slash + 1)), 0, 16);
  if (!length) {
    return makeUnexpected("invalid PSID length in " + quoted(text) + ": " + length.error());
  }
  const int64_t max_psid = *length == 0 ? 0 : (int64_t{1} << *length) - 1;
  auto psid = parseInteger(trimBlanks(text.substr(0, slash)), 0, max_psid);
  if (!psid) {
    return makeUnexpected("invalid PSID in " + quoted(text) + ": " + psid.error());
  }
  // The PSID travels left-aligned in 16 bits after its length (RFC 7598 section 4.5).
  out.push_back(static_cast<uint8_t>(*length));
  const auto aligned = *length == 0 ? 0 : static_cast<uint16_t>(*psid << (16 - *length));
  appendUint16(aligned, out);
  return {};
}

Status appendTuple(std::string_view text, Family family, Bytes& out) {
  const size_t max_length = family == Family::kV4 ? 255 : 65535;
  if (text.size() > max_length) {
    return makeUnexpected("tuple of " + std::to_string(text.size()) +
                          " bytes is longer than the maximum of " + std::to_string(max_length));
  }
  if (family == Family::kV4) {
    out.push_back(static_cast<uint8_t>(text.size()));
  } else {
    appendUint16(static_cast<uint16_t>(text.size()), out);
  }
  out.insert(out.end(), text.begin(), text.end());
  return {};
}

}  // namespace

std::vector<std::string> splitEscaped(std::string_view text, char separator, bool unescape) {
  std::vector<std::string> pieces;
  if (trimBlanks(text).empty()) {
    return pieces;
  }
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      if (!unescape) {
        current.push_back(c);
      }
      current.push_back(text[++i]);
      continue;
    }
    if (c == separator) {
      pieces.emplace_back(trimBlanks(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  pieces.emplace_back(trimBlanks(current));
  return pieces;
}

void appendUint16(uint16_t value, Bytes& out) {
  out.push_back(static_cast<uint8_t>(value >> 8));
  out.push_back(static_cast<uint8_t>(value));
}

Result<int64_t, std::string> parseInteger(std::string_view text, int64_t min, int64_t max) {
  if (text.empty()) {
    return makeUnexpected(std::string("missing integer value"));
  }
  const bool negative = text.front() == '-';
  std::string_view digits = negative ? text.substr(1) : text;
  int base = 10;
  if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
    digits.remove_prefix(2);
    base = 16;
  }
  uint64_t magnitude = 0;
  const auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
  if (digits.empty() || error == std::errc::invalid_argument ||
      end != digits.data() + digits.size()) {
    return makeUnexpected("invalid integer " + quoted(text));
  }
  const bool too_large = error == std::errc::result_out_of_range ||
                         magnitude > static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  const int64_t value = negative ? -static_cast<int64_t>(magnitude) : static_cast<int64_t>(magnitude);
  if (too_large || value < min || value > max) {
    return makeUnexpected("value " + std::string(text) + " is out of range (" +
                          std::to_string(min) + " to " + std::to_string(max) + ")");
  }
  return value;
}

Status appendFqdn(std::string_view name, Bytes& out) {
  if (name.empty()) {
    return makeUnexpected(std::string("empty domain name"));
  }
  const size_t start = out.size();
  if (name != ".") {
    std::string_view rest = name;
    if (rest.back() == '.') {
      rest.remove_suffix(1);
    }
    while (true) {
      const size_t dot = rest.find('.');
      const std::string_view label = rest.substr(0, dot);
      if (label.empty() || label.size() > 63) {
        out.resize(start);
        return makeUnexpected("invalid domain name " + quoted(name) +
                              ": each label must have 1 to 63 characters");
      }
      out.push_back(static_cast<uint8_t>(label.size()));
      out.insert(out.end(), label.begin(), label.end());
      if (dot == std::string_view::npos) {
        break;
      }
      rest.remove_prefix(dot + 1);
    }
  }
  out.push_back(0);
  if (out.size() - start > 255) {
    out.resize(start);
    return makeUnexpected("invalid domain name " + quoted(name) + ": longer than 255 bytes");
  }
  return {};
}

Status appendValue(DataType type, std::string_view text, Family family, Bytes& out) {
  switch (type) {
    case DataType::kBinary: {
      auto bytes = encodeHexData(text);
      if (!bytes) {
        return makeUnexpected(bytes.error());
      }
      out.insert(out.end(), bytes->begin(), bytes->end());
      return {};
    }
    case DataType::kBoolean:
      return appendBoolean(text, out);
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kUint8:
    case DataType::kUint16:
    case DataType::kUint32:
      return appendInteger(type, text, out);
    case DataType::kIpv4Address: {
      const auto address = IPv4Address::parse(text);
      if (!address) {
        return makeUnexpected("invalid IPv4 address " + quoted(text));
      }
      appendUint32(address->toUint32(), out);
      return {};
    }
    case DataType::kIpv6Address: {
      const auto address = IPv6Address::parse(text);
      if (!address) {
        return makeUnexpected("invalid IPv6 address " + quoted(text));
      }
      out.insert(out.end(), address->bytes().begin(), address->bytes().end());
      return {};
    }
    case DataType::kIpv6Prefix:
      return appendIpv6Prefix(text, out);
    case DataType::kPsid:
      return appendPsid(text, out);
    case DataType::kString:
      out.insert(out.end(), text.begin(), text.end());
      return {};
    case DataType::kTuple:
      return appendTuple(text, family, out);
    case DataType::kFqdn:
      return appendFqdn(text, out);
    case DataType::kEmpty:
    case DataType::kRecord:
    case DataType::kInternal:
      break;
  }
  return makeUnexpected("type " + std::string(dataTypeName(type)) + " cannot be a value");
}

}  // namespace detail

namespace {

std::string fieldLabel(std::string_view kind, size_t index, DataType type) {
  return std::string(kind) + " " + std::to_string(index + 1) + " (" +
         std::string(dataTypeName(type)) + "): ";
}

Result<Bytes, std::string> encodeRecord(const OptionDefinition& definition,
                                        const std::vector<std::string>& values) {
  const auto& fields = definition.record_fields;
  if (values.size() < fields.size()) {
    return makeUnexpected("record needs " + std::to_string(fields.size()) + " values but " +
                          std::to_string(values.size()) + " were given");
  }
  if (values.size() > fields.size() && !definition.array) {
    return makeUnexpected("record takes " + std::to_string(fields.size()) + " values but " +
                          std::to_string(values.size()) +
                          " were given (escape commas inside a value as \\,)");
  }
  Bytes out;
  for (size_t i = 0; i < values.size(); ++i) {
    // In an array record the last field repeats for every extra value.
    const DataType type = fields[std::min(i, fields.size() - 1)];
    auto status = detail::appendValue(type, values[i], definition.family, out);
    if (!status) {
      return makeUnexpected(fieldLabel("field", i, type) + status.error());
    }
  }
  return out;
}

Result<Bytes, std::string> encodeInternal(const OptionDefinition& definition,
                                          std::string_view data) {
  if (definition.family == Family::kV4 && definition.space == "dhcp4" && definition.code == 121) {
    return detail::encodeClasslessStaticRoutes(data);
  }
  if (definition.family == Family::kV4 && definition.space == "dhcp4" && definition.code == 162) {
    return detail::encodeDnr4(data);
  }
  if (definition.family == Family::kV6 && definition.space == "dhcp6" && definition.code == 144) {
    return detail::encodeDnr6(data);
  }
  return makeUnexpected("option " + definition.name +
                        " has no text format: set csv-format to false and give hex data");
}

}  // namespace

Result<Bytes, std::string> encodeHexData(std::string_view data) {
  std::string_view text = detail::trimBlanks(data);
  if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
      text.back() == text.front()) {
    text = text.substr(1, text.size() - 2);
    return Bytes(text.begin(), text.end());
  }
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  Bytes out;
  if (text.empty()) {
    return out;
  }

  const size_t separator_at = text.find_first_of(": ");
  if (separator_at == std::string_view::npos) {
    // A plain run of digits; an odd count means the leading zero was left out.
    size_t i = 0;
    if (text.size() % 2 == 1) {
      const int digit = detail::hexDigit(text[0]);
      if (digit < 0) {
        return makeUnexpected("invalid hex data " + detail::quoted(data));
      }
      out.push_back(static_cast<uint8_t>(digit));
      i = 1;
    }
    for (; i < text.size(); i += 2) {
      const int high = detail::hexDigit(text[i]);
      const int low = detail::hexDigit(text[i + 1]);
      if (high < 0 || low < 0) {
        return makeUnexpected("invalid hex data " + detail::quoted(data));
      }
      out.push_back(static_cast<uint8_t>(high * 16 + low));
    }
    return out;
  }

  // Groups of one or two digits, separated by colons or by spaces (one kind per value).
  const char separator = text[separator_at];
  for (const std::string& group : detail::splitEscaped(text, separator, false)) {
    const int high = group.size() == 2 ? detail::hexDigit(group[0]) : 0;
    const int low = group.empty() ? -1 : detail::hexDigit(group.back());
    if (group.empty() || group.size() > 2 || high < 0 || low < 0) {
      return makeUnexpected("invalid hex data " + detail::quoted(data) +
                            ": separated groups need one or two hex digits");
    }
    out.push_back(static_cast<uint8_t>(high * 16 + low));
  }
  return out;
}

Result<Bytes, std::string> encodeOptionData(const OptionDefinition& definition,
                                            std::string_view data, bool csv_format) {
  if (definition.type == DataType::kEmpty) {
    if (!detail::trimBlanks(data).empty()) {
      return makeUnexpected("option " + definition.name +
                            " has type empty and carries no data, but data " +
                            detail::quoted(data) + " was given");
    }
    return Bytes{};
  }
  if (!csv_format) {
    return encodeHexData(data);
  }
  if (definition.type == DataType::kInternal) {
    return encodeInternal(definition, data);
  }

  const auto values = detail::splitEscaped(data, ',', true);
  if (definition.type == DataType::kRecord) {
    return encodeRecord(definition, values);
  }
  if (values.empty()) {
    return makeUnexpected("option " + definition.name + " needs a " +
                          std::string(dataTypeName(definition.type)) + " value but data is empty");
  }
  if (values.size() > 1 && !definition.array) {
    return makeUnexpected("option " + definition.name + " takes one " +
                          std::string(dataTypeName(definition.type)) + " value but " +
                          std::to_string(values.size()) +
                          " were given (escape commas inside a value as \\,)");
  }
  if (definition.type == DataType::kString && values.front().empty()) {
    return makeUnexpected("option " + definition.name + " needs a non-empty string");
  }

  Bytes out;
  for (size_t i = 0; i < values.size(); ++i) {
    auto status = detail::appendValue(definition.type, values[i], definition.family, out);
    if (!status) {
      const std::string prefix =
          definition.array ? fieldLabel("value", i, definition.type) : std::string();
      return makeUnexpected(prefix + status.error());
    }
  }
  return out;
}

}  // namespace leasehold::options
