#include "server/packet/frame4.h"

#include <cstring>

#include <fmt/format.h>

#include "server/packet/byte_order.h"

namespace leasehold::packet {
namespace {

using Code = DecodeError::Code;
using detail::load16;
using detail::load32;
using detail::store16;
using detail::store32;

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint8_t kProtocolUdp = 17;
constexpr uint16_t kDontFragment = 0x4000;
constexpr uint16_t kMoreFragments = 0x2000;
constexpr uint16_t kFragmentOffsetMask = 0x1fff;

Unexpected<DecodeError> fail(Code code, std::string detail) {
  return Unexpected(DecodeError{code, std::move(detail)});
}

// Adds 16-bit big-endian words to a one's complement running sum (RFC 1071); an odd last
// byte counts as the high byte of a word.
uint32_t sumWords(std::span<const uint8_t> bytes, uint32_t sum) {
  size_t i = 0;
  for (; i + 1 < bytes.size(); i += 2) {
    sum += load16(&bytes[i]);
  }
  if (i < bytes.size()) {
    sum += uint32_t{bytes[i]} << 8;
  }
  return sum;
}

uint16_t foldSum(uint32_t sum) {
  while ((sum >> 16) != 0) {
    sum = (sum & 0xffff) + (sum >> 16);
  }
  return static_cast<uint16_t>(sum);
}

// Sum of the UDP pseudo-header: source, destination, protocol and UDP length.
uint32_t pseudoHeaderSum(IPv4Address source, IPv4Address destination, size_t udp_length) {
  const uint32_t s = source.toUint32();
  const uint32_t d = destination.toUint32();
  return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + kProtocolUdp +
         static_cast<uint32_t>(udp_length);
}

}  // namespace

Result<Frame4, DecodeError> decodeFrame4(std::span<const uint8_t> frame, bool verify_udp_checksum) {
  if (frame.size() < kEthernetHeaderSize) {
    return fail(Code::kTruncated, fmt::format("frame has {} bytes, shorter than the 14-byte "
                                              "Ethernet header",
                                              frame.size()));
  }
  const uint16_t ether_type = load16(&frame[12]);
  if (ether_type != kEtherTypeIpv4) {
    return fail(Code::kNotIpv4, fmt::format("EtherType is {:04x}, expected 0800", ether_type));
  }

  // IPv4 header checks.
  const auto ip = frame.subspan(kEthernetHeaderSize);
  if (ip.size() < kIpv4HeaderSize) {
    return fail(Code::kTruncated, fmt::format("IPv4 packet has {} bytes, shorter than the "
                                              "20-byte header",
                                              ip.size()));
  }
  if ((ip[0] >> 4) != 4) {
    return fail(Code::kBadIpVersion, fmt::format("IP version is {}, expected 4", ip[0] >> 4));
  }
  const size_t header_length = size_t{ip[0] & 0x0fu} * 4;
  if (header_length < kIpv4HeaderSize) {
    return fail(Code::kBadIpHeaderLength,
                fmt::format("IHL is {} words, below the minimum of 5", header_length / 4));
  }
  const size_t total_length = load16(&ip[2]);
  if (total_length < header_length) {
    return fail(Code::kBadIpHeaderLength,
                fmt::format("IP header of {} bytes is longer than the total length {}",
                            header_length, total_length));
  }
  if (total_length > ip.size()) {
    return fail(Code::kTruncated, fmt::format("IP total length is {}, but the frame carries only "
                                              "{} bytes",
                                              total_length, ip.size()));
  }
  if (total_length < header_length + kUdpHeaderSize) {
    return fail(Code::kBadIpTotalLength,
                fmt::format("IP total length {} leaves no room for the 8-byte UDP header",
                            total_length));
  }
  const uint16_t header_sum = foldSum(sumWords(ip.first(header_length), 0));
  if (header_sum != 0xffff) {
    return fail(Code::kBadIpChecksum,
                fmt::format("IP header checksum {:04x} does not verify", load16(&ip[10])));
  }
  const uint16_t fragment = load16(&ip[6]);
  if ((fragment & (kMoreFragments | kFragmentOffsetMask)) != 0) {
    return fail(Code::kIpFragment,
                fmt::format("IP fragment (flags and offset {:04x}); fragments are not reassembled",
                            fragment));
  }
  if (ip[9] != kProtocolUdp) {
    return fail(Code::kNotUdp, fmt::format("IP protocol is {}, expected 17 (UDP)", ip[9]));
  }

  // UDP header checks.
  const auto udp = ip.subspan(header_length, total_length - header_length);
  const size_t udp_length = load16(&udp[4]);
  if (udp_length < kUdpHeaderSize || udp_length > udp.size()) {
    return fail(Code::kBadUdpLength,
                fmt::format("UDP length is {}, expected 8 to {}", udp_length, udp.size()));
  }
  Frame4 decoded;
  decoded.source_address = IPv4Address(load32(&ip[12]));
  decoded.destination_address = IPv4Address(load32(&ip[16]));
  const uint16_t udp_checksum = load16(&udp[6]);
  if (udp_checksum != 0 && verify_udp_checksum) {
    const uint32_t sum = pseudoHeaderSum(decoded.source_address, decoded.destination_address,
                                         udp_length);
    if (foldSum(sumWords(udp.first(udp_length), sum)) != 0xffff) {
      return fail(Code::kBadUdpChecksum,
                  fmt::format("UDP checksum {:04x} does not verify", udp_checksum));
    }
  }

  std::memcpy(decoded.destination_mac.data(), &frame[0], 6);
  std::memcpy(decoded.source_mac.data(), &frame[6], 6);
  decoded.tos = ip[1];
  decoded.ttl = ip[8];
  decoded.identification = load16(&ip[4]);
  decoded.dont_fragment = (fragment & kDontFragment) != 0;
  decoded.source_port = load16(&udp[0]);
  decoded.destination_port = load16(&udp[2]);
  decoded.payload = udp.subspan(kUdpHeaderSize, udp_length - kUdpHeaderSize);
  return decoded;
}

bool encodeFrame4(const Frame4& frame, std::vector<uint8_t>& out) {
  out.clear();
  if (frame.payload.size() > kMaxFramePayload4) {
    return false;
  }
  const size_t udp_length = kUdpHeaderSize + frame.payload.size();
  const size_t total_length = kIpv4HeaderSize + udp_length;
  out.resize(kEthernetHeaderSize + total_length);

  uint8_t* ethernet = out.data();
  std::memcpy(ethernet, frame.destination_mac.data(), 6);
  std::memcpy(ethernet + 6, frame.source_mac.data(), 6);
  store16(ethernet + 12, kEtherTypeIpv4);

  uint8_t* ip = ethernet + kEthernetHeaderSize;
  ip[0] = 0x45;  // version 4, IHL 5
  ip[1] = frame.tos;
  store16(ip + 2, static_cast<uint16_t>(total_length));
  store16(ip + 4, frame.identification);
  store16(ip + 6, frame.dont_fragment ? kDontFragment : 0);
  ip[8] = frame.ttl;
  ip[9] = kProtocolUdp;
  store32(ip + 12, frame.source_address.toUint32());
  store32(ip + 16, frame.destination_address.toUint32());
  store16(ip + 10, static_cast<uint16_t>(~foldSum(sumWords({ip, kIpv4HeaderSize}, 0))));

  uint8_t* udp = ip + kIpv4HeaderSize;
  store16(udp, frame.source_port);
  store16(udp + 2, frame.destination_port);
  store16(udp + 4, static_cast<uint16_t>(udp_length));
  if (!frame.payload.empty()) {
    std::memcpy(udp + kUdpHeaderSize, frame.payload.data(), frame.payload.size());
  }
  const uint32_t pseudo = pseudoHeaderSum(frame.source_address, frame.destination_address,
                                          udp_length);
  uint16_t checksum = static_cast<uint16_t>(~foldSum(sumWords({udp, udp_length}, pseudo)));
  // A computed zero is sent as all ones, because zero means "no checksum" (RFC 768).
  if (checksum == 0) {
    checksum = 0xffff;
  }
  store16(udp + 6, checksum);
  return true;
}

}  // namespace leasehold::packet
