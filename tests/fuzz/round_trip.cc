#include "tests/fuzz/round_trip.h"

#include <algorithm>
#include <vector>

#include "server/packet/frame4.h"
#include "server/packet/pkt4.h"
#include "server/packet/pkt6.h"

namespace leasehold::fuzz {
namespace {

using packet::OptionList;

template <typename T>
std::string checkError(const Result<T, packet::DecodeError>& result,
                       const char* decoder) {
  if (result.error().detail.empty()) {
    return std::string(decoder) + " error " + std::string(packet::toString(result.error().code)) +
           " has no detail";
  }
  return {};
}

// Options as (code, payload) pairs sorted by code: the DHCPv4 encoder may move options between
// areas when it overloads, which changes their order but not the set.
std::vector<std::pair<uint16_t, std::vector<uint8_t>>> sortedOptions(const OptionList& options) {
  std::vector<std::pair<uint16_t, std::vector<uint8_t>>> sorted;
  for (const auto& entry : options.entries()) {
    const auto payload = options.payload(entry);
    sorted.emplace_back(entry.code, std::vector<uint8_t>(payload.begin(), payload.end()));
  }
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto& left, const auto& right) { return left.first < right.first; });
  return sorted;
}

std::string comparePkt4(const packet::Pkt4& first, const packet::Pkt4& second) {
  if (first.op != second.op || first.htype != second.htype || first.hlen != second.hlen ||
      first.hops != second.hops || first.xid != second.xid || first.secs != second.secs ||
      first.flags != second.flags) {
    return "DHCPv4 fixed header fields differ after the round trip";
  }
  if (first.ciaddr != second.ciaddr || first.yiaddr != second.yiaddr ||
      first.siaddr != second.siaddr || first.giaddr != second.giaddr) {
    return "DHCPv4 addresses differ after the round trip";
  }
  if (first.chaddr != second.chaddr || first.sname != second.sname || first.file != second.file) {
    return "DHCPv4 chaddr, sname or file differ after the round trip";
  }
  if (sortedOptions(first.options) != sortedOptions(second.options)) {
    return "DHCPv4 options differ after the round trip";
  }
  return {};
}

std::string comparePkt6(const packet::Pkt6& first, const packet::Pkt6& second) {
  if (first.type != second.type || first.transaction_id != second.transaction_id) {
    return "DHCPv6 type or transaction id differ after the round trip";
  }
  if (!(first.options == second.options)) {
    return "DHCPv6 options differ after the round trip";
  }
  if (first.relays.size() != second.relays.size()) {
    return "DHCPv6 relay count differs after the round trip";
  }
  for (size_t i = 0; i < first.relays.size(); ++i) {
    const auto& a = first.relays[i];
    const auto& b = second.relays[i];
    if (a.hop_count != b.hop_count || a.link_address != b.link_address ||
        a.peer_address != b.peer_address || !(a.options == b.options)) {
      return "DHCPv6 relay layer " + std::to_string(i + 1) + " differs after the round trip";
    }
  }
  return {};
}

std::string checkNested6(const OptionList& ia_options, uint16_t code) {
  std::vector<uint8_t> encoded;
  for (const auto& entry : ia_options.entries()) {
    const auto payload = ia_options.payload(entry);
    if (entry.code == packet::option6::kIaAddr && code != packet::option6::kIaPd) {
      auto address = packet::decodeIaAddress6(payload);
      if (!address) {
        return "IAADDR accepted by decodePkt6 fails decodeIaAddress6: " + address.error().detail;
      }
      packet::encodeIaAddress6(*address, encoded);
    } else if (entry.code == packet::option6::kIaPrefix && code == packet::option6::kIaPd) {
      auto prefix = packet::decodeIaPrefix6(payload);
      if (!prefix) {
        return "IAPREFIX accepted by decodePkt6 fails decodeIaPrefix6: " + prefix.error().detail;
      }
      packet::encodeIaPrefix6(*prefix, encoded);
    } else {
      continue;
    }
    if (!std::equal(encoded.begin(), encoded.end(), payload.begin(), payload.end())) {
      return "IAADDR or IAPREFIX does not re-encode to its payload";
    }
  }
  return {};
}

std::string checkIas6(const packet::Pkt6& message) {
  std::vector<uint8_t> encoded;
  for (const auto& entry : message.options.entries()) {
    if (entry.code != packet::option6::kIaNa && entry.code != packet::option6::kIaTa &&
        entry.code != packet::option6::kIaPd) {
      continue;
    }
    const auto payload = message.options.payload(entry);
    auto ia = packet::decodeIa6(entry.code, payload);
    if (!ia) {
      return "IA accepted by decodePkt6 fails decodeIa6: " + ia.error().detail;
    }
    packet::encodeIa6(*ia, encoded);
    if (!std::equal(encoded.begin(), encoded.end(), payload.begin(), payload.end())) {
      return "IA option does not re-encode to its payload";
    }
    if (auto failure = checkNested6(ia->options, entry.code); !failure.empty()) {
      return failure;
    }
  }
  return {};
}

}  // namespace

std::string checkPkt4RoundTrip(std::span<const uint8_t> input) {
  const auto first = packet::decodePkt4(input);
  if (!first) {
    return checkError(first, "decodePkt4");
  }

  // Re-encoded options take no more room than they did in the input, where `file` and `sname`
  // may have held up to 192 bytes of them, so this limit leaves nothing out.
  const size_t max_size = input.size() + 256;
  std::vector<uint8_t> encoded;
  if (const size_t left_out = packet::encodePkt4(*first, encoded, max_size); left_out != 0) {
    return std::to_string(left_out) + " options left out when re-encoding a decoded message";
  }
  const auto second = packet::decodePkt4(encoded);
  if (!second) {
    return "re-encoded DHCPv4 message fails to decode: " + second.error().detail;
  }
  if (auto failure = comparePkt4(*first, *second); !failure.empty()) {
    return failure;
  }

  std::vector<uint8_t> encoded_again;
  packet::encodePkt4(*second, encoded_again, max_size);
  if (encoded_again != encoded) {
    return "encoding the re-decoded DHCPv4 message gives different bytes";
  }
  return {};
}

std::string checkPkt6RoundTrip(std::span<const uint8_t> input) {
  const auto first = packet::decodePkt6(input);
  if (!first) {
    return checkError(first, "decodePkt6");
  }
  if (auto failure = checkIas6(*first); !failure.empty()) {
    return failure;
  }

  std::vector<uint8_t> encoded;
  if (!packet::encodePkt6(*first, encoded)) {
    return "a decoded DHCPv6 message fails to encode";
  }
  const auto second = packet::decodePkt6(encoded);
  if (!second) {
    return "re-encoded DHCPv6 message fails to decode: " + second.error().detail;
  }
  if (auto failure = comparePkt6(*first, *second); !failure.empty()) {
    return failure;
  }

  std::vector<uint8_t> encoded_again;
  packet::encodePkt6(*second, encoded_again);
  if (encoded_again != encoded) {
    return "encoding the re-decoded DHCPv6 message gives different bytes";
  }
  return {};
}

namespace {

// Frames `payload` and checks that decoding the frame gives it back. Random input rarely
// carries valid checksums, so this is what exercises the encoder and the checksum code.
std::string checkFramedPayload(std::span<const uint8_t> payload) {
  packet::Frame4 frame;
  frame.source_mac = {0x02, 0, 0, 0, 0, 0x01};
  frame.destination_mac = packet::kBroadcastMac;
  frame.source_address = IPv4Address(0xc0000201);
  frame.destination_address = packet::kBroadcastAddress4;
  frame.source_port = 67;
  frame.destination_port = 68;
  frame.payload = payload;
  std::vector<uint8_t> encoded;
  if (!packet::encodeFrame4(frame, encoded)) {
    return payload.size() > packet::kMaxFramePayload4 ? "" : "a payload that fits fails to frame";
  }
  const auto decoded = packet::decodeFrame4(encoded);
  if (!decoded) {
    return "a frame built by encodeFrame4 fails to decode: " + decoded.error().detail;
  }
  if (!std::equal(payload.begin(), payload.end(), decoded->payload.begin(),
                  decoded->payload.end())) {
    return "a framed payload comes back changed";
  }
  return {};
}

}  // namespace

std::string checkFrame4RoundTrip(std::span<const uint8_t> input) {
  if (auto failure = checkFramedPayload(input); !failure.empty()) {
    return failure;
  }

  const auto first = packet::decodeFrame4(input);
  if (!first) {
    return checkError(first, "decodeFrame4");
  }

  std::vector<uint8_t> encoded;
  if (!packet::encodeFrame4(*first, encoded)) {
    return "a decoded frame fails to encode";
  }
  const auto second = packet::decodeFrame4(encoded);
  if (!second) {
    return "re-encoded frame fails to decode: " + second.error().detail;
  }
  if (first->source_mac != second->source_mac ||
      first->destination_mac != second->destination_mac ||
      first->source_address != second->source_address ||
      first->destination_address != second->destination_address ||
      first->source_port != second->source_port ||
      first->destination_port != second->destination_port || first->ttl != second->ttl ||
      first->tos != second->tos || first->identification != second->identification ||
      first->dont_fragment != second->dont_fragment) {
    return "frame header fields differ after the round trip";
  }
  if (!std::equal(first->payload.begin(), first->payload.end(), second->payload.begin(),
                  second->payload.end())) {
    return "frame payload differs after the round trip";
  }
  return checkPkt4RoundTrip(first->payload);
}

}  // namespace leasehold::fuzz
