// Byte layout of the BOOTP/DHCPv4 message (RFC 2131 section 2, RFC 2132 section 2), shared by
// the DHCPv4 decoder and encoder. Internal to server/packet/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "server/packet/pkt4.h"

namespace leasehold::packet::detail {

inline constexpr size_t kOpOffset = 0;
inline constexpr size_t kHtypeOffset = 1;
inline constexpr size_t kHlenOffset = 2;
inline constexpr size_t kHopsOffset = 3;
inline constexpr size_t kXidOffset = 4;
inline constexpr size_t kSecsOffset = 8;
inline constexpr size_t kFlagsOffset = 10;
inline constexpr size_t kCiaddrOffset = 12;
inline constexpr size_t kYiaddrOffset = 16;
inline constexpr size_t kSiaddrOffset = 20;
inline constexpr size_t kGiaddrOffset = 24;
inline constexpr size_t kChaddrOffset = 28;
inline constexpr size_t kSnameOffset = 44;
inline constexpr size_t kSnameSize = 64;
inline constexpr size_t kFileOffset = 108;
inline constexpr size_t kFileSize = 128;
inline constexpr size_t kCookieOffset = 236;
inline constexpr size_t kOptionsOffset = kPkt4FixedSize;
inline constexpr uint32_t kMagicCookie = 0x63825363;

// Values of the overload option (52): which header fields carry options.
inline constexpr uint8_t kOverloadFile = 1;
inline constexpr uint8_t kOverloadSname = 2;

// Outcome of walking one option area.
struct AreaWalk {
  bool complete = true;    // false when an option ran past the area's end
  bool stopped = false;    // true when the visitor asked to stop
  size_t offset = 0;       // where the walk ended, relative to the area
  uint8_t code = 0;        // the option being read when the walk ended early
};

// Calls `visit(code, payload)` for each option in `area` up to the end option, skipping pad.
// `visit` returns false to stop the walk. Never reads outside `area`.
template <typename Visit>
AreaWalk walkArea4(std::span<const uint8_t> area, Visit&& visit) {
  AreaWalk walk;
  size_t pos = 0;
  while (pos < area.size()) {
    const uint8_t code = area[pos];
    if (code == option4::kPad) {
      ++pos;
      continue;
    }
    if (code == option4::kEnd) {
      break;
    }
    if (pos + 2 > area.size() || pos + 2 + area[pos + 1] > area.size()) {
      walk.complete = false;
      walk.offset = pos;
      walk.code = code;
      return walk;
    }
    const size_t length = area[pos + 1];
    if (!visit(code, area.subspan(pos + 2, length))) {
      walk.stopped = true;
      walk.offset = pos;
      walk.code = code;
      return walk;
    }
    pos += 2 + length;
  }
  walk.offset = pos;
  return walk;
}

}  // namespace leasehold::packet::detail
