// Kea's CSV lease file format: the header, one record per line, and the escaping of text fields.
//
// DHCPv4 columns: address,hwaddr,client_id,valid_lifetime,expire,subnet_id,fqdn_fwd,fqdn_rev,
//   hostname,state,user_context,pool_id
// DHCPv6 columns: address,duid,valid_lifetime,expire,subnet_id,pref_lifetime,lease_type,iaid,
//   prefix_len,fqdn_fwd,fqdn_rev,hostname,hwaddr,state,user_context,hwtype,hwaddr_source,pool_id
//
// Files from older Kea releases have a prefix of these columns (Kea 2.2 has no pool_id). Files
// from newer releases may have more columns after them, which are ignored. `expire` is cltt plus
// valid_lifetime. A record with valid_lifetime 0 deletes the lease at its address. In hostname
// and user_context, ',' '&' and control characters are written as "&#x" and two hex digits,
// which Kea 2.2 decodes (Kea itself escapes only ',' and '&').
//
// Threads: every function is pure and may be called from any thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "backends/lease.h"
#include "backends/result.h"

namespace leasehold::memfile {

template <typename LeaseT>
struct LeaseFileColumns;

template <>
struct LeaseFileColumns<Lease4> {
  static constexpr std::string_view kNames[] = {
      "address",   "hwaddr",   "client_id", "valid_lifetime", "expire",       "subnet_id",
      "fqdn_fwd",  "fqdn_rev", "hostname",  "state",          "user_context", "pool_id"};
  // Kea 1.0 files end at hostname; a header with fewer columns is invalid.
  static constexpr size_t kMinimum = 9;
};

template <>
struct LeaseFileColumns<Lease6> {
  static constexpr std::string_view kNames[] = {
      "address",  "duid",     "valid_lifetime", "expire", "subnet_id",    "pref_lifetime",
      "lease_type", "iaid",   "prefix_len",     "fqdn_fwd", "fqdn_rev",   "hostname",
      "hwaddr",   "state",    "user_context",   "hwtype", "hwaddr_source", "pool_id"};
  static constexpr size_t kMinimum = 12;
};

// The columns a file's header declares.
struct LeaseFileHeader {
  size_t known_columns = 0;  // how many of the columns above, from the first, the file has
  size_t total_columns = 0;  // known_columns plus columns a newer Kea added after them

  // True when records in this file have exactly the columns Leasehold writes.
  template <typename LeaseT>
  bool isCurrent() const {
    return known_columns == std::size(LeaseFileColumns<LeaseT>::kNames) &&
           total_columns == known_columns;
  }
};

// One line of a lease file: a lease, or the deletion of the lease at lease.address.
template <typename LeaseT>
struct LeaseRecord {
  LeaseT lease;
  bool deletes = false;
};

// Returns the header line Leasehold writes, without the line break.
template <typename LeaseT>
std::string headerLine();

// Parses a header line (without its line break). The error names the first column that does
// not match.
template <typename LeaseT>
Result<LeaseFileHeader, std::string> parseHeader(std::string_view line);

// Parses one record line (without its line break) of a file with `header`. Checks the lease
// with validateLease() unless the record deletes it. The error message names the column and
// the value ("invalid state \"7\": expected an integer from 0 to 4").
template <typename LeaseT>
Result<LeaseRecord<LeaseT>, std::string> parseRecord(std::string_view line,
                                                     const LeaseFileHeader& header);

// Appends the record line for `lease`, with its line break, to `out`.
// REQUIRES: validateLease(lease) is empty.
void appendRecord(const Lease4& lease, std::string& out);
void appendRecord(const Lease6& lease, std::string& out);

// Appends the line that deletes `lease`: the lease with valid and preferred lifetimes 0 and
// expire equal to cltt, as Kea writes it.
template <typename LeaseT>
void appendDeletion(const LeaseT& lease, std::string& out);

std::string escapeText(std::string_view text);
// Decodes "&#x" followed by two hex digits; any other '&' stays as it is.
std::string unescapeText(std::string_view text);

}  // namespace leasehold::memfile
