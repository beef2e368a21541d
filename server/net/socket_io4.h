// SocketIo4: DHCPv4 over real sockets.
//
// Sockets opened:
// - one UDP socket bound to 0.0.0.0:<server port> with IP_PKTINFO, which receives relayed
//   and unicast traffic in "udp" mode and sends every reply that goes through IP routing
//   (to a relay, to a client's ciaddr, limited broadcast on a chosen interface);
// - in "raw" mode, one AF_PACKET socket per configured interface with a BPF filter that passes
//   only IPv4/UDP to the server port. It receives everything (directly connected clients
//   without an address and relayed traffic alike) and sends link-layer unicast to clients
//   that have no address yet. The UDP socket then gets a filter that drops everything it
//   receives: it stays bound so the kernel sends no ICMP port-unreachable, and no packet is
//   processed twice.
//
// Threads: receive() and send() may be called from any number of worker threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "backends/result.h"
#include "server/net/interfaces.h"
#include "server/net/packet_io4.h"
#include "server/net/wait_set.h"

namespace leasehold::net {

struct SocketIo4Options {
  std::vector<std::string> interfaces;  // interfaces-config entries ("eth0", "eth0/addr", "*")
  bool raw = true;
  uint16_t server_port = 67;
};

class SocketIo4 final : public PacketIo4 {
 public:
  // Opens the sockets. Errors name the interface and the system call that failed.
  static Result<std::unique_ptr<SocketIo4>, std::string> open(const SocketIo4Options& options);
  ~SocketIo4() override;

  size_t receive(std::span<Received4> batch, std::chrono::milliseconds timeout) override;
  bool send(const Destination4& destination, std::span<const uint8_t> payload) override;
  void wake() override;

  // The interfaces served, as found when the sockets were opened.
  const std::vector<NetworkInterface>& interfaces() const { return served_; }

 private:
  struct RawSocket {
    int fd = -1;
    int interface_index = 0;
    std::string interface_name;
    std::array<uint8_t, 6> mac{};
  };

  SocketIo4() = default;
  size_t receiveUdp(std::span<Received4> batch);
  size_t receiveRaw(const RawSocket& socket, std::span<Received4> batch);
  bool sendLinkLayer(const Destination4& destination, std::span<const uint8_t> payload);

  SocketIo4Options options_;
  std::vector<NetworkInterface> served_;
  int udp_fd_ = -1;
  std::vector<RawSocket> raw_sockets_;
  WaitSet waits_;
};

}  // namespace leasehold::net
