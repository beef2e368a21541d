// DHCPv6 encoding: the option writer, the IA encoders, and the message encoder that wraps a
// reply in its RELAY-REPL layers. encodePkt6 sizes every layer first and then writes the
// outermost layer down to the client's message into one buffer, so nothing is copied twice.
#include <cstring>

#include "server/packet/byte_order.h"
#include "server/packet/pkt6.h"

namespace leasehold::packet {
namespace {

using detail::store16;
using detail::store32;

constexpr size_t kOptionHeaderSize = 4;
constexpr size_t kMaxOptionLength = 0xffff;

// Wire size of a list's options; false when a payload is too long for its length field.
bool optionsSize(const OptionList& options, bool skip_relay_message, size_t& size) {
  size = 0;
  for (const OptionList::Entry& entry : options.entries()) {
    if (skip_relay_message && entry.code == option6::kRelayMsg) {
      continue;
    }
    if (entry.length > kMaxOptionLength) {
      return false;
    }
    size += kOptionHeaderSize + entry.length;
  }
  return true;
}

uint8_t* writeOptions(uint8_t* cursor, const OptionList& options, bool skip_relay_message) {
  for (const OptionList::Entry& entry : options.entries()) {
    if (skip_relay_message && entry.code == option6::kRelayMsg) {
      continue;
    }
    store16(cursor, entry.code);
    store16(cursor + 2, static_cast<uint16_t>(entry.length));
    if (entry.length != 0) {
      std::memcpy(cursor + kOptionHeaderSize, options.payload(entry).data(), entry.length);
    }
    cursor += kOptionHeaderSize + entry.length;
  }
  return cursor;
}

}  // namespace

void OptionWriter6::add(uint16_t code, std::span<const uint8_t> payload) {
  appendUint16(code);
  appendUint16(static_cast<uint16_t>(payload.size()));
  appendBytes(payload);
}

void OptionWriter6::addAll(const OptionList& options) {
  for (const OptionList::Entry& entry : options.entries()) {
    add(entry.code, options.payload(entry));
  }
}

size_t OptionWriter6::open(uint16_t code) {
  const size_t marker = out_.size();
  appendUint16(code);
  appendUint16(0);
  return marker;
}

void OptionWriter6::close(size_t marker) {
  const size_t length = out_.size() - marker - kOptionHeaderSize;
  store16(out_.data() + marker + 2, static_cast<uint16_t>(length));
}

void OptionWriter6::appendBytes(std::span<const uint8_t> bytes) {
  out_.insert(out_.end(), bytes.begin(), bytes.end());
}

void OptionWriter6::appendUint8(uint8_t value) { out_.push_back(value); }

void OptionWriter6::appendUint16(uint16_t value) {
  const size_t at = out_.size();
  out_.resize(at + 2);
  store16(out_.data() + at, value);
}

void OptionWriter6::appendUint32(uint32_t value) {
  const size_t at = out_.size();
  out_.resize(at + 4);
  store32(out_.data() + at, value);
}

void encodeIa6(const Ia6& ia, std::vector<uint8_t>& out) {
  out.clear();
  OptionWriter6 writer(out);
  writer.appendUint32(ia.iaid);
  if (ia.option_code != option6::kIaTa) {
    writer.appendUint32(ia.t1);
    writer.appendUint32(ia.t2);
  }
  writer.addAll(ia.options);
}

void encodeIaAddress6(const IaAddress6& address, std::vector<uint8_t>& out) {
  out.clear();
  OptionWriter6 writer(out);
  writer.appendBytes(address.address.bytes());
  writer.appendUint32(address.preferred_lifetime);
  writer.appendUint32(address.valid_lifetime);
  writer.addAll(address.options);
}

void encodeIaPrefix6(const IaPrefix6& prefix, std::vector<uint8_t>& out) {
  out.clear();
  OptionWriter6 writer(out);
  writer.appendUint32(prefix.preferred_lifetime);
  writer.appendUint32(prefix.valid_lifetime);
  writer.appendUint8(prefix.prefix_length);
  writer.appendBytes(prefix.prefix.bytes());
  writer.addAll(prefix.options);
}

bool encodePkt6(const Pkt6& reply, std::vector<uint8_t>& out) {
  out.clear();

  // Size the layers from the client's message outwards.
  size_t total = 0;
  if (!optionsSize(reply.options, false, total)) {
    return false;
  }
  total += 4;
  for (size_t i = reply.relays.size(); i-- > 0;) {
    size_t relay_options = 0;
    if (total > kMaxOptionLength || !optionsSize(reply.relays[i].options, true, relay_options)) {
      return false;
    }
    total += kRelayHeaderSize6 + relay_options + kOptionHeaderSize;
  }

  // Write from the outermost layer inwards. Each relay message contains everything after it.
  out.resize(total);
  uint8_t* cursor = out.data();
  size_t remaining = total;
  for (const RelayInfo6& relay : reply.relays) {
    size_t relay_options = 0;
    optionsSize(relay.options, true, relay_options);
    remaining -= kRelayHeaderSize6 + relay_options + kOptionHeaderSize;

    cursor[0] = static_cast<uint8_t>(MessageType6::kRelayRepl);
    cursor[1] = relay.hop_count;
    std::memcpy(cursor + 2, relay.link_address.bytes().data(), 16);
    std::memcpy(cursor + 18, relay.peer_address.bytes().data(), 16);
    cursor = writeOptions(cursor + kRelayHeaderSize6, relay.options, true);
    store16(cursor, option6::kRelayMsg);
    store16(cursor + 2, static_cast<uint16_t>(remaining));
    cursor += kOptionHeaderSize;
  }
  store32(cursor, (uint32_t{static_cast<uint8_t>(reply.type)} << 24) |
                      (reply.transaction_id & 0xffffff));
  writeOptions(cursor + 4, reply.options, false);
  return true;
}

}  // namespace leasehold::packet
