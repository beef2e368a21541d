// Engine4: the DHCPv4 protocol logic (RFC 2131). It turns one decoded query into at most one
// reply, reading and writing leases through the LeaseStore. It owns no sockets, so tests
// drive it directly with packets.
//
// Threads: process() is called by every worker thread at once; the engine keeps no per-packet
// state between calls.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "backends/clock.h"
#include "backends/lease_store.h"
#include "server/dhcp4/reply_size4.h"
#include "server/dhcp4/runtime4.h"
#include "server/engine/client_classes.h"
#include "server/engine/drop_reason.h"
#include "server/net/packet_io4.h"
#include "server/packet/pkt4.h"

namespace leasehold::dhcp4 {

// What the engine needs to know about an interface it serves.
struct ServedInterface4 {
  std::string name;
  IPv4Address server_address;  // server identifier and source of replies sent on it
  std::vector<IPv4Prefix> prefixes;  // every IPv4 network configured on it
};
// Served interfaces by interface index.
using InterfaceAddresses = std::unordered_map<int, ServedInterface4>;

struct Reply4 {
  packet::Pkt4 packet;
  net::Destination4 destination;
  // The largest DHCP message the client accepts on this link (see maxReplySize()).
  size_t max_size = kInterfaceMtu - kIpUdpHeaderSize;
};

using engine::DropReason;

class Engine4 {
 public:
  Engine4(LeaseStore& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Processes `query` against one configuration runtime. Returns the reply to send, or
  // nullopt with `drop` set to why nothing is sent (kNone for messages that need no reply,
  // such as RELEASE and DECLINE). Counts everything in runtime.stats().
  std::optional<Reply4> process(const Runtime4& runtime, const packet::Pkt4& query,
                                const InterfaceAddresses& addresses, DropReason& drop);

  // The server's client-facing UDP port, used to address replies (68 unless -P says
  // otherwise).
  void setClientPort(uint16_t port) { client_port_ = port; }
  void setServerPort(uint16_t port) { server_port_ = port; }

 private:
  friend class Exchange4;
  LeaseStore& store_;
  const Clock& clock_;
  uint16_t client_port_ = 68;
  uint16_t server_port_ = 67;
};

}  // namespace leasehold::dhcp4
