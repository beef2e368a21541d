#include "server/net/raw_socket4.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

#include "server/net/datagram_batch.h"
#include "server/packet/frame4.h"

namespace leasehold::net {

namespace {

std::string systemError(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

}  // namespace

Result<int, std::string> openRawSocket4(int interface_index, uint16_t server_port) {
  const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_IP));
  if (fd < 0) {
    return makeUnexpected(systemError("socket(AF_PACKET) failed (raw sockets need root or "
                                      "CAP_NET_RAW; or set dhcp-socket-type to udp)"));
  }

  // Frame offsets: Ethernet header 14 bytes, then IPv4 (protocol at +9, flags/fragment at
  // +6), then UDP (destination port at +2 past the variable-length IPv4 header). A first
  // fragment carries the UDP header, so it passes and is counted as a dropped fragment; the
  // later fragments have no port to match and stay in the kernel.
  sock_filter code[] = {
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12),                 // ethertype
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 0, 8),
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 14 + 9),             // IP protocol
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 14 + 6),             // flags and fragment offset
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),     // drop non-first fragments
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 14),                // X = IP header length
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 14 + 2),             // UDP destination port
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, server_port, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0x40000),                     // accept the whole frame
      BPF_STMT(BPF_RET | BPF_K, 0),                           // drop
  };
  sock_fprog program{static_cast<unsigned short>(sizeof code / sizeof code[0]), code};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
    const std::string error = systemError("SO_ATTACH_FILTER failed");
    close(fd);
    return makeUnexpected(error);
  }
  // Our own replies to relays also go to the server port; do not read them back.
  const int one = 1;
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  // Auxiliary data says whether the kernel left the UDP checksum for an offload (traffic
  // from a local socket over veth), in which case the checksum field is not final.
  setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one);
  const int buffer_bytes = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  enableReceiveTimestamps(fd);

  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_IP);
  address.sll_ifindex = interface_index;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string error = systemError("bind(AF_PACKET) failed");
    close(fd);
    return makeUnexpected(error);
  }
  return fd;
}

RawReceive receiveRawFrame4(int fd, Received4& out) {
  sockaddr_ll source{};
  iovec vector{out.data.data(), out.data.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(tpacket_auxdata)) + CMSG_SPACE(sizeof(timespec))];
  msghdr message{};
  message.msg_name = &source;
  message.msg_namelen = sizeof source;
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  message.msg_control = control;
  message.msg_controllen = sizeof control;
  const ssize_t size = recvmsg(fd, &message, MSG_DONTWAIT | MSG_TRUNC);
  if (size < 0) {
    return RawReceive::kEmpty;
  }
  if (source.sll_pkttype == PACKET_OUTGOING) {
    return RawReceive::kSkipped;
  }
  out.payload_offset = 0;
  out.payload_size = 0;
  out.truncated = false;
  out.frame_drop = FrameDrop::kNone;
  out.transport = packet::Pkt4::Transport{};
  out.transport.received_on_raw_socket = true;
  out.arrived = {};
  if (static_cast<size_t>(size) > out.data.size()) {
    out.truncated = true;
    return RawReceive::kReceived;
  }
  bool checksum_final = true;
  for (cmsghdr* header = CMSG_FIRSTHDR(&message); header != nullptr;
       header = CMSG_NXTHDR(&message, header)) {
    if (readReceiveTimestamp(*header, out.arrived)) {
      continue;
    }
    if (header->cmsg_level == SOL_PACKET && header->cmsg_type == PACKET_AUXDATA) {
      tpacket_auxdata auxdata;
      std::memcpy(&auxdata, CMSG_DATA(header), sizeof auxdata);
      checksum_final = (auxdata.tp_status & TP_STATUS_CSUMNOTREADY) == 0;
    }
  }
  const auto frame = packet::decodeFrame4(
      std::span<const uint8_t>(out.data.data(), static_cast<size_t>(size)), checksum_final);
  if (!frame) {
    out.frame_drop = frameDropFor(frame.error().code);
    return RawReceive::kReceived;
  }
  out.payload_offset = static_cast<size_t>(frame->payload.data() - out.data.data());
  out.payload_size = frame->payload.size();
  out.transport.remote_address = frame->source_address;
  out.transport.remote_port = frame->source_port;
  out.transport.local_address = frame->destination_address;
  out.transport.remote_mac = frame->source_mac;
  return RawReceive::kReceived;
}

FrameDrop frameDropFor(packet::DecodeError::Code code) {
  using Code = packet::DecodeError::Code;
  switch (code) {
    case Code::kIpFragment:
      return FrameDrop::kFragment;
    case Code::kBadIpChecksum:
    case Code::kBadUdpChecksum:
      return FrameDrop::kBadChecksum;
    default:
      return FrameDrop::kMalformed;
  }
}

bool sendRawFrame4(int fd, int interface_index, const std::array<uint8_t, 6>& source_mac,
                   const Destination4& destination, std::span<const uint8_t> payload) {
  packet::Frame4 header;
  header.source_mac = source_mac;
  header.destination_mac = destination.mac;
  header.source_address = destination.source;
  header.destination_address = destination.address;
  header.source_port = destination.source_port;
  header.destination_port = destination.port;
  header.payload = payload;
  thread_local std::vector<uint8_t> frame;
  if (!packet::encodeFrame4(header, frame)) {
    return false;
  }

  sockaddr_ll target{};
  target.sll_family = AF_PACKET;
  target.sll_protocol = htons(ETH_P_IP);
  target.sll_ifindex = interface_index;
  target.sll_halen = 6;
  std::memcpy(target.sll_addr, destination.mac.data(), 6);
  return sendto(fd, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&target),
                sizeof target) == static_cast<ssize_t>(frame.size());
}

}  // namespace leasehold::net
