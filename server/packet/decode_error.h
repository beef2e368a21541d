// The error every packet decoder returns (DHCPv4, DHCPv6 and raw IPv4/UDP frames).
#pragma once

#include <string>
#include <string_view>

namespace leasehold::packet {

struct DecodeError {
  enum class Code {
    // Every decoder.
    kTruncated,        // shorter than its fixed header, or than a length field claims
    kOptionTruncated,  // an option's code, length or payload runs past the end of its area
    kBadOption,        // an option whose length breaks its definition (`detail` names it)

    // DHCPv4.
    kBadOpcode,          // op is neither BOOTREQUEST (1) nor BOOTREPLY (2)
    kBadHardwareLength,  // hlen above 16
    kBadMagicCookie,
    kBadOverload,            // option 52 not one byte of 1-3, or found inside `file` or `sname`
    kNoMessageType,          // option 53 missing
    kBadMessageType,         // option 53 not exactly one byte
    kBadRelayAgentInfo,      // a sub-option of option 82 runs past the option's end

    // DHCPv6.
    kRelayTooDeep,     // more than kMaxRelayDepth6 relay layers
    kNoRelayMessage,   // a relay layer without a relay message option
    kBadRelayMessage,  // two relay messages in one layer, or RELAY-FORW and RELAY-REPL mixed
    kBadIa,            // IA_NA or IA_PD shorter than 12 bytes, IA_TA shorter than 4
    kBadIaAddress,     // IAADDR shorter than 24 bytes
    kBadIaPrefix,      // IAPREFIX shorter than 25 bytes, or a prefix length above 128

    // Ethernet II + IPv4 + UDP frames.
    kNotIpv4,             // EtherType is not IPv4 (0x0800)
    kBadIpVersion,        // version field is not 4
    kBadIpHeaderLength,   // IHL below 5, or a header longer than the total length
    kBadIpTotalLength,    // total length shorter than the IP and UDP headers
    kBadIpChecksum,
    kIpFragment,          // more-fragments bit or a fragment offset set
    kNotUdp,              // protocol is not UDP (17)
    kBadUdpLength,        // UDP length below 8 or beyond the IP payload
    kBadUdpChecksum,      // a non-zero UDP checksum that does not verify
  };

  Code code;
  std::string detail;  // human-readable specifics: offsets, lengths, option codes
};

// Returns a stable lowercase name for `code` ("option-truncated"), for statistics names and
// log fields.
std::string_view toString(DecodeError::Code code);

}  // namespace leasehold::packet
