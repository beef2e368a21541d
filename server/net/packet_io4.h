// PacketIo4: where DHCPv4 datagrams come from and go to. The daemon uses SocketIo4 (real
// sockets); engine tests use an in-memory implementation, so the DHCP logic runs without root.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <span>

#include "backends/address.h"
#include "server/packet/pkt4.h"

namespace leasehold::net {

// Large enough for any DHCPv4 message a client sends in one Ethernet frame, with room for
// jumbo-ish relayed messages; longer datagrams are dropped and counted.
inline constexpr size_t kMaxDatagram4 = 4096;

// The reason a raw socket dropped a frame before reaching its DHCP payload.
enum class FrameDrop : uint8_t {
  kNone,
  kFragment,     // an IPv4 fragment: the server does not reassemble DHCP messages
  kBadChecksum,  // an IP header or UDP checksum that does not verify
  kMalformed,    // any other broken Ethernet, IPv4 or UDP header
};

struct Received4 {
  std::array<uint8_t, kMaxDatagram4 + 64> data;
  size_t payload_offset = 0;  // raw frames carry link, IP and UDP headers before the payload
  size_t payload_size = 0;
  bool truncated = false;
  // Set by raw sockets for a frame they could not unwrap; the payload is then empty and the
  // daemon only counts the frame.
  FrameDrop frame_drop = FrameDrop::kNone;
  packet::Pkt4::Transport transport;
  // When the kernel queued the datagram; the epoch when the socket gave no time.
  std::chrono::system_clock::time_point arrived{};

  std::span<const uint8_t> payload() const { return {data.data() + payload_offset, payload_size}; }
};

struct Destination4 {
  IPv4Address address;
  uint16_t port = 68;
  IPv4Address source;  // the server address the reply comes from
  uint16_t source_port = 67;
  int interface_index = 0;
  // Send as a link-layer frame to `mac`: the only way to unicast to a client that has no
  // address yet (raw sockets only).
  bool link_layer = false;
  std::array<uint8_t, 6> mac{};
};

class PacketIo4 {
 public:
  virtual ~PacketIo4() = default;

  // Waits up to `timeout` for datagrams and fills the front of `batch`; returns how many were
  // filled (0 on timeout or after wake()). Thread-safe: several workers may wait at once.
  virtual size_t receive(std::span<Received4> batch, std::chrono::milliseconds timeout) = 0;

  // Sends one DHCP message. Returns false when the kernel refused it (counted by the caller).
  // Thread-safe.
  virtual bool send(const Destination4& destination, std::span<const uint8_t> payload) = 0;

  // Makes every waiting and future receive() return at once; used at shutdown.
  virtual void wake() = 0;
};

}  // namespace leasehold::net
