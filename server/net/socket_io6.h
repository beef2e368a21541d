// SocketIo6: DHCPv6 over one UDP socket bound to [::]:<server port>, joined to the
// All_DHCP_Relay_Agents_and_Servers group (ff02::1:2) on every served interface. IPV6_PKTINFO
// tells which interface and which destination address (multicast or unicast) each message
// had.
//
// Threads: receive() and send() may be called from any number of worker threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/result.h"
#include "server/net/interfaces.h"
#include "server/net/packet_io6.h"
#include "server/net/wait_set.h"

namespace leasehold::net {

struct SocketIo6Options {
  std::vector<std::string> interfaces;  // "eth0", "eth0/2001:db8::1" (unicast address), "*"
  uint16_t server_port = 547;
};

class SocketIo6 final : public PacketIo6 {
 public:
  static Result<std::unique_ptr<SocketIo6>, std::string> open(const SocketIo6Options& options);
  ~SocketIo6() override;

  size_t receive(std::span<Received6> batch, std::chrono::milliseconds timeout) override;
  bool send(const Destination6& destination, std::span<const uint8_t> payload) override;
  void wake() override;

  const std::vector<NetworkInterface>& interfaces() const { return served_; }
  // Unicast addresses configured with "interface/address" entries.
  const std::vector<IPv6Address>& unicastAddresses() const { return unicast_; }

 private:
  SocketIo6() = default;

  SocketIo6Options options_;
  std::vector<NetworkInterface> served_;
  std::vector<IPv6Address> unicast_;
  int fd_ = -1;
  WaitSet waits_;
};

}  // namespace leasehold::net
