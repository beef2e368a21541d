// PacketIo6: where DHCPv6 datagrams come from and go to. The daemon uses SocketIo6; engine
// tests use an in-memory implementation.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>

#include "backends/address.h"
#include "server/packet/pkt6.h"

namespace leasehold::net {

// DHCPv6 messages fit in the IPv6 minimum MTU in practice; relayed ones grow with each hop.
inline constexpr size_t kMaxDatagram6 = 8192;

struct Received6 {
  std::array<uint8_t, kMaxDatagram6> data;
  size_t size = 0;
  bool truncated = false;
  packet::Pkt6::Transport transport;
  // When the kernel queued the datagram; the epoch when the socket gave no time.
  std::chrono::system_clock::time_point arrived{};

  std::span<const uint8_t> payload() const { return {data.data(), size}; }
};

struct Destination6 {
  IPv6Address address;
  uint16_t port = 546;
  int interface_index = 0;  // required for link-local destinations
  IPv6Address source;       // zero: the kernel picks
};

class PacketIo6 {
 public:
  virtual ~PacketIo6() = default;
  // Same contract as PacketIo4::receive.
  virtual size_t receive(std::span<Received6> batch, std::chrono::milliseconds timeout) = 0;
  virtual bool send(const Destination6& destination, std::span<const uint8_t> payload) = 0;
  virtual void wake() = 0;
};

}  // namespace leasehold::net
