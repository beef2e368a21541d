// The AF_PACKET side of SocketIo4: opening a filtered packet socket on one interface, and
// reading and writing Ethernet/IPv4/UDP frames on it.
#pragma once

#include <array>
#include <span>
#include <string>

#include "backends/result.h"
#include "server/net/packet_io4.h"
#include "server/packet/decode_error.h"

namespace leasehold::net {

// Opens a non-blocking AF_PACKET socket on `interface_index` whose kernel filter passes only
// unfragmented IPv4/UDP frames to `server_port` that this host did not send itself.
Result<int, std::string> openRawSocket4(int interface_index, uint16_t server_port);

enum class RawReceive { kEmpty, kSkipped, kReceived };

// Reads one frame into `out` (payload span, addresses, ports, source MAC). kEmpty when nothing
// is waiting; kSkipped for a frame this host sent. A frame longer than the buffer comes back
// kReceived with out.truncated set, and one whose headers do not decode comes back kReceived
// with out.frame_drop saying why, so the daemon counts both.
RawReceive receiveRawFrame4(int fd, Received4& out);

// Returns the statistic class of a frame decoding error (never FrameDrop::kNone).
FrameDrop frameDropFor(packet::DecodeError::Code code);

// Sends `payload` in an Ethernet/IPv4/UDP frame from `source_mac` to destination.mac.
bool sendRawFrame4(int fd, int interface_index, const std::array<uint8_t, 6>& source_mac,
                   const Destination4& destination, std::span<const uint8_t> payload);

}  // namespace leasehold::net
