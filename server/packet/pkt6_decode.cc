// DHCPv6 decoding. Each option area is read twice: a first pass checks the framing and the
// option rules and counts options and bytes, then a second pass copies them into an
// OptionList reserved to that size, so decoding allocates nothing per option.
#include <fmt/format.h>

#include "server/packet/byte_order.h"
#include "server/packet/pkt6.h"

namespace leasehold::packet {
namespace {

using Code = DecodeError::Code;
using detail::load16;
using detail::load32;

constexpr size_t kMessageHeaderSize = 4;
constexpr size_t kOptionHeaderSize = 4;
constexpr size_t kIaNaFixedSize = 12;  // IAID, T1, T2; IA_PD has the same layout
constexpr size_t kIaTaFixedSize = 4;   // IAID
constexpr size_t kIaAddressFixedSize = 24;
constexpr size_t kIaPrefixFixedSize = 25;
constexpr size_t kRemoteIdMinimumSize = 4;  // enterprise number

Unexpected<DecodeError> fail(Code code, std::string detail) {
  return Unexpected(DecodeError{code, std::move(detail)});
}

// Where an option area sits, which decides the rules its options follow.
enum class Scope {
  kFramingOnly,    // decodeOptions6(): no per-option rules
  kClientMessage,  // top level of the client's message
  kIaAddresses,    // inside IA_NA or IA_TA
  kIaPrefixes,     // inside IA_PD
  kIaLeaf,         // inside IAADDR or IAPREFIX
  kRelay,          // a relay layer, which also carries the relay message
};

// Counts and the relay message found by the first pass over one option area.
struct AreaSummary {
  size_t options = 0;  // not counting a relay message
  size_t bytes = 0;
  bool has_relay_message = false;
  std::span<const uint8_t> relay_message;
  size_t relay_message_offset = 0;
};

std::optional<DecodeError> checkArea(std::span<const uint8_t> area, size_t offset, Scope scope,
                                     AreaSummary& summary);

std::optional<DecodeError> checkNested(std::span<const uint8_t> payload, size_t fixed_size,
                                       size_t offset, Scope scope) {
  AreaSummary nested;
  return checkArea(payload.subspan(fixed_size), offset + fixed_size, scope, nested);
}

std::optional<DecodeError> badLength(uint16_t code, const char* name, size_t length,
                                     const char* expected, size_t offset) {
  return DecodeError{Code::kBadOption,
                     fmt::format("option {} ({}) at offset {} has {} bytes, expected {}", code,
                                 name, offset, length, expected)};
}

// Applies the rules of `scope` to one option whose payload starts at `offset`.
std::optional<DecodeError> checkOption(uint16_t code, std::span<const uint8_t> payload,
                                       size_t offset, Scope scope) {
  const size_t length = payload.size();
  if (code == option6::kStatusCode && scope != Scope::kFramingOnly && length < 2) {
    return badLength(code, "status code", length, "at least 2", offset);
  }
  switch (scope) {
    case Scope::kFramingOnly:
    case Scope::kIaLeaf:
      return std::nullopt;

    case Scope::kRelay:
      if (code == option6::kRemoteId && length < kRemoteIdMinimumSize) {
        return badLength(code, "remote-id", length, "at least 4", offset);
      }
      return std::nullopt;

    case Scope::kIaAddresses:
      if (code == option6::kIaAddr) {
        if (length < kIaAddressFixedSize) {
          return DecodeError{Code::kBadIaAddress,
                             fmt::format("IAADDR at offset {} has {} bytes, expected at least 24",
                                         offset, length)};
        }
        return checkNested(payload, kIaAddressFixedSize, offset, Scope::kIaLeaf);
      }
      return std::nullopt;

    case Scope::kIaPrefixes:
      if (code == option6::kIaPrefix) {
        if (length < kIaPrefixFixedSize || payload[8] > 128) {
          return DecodeError{
              Code::kBadIaPrefix,
              fmt::format("IAPREFIX at offset {} has {} bytes and prefix length {}, expected at "
                          "least 25 bytes and a length of at most 128",
                          offset, length, length > 8 ? payload[8] : 0)};
        }
        return checkNested(payload, kIaPrefixFixedSize, offset, Scope::kIaLeaf);
      }
      return std::nullopt;

    case Scope::kClientMessage:
      break;
  }

  switch (code) {
    case option6::kIaNa:
    case option6::kIaPd:
    case option6::kIaTa: {
      const size_t fixed = code == option6::kIaTa ? kIaTaFixedSize : kIaNaFixedSize;
      if (length < fixed) {
        return DecodeError{Code::kBadIa,
                           fmt::format("option {} (IA) at offset {} has {} bytes, expected at "
                                       "least {}",
                                       code, offset, length, fixed)};
      }
      return checkNested(payload, fixed, offset,
                         code == option6::kIaPd ? Scope::kIaPrefixes : Scope::kIaAddresses);
    }
    case option6::kElapsedTime:
      return length == 2 ? std::nullopt : badLength(code, "elapsed time", length, "2", offset);
    case option6::kPreference:
      return length == 1 ? std::nullopt : badLength(code, "preference", length, "1", offset);
    case option6::kOro:
      return length % 2 == 0 ? std::nullopt
                             : badLength(code, "option request", length, "an even count", offset);
    default:
      return std::nullopt;
  }
}

// First pass over an option area starting at `offset` in the input.
std::optional<DecodeError> checkArea(std::span<const uint8_t> area, size_t offset, Scope scope,
                                     AreaSummary& summary) {
  size_t pos = 0;
  while (pos < area.size()) {
    const size_t remaining = area.size() - pos;
    if (remaining < kOptionHeaderSize) {
      return DecodeError{Code::kOptionTruncated,
                         fmt::format("option header at offset {} is cut short: {} of 4 bytes",
                                     offset + pos, remaining)};
    }
    const uint16_t code = load16(&area[pos]);
    const size_t length = load16(&area[pos + 2]);
    if (length > remaining - kOptionHeaderSize) {
      return DecodeError{Code::kOptionTruncated,
                         fmt::format("option {} at offset {} has length {}, but only {} bytes "
                                     "follow",
                                     code, offset + pos, length, remaining - kOptionHeaderSize)};
    }
    const auto payload = area.subspan(pos + kOptionHeaderSize, length);
    const size_t payload_offset = offset + pos + kOptionHeaderSize;

    if (scope == Scope::kRelay && code == option6::kRelayMsg) {
      if (summary.has_relay_message) {
        return DecodeError{Code::kBadRelayMessage,
                           fmt::format("second relay message option at offset {}", offset + pos)};
      }
      summary.has_relay_message = true;
      summary.relay_message = payload;
      summary.relay_message_offset = payload_offset;
    } else {
      if (auto error = checkOption(code, payload, payload_offset, scope)) {
        return error;
      }
      ++summary.options;
      summary.bytes += length;
    }
    pos += kOptionHeaderSize + length;
  }
  return std::nullopt;
}

// Second pass: copies the options of an area the first pass accepted, except relay messages.
void copyArea(std::span<const uint8_t> area, const AreaSummary& summary, bool skip_relay_message,
              OptionList& options) {
  options.reserve(summary.options, summary.bytes);
  size_t pos = 0;
  while (pos < area.size()) {
    const uint16_t code = load16(&area[pos]);
    const size_t length = load16(&area[pos + 2]);
    if (!skip_relay_message || code != option6::kRelayMsg) {
      options.add(code, area.subspan(pos + kOptionHeaderSize, length));
    }
    pos += kOptionHeaderSize + length;
  }
}

bool isRelay(uint8_t type) {
  return type == static_cast<uint8_t>(MessageType6::kRelayForw) ||
         type == static_cast<uint8_t>(MessageType6::kRelayRepl);
}

// Reads one relay layer at `offset` into a new entry of packet.relays and returns the layer's
// relay message.
Result<AreaSummary, DecodeError> decodeRelayLayer(std::span<const uint8_t> message, size_t offset,
                                                  Pkt6& packet) {
  const size_t layer = packet.relays.size() + 1;
  if (packet.relays.size() == kMaxRelayDepth6) {
    return fail(Code::kRelayTooDeep, fmt::format("relay layer {} at offset {} is deeper than the "
                                                 "{} layers accepted",
                                                 layer, offset, kMaxRelayDepth6));
  }
  if (message.size() < kRelayHeaderSize6) {
    return fail(Code::kTruncated, fmt::format("relay layer {} at offset {} has {} bytes, shorter "
                                              "than the 34-byte relay header",
                                              layer, offset, message.size()));
  }

  const auto area = message.subspan(kRelayHeaderSize6);
  AreaSummary summary;
  if (auto error = checkArea(area, offset + kRelayHeaderSize6, Scope::kRelay, summary)) {
    return Unexpected(std::move(*error));
  }
  if (!summary.has_relay_message) {
    return fail(Code::kNoRelayMessage,
                fmt::format("relay layer {} at offset {} has no relay message option", layer,
                            offset));
  }

  RelayInfo6& relay = packet.relays.emplace_back();
  relay.hop_count = message[1];
  relay.link_address = IPv6Address::fromBytes(message.subspan(2, 16));
  relay.peer_address = IPv6Address::fromBytes(message.subspan(18, 16));
  copyArea(area, summary, true, relay.options);
  return summary;
}

}  // namespace

Result<Pkt6, DecodeError> decodePkt6(std::span<const uint8_t> bytes) {
  Pkt6 packet;
  std::span<const uint8_t> message = bytes;
  size_t offset = 0;
  uint8_t relay_type = 0;

  // Unwrap relay layers until the client's message.
  while (!message.empty() && isRelay(message[0])) {
    if (relay_type != 0 && message[0] != relay_type) {
      return fail(Code::kBadRelayMessage,
                  fmt::format("relay layer {} at offset {} has type {} inside a layer of type {}",
                              packet.relays.size() + 1, offset, message[0], relay_type));
    }
    relay_type = message[0];
    auto summary = decodeRelayLayer(message, offset, packet);
    if (!summary) {
      return Unexpected(std::move(summary).error());
    }
    message = summary->relay_message;
    offset = summary->relay_message_offset;
  }

  if (message.size() < kMessageHeaderSize) {
    return fail(Code::kTruncated, fmt::format("message at offset {} has {} bytes, shorter than "
                                              "the 4-byte header",
                                              offset, message.size()));
  }
  const auto area = message.subspan(kMessageHeaderSize);
  AreaSummary summary;
  if (auto error = checkArea(area, offset + kMessageHeaderSize, Scope::kClientMessage, summary)) {
    return Unexpected(std::move(*error));
  }
  packet.type = static_cast<MessageType6>(message[0]);
  packet.transaction_id = load32(message.data()) & 0xffffff;
  copyArea(area, summary, false, packet.options);
  return packet;
}

Result<OptionList, DecodeError> decodeOptions6(std::span<const uint8_t> bytes) {
  AreaSummary summary;
  if (auto error = checkArea(bytes, 0, Scope::kFramingOnly, summary)) {
    return Unexpected(std::move(*error));
  }
  OptionList options;
  copyArea(bytes, summary, false, options);
  return options;
}

Result<Ia6, DecodeError> decodeIa6(uint16_t option_code, std::span<const uint8_t> payload) {
  if (option_code != option6::kIaNa && option_code != option6::kIaTa &&
      option_code != option6::kIaPd) {
    return fail(Code::kBadIa, fmt::format("option {} is not IA_NA, IA_TA or IA_PD", option_code));
  }
  const size_t fixed = option_code == option6::kIaTa ? kIaTaFixedSize : kIaNaFixedSize;
  if (payload.size() < fixed) {
    return fail(Code::kBadIa, fmt::format("option {} (IA) has {} bytes, expected at least {}",
                                          option_code, payload.size(), fixed));
  }
  auto options = decodeOptions6(payload.subspan(fixed));
  if (!options) {
    return Unexpected(std::move(options).error());
  }

  Ia6 ia;
  ia.option_code = option_code;
  ia.iaid = load32(payload.data());
  if (option_code != option6::kIaTa) {
    ia.t1 = load32(payload.data() + 4);
    ia.t2 = load32(payload.data() + 8);
  }
  ia.options = std::move(options).value();
  return ia;
}

Result<IaAddress6, DecodeError> decodeIaAddress6(std::span<const uint8_t> payload) {
  if (payload.size() < kIaAddressFixedSize) {
    return fail(Code::kBadIaAddress,
                fmt::format("IAADDR has {} bytes, expected at least 24", payload.size()));
  }
  auto options = decodeOptions6(payload.subspan(kIaAddressFixedSize));
  if (!options) {
    return Unexpected(std::move(options).error());
  }

  IaAddress6 address;
  address.address = IPv6Address::fromBytes(payload.subspan(0, 16));
  address.preferred_lifetime = load32(payload.data() + 16);
  address.valid_lifetime = load32(payload.data() + 20);
  address.options = std::move(options).value();
  return address;
}

Result<IaPrefix6, DecodeError> decodeIaPrefix6(std::span<const uint8_t> payload) {
  if (payload.size() < kIaPrefixFixedSize || payload[8] > 128) {
    return fail(Code::kBadIaPrefix,
                fmt::format("IAPREFIX has {} bytes and prefix length {}, expected at least 25 "
                            "bytes and a length of at most 128",
                            payload.size(), payload.size() > 8 ? payload[8] : 0));
  }
  auto options = decodeOptions6(payload.subspan(kIaPrefixFixedSize));
  if (!options) {
    return Unexpected(std::move(options).error());
  }

  IaPrefix6 prefix;
  prefix.preferred_lifetime = load32(payload.data());
  prefix.valid_lifetime = load32(payload.data() + 4);
  prefix.prefix_length = payload[8];
  prefix.prefix = IPv6Address::fromBytes(payload.subspan(9, 16));
  prefix.options = std::move(options).value();
  return prefix;
}

}  // namespace leasehold::packet
