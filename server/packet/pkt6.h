// DHCPv6 messages (RFC 8415): the decoded form with its relay chain, the decoder and the
// encoder. Like the DHCPv4 codec, the decoders never throw and never read past their input.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "backends/address.h"
#include "backends/result.h"
#include "server/packet/decode_error.h"
#include "server/packet/option_list.h"

namespace leasehold::packet {

enum class MessageType6 : uint8_t {
  kSolicit = 1,
  kAdvertise = 2,
  kRequest = 3,
  kConfirm = 4,
  kRenew = 5,
  kRebind = 6,
  kReply = 7,
  kRelease = 8,
  kDecline = 9,
  kReconfigure = 10,
  kInformationRequest = 11,
  kRelayForw = 12,
  kRelayRepl = 13,
};

namespace option6 {
inline constexpr uint16_t kClientId = 1;
inline constexpr uint16_t kServerId = 2;
inline constexpr uint16_t kIaNa = 3;
inline constexpr uint16_t kIaTa = 4;
inline constexpr uint16_t kIaAddr = 5;
inline constexpr uint16_t kOro = 6;
inline constexpr uint16_t kPreference = 7;
inline constexpr uint16_t kElapsedTime = 8;
inline constexpr uint16_t kRelayMsg = 9;
inline constexpr uint16_t kUnicast = 12;
inline constexpr uint16_t kStatusCode = 13;
inline constexpr uint16_t kRapidCommit = 14;
inline constexpr uint16_t kUserClass = 15;
inline constexpr uint16_t kVendorClass = 16;
inline constexpr uint16_t kVendorOpts = 17;
inline constexpr uint16_t kInterfaceId = 18;
inline constexpr uint16_t kReconfAccept = 20;
inline constexpr uint16_t kIaPd = 25;
inline constexpr uint16_t kIaPrefix = 26;
inline constexpr uint16_t kRemoteId = 37;
inline constexpr uint16_t kSubscriberId = 38;
inline constexpr uint16_t kClientFqdn = 39;
inline constexpr uint16_t kClientLinkLayerAddr = 79;
inline constexpr uint16_t kPdExclude = 67;
inline constexpr uint16_t kSolMaxRt = 82;
inline constexpr uint16_t kInfMaxRt = 83;
}  // namespace option6

enum class StatusCode6 : uint16_t {
  kSuccess = 0,
  kUnspecFail = 1,
  kNoAddrsAvail = 2,
  kNoBinding = 3,
  kNotOnLink = 4,
  kUseMulticast = 5,
  kNoPrefixAvail = 6,
};

// Maximum number of relay layers the decoder unwraps. RFC 8415's default HOP_COUNT_LIMIT is 8,
// and this larger bound still keeps a hostile message to a few dozen allocations.
inline constexpr size_t kMaxRelayDepth6 = 32;

// Size of the fixed part of a relay message: type, hop count, link and peer addresses.
inline constexpr size_t kRelayHeaderSize6 = 34;

// One relay agent hop, outermost first in Pkt6::relays.
struct RelayInfo6 {
  uint8_t hop_count = 0;
  IPv6Address link_address;
  IPv6Address peer_address;
  OptionList options;  // the relay's options except the relay message itself
};

struct Pkt6 {
  MessageType6 type = MessageType6::kSolicit;
  uint32_t transaction_id = 0;  // 24 bits
  OptionList options;           // top-level options of the client's (innermost) message
  std::vector<RelayInfo6> relays;

  struct Transport {
    IPv6Address remote_address;
    uint16_t remote_port = 0;
    IPv6Address local_address;
    uint16_t local_port = 0;
    int interface_index = 0;
    std::string interface_name;
    bool received_unicast = false;  // sent to a unicast address rather than ff02::1:2
  } transport;

  bool relayed() const { return !relays.empty(); }
};

// An IA_NA, IA_TA or IA_PD option, decoded one level deep.
struct Ia6 {
  uint16_t option_code = option6::kIaNa;
  uint32_t iaid = 0;
  uint32_t t1 = 0;  // absent (0) for IA_TA
  uint32_t t2 = 0;
  OptionList options;  // IAADDR / IAPREFIX / status code ...
};

struct IaAddress6 {
  IPv6Address address;
  uint32_t preferred_lifetime = 0;
  uint32_t valid_lifetime = 0;
  OptionList options;
};

struct IaPrefix6 {
  uint32_t preferred_lifetime = 0;
  uint32_t valid_lifetime = 0;
  uint8_t prefix_length = 0;
  IPv6Address prefix;
  OptionList options;
};

// Decodes a DHCPv6 message from a UDP payload, unwrapping RELAY-FORW (or RELAY-REPL) layers,
// at most kMaxRelayDepth6. Besides the framing, it checks the client's message: every IA_NA,
// IA_TA and IA_PD, and every IAADDR and IAPREFIX inside them, must be long enough for its fixed
// fields and contain well-formed options. Elapsed time must be 2 bytes, preference 1 byte, the
// option request option of even length and a status code at least 2 bytes. In relay layers, a
// remote-id must contain its 4-byte enterprise number. The hop count is not checked.
// Thread-safe. Allocates per relay layer, never per option.
Result<Pkt6, DecodeError> decodePkt6(std::span<const uint8_t> bytes);
// Decodes a run of DHCPv6 options (the payload of an option that carries options). Checks only
// the option framing.
Result<OptionList, DecodeError> decodeOptions6(std::span<const uint8_t> bytes);
// Decodes the payload of the IA_NA, IA_TA or IA_PD option named by `option_code`.
Result<Ia6, DecodeError> decodeIa6(uint16_t option_code, std::span<const uint8_t> payload);
Result<IaAddress6, DecodeError> decodeIaAddress6(std::span<const uint8_t> payload);
Result<IaPrefix6, DecodeError> decodeIaPrefix6(std::span<const uint8_t> payload);

// Replace `out` with the option payload of `ia`, `address` or `prefix` (fixed fields, then the
// nested options), ready for OptionList::add() under the matching option code.
void encodeIa6(const Ia6& ia, std::vector<uint8_t>& out);
void encodeIaAddress6(const IaAddress6& address, std::vector<uint8_t>& out);
void encodeIaPrefix6(const IaPrefix6& prefix, std::vector<uint8_t>& out);

// Writes DHCPv6 options (2-byte code, 2-byte length) into a buffer, including options that
// nest other options.
class OptionWriter6 {
 public:
  explicit OptionWriter6(std::vector<uint8_t>& out) : out_(out) {}
  // REQUIRES: payload.size() <= 65535, the most an option length field holds.
  void add(uint16_t code, std::span<const uint8_t> payload);
  // Writes every option of `options` in order. REQUIRES: no payload above 65535 bytes.
  void addAll(const OptionList& options);
  // Starts an option whose payload the caller writes next; returns a marker for close().
  size_t open(uint16_t code);
  // Fills in the length of the option opened at `marker`. REQUIRES: the payload written since
  // open() is at most 65535 bytes.
  void close(size_t marker);
  void appendBytes(std::span<const uint8_t> bytes);
  void appendUint8(uint8_t value);
  void appendUint16(uint16_t value);
  void appendUint32(uint32_t value);

 private:
  std::vector<uint8_t>& out_;
};

// Encodes `reply` into `out`, replacing its contents. The message is wrapped in one RELAY-REPL
// per entry of `reply.relays`, starting with the innermost (the last in the vector). Each layer
// carries its relay's options (interface-id and the like) as given, then the relay message.
// A relay message option (9) in a relay's list is skipped, since the encoder writes its own.
// Returns false, leaving `out` empty, when an option payload or a relay message would exceed
// the 65535 bytes an option length field holds; such a reply would not fit in a UDP datagram.
bool encodePkt6(const Pkt6& reply, std::vector<uint8_t>& out);

}  // namespace leasehold::packet
