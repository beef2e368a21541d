// A DHCPv6 engine test bench: a real memfile store in memory, a manual clock, a configuration
// parsed from Kea JSON, and client verbs (solicit, request, renew, release, ...).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "backends/clock.h"
#include "server/config/parser.h"
#include "server/dhcp6/engine6.h"
#include "server/dhcp6/runtime6.h"
#include "server/stats/stats.h"

namespace leasehold::dhcp6::testing {

inline constexpr int kInterfaceIndex = 3;

// What a client puts in one IA.
struct IaRequest {
  uint16_t code = packet::option6::kIaNa;
  uint32_t iaid = 1;
  std::optional<std::string> hint;  // address, or "prefix/len" for IA_PD
};

// One IA of a reply, decoded.
struct IaAnswer {
  uint32_t iaid = 0;
  uint32_t t1 = 0;
  uint32_t t2 = 0;
  std::vector<std::string> addresses;  // "addr" for IA_NA, "prefix/len" for IA_PD
  std::vector<uint32_t> valid_lifetimes;
  std::vector<std::vector<uint8_t>> pd_excludes;  // per prefix, the OPTION_PD_EXCLUDE payload or {}
  std::optional<packet::StatusCode6> status;
};

class Engine6Test : public ::testing::Test {
 protected:
  void configure(const std::string& dhcp6_json);

  // Builds a query from client `duid_tail` (the last byte of a DUID-LL) with `ias`.
  packet::Pkt6 query(packet::MessageType6 type, uint8_t client, const std::vector<IaRequest>& ias,
                     bool with_server_id) const;
  std::optional<Reply6> send(const packet::Pkt6& query);
  std::optional<Reply6> solicit(uint8_t client, const std::vector<IaRequest>& ias,
                                bool rapid_commit = false);
  std::optional<Reply6> request(uint8_t client, const std::vector<IaRequest>& ias);
  std::optional<Reply6> renew(uint8_t client, const std::vector<IaRequest>& ias);
  std::optional<Reply6> rebind(uint8_t client, const std::vector<IaRequest>& ias);
  std::optional<Reply6> release(uint8_t client, const std::vector<IaRequest>& ias);

  static std::vector<IaAnswer> ias(const Reply6& reply, uint16_t code);
  static std::optional<packet::StatusCode6> topStatus(const Reply6& reply);
  std::optional<Lease6> leaseAt(const std::string& address);
  int64_t stat(const std::string& name);
  void advanceClock(std::chrono::seconds delta) { clock_.advance(delta); }
  std::vector<uint8_t> duidOf(uint8_t client) const;

  ManualClock clock_;
  stats::StatsRegistry stats_;
  std::unique_ptr<LeaseStore> store_;
  std::unique_ptr<Runtime6> runtime_;
  std::unique_ptr<Engine6> engine_;
  InterfaceAddresses interfaces_;
  DropReason last_drop_ = DropReason::kNone;
  std::vector<uint8_t> server_duid_{0, 3, 0, 1, 0x02, 0, 0, 0, 0, 0x01};
};

}  // namespace leasehold::dhcp6::testing
