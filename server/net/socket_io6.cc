#include "server/net/socket_io6.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "server/net/datagram_batch.h"

namespace leasehold::net {

namespace {

constexpr size_t kMaxBatch = 32;

std::string systemError(const std::string& what) { return what + ": " + std::strerror(errno); }

}  // namespace

Result<std::unique_ptr<SocketIo6>, std::string> SocketIo6::open(const SocketIo6Options& options) {
  std::unique_ptr<SocketIo6> io(new SocketIo6());
  io->options_ = options;

  auto all = listInterfaces();
  if (!all) {
    return makeUnexpected(all.error());
  }
  auto selected = selectInterfaces(options.interfaces, *all);
  if (!selected) {
    return makeUnexpected(selected.error());
  }
  for (auto& [interface, address] : *selected) {
    if (address) {
      const auto unicast = IPv6Address::parse(*address);
      if (!unicast) {
        return makeUnexpected("invalid unicast address \"" + *address + "\" for interface \"" +
                              interface.name + "\"");
      }
      io->unicast_.push_back(*unicast);
    }
    io->served_.push_back(std::move(interface));
  }

  io->fd_ = socket(AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (io->fd_ < 0) {
    return makeUnexpected(systemError("socket(AF_INET6, SOCK_DGRAM) failed"));
  }
  const int one = 1;
  setsockopt(io->fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(io->fd_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  setsockopt(io->fd_, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one);
  const int buffer_bytes = 4 * 1024 * 1024;
  setsockopt(io->fd_, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  enableReceiveTimestamps(io->fd_);
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_port = htons(options.server_port);
  address.sin6_addr = in6addr_any;
  if (bind(io->fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    return makeUnexpected(
        systemError("bind to [::]:" + std::to_string(options.server_port) + " failed"));
  }

  // ff02::1:2, All_DHCP_Relay_Agents_and_Servers (RFC 8415 section 7.1).
  ipv6_mreq group{};
  inet_pton(AF_INET6, "ff02::1:2", &group.ipv6mr_multiaddr);
  for (const auto& interface : io->served_) {
    group.ipv6mr_interface = static_cast<unsigned>(interface.index);
    if (setsockopt(io->fd_, IPPROTO_IPV6, IPV6_JOIN_GROUP, &group, sizeof group) != 0 &&
        errno != EADDRINUSE) {
      return makeUnexpected(systemError("joining ff02::1:2 on \"" + interface.name + "\" failed"));
    }
  }

  auto watched = io->waits_.open();
  if (watched) {
    watched = io->waits_.watch(io->fd_, 0);
  }
  if (!watched) {
    return makeUnexpected(watched.error());
  }
  return io;
}

SocketIo6::~SocketIo6() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

void SocketIo6::wake() { waits_.wake(); }

size_t SocketIo6::receive(std::span<Received6> batch, std::chrono::milliseconds timeout) {
  if (batch.empty()) {
    return 0;
  }
  uint64_t tags[1];
  if (waits_.wait(tags, 1, timeout) == 0) {
    return 0;
  }

  const size_t count = std::min(batch.size(), kMaxBatch);
  DatagramBatch<sockaddr_in6, in6_pktinfo, kMaxBatch> buffers;
  for (size_t i = 0; i < count; ++i) {
    buffers.prepare(i, batch[i].data.data(), batch[i].data.size());
  }
  const int received = buffers.receive(fd_, count);
  waits_.rearm(fd_, 0);  // the readiness came to this thread alone
  if (received <= 0) {
    return 0;
  }

  size_t kept = 0;
  for (int i = 0; i < received; ++i) {
    Received6& out = batch[kept];
    const msghdr& header = buffers.messages[i].msg_hdr;
    packet::Pkt6::Transport transport;
    transport.remote_address = IPv6Address::fromBytes({buffers.sources[i].sin6_addr.s6_addr, 16});
    transport.remote_port = ntohs(buffers.sources[i].sin6_port);
    transport.local_port = options_.server_port;
    std::chrono::system_clock::time_point arrived{};
    for (cmsghdr* control = CMSG_FIRSTHDR(&header); control != nullptr;
         control = CMSG_NXTHDR(const_cast<msghdr*>(&header), control)) {
      if (readReceiveTimestamp(*control, arrived)) {
        continue;
      }
      if (control->cmsg_level == IPPROTO_IPV6 && control->cmsg_type == IPV6_PKTINFO) {
        in6_pktinfo info;
        std::memcpy(&info, CMSG_DATA(control), sizeof info);
        transport.interface_index = static_cast<int>(info.ipi6_ifindex);
        transport.local_address = IPv6Address::fromBytes({info.ipi6_addr.s6_addr, 16});
      }
    }
    const NetworkInterface* interface = findInterface(served_, transport.interface_index);
    if (interface == nullptr) {
      continue;  // not an interface this configuration serves
    }
    transport.interface_name = interface->name;
    transport.received_unicast = !transport.local_address.isMulticast();
    const size_t size = buffers.messages[i].msg_len;
    if (&out != &batch[static_cast<size_t>(i)]) {
      std::memcpy(out.data.data(), batch[static_cast<size_t>(i)].data.data(), size);
    }
    out.size = size;
    out.truncated = (header.msg_flags & MSG_TRUNC) != 0;
    out.transport = std::move(transport);
    out.arrived = arrived;
    ++kept;
  }
  return kept;
}

bool SocketIo6::send(const Destination6& destination, std::span<const uint8_t> payload) {
  sockaddr_in6 target{};
  target.sin6_family = AF_INET6;
  target.sin6_port = htons(destination.port);
  std::memcpy(target.sin6_addr.s6_addr, destination.address.bytes().data(), 16);
  if (destination.address.isLinkLocal() || destination.address.isMulticast()) {
    target.sin6_scope_id = static_cast<uint32_t>(destination.interface_index);
  }

  iovec vector{const_cast<uint8_t*>(payload.data()), payload.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in6_pktinfo))] = {};
  msghdr message{};
  message.msg_name = &target;
  message.msg_namelen = sizeof target;
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  if (destination.interface_index != 0) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = IPPROTO_IPV6;
    header->cmsg_type = IPV6_PKTINFO;
    header->cmsg_len = CMSG_LEN(sizeof(in6_pktinfo));
    in6_pktinfo info{};
    info.ipi6_ifindex = static_cast<unsigned>(destination.interface_index);
    std::memcpy(info.ipi6_addr.s6_addr, destination.source.bytes().data(), 16);
    std::memcpy(CMSG_DATA(header), &info, sizeof info);
  }
  return sendmsg(fd_, &message, 0) == static_cast<ssize_t>(payload.size());
}

}  // namespace leasehold::net
