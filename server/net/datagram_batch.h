// The buffers recvmmsg() fills for a batch of UDP datagrams, shared by the DHCPv4 and DHCPv6
// sockets: per datagram a message header, a payload vector, the source address and room for
// one packet-info control message and one receive timestamp.
#pragma once

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ctime>

namespace leasehold::net {

// Asks the kernel to stamp each datagram of `fd` with the time it arrived (SCM_TIMESTAMPNS),
// so the daemon can tell how long a query waited in the socket's queue. Returns false when the
// kernel refuses; datagrams then carry no time and are never dropped for their age.
inline bool enableReceiveTimestamps(int fd) {
  const int enabled = 1;
  return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &enabled, sizeof enabled) == 0;
}

// Stores the arrival time that `control` carries in `arrived` and returns true when `control`
// is a SCM_TIMESTAMPNS message; returns false and leaves `arrived` alone otherwise.
inline bool readReceiveTimestamp(const cmsghdr& control,
                                 std::chrono::system_clock::time_point& arrived) {
  if (control.cmsg_level != SOL_SOCKET || control.cmsg_type != SCM_TIMESTAMPNS) {
    return false;
  }
  timespec stamp{};
  std::memcpy(&stamp, CMSG_DATA(&control), sizeof stamp);
  arrived = std::chrono::system_clock::time_point(std::chrono::duration_cast<
      std::chrono::system_clock::duration>(std::chrono::seconds(stamp.tv_sec) +
                                           std::chrono::nanoseconds(stamp.tv_nsec)));
  return true;
}

// `SocketAddress` is sockaddr_in or sockaddr_in6, `PacketInfo` in_pktinfo or in6_pktinfo.
// Large (several KiB): keep one on the receiving thread's stack per call.
template <typename SocketAddress, typename PacketInfo, size_t kCapacity>
struct DatagramBatch {
  mmsghdr messages[kCapacity];
  iovec vectors[kCapacity];
  SocketAddress sources[kCapacity];
  alignas(cmsghdr) char controls[kCapacity][CMSG_SPACE(sizeof(PacketInfo)) +
                                            CMSG_SPACE(sizeof(timespec))];

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
