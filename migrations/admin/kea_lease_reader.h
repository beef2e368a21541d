// Reads the lease4 and lease6 tables of a Kea 2.2 lease database (schema 13 on PostgreSQL, 14
// on MySQL) and turns each row into a Leasehold lease, or into the reason it cannot be one.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <variant>

#include "backends/lease.h"
#include "backends/sql/sql_connection.h"

namespace leasehold::admin {

// One row of a Kea table: the lease, or why the row cannot be imported.
template <typename LeaseT>
struct ImportRecord {
  std::string key;                  // the row's address as Kea stored it, for messages
  std::optional<LeaseT> lease;      // set when the row converted
  std::string skip_category;        // short, for the summary ("invalid address")
  std::string skip_detail;          // the full reason
};

class KeaLeaseReader {
 public:
  explicit KeaLeaseReader(sql::SqlConnection& connection) : connection_(connection) {}

  // Returns the number of rows in lease4 or lease6. Throws sql::SqlError.
  uint64_t countRows(bool v4);

  // Calls `sink` for every row of lease4, in address order, reading 1000 rows at a time.
  // Throws sql::SqlError when a query fails.
  void readLeases4(const std::function<void(ImportRecord<Lease4>)>& sink);
  void readLeases6(const std::function<void(ImportRecord<Lease6>)>& sink);

 private:
  sql::SqlConnection& connection_;
};

}  // namespace leasehold::admin
