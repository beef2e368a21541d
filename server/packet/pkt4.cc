#include "server/packet/pkt4.h"

#include <algorithm>

namespace leasehold::packet {
namespace {

std::string textUpToNul(std::span<const uint8_t> field) {
  const auto end = std::find(field.begin(), field.end(), uint8_t{0});
  return std::string(field.begin(), end);
}

}  // namespace

std::optional<MessageType4> Pkt4::messageType() const {
  const auto payload = options.find(option4::kMessageType);
  if (!payload || payload->size() != 1) {
    return std::nullopt;
  }
  const uint8_t value = (*payload)[0];
  if (value < static_cast<uint8_t>(MessageType4::kDiscover) ||
      value > static_cast<uint8_t>(MessageType4::kLeaseQueryDone)) {
    return std::nullopt;
  }
  return static_cast<MessageType4>(value);
}

HwAddr Pkt4::hwAddr() const {
  const size_t length = std::min<size_t>(hlen, chaddr.size());
  HwAddr address;
  address.type = htype;
  address.bytes.assign(chaddr.begin(), chaddr.begin() + static_cast<std::ptrdiff_t>(length));
  return address;
}

std::optional<IPv4Address> Pkt4::addressOption(uint8_t code) const {
  const auto payload = options.find(code);
  if (!payload || payload->size() != 4) {
    return std::nullopt;
  }
  return IPv4Address::fromBytes(*payload);
}

std::optional<std::span<const uint8_t>> Pkt4::relayAgentSubOption(uint8_t sub_code) const {
  const auto info = options.find(option4::kRelayAgentInformation);
  if (!info) {
    return std::nullopt;
  }
  size_t pos = 0;
  while (pos + 2 <= info->size()) {
    const uint8_t code = (*info)[pos];
    const size_t length = (*info)[pos + 1];
    if (pos + 2 + length > info->size()) {
      return std::nullopt;
    }
    if (code == sub_code) {
      return info->subspan(pos + 2, length);
    }
    pos += 2 + length;
  }
  return std::nullopt;
}

std::string Pkt4::serverHostname() const { return textUpToNul(sname); }

std::string Pkt4::bootFileName() const { return textUpToNul(file); }

}  // namespace leasehold::packet
