// Conversions between lease fields and the values the SQL schemas store, shared by the
// PostgreSQL and MySQL backends, and the checks every lease passes before it is written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/lease.h"
#include "backends/lease_store.h"
#include "backends/sql/sql_session.h"

namespace leasehold::sql {

// The maximum user context length, in bytes, that the MySQL TEXT column stores.
constexpr size_t kMaxUserContextLength = 65535;

// IPv6 addresses are stored as NUMERIC(39,0) / DECIMAL(39,0) so that the gap search can
// subtract them; these convert to and from that decimal text.
std::string toDecimal(unsigned __int128 value);
std::optional<unsigned __int128> parseDecimal(std::string_view text);

// Returns nullopt when `lease` passes validateLease() and fits the schema (UTF-8 text without
// NUL bytes, which neither server stores in a text column), else the reason it does not.
std::optional<std::string> checkLease(const Lease4& lease);
std::optional<std::string> checkLease(const Lease6& lease);

// Expands the gap rows of one range into at most `limit` unleased addresses, ascending, each a
// multiple of `step`. REQUIRES: step is a power of two.
std::vector<unsigned __int128> expandGaps(const GapScan& scan, const GapRange& range,
                                          unsigned __int128 step, size_t limit);

}  // namespace leasehold::sql
