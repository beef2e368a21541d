// How large a DHCPv4 reply may be, and which options it keeps when its options do not fit.
#pragma once

#include <cstddef>

#include "server/packet/pkt4.h"

namespace leasehold::dhcp4 {

// IPv4 and UDP headers in front of a DHCP message (RFC 791 without options, RFC 768).
inline constexpr size_t kIpUdpHeaderSize = 28;
// The largest IP datagram a reply may fill. NOTE: the server does not read the interface MTU;
// it assumes Ethernet's 1500 bytes, so a link with a smaller MTU fragments large replies.
inline constexpr size_t kInterfaceMtu = 1500;
// The smallest datagram every DHCP client must accept (RFC 2131 section 2), and so the floor
// for the client's Maximum DHCP Message Size (option 57, RFC 2132 section 9.10).
inline constexpr size_t kMinClientMessageSize = 576;

// Returns the largest DHCP message (UDP payload) the reply to `query` may fill: the
// interface MTU, lowered by the client's option 57 when it sends one. Option 57 counts the
// IP and UDP headers, as in ISC dhcpd, and a value below 576 counts as 576.
size_t maxReplySize(const packet::Pkt4& query);

// Orders the options of `reply` from most to least important, so the encoder, which places
// options in list order and leaves out those that no longer fit, drops the least important:
//   1. the options a reply cannot go without: message type (53), server identifier (54),
//      lease time (51), renewal (58) and rebinding (59) times, subnet mask (1), routers (3),
//      the echoed client identifier (61) and relay agent information (82);
//   2. the options the client requested in option 55, in the order it listed them, which
//      RFC 2132 section 9.8 lets the client use as its preference;
//   3. the other options (Kea's unasked domain name servers and domain name, the host name,
//      always-send options) in the order the reply added them.
// The order within each rank is stable, so the same reply drops the same options every time.
void rankReplyOptions(packet::Pkt4& reply, const packet::Pkt4& query);

// Returns the bytes the options of `reply` take in the options field, with split options
// (RFC 3396) counted whole but without the end option.
size_t encodedOptionsSize(const packet::Pkt4& reply);

}  // namespace leasehold::dhcp4
