#include "server/net/socket_io4.h"

#include <arpa/inet.h>
#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "server/net/datagram_batch.h"
#include "server/net/raw_socket4.h"

namespace leasehold::net {

namespace {

// recvmmsg batch limit per call; workers pass smaller batches in practice.
constexpr size_t kMaxBatch = 32;

std::string systemError(const std::string& what) {
  return what + ": " + std::strerror(errno);
}

// A classic BPF program that accepts nothing: attached to the UDP socket in raw mode.
bool attachDropAllFilter(int fd) {
  sock_filter code[] = {BPF_STMT(BPF_RET | BPF_K, 0)};
  sock_fprog program{1, code};
  return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) == 0;
}

Result<int, std::string> openUdpSocket(uint16_t port, bool drop_all) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return makeUnexpected(systemError("socket(AF_INET, SOCK_DGRAM) failed"));
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
  setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
  // A bigger receive buffer absorbs bursts (perfdhcp, a relay restarting) without drops; the
  // kernel caps it at net.core.rmem_max.
  const int buffer_bytes = 4 * 1024 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer_bytes, sizeof buffer_bytes);
  enableReceiveTimestamps(fd);
  if (drop_all && !attachDropAllFilter(fd)) {
    const std::string error = systemError("SO_ATTACH_FILTER on the UDP socket failed");
    close(fd);
    return makeUnexpected(error);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const std::string error = systemError("bind to 0.0.0.0:" + std::to_string(port) + " failed");
    close(fd);
    return makeUnexpected(error);
  }
  return fd;
}

// Picks the interfaces that `entries` select, keeping only the IPv4 address an entry names.
Result<std::vector<NetworkInterface>, std::string> selectInterfaces4(
    const std::vector<std::string>& entries) {
  auto all = listInterfaces();
  if (!all) {
    return makeUnexpected(all.error());
  }
  auto selected = selectInterfaces(entries, *all);
  if (!selected) {
    return makeUnexpected(selected.error());
  }
  std::vector<NetworkInterface> interfaces;
  for (auto& [interface, address] : *selected) {
    if (address) {
      const auto wanted = IPv4Address::parse(*address);
      std::erase_if(interface.ipv4, [&](const IPv4Prefix& prefix) {
        return !wanted || prefix.address != *wanted;
      });
      if (interface.ipv4.empty()) {
        return makeUnexpected("interface \"" + interface.name + "\" has no address " + *address);
      }
    }
    interfaces.push_back(std::move(interface));
  }
  return interfaces;
}

}  // namespace

Result<std::unique_ptr<SocketIo4>, std::string> SocketIo4::open(const SocketIo4Options& options) {
  std::unique_ptr<SocketIo4> io(new SocketIo4());
  io->options_ = options;

  auto served = selectInterfaces4(options.interfaces);
  if (!served) {
    return makeUnexpected(served.error());
  }
  io->served_ = std::move(*served);

  if (auto opened = io->waits_.open(); !opened) {
    return makeUnexpected(opened.error());
  }

  auto udp = openUdpSocket(options.server_port, options.raw && !io->served_.empty());
  if (!udp) {
    return makeUnexpected(udp.error());
  }
  io->udp_fd_ = *udp;

  if (options.raw) {
    for (const auto& interface : io->served_) {
      auto fd = openRawSocket4(interface.index, options.server_port);
      if (!fd) {
        return makeUnexpected("interface \"" + interface.name + "\": " + fd.error());
      }
      io->raw_sockets_.push_back(RawSocket{*fd, interface.index, interface.name, interface.mac});
    }
  }

  // Tags: 0 = the UDP socket, 1 + i = raw socket i.
  auto watched = io->waits_.watch(io->udp_fd_, 0);
  for (size_t i = 0; watched && i < io->raw_sockets_.size(); ++i) {
    watched = io->waits_.watch(io->raw_sockets_[i].fd, 1 + i);
  }
  if (!watched) {
    return makeUnexpected(watched.error());
  }
  return io;
}

SocketIo4::~SocketIo4() {
  for (const auto& raw : raw_sockets_) {
    close(raw.fd);
  }
  if (udp_fd_ >= 0) {
    close(udp_fd_);
  }
}

void SocketIo4::wake() { waits_.wake(); }

size_t SocketIo4::receive(std::span<Received4> batch, std::chrono::milliseconds timeout) {
  if (batch.empty()) {
    return 0;
  }
  uint64_t tags[4];
  const size_t ready = waits_.wait(tags, 4, timeout);
  size_t filled = 0;
  for (size_t i = 0; i < ready; ++i) {
    // Each ready socket came to this thread alone; read what fits, then let others in.
    if (tags[i] == 0) {
      filled += receiveUdp(batch.subspan(filled));
      waits_.rearm(udp_fd_, 0);
    } else {
      const RawSocket& raw = raw_sockets_[tags[i] - 1];
      filled += receiveRaw(raw, batch.subspan(filled));
      waits_.rearm(raw.fd, tags[i]);
    }
  }
  return filled;
}

size_t SocketIo4::receiveUdp(std::span<Received4> batch) {
  const size_t count = std::min(batch.size(), kMaxBatch);
  if (count == 0) {
    return 0;
  }
  DatagramBatch<sockaddr_in, in_pktinfo, kMaxBatch> buffers;
  for (size_t i = 0; i < count; ++i) {
    buffers.prepare(i, batch[i].data.data(), kMaxDatagram4);
  }
  const int received = buffers.receive(udp_fd_, count);
  if (received <= 0) {
    return 0;
  }

  size_t kept = 0;
  for (int i = 0; i < received; ++i) {
    Received4& out = batch[kept];
    const msghdr& header = buffers.messages[i].msg_hdr;
    out.payload_offset = 0;
    out.payload_size = buffers.messages[i].msg_len;
    out.truncated = (header.msg_flags & MSG_TRUNC) != 0;
    out.frame_drop = FrameDrop::kNone;
    out.transport = packet::Pkt4::Transport{};
    out.transport.remote_address =
        IPv4Address::fromBytes({reinterpret_cast<const uint8_t*>(&buffers.sources[i].sin_addr), 4});
    out.transport.remote_port = ntohs(buffers.sources[i].sin_port);
    out.transport.local_port = options_.server_port;
    out.arrived = {};
    for (cmsghdr* control = CMSG_FIRSTHDR(&header); control != nullptr;
         control = CMSG_NXTHDR(const_cast<msghdr*>(&header), control)) {
      if (readReceiveTimestamp(*control, out.arrived)) {
        continue;
      }
      if (control->cmsg_level == IPPROTO_IP && control->cmsg_type == IP_PKTINFO) {
        in_pktinfo info;
        std::memcpy(&info, CMSG_DATA(control), sizeof info);
        out.transport.interface_index = info.ipi_ifindex;
        // The header's destination: tells broadcast from unicast queries.
        out.transport.local_address =
            IPv4Address::fromBytes({reinterpret_cast<const uint8_t*>(&info.ipi_addr), 4});
      }
    }
    const NetworkInterface* interface = findInterface(served_, out.transport.interface_index);
    if (interface == nullptr) {
      continue;  // arrived on an interface the configuration does not serve
    }
    out.transport.interface_name = interface->name;
    // Messages moved down in place when an earlier one was skipped.
    if (&out != &batch[static_cast<size_t>(i)]) {
      std::memcpy(out.data.data(), batch[static_cast<size_t>(i)].data.data(), out.payload_size);
    }
    ++kept;
  }
  return kept;
}

size_t SocketIo4::receiveRaw(const RawSocket& socket, std::span<Received4> batch) {
  size_t filled = 0;
  while (filled < batch.size()) {
    Received4& out = batch[filled];
    auto frame = receiveRawFrame4(socket.fd, out);
    if (frame == RawReceive::kEmpty) {
      break;
    }
    if (frame == RawReceive::kSkipped) {
      continue;
    }
    out.transport.interface_index = socket.interface_index;
    out.transport.interface_name = socket.interface_name;
    out.transport.local_port = options_.server_port;
    ++filled;
  }
  return filled;
}

bool SocketIo4::send(const Destination4& destination, std::span<const uint8_t> payload) {
  if (destination.link_layer) {
    return sendLinkLayer(destination, payload);
  }
  sockaddr_in target{};
  target.sin_family = AF_INET;
  target.sin_port = htons(destination.port);
  target.sin_addr.s_addr = htonl(destination.address.toUint32());

  iovec vector{const_cast<uint8_t*>(payload.data()), payload.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(in_pktinfo))] = {};
  msghdr message{};
  message.msg_name = &target;
  message.msg_namelen = sizeof target;
  message.msg_iov = &vector;
  message.msg_iovlen = 1;
  // IP_PKTINFO picks the outgoing interface and source address, which matters for limited
  // broadcast (255.255.255.255) and for hosts with several addresses.
  if (destination.interface_index != 0 || !destination.source.isZero()) {
    message.msg_control = control;
    message.msg_controllen = sizeof control;
    cmsghdr* header = CMSG_FIRSTHDR(&message);
    header->cmsg_level = IPPROTO_IP;
    header->cmsg_type = IP_PKTINFO;
    header->cmsg_len = CMSG_LEN(sizeof(in_pktinfo));
    in_pktinfo info{};
    info.ipi_ifindex = destination.interface_index;
    info.ipi_spec_dst.s_addr = htonl(destination.source.toUint32());
    std::memcpy(CMSG_DATA(header), &info, sizeof info);
  }
  return sendmsg(udp_fd_, &message, 0) == static_cast<ssize_t>(payload.size());
}

bool SocketIo4::sendLinkLayer(const Destination4& destination, std::span<const uint8_t> payload) {
  for (const auto& raw : raw_sockets_) {
    if (raw.interface_index == destination.interface_index) {
      return sendRawFrame4(raw.fd, raw.interface_index, raw.mac, destination, payload);
    }
  }
  return false;
}

}  // namespace leasehold::net
