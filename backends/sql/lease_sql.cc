#include "backends/sql/lease_sql.h"

#include <algorithm>
#include <charconv>

#include "backends/sql/sql_error.h"
#include "backends/sql/sql_values.h"

namespace leasehold::sql {

namespace {

constexpr Column kLease4Columns[] = {
    {"address", ColumnKind::kInteger},       {"subnet_id", ColumnKind::kInteger},
    {"hwaddr", ColumnKind::kBytes},          {"hwtype", ColumnKind::kInteger},
    {"client_id", ColumnKind::kBytes},       {"valid_lifetime", ColumnKind::kInteger},
    {"cltt", ColumnKind::kInteger},          {"fqdn_fwd", ColumnKind::kBoolean},
    {"fqdn_rev", ColumnKind::kBoolean},      {"hostname", ColumnKind::kText},
    {"state", ColumnKind::kInteger},         {"user_context", ColumnKind::kText},
    {"pool_id", ColumnKind::kInteger},       {"expire", ColumnKind::kInteger},
};

constexpr Column kLease6Columns[] = {
    {"address", ColumnKind::kAddress6},         {"prefix_length", ColumnKind::kInteger},
    {"lease_type", ColumnKind::kInteger},       {"duid", ColumnKind::kBytes},
    {"iaid", ColumnKind::kInteger},             {"preferred_lifetime", ColumnKind::kInteger},
    {"valid_lifetime", ColumnKind::kInteger},   {"cltt", ColumnKind::kInteger},
    {"subnet_id", ColumnKind::kInteger},        {"fqdn_fwd", ColumnKind::kBoolean},
    {"fqdn_rev", ColumnKind::kBoolean},         {"hostname", ColumnKind::kText},
    {"hwaddr", ColumnKind::kBytes},             {"hwtype", ColumnKind::kInteger},
    {"hwaddr_source", ColumnKind::kInteger},    {"state", ColumnKind::kInteger},
    {"user_context", ColumnKind::kText},        {"pool_id", ColumnKind::kInteger},
    {"expire", ColumnKind::kInteger},
};

std::string plainHex(const std::vector<uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text.reserve(bytes.size() * 2);
  for (uint8_t byte : bytes) {
    text.push_back(kDigits[byte >> 4]);
    text.push_back(kDigits[byte & 0x0f]);
  }
  return text;
}

std::string boolean(bool value) { return value ? "1" : "0"; }

std::string number(int64_t value) { return std::to_string(value); }

// Reads the columns of one row in order, naming the lease and column in any error.
class RowReader {
 public:
  RowReader(const SqlRow& row, std::span<const Column> columns) : row_(row), columns_(columns) {}

  const std::string& text() {
    const size_t index = next_++;
    if (index >= row_.size() || index >= columns_.size() || !row_[index]) {
      fail(index, "is missing or NULL");
    }
    return *row_[index];
  }

  int64_t integer(int64_t min, int64_t max) {
    const std::string& value = text();
    int64_t parsed = 0;
    const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
    if (error != std::errc() || end != value.data() + value.size() || parsed < min ||
        parsed > max) {
      fail(next_ - 1, "holds \"" + value + "\", not an integer in " + std::to_string(min) + "-" +
                          std::to_string(max));
    }
    return parsed;
  }

  std::vector<uint8_t> bytes() {
    const std::string& value = text();
    std::vector<uint8_t> parsed;
    if (value.size() % 2 != 0) {
      fail(next_ - 1, "holds hex text of odd length");
    }
    for (size_t i = 0; i < value.size(); i += 2) {
      uint8_t byte = 0;
      const auto [end, error] = std::from_chars(value.data() + i, value.data() + i + 2, byte, 16);
      if (error != std::errc() || end != value.data() + i + 2) {
        fail(next_ - 1, "holds \"" + value + "\", not hex text");
      }
      parsed.push_back(byte);
    }
    return parsed;
  }

  bool boolean() {
    const std::string& value = text();
    if (value == "1" || value == "t" || value == "true") {
      return true;
    }
    if (value == "0" || value == "f" || value == "false") {
      return false;
    }
    fail(next_ - 1, "holds \"" + value + "\", not a boolean");
  }

  void setSubject(std::string subject) { subject_ = std::move(subject); }

  [[noreturn]] void fail(size_t index, const std::string& problem) {
    const std::string column =
        index < columns_.size() ? std::string(columns_[index].name) : std::to_string(index);
    throw SqlError(SqlError::Kind::kCorruptRow,
                   "corrupt lease row " + subject_ + ": column " + column + " " + problem);
  }

 private:
  const SqlRow& row_;
  std::span<const Column> columns_;
  size_t next_ = 0;
  std::string subject_ = "(address unreadable)";
};

UnixTime unixTime(int64_t seconds) { return UnixTime(std::chrono::seconds(seconds)); }

}  // namespace

std::span<const Column> lease4Columns() { return kLease4Columns; }
std::span<const Column> lease6Columns() { return kLease6Columns; }

std::string addressValue(const IPv4Address& address) { return number(address.toUint32()); }
std::string addressValue(const IPv6Address& address) { return toDecimal(address.toUint128()); }

std::vector<std::string> encodeRow(const Lease4& lease) {
  return {
      addressValue(lease.address),
      number(lease.subnet_id),
      plainHex(lease.hwaddr.bytes),
      number(lease.hwaddr.type),
      plainHex(lease.client_id),
      number(lease.valid_lifetime.count()),
      number(lease.cltt.time_since_epoch().count()),
      boolean(lease.fqdn_fwd),
      boolean(lease.fqdn_rev),
      lease.hostname,
      number(static_cast<int64_t>(lease.state)),
      lease.user_context,
      number(lease.pool_id),
      number(lease.expire().time_since_epoch().count()),
  };
}

std::vector<std::string> encodeRow(const Lease6& lease) {
  return {
      addressValue(lease.address),
      number(lease.prefix_length),
      number(static_cast<int64_t>(lease.type)),
      plainHex(lease.duid),
      number(lease.iaid),
      number(lease.preferred_lifetime.count()),
      number(lease.valid_lifetime.count()),
      number(lease.cltt.time_since_epoch().count()),
      number(lease.subnet_id),
      boolean(lease.fqdn_fwd),
      boolean(lease.fqdn_rev),
      lease.hostname,
      plainHex(lease.hwaddr.bytes),
      number(lease.hwaddr.type),
      number(lease.hwaddr_source),
      number(static_cast<int64_t>(lease.state)),
      lease.user_context,
      number(lease.pool_id),
      number(lease.expire().time_since_epoch().count()),
  };
}

Lease4 decodeLease4(const SqlRow& row) {
  RowReader reader(row, kLease4Columns);
  Lease4 lease;
  lease.address = IPv4Address(static_cast<uint32_t>(reader.integer(0, UINT32_MAX)));
  reader.setSubject(lease.address.toString());
  lease.subnet_id = static_cast<SubnetId>(reader.integer(0, UINT32_MAX));
  lease.hwaddr.bytes = reader.bytes();
  lease.hwaddr.type = static_cast<uint16_t>(reader.integer(0, UINT16_MAX));
  lease.client_id = reader.bytes();
  lease.valid_lifetime = std::chrono::seconds(reader.integer(0, UINT32_MAX));
  lease.cltt = unixTime(reader.integer(0, INT64_MAX / 2));
  lease.fqdn_fwd = reader.boolean();
  lease.fqdn_rev = reader.boolean();
  lease.hostname = reader.text();
  lease.state = static_cast<LeaseState>(reader.integer(0, 4));
  lease.user_context = reader.text();
  lease.pool_id = static_cast<uint32_t>(reader.integer(0, UINT32_MAX));
  return lease;
}

Lease6 decodeLease6(const SqlRow& row) {
  RowReader reader(row, kLease6Columns);
  Lease6 lease;
  const std::string& address_text = reader.text();
  const auto address = parseDecimal(address_text);
  if (!address) {
    reader.fail(0, "holds \"" + address_text + "\", not a 128-bit number");
  }
  lease.address = IPv6Address::fromUint128(*address);
  reader.setSubject(lease.address.toString());
  lease.prefix_length = static_cast<uint8_t>(reader.integer(0, 128));
  lease.type = static_cast<LeaseType>(reader.integer(0, 2));
  lease.duid = reader.bytes();
  lease.iaid = static_cast<uint32_t>(reader.integer(0, UINT32_MAX));
  lease.preferred_lifetime = std::chrono::seconds(reader.integer(0, UINT32_MAX));
  lease.valid_lifetime = std::chrono::seconds(reader.integer(0, UINT32_MAX));
  lease.cltt = unixTime(reader.integer(0, INT64_MAX / 2));
  lease.subnet_id = static_cast<SubnetId>(reader.integer(0, UINT32_MAX));
  lease.fqdn_fwd = reader.boolean();
  lease.fqdn_rev = reader.boolean();
  lease.hostname = reader.text();
  lease.hwaddr.bytes = reader.bytes();
  lease.hwaddr.type = static_cast<uint16_t>(reader.integer(0, UINT16_MAX));
  lease.hwaddr_source = static_cast<uint32_t>(reader.integer(0, UINT32_MAX));
  lease.state = static_cast<LeaseState>(reader.integer(0, 4));
  lease.user_context = reader.text();
  lease.pool_id = static_cast<uint32_t>(reader.integer(0, UINT32_MAX));
  return lease;
}

StatementBuilder& StatementBuilder::sql(std::string_view text) {
  text_ += text;
  return *this;
}

StatementBuilder& StatementBuilder::param(ColumnKind kind, std::string value) {
  const bool integer = kind == ColumnKind::kInteger || kind == ColumnKind::kBoolean;
  params_.push_back({std::move(value), integer});
  if (dialect_ == Dialect::kPostgres) {
    const std::string placeholder = "$" + std::to_string(params_.size());
    switch (kind) {
      case ColumnKind::kInteger:
        text_ += placeholder + "::bigint";
        break;
      case ColumnKind::kAddress6:
        text_ += placeholder + "::numeric";
        break;
      case ColumnKind::kBytes:
        text_ += "decode(" + placeholder + "::text, 'hex')";
        break;
      case ColumnKind::kText:
        text_ += placeholder + "::text";
        break;
      case ColumnKind::kBoolean:
        text_ += placeholder + "::boolean";
        break;
    }
    return *this;
  }
  // MySQL would compare a string parameter with a DECIMAL column as a double, which loses
  // precision for 128-bit addresses, so addresses are cast explicitly.
  switch (kind) {
    case ColumnKind::kInteger:
    case ColumnKind::kBoolean:
    case ColumnKind::kText:
      text_ += "?";
      break;
    case ColumnKind::kAddress6:
      text_ += "CAST(? AS DECIMAL(39,0))";
      break;
    case ColumnKind::kBytes:
      text_ += "UNHEX(?)";
      break;
  }
  return *this;
}

StatementBuilder& StatementBuilder::limit(size_t count) {
  // Both servers take a signed 64-bit LIMIT; a larger size_t means "no limit" anyway.
  const auto clamped = static_cast<uint64_t>(std::min<size_t>(count, INT64_MAX));
  text_ += " LIMIT ";
  return param(ColumnKind::kInteger, std::to_string(clamped));
}

StatementBuilder& StatementBuilder::hostnameMatches(std::string hostname) {
  // PostgreSQL indexes lower(hostname); the MySQL schema keeps a generated hostname_lower
  // column with an index, because MySQL cannot index an expression before 8.0.13.
  if (dialect_ == Dialect::kPostgres) {
    text_ += "lower(hostname) = lower(";
  } else {
    text_ += "hostname_lower = LOWER(";
  }
  param(ColumnKind::kText, std::move(hostname));
  text_ += ")";
  return *this;
}

StatementBuilder& StatementBuilder::selectColumn(const Column& column) {
  if (column.kind != ColumnKind::kBytes) {
    text_ += column.name;
  } else if (dialect_ == Dialect::kPostgres) {
    text_ += "encode(" + std::string(column.name) + ", 'hex')";
  } else {
    text_ += "LOWER(HEX(" + std::string(column.name) + "))";
  }
  return *this;
}

StatementBuilder& StatementBuilder::selectList(std::span<const Column> columns) {
  bool first = true;
  for (const Column& column : columns) {
    if (column.name == "expire") {
      continue;
    }
    if (!first) {
      text_ += ", ";
    }
    first = false;
    selectColumn(column);
  }
  return *this;
}

}  // namespace leasehold::sql
