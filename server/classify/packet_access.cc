#include "server/classify/packet_access.h"

#include "server/packet/pkt4.h"
#include "server/packet/pkt6.h"

namespace leasehold::classify::detail {

namespace {

uint32_t readNumber(Bytes bytes, size_t width) {
  uint32_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    value = (value << 8) | bytes[i];
  }
  return value;
}

}  // namespace

const packet::OptionList& packetOptions(const PacketView& packet) {
  return packet.pkt4 != nullptr ? packet.pkt4->options : packet.pkt6->options;
}

std::optional<Bytes> findInRun(Bytes bytes, uint16_t code, bool wide) {
  const size_t header = wide ? 4 : 2;
  const size_t width = wide ? 2 : 1;
  size_t offset = 0;
  while (offset + header <= bytes.size()) {
    const uint32_t found = readNumber(bytes.subspan(offset), width);
    if (!wide && (found == 0 || found == 255)) {  // DHCPv4 pad and end have no length
      ++offset;
      continue;
    }
    const size_t length = readNumber(bytes.subspan(offset + width), width);
    if (offset + header + length > bytes.size()) {
      return std::nullopt;
    }
    if (found == code) {
      return bytes.subspan(offset + header, length);
    }
    offset += header + length;
  }
  return std::nullopt;
}

const packet::OptionList* relayOptions(const PacketView& packet, int64_t nest) {
  if (packet.pkt6 == nullptr) {
    return nullptr;
  }
  const auto& relays = packet.pkt6->relays;
  const int64_t index = nest >= 0 ? nest : static_cast<int64_t>(relays.size()) + nest;
  if (index < 0 || index >= static_cast<int64_t>(relays.size())) {
    return nullptr;
  }
  return &relays[static_cast<size_t>(index)].options;
}

std::optional<Bytes> relayAddress(const PacketView& packet, int64_t nest, bool peer) {
  if (packet.pkt6 == nullptr) {
    return std::nullopt;
  }
  const auto& relays = packet.pkt6->relays;
  const int64_t index = nest >= 0 ? nest : static_cast<int64_t>(relays.size()) + nest;
  if (index < 0 || index >= static_cast<int64_t>(relays.size())) {
    return std::nullopt;
  }
  const packet::RelayInfo6& relay = relays[static_cast<size_t>(index)];
  const auto& address = peer ? relay.peer_address : relay.link_address;
  return Bytes(address.bytes().data(), address.bytes().size());
}

std::optional<VendorBlock> vendorBlock(const PacketView& packet, bool vendor_class) {
  const bool v4 = packet.pkt4 != nullptr;
  const uint16_t code = v4 ? (vendor_class ? 124 : 125) : (vendor_class ? 16 : 17);
  const auto payload = packetOptions(packet).find(code);
  if (!payload || payload->size() < 4) {
    return std::nullopt;
  }
  VendorBlock block;
  block.enterprise = readNumber(*payload, 4);
  if (!v4) {
    block.data = payload->subspan(4);
    return block;
  }
  // DHCPv4 (RFC 3925): enterprise, a data length byte, then that many bytes.
  if (payload->size() < 5) {
    return std::nullopt;
  }
  const size_t length = (*payload)[4];
  if (5 + length > payload->size()) {
    return std::nullopt;
  }
  block.data = payload->subspan(5, length);
  return block;
}

std::optional<Bytes> vendorClassChunk(Bytes data, int64_t index, bool wide) {
  const size_t width = wide ? 2 : 1;
  size_t offset = 0;
  for (int64_t i = 0; offset + width <= data.size(); ++i) {
    const size_t length = readNumber(data.subspan(offset), width);
    if (offset + width + length > data.size()) {
      return std::nullopt;
    }
    if (i == index) {
      return data.subspan(offset + width, length);
    }
    offset += width + length;
  }
  return std::nullopt;
}

}  // namespace leasehold::classify::detail
