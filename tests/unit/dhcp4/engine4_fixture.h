// A DHCPv4 engine test bench: a real memfile store (in memory), a manual clock, and a
// configuration parsed from Kea JSON, driven with client-level verbs (discover, request,
// release, ...) so each test reads as an exchange.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "backends/clock.h"
#include "backends/memfile/memfile_lease_store.h"
#include "server/config/parser.h"
#include "server/dhcp4/engine4.h"
#include "server/dhcp4/runtime4.h"
#include "server/stats/stats.h"

namespace leasehold::dhcp4::testing {

// The interface every test query arrives on: index 2, "eth0", 192.0.2.1/24.
inline constexpr int kInterfaceIndex = 2;

class Engine4Test : public ::testing::Test {
 protected:
  // Parses `dhcp4_json` (the value of "Dhcp4") and builds the runtime over the store.
  void configure(const std::string& dhcp4_json);

  // Client verbs. `mac` is "aa:bb:cc:dd:ee:01"-style.
  std::optional<Reply4> discover(const std::string& mac,
                                 std::optional<std::string> requested = std::nullopt);
  std::optional<Reply4> request(const std::string& mac, const std::string& address,
                                bool selecting = true);
  std::optional<Reply4> renew(const std::string& mac, const std::string& address);
  std::optional<Reply4> initReboot(const std::string& mac, const std::string& address);
  void release(const std::string& mac, const std::string& address);
  void decline(const std::string& mac, const std::string& address);
  // DISCOVER then REQUEST of the offered address; returns the ACKed address or "".
  std::string obtain(const std::string& mac);

  // A query with the common fields set; tests add options before send().
  packet::Pkt4 query(packet::MessageType4 type, const std::string& mac) const;
  std::optional<Reply4> send(const packet::Pkt4& query);

  std::optional<Lease4> leaseAt(const std::string& address);
  int64_t stat(const std::string& name);
  void advanceClock(std::chrono::seconds delta) { clock_.advance(delta); }

  static packet::MessageType4 typeOf(const Reply4& reply);
  static std::string yiaddr(const Reply4& reply);

  ManualClock clock_;
  stats::StatsRegistry stats_;
  std::unique_ptr<LeaseStore> store_;
  std::unique_ptr<Runtime4> runtime_;
  std::unique_ptr<Engine4> engine_;
  InterfaceAddresses interfaces_;
  DropReason last_drop_ = DropReason::kNone;
};

}  // namespace leasehold::dhcp4::testing
