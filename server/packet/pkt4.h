// DHCPv4 messages (RFC 2131/2132): the decoded form, the decoder and the encoder.
//
// The decoder never throws and never reads past its input: anything malformed comes back as a
// DecodeError whose code names the fault.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/address.h"
#include "backends/lease.h"
#include "backends/result.h"
#include "server/packet/decode_error.h"
#include "server/packet/option_list.h"

namespace leasehold::packet {

// DHCPv4 message types (option 53).
enum class MessageType4 : uint8_t {
  kDiscover = 1,
  kOffer = 2,
  kRequest = 3,
  kDecline = 4,
  kAck = 5,
  kNak = 6,
  kRelease = 7,
  kInform = 8,
  kForceRenew = 9,
  kLeaseQuery = 10,
  kLeaseUnassigned = 11,
  kLeaseUnknown = 12,
  kLeaseActive = 13,
  kBulkLeaseQuery = 14,
  kLeaseQueryDone = 15,
};

// Option codes the server itself reads or writes.
namespace option4 {
inline constexpr uint8_t kPad = 0;
inline constexpr uint8_t kSubnetMask = 1;
inline constexpr uint8_t kRouters = 3;
inline constexpr uint8_t kHostName = 12;
inline constexpr uint8_t kRequestedAddress = 50;
inline constexpr uint8_t kLeaseTime = 51;
inline constexpr uint8_t kOverload = 52;
inline constexpr uint8_t kMessageType = 53;
inline constexpr uint8_t kServerIdentifier = 54;
inline constexpr uint8_t kParameterRequestList = 55;
inline constexpr uint8_t kMessage = 56;
inline constexpr uint8_t kMaxMessageSize = 57;
inline constexpr uint8_t kRenewalTime = 58;
inline constexpr uint8_t kRebindingTime = 59;
inline constexpr uint8_t kVendorClassIdentifier = 60;
inline constexpr uint8_t kClientIdentifier = 61;
inline constexpr uint8_t kClientFqdn = 81;
inline constexpr uint8_t kRelayAgentInformation = 82;
inline constexpr uint8_t kSubnetSelection = 118;
inline constexpr uint8_t kVendorIdentifyingVendorOptions = 125;
inline constexpr uint8_t kEnd = 255;
}  // namespace option4

// Sub-options of the relay agent information option (82).
namespace rai {
inline constexpr uint8_t kCircuitId = 1;
inline constexpr uint8_t kRemoteId = 2;
inline constexpr uint8_t kLinkSelection = 5;
inline constexpr uint8_t kSubscriberId = 6;
inline constexpr uint8_t kServerIdOverride = 11;
inline constexpr uint8_t kRelayId = 12;
}  // namespace rai

inline constexpr uint8_t kBootRequest = 1;
inline constexpr uint8_t kBootReply = 2;
inline constexpr uint16_t kBroadcastFlag = 0x8000;
// BOOTP fixed header (236 bytes) plus the magic cookie.
inline constexpr size_t kPkt4FixedSize = 240;
// Replies are padded to the BOOTP minimum message size (RFC 1542 section 3.3).
inline constexpr size_t kPkt4MinimumSize = 300;

struct Pkt4 {
  uint8_t op = kBootRequest;
  uint8_t htype = 1;
  uint8_t hlen = 6;
  uint8_t hops = 0;
  uint32_t xid = 0;
  uint16_t secs = 0;
  uint16_t flags = 0;
  IPv4Address ciaddr;
  IPv4Address yiaddr;
  IPv4Address siaddr;
  IPv4Address giaddr;
  std::array<uint8_t, 16> chaddr{};
  std::array<uint8_t, 64> sname{};
  std::array<uint8_t, 128> file{};
  // Options in order of first appearance. The decoder has already concatenated split options
  // (RFC 3396) and merged options carried in `file` and `sname` (option overload, 52), so each
  // code appears once. Pad, end and the overload option itself are not kept, and a `file` or
  // `sname` field that carried options is left zeroed.
  OptionList options;

  // Source and destination of the packet, filled by the socket layer, not the decoder.
  struct Transport {
    IPv4Address remote_address;
    uint16_t remote_port = 0;
    IPv4Address local_address;
    uint16_t local_port = 0;
    int interface_index = 0;
    std::string interface_name;
    std::array<uint8_t, 6> remote_mac{};  // Ethernet source, raw sockets only
    bool received_on_raw_socket = false;
  } transport;

  std::optional<MessageType4> messageType() const;
  // chaddr truncated to hlen (at most 16 bytes), as a HwAddr of type htype.
  HwAddr hwAddr() const;
  bool broadcastFlag() const { return (flags & kBroadcastFlag) != 0; }
  bool relayed() const { return !giaddr.isZero(); }
  // Returns the IPv4 address carried in a 4-byte option (50, 54, 118), or nullopt.
  std::optional<IPv4Address> addressOption(uint8_t code) const;
  // Returns the first sub-option `sub_code` of the relay agent information option, or nullopt
  // when either is absent or option 82 is malformed. The span is valid until `options` is next
  // modified.
  std::optional<std::span<const uint8_t>> relayAgentSubOption(uint8_t sub_code) const;
  // sname and file as text up to the first NUL.
  std::string serverHostname() const;
  std::string bootFileName() const;
};

// Decodes a DHCPv4 message (a BOOTREQUEST or a BOOTREPLY) from a UDP payload. Besides the
// framing, it checks the options the server reads as numbers or addresses: 53 must be one byte,
// 50, 51, 54, 58, 59 and 118 four bytes, 57 two bytes, and the sub-options of 82 must fit in it.
// NOTE: a message without option 53 is rejected, so plain BOOTP clients are not served.
// Thread-safe; allocates the option list's two buffers and nothing per option.
Result<Pkt4, DecodeError> decodePkt4(std::span<const uint8_t> bytes);

// Encodes `packet` into `out` (replacing its contents): fixed header, magic cookie, options
// in list order with options longer than 255 bytes split (RFC 3396), the end option, and
// padding up to kPkt4MinimumSize. When the options do not fit in `max_size` bytes, they
// spill into `file` and `sname` (option overload, 52), but only into a field that is all zero
// in `packet`. Each option goes whole into the first area with room for it. Options that
// still do not fit are left out and counted in the return value, as are options the list must
// not hold (pad, end, overload and codes above 255). A `max_size` below kPkt4MinimumSize counts
// as kPkt4MinimumSize.
size_t encodePkt4(const Pkt4& packet, std::vector<uint8_t>& out, size_t max_size = 1500);

}  // namespace leasehold::packet
