// Ethernet II + IPv4 + UDP frames, for the raw packet socket that serves directly connected
// DHCPv4 clients: they have no address yet, so the server must read and write whole frames.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "backends/address.h"
#include "backends/result.h"
#include "server/packet/decode_error.h"

namespace leasehold::packet {

using MacAddress = std::array<uint8_t, 6>;

inline constexpr MacAddress kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline constexpr IPv4Address kBroadcastAddress4{0xffffffff};
inline constexpr size_t kEthernetHeaderSize = 14;
inline constexpr size_t kIpv4HeaderSize = 20;  // without IP options
inline constexpr size_t kUdpHeaderSize = 8;
// The largest UDP payload an IPv4 datagram without IP options carries.
inline constexpr size_t kMaxFramePayload4 = 0xffff - kIpv4HeaderSize - kUdpHeaderSize;

// The addresses of one frame and a view of its UDP payload.
struct Frame4 {
  MacAddress source_mac{};
  MacAddress destination_mac{};
  IPv4Address source_address;
  IPv4Address destination_address;
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  uint8_t ttl = 64;
  uint8_t tos = 0;
  uint16_t identification = 0;
  bool dont_fragment = false;
  // The UDP payload. From decodeFrame4() it points into the decoded frame and shares its
  // lifetime; for encodeFrame4() it is the payload to send.
  std::span<const uint8_t> payload;
};

// Parses an untagged Ethernet II frame carrying IPv4 and UDP. A frame that still carries an
// 802.1Q tag (EtherType 8100) is rejected as kNotIpv4. Checks the EtherType, IP version, IHL,
// total length, header checksum, fragment bits and protocol, the UDP length, and the UDP
// checksum unless it is zero (no checksum) or `verify_udp_checksum` is false. The socket layer
// passes false for frames the kernel marks as not yet checksummed: traffic between local
// interfaces (veth) leaves the UDP checksum to an offload that never happens. Bytes after the
// IP total length (Ethernet padding)
// are ignored, as are IP options. Malformed input comes back as a DecodeError, never as an
// exception or a read past `frame`. Allocates only the error's detail text.
Result<Frame4, DecodeError> decodeFrame4(std::span<const uint8_t> frame,
                                         bool verify_udp_checksum = true);

// Replaces `out` with an Ethernet II frame carrying `frame.payload` in UDP over IPv4, with the
// addresses, ports and IP header fields of `frame`, no IP options, and valid IP and UDP
// checksums. Returns false, leaving `out` empty, when the payload is longer than
// kMaxFramePayload4. REQUIRES: frame.payload does not point into `out`.
bool encodeFrame4(const Frame4& frame, std::vector<uint8_t>& out);

}  // namespace leasehold::packet
