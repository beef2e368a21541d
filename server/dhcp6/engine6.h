// Engine6: the DHCPv6 protocol logic (RFC 8415). Turns one decoded query into at most one
// reply, reading and writing leases through the LeaseStore. Owns no sockets.
//
// Threads: process() is called by every worker thread at once.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/clock.h"
#include "backends/lease_store.h"
#include "server/dhcp6/runtime6.h"
#include "server/engine/drop_reason.h"
#include "server/net/packet_io6.h"
#include "server/packet/pkt6.h"

namespace leasehold::dhcp6 {

using engine::DropReason;

struct ServedInterface6 {
  std::string name;
  bool unicast = false;  // interfaces-config gave it a unicast address ("eth0/2001:db8::1")
  std::vector<IPv6Prefix> prefixes;
};
using InterfaceAddresses = std::unordered_map<int, ServedInterface6>;

struct Reply6 {
  packet::Pkt6 packet;
  net::Destination6 destination;
};

class Engine6 {
 public:
  Engine6(LeaseStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Processes `query`; returns the reply to send, or nullopt with `drop` saying why (kNone
  // when no reply is due).
  std::optional<Reply6> process(const Runtime6& runtime, const packet::Pkt6& query,
                                const InterfaceAddresses& interfaces, DropReason& drop);

  void setClientPort(uint16_t port) { client_port_ = port; }
  void setServerPort(uint16_t port) { server_port_ = port; }

 private:
  friend class Exchange6;
  LeaseStore& store_;
  const Clock& clock_;
  uint16_t client_port_ = 546;
  uint16_t server_port_ = 547;
};

}  // namespace leasehold::dhcp6
