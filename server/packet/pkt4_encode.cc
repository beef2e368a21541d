// DHCPv4 encoding: header, options split at 255 bytes (RFC 3396), end option and padding, with
// option overload (RFC 2132 section 9.3) when the options field is too small.
#include <algorithm>
#include <cstring>

#include "server/packet/byte_order.h"
#include "server/packet/pkt4.h"
#include "server/packet/pkt4_layout.h"

namespace leasehold::packet {
namespace {

using detail::store16;
using detail::store32;

constexpr size_t kMaxPiece = 255;

// Bytes an option takes on the wire once split into pieces of at most 255 bytes.
size_t encodedSize(size_t length) {
  if (length == 0) {
    return 2;
  }
  return length + 2 * ((length + kMaxPiece - 1) / kMaxPiece);
}

// Pad, end and overload belong to the framing, which the encoder writes itself.
bool encodable(uint16_t code) {
  return code != option4::kPad && code != option4::kEnd && code != option4::kOverload &&
         code <= 0xff;
}

uint8_t* writeOption(uint8_t* cursor, uint8_t code, std::span<const uint8_t> payload) {
  if (payload.empty()) {
    cursor[0] = code;
    cursor[1] = 0;
    return cursor + 2;
  }
  for (size_t pos = 0; pos < payload.size(); pos += kMaxPiece) {
    const size_t piece = std::min(kMaxPiece, payload.size() - pos);
    cursor[0] = code;
    cursor[1] = static_cast<uint8_t>(piece);
    std::memcpy(cursor + 2, payload.data() + pos, piece);
    cursor += 2 + piece;
  }
  return cursor;
}

// REQUIRES: `out` points at kPkt4FixedSize writable bytes or more.
void writeHeader(const Pkt4& packet, uint8_t* out) {
  using namespace detail;
  out[kOpOffset] = packet.op;
  out[kHtypeOffset] = packet.htype;
  out[kHlenOffset] = packet.hlen;
  out[kHopsOffset] = packet.hops;
  store32(out + kXidOffset, packet.xid);
  store16(out + kSecsOffset, packet.secs);
  store16(out + kFlagsOffset, packet.flags);
  store32(out + kCiaddrOffset, packet.ciaddr.toUint32());
  store32(out + kYiaddrOffset, packet.yiaddr.toUint32());
  store32(out + kSiaddrOffset, packet.siaddr.toUint32());
  store32(out + kGiaddrOffset, packet.giaddr.toUint32());
  std::memcpy(out + kChaddrOffset, packet.chaddr.data(), packet.chaddr.size());
  std::memcpy(out + kSnameOffset, packet.sname.data(), kSnameSize);
  std::memcpy(out + kFileOffset, packet.file.data(), kFileSize);
  store32(out + kCookieOffset, kMagicCookie);
}

template <size_t N>
bool allZero(const std::array<uint8_t, N>& field) {
  return std::all_of(field.begin(), field.end(), [](uint8_t byte) { return byte == 0; });
}

// One region that receives options, with room kept for its end option.
struct Area {
  uint8_t* begin;
  uint8_t* cursor;
  size_t room;

  bool used() const { return cursor != begin; }
};

// Places every option whole into the first of options field, file and sname with room for it.
// Returns the number of options that fit nowhere. REQUIRES: limit >= kPkt4MinimumSize.
size_t encodeOverloaded(const Pkt4& packet, std::vector<uint8_t>& out, size_t limit) {
  using namespace detail;
  constexpr size_t kOverloadOptionSize = 3;
  out.assign(limit, 0);
  writeHeader(packet, out.data());

  uint8_t* const main_begin = out.data() + kOptionsOffset + kOverloadOptionSize;
  Area main{main_begin, main_begin, limit - kOptionsOffset - kOverloadOptionSize - 1};
  Area file{out.data() + kFileOffset, out.data() + kFileOffset,
            allZero(packet.file) ? kFileSize - 1 : 0};
  Area sname{out.data() + kSnameOffset, out.data() + kSnameOffset,
             allZero(packet.sname) ? kSnameSize - 1 : 0};
  Area* const areas[] = {&main, &file, &sname};

  size_t left_out = 0;
  for (const OptionList::Entry& entry : packet.options.entries()) {
    if (!encodable(entry.code)) {
      continue;  // counted by the caller
    }
    const size_t size = encodedSize(entry.length);
    const auto has_room = [size](const Area* candidate) { return candidate->room >= size; };
    const auto area = std::find_if(std::begin(areas), std::end(areas), has_room);
    if (area == std::end(areas)) {
      ++left_out;
      continue;
    }
    (*area)->cursor = writeOption((*area)->cursor, static_cast<uint8_t>(entry.code),
                                  packet.options.payload(entry));
    (*area)->room -= size;
  }

  // Option 52 goes first in the options field; without spilled options, drop its slot.
  const uint8_t overload = static_cast<uint8_t>((file.used() ? kOverloadFile : 0) |
                                                (sname.used() ? kOverloadSname : 0));
  const size_t main_used = static_cast<size_t>(main.cursor - main.begin);
  size_t end_offset = kOptionsOffset;
  if (overload == 0) {
    std::memmove(out.data() + kOptionsOffset, main.begin, main_used);
    std::fill_n(out.data() + kOptionsOffset + main_used, kOverloadOptionSize, uint8_t{0});
    end_offset += main_used;
  } else {
    out[kOptionsOffset] = option4::kOverload;
    out[kOptionsOffset + 1] = 1;
    out[kOptionsOffset + 2] = overload;
    end_offset += kOverloadOptionSize + main_used;
  }
  out[end_offset] = option4::kEnd;
  for (Area* area : {&file, &sname}) {
    if (area->used()) {
      *area->cursor = option4::kEnd;
    }
  }
  out.resize(std::max(end_offset + 1, kPkt4MinimumSize));
  return left_out;
}

}  // namespace

size_t encodePkt4(const Pkt4& packet, std::vector<uint8_t>& out, size_t max_size) {
  using namespace detail;
  const size_t limit = std::max(max_size, kPkt4MinimumSize);

  size_t left_out = 0;
  size_t options_size = 0;
  for (const OptionList::Entry& entry : packet.options.entries()) {
    if (encodable(entry.code)) {
      options_size += encodedSize(entry.length);
    } else {
      ++left_out;
    }
  }

  // The options field keeps one byte for the end option.
  if (options_size > limit - kOptionsOffset - 1) {
    return left_out + encodeOverloaded(packet, out, limit);
  }

  out.assign(std::max(kOptionsOffset + options_size + 1, kPkt4MinimumSize), 0);
  writeHeader(packet, out.data());
  uint8_t* cursor = out.data() + kOptionsOffset;
  for (const OptionList::Entry& entry : packet.options.entries()) {
    if (encodable(entry.code)) {
      cursor = writeOption(cursor, static_cast<uint8_t>(entry.code), packet.options.payload(entry));
    }
  }
  *cursor = option4::kEnd;
  return left_out;
}

}  // namespace leasehold::packet
