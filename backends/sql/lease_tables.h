// Per-family facts about the lease tables that LeaseSession's statements need.
#pragma once

#include <span>
#include <string>
#include <type_traits>

#include "backends/lease.h"
#include "backends/sql/lease_session.h"
#include "backends/sql/lease_sql.h"

namespace leasehold::sql {

template <typename LeaseT>
inline constexpr bool kIsV4 = std::is_same_v<LeaseT, Lease4>;

template <typename LeaseT>
const char* tableOf() {
  return kIsV4<LeaseT> ? kLease4Table : kLease6Table;
}

template <typename LeaseT>
std::span<const Column> columnsOf() {
  return kIsV4<LeaseT> ? lease4Columns() : lease6Columns();
}

template <typename LeaseT>
ColumnKind addressKind() {
  return kIsV4<LeaseT> ? ColumnKind::kInteger : ColumnKind::kAddress6;
}

template <typename LeaseT>
std::string familySuffix() {
  return kIsV4<LeaseT> ? "4" : "6";
}

}  // namespace leasehold::sql
