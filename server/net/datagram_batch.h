// The buffers recvmmsg() fills for a batch of UDP datagrams, shared by the DHCPv4 and DHCPv6
// sockets: per datagram a message header, a payload vector, the source address and room for
// one packet-info control message.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>

namespace leasehold::net {

// `SocketAddress` is sockaddr_in or sockaddr_in6, `PacketInfo` in_pktinfo or in6_pktinfo.
// Large (several KiB): keep one on the receiving thread's stack per call.
template <typename SocketAddress, typename PacketInfo, size_t kCapacity>
struct DatagramBatch {
  mmsghdr messages[kCapacity];
  iovec vectors[kCapacity];
  SocketAddress sources[kCapacity];
  alignas(cmsghdr) char controls[kCapacity][CMSG_SPACE(sizeof(PacketInfo))];

  // Points message `i` at `buffer` (room for `size` bytes) and at its own source and control
  // areas. REQUIRES: i < kCapacity.
  void prepare(size_t i, uint8_t* buffer, size_t size) {
    vectors[i] = iovec{buffer, size};
    messages[i] = mmsghdr{};
    messages[i].msg_hdr.msg_name = &sources[i];
    messages[i].msg_hdr.msg_namelen = sizeof sources[i];
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_control = controls[i];
    messages[i].msg_hdr.msg_controllen = sizeof controls[i];
  }

  // Reads up to `count` prepared datagrams from `fd` without blocking. Returns how many were
  // read, 0 or less when none were waiting or the read failed. REQUIRES: count <= kCapacity.
  int receive(int fd, size_t count) {
    return recvmmsg(fd, messages, static_cast<unsigned>(count), MSG_DONTWAIT, nullptr);
  }
};

}  // namespace leasehold::net
