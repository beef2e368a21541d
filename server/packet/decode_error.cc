#include "server/packet/decode_error.h"

namespace leasehold::packet {

std::string_view toString(DecodeError::Code code) {
  using Code = DecodeError::Code;
  switch (code) {
    case Code::kTruncated: return "truncated";
    case Code::kOptionTruncated: return "option-truncated";
    case Code::kBadOption: return "bad-option";
    case Code::kBadOpcode: return "bad-opcode";
    case Code::kBadHardwareLength: return "bad-hardware-length";
    case Code::kBadMagicCookie: return "bad-magic-cookie";
    case Code::kBadOverload: return "bad-overload";
    case Code::kNoMessageType: return "no-message-type";
    case Code::kBadMessageType: return "bad-message-type";
    case Code::kBadRelayAgentInfo: return "bad-relay-agent-info";
    case Code::kRelayTooDeep: return "relay-too-deep";
    case Code::kNoRelayMessage: return "no-relay-message";
    case Code::kBadRelayMessage: return "bad-relay-message";
    case Code::kBadIa: return "bad-ia";
    case Code::kBadIaAddress: return "bad-ia-address";
    case Code::kBadIaPrefix: return "bad-ia-prefix";
    case Code::kNotIpv4: return "not-ipv4";
    case Code::kBadIpVersion: return "bad-ip-version";
    case Code::kBadIpHeaderLength: return "bad-ip-header-length";
    case Code::kBadIpTotalLength: return "bad-ip-total-length";
    case Code::kBadIpChecksum: return "bad-ip-checksum";
    case Code::kIpFragment: return "ip-fragment";
    case Code::kNotUdp: return "not-udp";
    case Code::kBadUdpLength: return "bad-udp-length";
    case Code::kBadUdpChecksum: return "bad-udp-checksum";
  }
  return "unknown";
}

}  // namespace leasehold::packet
