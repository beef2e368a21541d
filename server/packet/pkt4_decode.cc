// DHCPv4 decoding: header checks, then two passes over the option areas. The first pass
// validates the framing and sizes every option after RFC 3396 concatenation. The second copies
// the pieces into an OptionList of exactly that size, so decoding allocates nothing per option.
#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "server/packet/byte_order.h"
#include "server/packet/pkt4.h"
#include "server/packet/pkt4_layout.h"

namespace leasehold::packet {
namespace {

using Code = DecodeError::Code;
using detail::AreaWalk;
using detail::load16;
using detail::load32;
using detail::walkArea4;

Unexpected<DecodeError> fail(Code code, std::string detail) {
  return Unexpected(DecodeError{code, std::move(detail)});
}

// Options the server reads as numbers or addresses, with the one length each may have.
struct FixedSize {
  uint8_t code;
  uint8_t length;
  const char* name;
};
constexpr std::array<FixedSize, 7> kFixedSizes{{
    {option4::kRequestedAddress, 4, "requested address"},
    {option4::kLeaseTime, 4, "lease time"},
    {option4::kServerIdentifier, 4, "server identifier"},
    {option4::kMaxMessageSize, 2, "maximum message size"},
    {option4::kRenewalTime, 4, "renewal time"},
    {option4::kRebindingTime, 4, "rebinding time"},
    {option4::kSubnetSelection, 4, "subnet selection"},
}};

constexpr uint16_t kAbsent = 0xffff;

// Sizes found by the first pass: the concatenated length of every code, and the codes in
// order of first appearance.
struct OptionSizes {
  std::array<uint16_t, 256> index{};     // position in `order`, or kAbsent
  std::array<uint32_t, 256> length{};    // concatenated payload bytes
  std::array<uint8_t, 256> order{};
  size_t distinct = 0;
  size_t bytes = 0;

  OptionSizes() { index.fill(kAbsent); }

  void note(uint8_t code, size_t fragment_length) {
    if (index[code] == kAbsent) {
      index[code] = static_cast<uint16_t>(distinct);
      order[distinct++] = code;
    }
    length[code] += static_cast<uint32_t>(fragment_length);
    bytes += fragment_length;
  }
  bool has(uint8_t code) const { return index[code] != kAbsent; }
};

// The areas that carry options, in RFC 3396's concatenation order: options field, file, sname.
struct Areas {
  std::span<const uint8_t> list[3];
  const char* names[3];
  size_t offsets[3];
  size_t count = 0;

  void push(std::span<const uint8_t> bytes, size_t offset, size_t size, const char* name) {
    list[count] = bytes.subspan(offset, size);
    names[count] = name;
    offsets[count] = offset;
    ++count;
  }
};

DecodeError optionTruncated(const AreaWalk& walk, size_t area_offset, const char* area_name) {
  return DecodeError{Code::kOptionTruncated,
                     fmt::format("option {} at offset {} runs past the end of the {}", walk.code,
                                 area_offset + walk.offset, area_name)};
}

void decodeHeader(std::span<const uint8_t> bytes, Pkt4& packet) {
  using namespace detail;
  packet.op = bytes[kOpOffset];
  packet.htype = bytes[kHtypeOffset];
  packet.hlen = bytes[kHlenOffset];
  packet.hops = bytes[kHopsOffset];
  packet.xid = load32(&bytes[kXidOffset]);
  packet.secs = load16(&bytes[kSecsOffset]);
  packet.flags = load16(&bytes[kFlagsOffset]);
  packet.ciaddr = IPv4Address(load32(&bytes[kCiaddrOffset]));
  packet.yiaddr = IPv4Address(load32(&bytes[kYiaddrOffset]));
  packet.siaddr = IPv4Address(load32(&bytes[kSiaddrOffset]));
  packet.giaddr = IPv4Address(load32(&bytes[kGiaddrOffset]));
  std::memcpy(packet.chaddr.data(), &bytes[kChaddrOffset], packet.chaddr.size());
  std::memcpy(packet.sname.data(), &bytes[kSnameOffset], kSnameSize);
  std::memcpy(packet.file.data(), &bytes[kFileOffset], kFileSize);
}

// First pass: finds the overload option in the options field, then sizes the options of every
// area it names. Fills `areas` and `sizes`.
std::optional<DecodeError> sizeOptions(std::span<const uint8_t> bytes, Areas& areas,
                                       OptionSizes& sizes) {
  using namespace detail;
  areas.push(bytes, kOptionsOffset, bytes.size() - kOptionsOffset, "options field");

  bool overload_seen = false;
  size_t overload_length = 0;
  uint8_t overload = 0;
  const auto size_options_field = [&](uint8_t code, std::span<const uint8_t> payload) {
    if (code == option4::kOverload) {
      overload_seen = true;
      if (overload_length == 0 && !payload.empty()) {
        overload = payload[0];
      }
      overload_length += payload.size();
    } else {
      sizes.note(code, payload.size());
    }
    return true;
  };
  const AreaWalk options_walk = walkArea4(areas.list[0], size_options_field);
  if (!options_walk.complete) {
    return optionTruncated(options_walk, kOptionsOffset, areas.names[0]);
  }

  if (overload_seen && (overload_length != 1 || overload < 1 || overload > 3)) {
    return DecodeError{Code::kBadOverload,
                       fmt::format("option 52 has {} bytes (first value {}), expected one byte "
                                   "of 1 (file), 2 (sname) or 3 (both)",
                                   overload_length, overload)};
  }
  if ((overload & kOverloadFile) != 0) {
    areas.push(bytes, kFileOffset, kFileSize, "file field");
  }
  if ((overload & kOverloadSname) != 0) {
    areas.push(bytes, kSnameOffset, kSnameSize, "sname field");
  }

  const auto size_overloaded_field = [&](uint8_t code, std::span<const uint8_t> payload) {
    if (code == option4::kOverload) {
      return false;
    }
    sizes.note(code, payload.size());
    return true;
  };
  for (size_t i = 1; i < areas.count; ++i) {
    const AreaWalk walk = walkArea4(areas.list[i], size_overloaded_field);
    if (walk.stopped) {
      return DecodeError{Code::kBadOverload,
                         fmt::format("option 52 at offset {} is inside the {}; it may only appear "
                                     "in the options field",
                                     areas.offsets[i] + walk.offset, areas.names[i])};
    }
    if (!walk.complete) {
      return optionTruncated(walk, areas.offsets[i], areas.names[i]);
    }
  }
  return std::nullopt;
}

std::optional<DecodeError> checkSizes(const OptionSizes& sizes) {
  if (!sizes.has(option4::kMessageType)) {
    return DecodeError{Code::kNoMessageType, "option 53 (message type) is missing"};
  }
  if (sizes.length[option4::kMessageType] != 1) {
    return DecodeError{Code::kBadMessageType,
                       fmt::format("option 53 (message type) has {} bytes, expected 1",
                                   sizes.length[option4::kMessageType])};
  }
  for (const FixedSize& fixed : kFixedSizes) {
    if (sizes.has(fixed.code) && sizes.length[fixed.code] != fixed.length) {
      return DecodeError{Code::kBadOption,
                         fmt::format("option {} ({}) has {} bytes, expected {}", fixed.code,
                                     fixed.name, sizes.length[fixed.code], fixed.length)};
    }
  }
  return std::nullopt;
}

// Second pass: copies every fragment into its option's place in the list.
void copyOptions(const Areas& areas, OptionSizes& sizes, OptionList& options) {
  options.reserve(sizes.distinct, sizes.bytes);
  for (size_t i = 0; i < sizes.distinct; ++i) {
    const uint8_t code = sizes.order[i];
    options.addZeroed(code, sizes.length[code]);
    sizes.length[code] = 0;  // from here on, the bytes copied so far
  }
  for (size_t i = 0; i < areas.count; ++i) {
    walkArea4(areas.list[i], [&](uint8_t code, std::span<const uint8_t> payload) {
      if (code == option4::kOverload || payload.empty()) {
        return true;
      }
      uint8_t* target = options.mutablePayload(sizes.index[code]).data() + sizes.length[code];
      std::memcpy(target, payload.data(), payload.size());
      sizes.length[code] += static_cast<uint32_t>(payload.size());
      return true;
    });
  }
}

std::optional<DecodeError> checkRelayAgentInfo(const OptionList& options) {
  const auto info = options.find(option4::kRelayAgentInformation);
  if (!info) {
    return std::nullopt;
  }
  size_t pos = 0;
  while (pos < info->size()) {
    if (pos + 2 > info->size() || pos + 2 + (*info)[pos + 1] > info->size()) {
      return DecodeError{Code::kBadRelayAgentInfo,
                         fmt::format("sub-option {} at offset {} runs past the end of option 82 "
                                     "({} bytes)",
                                     (*info)[pos], pos, info->size())};
    }
    pos += 2 + (*info)[pos + 1];
  }
  return std::nullopt;
}

}  // namespace

Result<Pkt4, DecodeError> decodePkt4(std::span<const uint8_t> bytes) {
  using namespace detail;
  if (bytes.size() < kPkt4FixedSize) {
    return fail(Code::kTruncated,
                fmt::format("{} bytes, shorter than the {}-byte header and magic cookie",
                            bytes.size(), kPkt4FixedSize));
  }
  if (bytes[kOpOffset] != kBootRequest && bytes[kOpOffset] != kBootReply) {
    return fail(Code::kBadOpcode, fmt::format("op is {}, expected 1 (BOOTREQUEST) or 2 "
                                              "(BOOTREPLY)",
                                              bytes[kOpOffset]));
  }
  if (bytes[kHlenOffset] > 16) {
    return fail(Code::kBadHardwareLength,
                fmt::format("hlen is {}, above the 16 bytes of chaddr", bytes[kHlenOffset]));
  }
  const uint32_t cookie = load32(&bytes[kCookieOffset]);
  if (cookie != kMagicCookie) {
    return fail(Code::kBadMagicCookie,
                fmt::format("magic cookie is {:08x}, expected 63825363", cookie));
  }

  Pkt4 packet;
  decodeHeader(bytes, packet);

  Areas areas;
  OptionSizes sizes;
  if (auto error = sizeOptions(bytes, areas, sizes)) {
    return Unexpected(std::move(*error));
  }
  if (auto error = checkSizes(sizes)) {
    return Unexpected(std::move(*error));
  }
  copyOptions(areas, sizes, packet.options);
  if (auto error = checkRelayAgentInfo(packet.options)) {
    return Unexpected(std::move(*error));
  }

  // A field that carried options contains no name.
  for (size_t i = 1; i < areas.count; ++i) {
    if (areas.offsets[i] == kFileOffset) {
      packet.file.fill(0);
    } else {
      packet.sname.fill(0);
    }
  }
  return packet;
}

}  // namespace leasehold::packet
