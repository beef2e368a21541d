#include "backends/memfile/lease_file_format.h"

#include <charconv>
#include <limits>
#include <vector>

namespace leasehold::memfile {

namespace {

// Larger expire values could overflow cltt arithmetic; real files hold about 2^33 at most.
constexpr uint64_t kMaxExpire = uint64_t{1} << 62;

std::vector<std::string_view> splitColumns(std::string_view line) {
  std::vector<std::string_view> columns;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    if (comma == std::string_view::npos) {
      columns.push_back(line.substr(start));
      return columns;
    }
    columns.push_back(line.substr(start, comma - start));
    start = comma + 1;
  }
}

int hexValue(char c) {
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

std::string quoted(std::string_view text) {
  constexpr size_t kMaxShown = 64;
  std::string shown(text.substr(0, kMaxShown));
  if (text.size() > kMaxShown) {
    shown += "...";
  }
  return "\"" + shown + "\"";
}

std::string invalidNumber(std::string_view column, std::string_view text, uint64_t min,
                          uint64_t max) {
  return "invalid " + std::string(column) + " " + quoted(text) + ": expected an integer from " +
         std::to_string(min) + " to " + std::to_string(max);
}

// Parses a decimal integer in [min, max]: digits only, no sign, no spaces.
Result<uint64_t, std::string> parseNumber(std::string_view column, std::string_view text,
                                          uint64_t min, uint64_t max) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc{} || end != text.data() + text.size() || value < min ||
      value > max) {
    return makeUnexpected(invalidNumber(column, text, min, max));
  }
  return value;
}

Result<bool, std::string> parseFlag(std::string_view column, std::string_view text) {
  if (text == "0" || text == "1") {
    return text == "1";
  }
  return makeUnexpected("invalid " + std::string(column) + " " + quoted(text) +
                        ": expected 0 or 1");
}

// Reads the columns of a record in file order and reports the first problem.
class ColumnReader {
 public:
  ColumnReader(std::span<const std::string_view> columns, const LeaseFileHeader& header)
      : columns_(columns), header_(header) {}

  // True when the file has the column at `index`, counted in the current column list.
  bool has(size_t index) const { return index < header_.known_columns; }
  std::string_view text(size_t index) const { return columns_[index]; }
  bool failed() const { return !error_.empty(); }
  const std::string& error() const { return error_; }

  uint64_t number(size_t index, std::string_view name, uint64_t min, uint64_t max) {
    if (failed()) {
      return 0;
    }
    auto parsed = parseNumber(name, columns_[index], min, max);
    if (!parsed) {
      error_ = parsed.error();
      return 0;
    }
    return *parsed;
  }

  bool flag(size_t index, std::string_view name) {
    if (failed()) {
      return false;
    }
    auto parsed = parseFlag(name, columns_[index]);
    if (!parsed) {
      error_ = parsed.error();
      return false;
    }
    return *parsed;
  }

  std::vector<uint8_t> hex(size_t index, std::string_view name) {
    if (failed()) {
      return {};
    }
    auto parsed = parseHex(columns_[index]);
    if (!parsed) {
      error_ = "invalid " + std::string(name) + " " + quoted(columns_[index]);
      return {};
    }
    return std::move(*parsed);
  }

  void fail(std::string message) {
    if (!failed()) {
      error_ = std::move(message);
    }
  }

 private:
  std::span<const std::string_view> columns_;
  const LeaseFileHeader& header_;
  std::string error_;
};

std::string columnCountError(size_t expected, size_t found) {
  return "expected " + std::to_string(expected) + " columns as in the header, found " +
         std::to_string(found);
}

// Sets cltt from the expire and valid_lifetime columns.
template <typename LeaseT>
void readTimes(ColumnReader& reader, size_t valid_index, size_t expire_index, LeaseT& lease) {
  const uint64_t valid = reader.number(valid_index, "valid_lifetime", 0, kMaxLifetimeSeconds);
  const uint64_t expire = reader.number(expire_index, "expire", 0, kMaxExpire);
  if (!reader.failed() && expire < valid) {
    reader.fail("expire " + std::to_string(expire) + " is earlier than valid_lifetime " +
                std::to_string(valid));
  }
  lease.valid_lifetime = std::chrono::seconds{valid};
  lease.cltt = UnixTime{std::chrono::seconds{static_cast<int64_t>(expire - valid)}};
}

void appendNumber(std::string& out, uint64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

void appendEscaped(std::string& out, std::string_view text) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == ',' || c == '&' || byte < 0x20 || byte == 0x7f) {
      out += "&#x";
      out += kDigits[byte >> 4];
      out += kDigits[byte & 0x0f];
    } else {
      out += c;
    }
  }
}

uint64_t expireOf(const auto& lease) {
  return static_cast<uint64_t>(lease.cltt.time_since_epoch().count() +
                               lease.valid_lifetime.count());
}

}  // namespace

template <typename LeaseT>
std::string headerLine() {
  std::string line;
  for (const auto name : LeaseFileColumns<LeaseT>::kNames) {
    if (!line.empty()) {
      line += ',';
    }
    line += name;
  }
  return line;
}

template <typename LeaseT>
Result<LeaseFileHeader, std::string> parseHeader(std::string_view line) {
  using Columns = LeaseFileColumns<LeaseT>;
  const auto names = splitColumns(line);
  const size_t known = std::min(names.size(), std::size(Columns::kNames));
  for (size_t i = 0; i < known; ++i) {
    if (names[i] != Columns::kNames[i]) {
      return makeUnexpected("column " + std::to_string(i + 1) + " of the header is " +
                            quoted(names[i]) + "; expected \"" +
                            std::string(Columns::kNames[i]) + "\"");
    }
  }
  if (names.size() < Columns::kMinimum) {
    return makeUnexpected("the header has " + std::to_string(names.size()) +
                          " columns; expected at least " + std::to_string(Columns::kMinimum) +
                          ", from address to hostname");
  }
  return LeaseFileHeader{known, names.size()};
}

template <>
Result<LeaseRecord<Lease4>, std::string> parseRecord<Lease4>(std::string_view line,
                                                             const LeaseFileHeader& header) {
  const auto columns = splitColumns(line);
  if (columns.size() != header.total_columns) {
    return makeUnexpected(columnCountError(header.total_columns, columns.size()));
  }
  ColumnReader reader(columns, header);
  LeaseRecord<Lease4> record;
  Lease4& lease = record.lease;

  const auto address = IPv4Address::parse(columns[0]);
  if (!address) {
    return makeUnexpected("invalid address " + quoted(columns[0]));
  }
  lease.address = *address;
  lease.hwaddr.bytes = reader.hex(1, "hwaddr");
  lease.client_id = reader.hex(2, "client_id");
  readTimes(reader, 3, 4, lease);
  lease.subnet_id = static_cast<SubnetId>(reader.number(5, "subnet_id", 0, 0xffffffff));
  lease.fqdn_fwd = reader.flag(6, "fqdn_fwd");
  lease.fqdn_rev = reader.flag(7, "fqdn_rev");
  lease.hostname = unescapeText(columns[8]);
  if (reader.has(9)) {
    lease.state = static_cast<LeaseState>(reader.number(9, "state", 0, 4));
  }
  if (reader.has(10)) {
    lease.user_context = unescapeText(columns[10]);
  }
  if (reader.has(11)) {
    lease.pool_id = static_cast<uint32_t>(reader.number(11, "pool_id", 0, 0xffffffff));
  }
  if (reader.failed()) {
    return makeUnexpected(reader.error());
  }

  record.deletes = lease.valid_lifetime.count() == 0;
  if (!record.deletes) {
    if (auto problem = validateLease(lease); !problem.empty()) {
      return makeUnexpected(std::move(problem));
    }
  }
  return record;
}

template <>
Result<LeaseRecord<Lease6>, std::string> parseRecord<Lease6>(std::string_view line,
                                                             const LeaseFileHeader& header) {
  const auto columns = splitColumns(line);
  if (columns.size() != header.total_columns) {
    return makeUnexpected(columnCountError(header.total_columns, columns.size()));
  }
  ColumnReader reader(columns, header);
  LeaseRecord<Lease6> record;
  Lease6& lease = record.lease;

  const auto address = IPv6Address::parse(columns[0]);
  if (!address) {
    return makeUnexpected("invalid address " + quoted(columns[0]));
  }
  lease.address = *address;
  lease.duid = reader.hex(1, "duid");
  readTimes(reader, 2, 3, lease);
  lease.subnet_id = static_cast<SubnetId>(reader.number(4, "subnet_id", 0, 0xffffffff));
  lease.preferred_lifetime =
      std::chrono::seconds{reader.number(5, "pref_lifetime", 0, kMaxLifetimeSeconds)};
  lease.type = static_cast<LeaseType>(reader.number(6, "lease_type", 0, 2));
  lease.iaid = static_cast<uint32_t>(reader.number(7, "iaid", 0, 0xffffffff));
  lease.prefix_length = static_cast<uint8_t>(reader.number(8, "prefix_len", 0, 128));
  lease.fqdn_fwd = reader.flag(9, "fqdn_fwd");
  lease.fqdn_rev = reader.flag(10, "fqdn_rev");
  lease.hostname = unescapeText(columns[11]);
  if (reader.has(12)) {
    lease.hwaddr.bytes = reader.hex(12, "hwaddr");
  }
  if (reader.has(13)) {
    lease.state = static_cast<LeaseState>(reader.number(13, "state", 0, 4));
  }
  if (reader.has(14)) {
    lease.user_context = unescapeText(columns[14]);
  }
  // Kea leaves hwtype and hwaddr_source empty when the lease has no hardware address.
  if (reader.has(15) && !columns[15].empty()) {
    lease.hwaddr.type = static_cast<uint16_t>(reader.number(15, "hwtype", 0, 0xffff));
  }
  if (reader.has(16) && !columns[16].empty()) {
    lease.hwaddr_source =
        static_cast<uint32_t>(reader.number(16, "hwaddr_source", 0, 0xffffffff));
  }
  if (reader.has(17)) {
    lease.pool_id = static_cast<uint32_t>(reader.number(17, "pool_id", 0, 0xffffffff));
  }
  if (reader.failed()) {
    return makeUnexpected(reader.error());
  }

  record.deletes = lease.valid_lifetime.count() == 0;
  if (!record.deletes) {
    if (auto problem = validateLease(lease); !problem.empty()) {
      return makeUnexpected(std::move(problem));
    }
  }
  return record;
}

void appendRecord(const Lease4& lease, std::string& out) {
  out += lease.address.toString();
  out += ',';
  out += lease.hwaddr.toString();
  out += ',';
  out += toHexColon(lease.client_id);
  out += ',';
  appendNumber(out, static_cast<uint64_t>(lease.valid_lifetime.count()));
  out += ',';
  appendNumber(out, expireOf(lease));
  out += ',';
  appendNumber(out, lease.subnet_id);
  out += lease.fqdn_fwd ? ",1" : ",0";
  out += lease.fqdn_rev ? ",1," : ",0,";
  appendEscaped(out, lease.hostname);
  out += ',';
  appendNumber(out, static_cast<uint32_t>(lease.state));
  out += ',';
  appendEscaped(out, lease.user_context);
  out += ',';
  appendNumber(out, lease.pool_id);
  out += '\n';
}

void appendRecord(const Lease6& lease, std::string& out) {
  out += lease.address.toString();
  out += ',';
  out += toHexColon(lease.duid);
  out += ',';
  appendNumber(out, static_cast<uint64_t>(lease.valid_lifetime.count()));
  out += ',';
  appendNumber(out, expireOf(lease));
  out += ',';
  appendNumber(out, lease.subnet_id);
  out += ',';
  appendNumber(out, static_cast<uint64_t>(lease.preferred_lifetime.count()));
  out += ',';
  appendNumber(out, static_cast<uint8_t>(lease.type));
  out += ',';
  appendNumber(out, lease.iaid);
  out += ',';
  appendNumber(out, lease.prefix_length);
  out += lease.fqdn_fwd ? ",1" : ",0";
  out += lease.fqdn_rev ? ",1," : ",0,";
  appendEscaped(out, lease.hostname);

  out += ',';
  out += lease.hwaddr.toString();
  out += ',';
  appendNumber(out, static_cast<uint32_t>(lease.state));
  out += ',';
  appendEscaped(out, lease.user_context);
  out += ',';
  // Kea writes empty hwtype and hwaddr_source for a lease without a hardware address. Values
  // other than the defaults are written anyway, so that they read back unchanged.
  const bool default_hwaddr_details = lease.hwaddr.type == 1 && lease.hwaddr_source == 0;
  if (!lease.hwaddr.empty() || !default_hwaddr_details) {
    appendNumber(out, lease.hwaddr.type);
    out += ',';
    appendNumber(out, lease.hwaddr_source);
  } else {
    out += ',';
  }
  out += ',';
  appendNumber(out, lease.pool_id);
  out += '\n';
}

template <>
void appendDeletion(const Lease4& lease, std::string& out) {
  Lease4 deleted = lease;
  deleted.valid_lifetime = std::chrono::seconds{0};
  appendRecord(deleted, out);
}

template <>
void appendDeletion(const Lease6& lease, std::string& out) {
  Lease6 deleted = lease;
  deleted.valid_lifetime = std::chrono::seconds{0};
  deleted.preferred_lifetime = std::chrono::seconds{0};
  appendRecord(deleted, out);
}

std::string escapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  appendEscaped(out, text);
  return out;
}

std::string unescapeText(std::string_view text) {
  if (text.find('&') == std::string_view::npos) {
    return std::string(text);
  }
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i, 3) == "&#x" && i + 5 <= text.size()) {
      const int high = hexValue(text[i + 3]);
      const int low = hexValue(text[i + 4]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 4;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

template std::string headerLine<Lease4>();
template std::string headerLine<Lease6>();
template Result<LeaseFileHeader, std::string> parseHeader<Lease4>(std::string_view);
template Result<LeaseFileHeader, std::string> parseHeader<Lease6>(std::string_view);

}  // namespace leasehold::memfile
