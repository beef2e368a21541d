// The exception that database sessions raise inside the SQL storage layer. It never leaves
// the layer: SqlLeaseStore turns it into a StoreError at its edge.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace leasehold::sql {

class SqlError : public std::runtime_error {
 public:
  enum class Kind {
    kConnection,  // the connection is gone or could not be opened: retry on a new one
    kRetryable,   // deadlock or serialization failure: the same transaction may succeed again
    kStatement,   // the server rejected one statement (bad value, constraint): not retryable
    kCorruptRow,  // a stored row could not be decoded
    kBusy,        // every session stayed in use for longer than the wait allows
  };

  // `op_index` names the write of a batch that failed, when the failure is tied to one.
  SqlError(Kind kind, const std::string& message, std::ptrdiff_t op_index = -1)
      : std::runtime_error(message), kind_(kind), op_index_(op_index) {}

  Kind kind() const { return kind_; }
  std::ptrdiff_t opIndex() const { return op_index_; }

 private:
  Kind kind_;
  std::ptrdiff_t op_index_;
};

}  // namespace leasehold::sql
