#include "migrations/admin/kea_lease_reader.h"

#include <charconv>
#include <stdexcept>

#include "backends/sql/sql_error.h"

namespace leasehold::admin {

namespace {

constexpr size_t kPageRows = 1000;

bool postgres(const sql::SqlConnection& connection) {
  return connection.dialect() == sql::Dialect::kPostgres;
}

// Kea's column text as Leasehold values; each throws std::invalid_argument with a reason.
struct FieldError {
  std::string category;
  std::string detail;
};

int64_t integer(const std::optional<std::string>& text, const char* column, int64_t fallback,
                int64_t min, int64_t max) {
  if (!text) {
    return fallback;
  }
  int64_t value = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (error != std::errc() || end != text->data() + text->size() || value < min || value > max) {
    throw FieldError{"invalid " + std::string(column),
                     std::string(column) + " \"" + *text + "\" is not a number in " +
                         std::to_string(min) + "-" + std::to_string(max)};
  }
  return value;
}

std::vector<uint8_t> bytes(const std::optional<std::string>& hex, const char* column) {
  if (!hex || hex->empty()) {
    return {};
  }
  auto parsed = parseHex(*hex);
  if (!parsed) {
    throw FieldError{"invalid " + std::string(column),
                     std::string(column) + " is not hex: \"" + *hex + "\""};
  }
  return *parsed;
}

// Kea stores expire = cltt + valid lifetime; the client last transaction time is the difference.
UnixTime clientLastTransaction(int64_t expire, int64_t valid_lifetime) {
  if (expire < valid_lifetime) {
    throw FieldError{"expire before lifetime",
                     "expire " + std::to_string(expire) + " is earlier than the valid lifetime " +
                         std::to_string(valid_lifetime) + " after 1970"};
  }
  return UnixTime(std::chrono::seconds(expire - valid_lifetime));
}

std::string text(const std::optional<std::string>& value) { return value.value_or(""); }

// Returns "192.0.2.28" for Kea's integer "3221225500", or the text itself when it is not one.
std::string dottedAddress(const std::string& integer_text) {
  try {
    const unsigned long long value = std::stoull(integer_text);
    if (value <= UINT32_MAX) {
      return IPv4Address(static_cast<uint32_t>(value)).toString();
    }
  } catch (const std::logic_error&) {
  }
  return integer_text;
}

template <typename LeaseT, typename Convert>
void readPages(sql::SqlConnection& connection, const sql::Statement& statement, bool integer_key,
               const std::function<void(ImportRecord<LeaseT>)>& sink, Convert convert) {
  std::string after = integer_key ? "-1" : "";
  while (true) {
    const sql::SqlParam params[] = {{after, integer_key},
                                    {std::to_string(kPageRows), true}};
    const auto rows = connection.query(statement, params);
    for (const sql::SqlRow& row : rows) {
      ImportRecord<LeaseT> record;
      // Kea keeps DHCPv4 addresses as integers; the key names them as operators write them.
      record.key = integer_key ? dottedAddress(text(row[0])) : text(row[0]);
      try {
        record.lease = convert(row);
      } catch (const FieldError& error) {
        record.skip_category = error.category;
        record.skip_detail = error.detail;
      }
      sink(std::move(record));
    }
    if (rows.size() < kPageRows) {
      return;
    }
    after = text(rows.back()[0]);
  }
}

}  // namespace

uint64_t KeaLeaseReader::countRows(bool v4) {
  const sql::Statement statement{v4 ? "kea_count4" : "kea_count6",
                                 std::string("SELECT COUNT(*) FROM ") + (v4 ? "lease4" : "lease6")};
  const auto rows = connection_.query(statement, {});
  return rows.empty() || !rows[0][0] ? 0 : std::stoull(*rows[0][0]);
}

void KeaLeaseReader::readLeases4(const std::function<void(ImportRecord<Lease4>)>& sink) {
  const bool pg = postgres(connection_);
  const std::string hex_hwaddr = pg ? "encode(hwaddr, 'hex')" : "LOWER(HEX(hwaddr))";
  const std::string hex_client = pg ? "encode(client_id, 'hex')" : "LOWER(HEX(client_id))";
  const std::string expire = pg ? "extract(epoch from expire)::bigint" : "UNIX_TIMESTAMP(expire)";
  const sql::Statement statement{
      "kea_leases4",
      "SELECT address, " + hex_hwaddr + ", " + hex_client + ", valid_lifetime, " + expire +
          ", subnet_id, " + (pg ? "fqdn_fwd::int, fqdn_rev::int" : "fqdn_fwd, fqdn_rev") +
          ", hostname, state, user_context FROM lease4 WHERE address > " +
          (pg ? "$1::bigint" : "?") + " ORDER BY address LIMIT " + (pg ? "$2::bigint" : "?")};
  readPages<Lease4>(connection_, statement, true, sink, [](const sql::SqlRow& row) {
    Lease4 lease;
    lease.address = IPv4Address(static_cast<uint32_t>(integer(row[0], "address", 0, 0, UINT32_MAX)));
    lease.hwaddr.bytes = bytes(row[1], "hwaddr");
    lease.client_id = bytes(row[2], "client_id");
    const int64_t valid = integer(row[3], "valid_lifetime", 0, 0, UINT32_MAX);
    lease.valid_lifetime = std::chrono::seconds(valid);
    lease.cltt = clientLastTransaction(integer(row[4], "expire", 0, 0, INT64_MAX / 2), valid);
    lease.subnet_id = static_cast<SubnetId>(integer(row[5], "subnet_id", 0, 0, UINT32_MAX));
    lease.fqdn_fwd = integer(row[6], "fqdn_fwd", 0, 0, 1) != 0;
    lease.fqdn_rev = integer(row[7], "fqdn_rev", 0, 0, 1) != 0;
    lease.hostname = text(row[8]);
    lease.state = static_cast<LeaseState>(integer(row[9], "state", 0, 0, 4));
    lease.user_context = text(row[10]);
    return lease;
  });
}

void KeaLeaseReader::readLeases6(const std::function<void(ImportRecord<Lease6>)>& sink) {
  const bool pg = postgres(connection_);
  const auto hex = [pg](const char* column) {
    return pg ? "encode(" + std::string(column) + ", 'hex')"
              : "LOWER(HEX(" + std::string(column) + "))";
  };
  const std::string expire = pg ? "extract(epoch from expire)::bigint" : "UNIX_TIMESTAMP(expire)";
  const sql::Statement statement{
      "kea_leases6",
      "SELECT address, " + hex("duid") + ", valid_lifetime, " + expire +
          ", subnet_id, pref_lifetime, lease_type, iaid, prefix_len, " +
          (pg ? "fqdn_fwd::int, fqdn_rev::int" : "fqdn_fwd, fqdn_rev") + ", hostname, state, " +
          hex("hwaddr") + ", hwtype, hwaddr_source, user_context FROM lease6 WHERE address > " +
          (pg ? "$1::text" : "?") + " ORDER BY address LIMIT " + (pg ? "$2::bigint" : "?")};
  readPages<Lease6>(connection_, statement, false, sink, [](const sql::SqlRow& row) {
    Lease6 lease;
    const auto address = IPv6Address::parse(text(row[0]));
    if (!address) {
      throw FieldError{"invalid address", "address \"" + text(row[0]) + "\" is not IPv6"};
    }
    lease.address = *address;
    lease.duid = bytes(row[1], "duid");
    const int64_t valid = integer(row[2], "valid_lifetime", 0, 0, UINT32_MAX);
    lease.valid_lifetime = std::chrono::seconds(valid);
    lease.cltt = clientLastTransaction(integer(row[3], "expire", 0, 0, INT64_MAX / 2), valid);
    lease.subnet_id = static_cast<SubnetId>(integer(row[4], "subnet_id", 0, 0, UINT32_MAX));
    lease.preferred_lifetime = std::chrono::seconds(integer(row[5], "pref_lifetime", 0, 0, UINT32_MAX));
    lease.type = static_cast<LeaseType>(integer(row[6], "lease_type", 0, 0, 2));
    // PostgreSQL's Kea schema keeps the IAID in a signed integer column.
    lease.iaid = static_cast<uint32_t>(integer(row[7], "iaid", 0, INT32_MIN, UINT32_MAX));
    lease.prefix_length = static_cast<uint8_t>(integer(row[8], "prefix_len", 128, 0, 128));
    lease.fqdn_fwd = integer(row[9], "fqdn_fwd", 0, 0, 1) != 0;
    lease.fqdn_rev = integer(row[10], "fqdn_rev", 0, 0, 1) != 0;
    lease.hostname = text(row[11]);
    lease.state = static_cast<LeaseState>(integer(row[12], "state", 0, 0, 4));
    lease.hwaddr.bytes = bytes(row[13], "hwaddr");
    lease.hwaddr.type = static_cast<uint16_t>(integer(row[14], "hwtype", 1, 0, UINT16_MAX));
    lease.hwaddr_source = static_cast<uint32_t>(integer(row[15], "hwaddr_source", 0, 0, UINT32_MAX));
    lease.user_context = text(row[16]);
    return lease;
  });
}

}  // namespace leasehold::admin
