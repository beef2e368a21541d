#include "server/dhcp4/reply_size4.h"

#include <algorithm>
#include <array>
#include <vector>


namespace leasehold::dhcp4 {
namespace {

constexpr size_t kMaxPiece = 255;
constexpr int kRankEssential = 0;
constexpr int kRankRequested = 1;
constexpr int kRankOther = 2;

bool essential(uint16_t code) {
  switch (code) {
    case packet::option4::kMessageType:
    case packet::option4::kServerIdentifier:
    case packet::option4::kLeaseTime:
    case packet::option4::kRenewalTime:
    case packet::option4::kRebindingTime:
    case packet::option4::kSubnetMask:
    case packet::option4::kRouters:
    case packet::option4::kClientIdentifier:
    case packet::option4::kRelayAgentInformation:
      return true;
    default:
      return false;
  }
}

}  // namespace

size_t maxReplySize(const packet::Pkt4& query) {
  size_t datagram = kInterfaceMtu;
  if (const auto option = query.options.find(packet::option4::kMaxMessageSize);
      option && option->size() == 2) {
    const size_t requested = (size_t{(*option)[0]} << 8) | (*option)[1];
    datagram = std::min(datagram, std::max(requested, kMinClientMessageSize));
  }
  return datagram - kIpUdpHeaderSize;
}

size_t encodedOptionsSize(const packet::Pkt4& reply) {
  size_t total = 0;
  for (const packet::OptionList::Entry& entry : reply.options.entries()) {
    const size_t pieces = entry.length == 0 ? 1 : (entry.length + kMaxPiece - 1) / kMaxPiece;
    total += entry.length + 2 * pieces;
  }
  return total;
}

void rankReplyOptions(packet::Pkt4& reply, const packet::Pkt4& query) {
  // Position of each code in option 55; codes it does not list sort after every listed one.
  std::array<uint16_t, 256> requested_position;
  requested_position.fill(0xffff);
  if (const auto prl = query.options.find(packet::option4::kParameterRequestList)) {
    for (size_t i = prl->size(); i-- > 0;) {
      requested_position[(*prl)[i]] = static_cast<uint16_t>(i);  // the first listing wins
    }
  }

  struct Ranked {
    int rank;
    uint16_t position;
    size_t index;
  };
  const auto& entries = reply.options.entries();
  std::vector<Ranked> order;
  order.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const uint16_t code = entries[i].code;
    Ranked ranked{kRankOther, 0, i};
    if (essential(code)) {
      ranked.rank = kRankEssential;
    } else if (code <= 0xff && requested_position[code] != 0xffff) {
      ranked.rank = kRankRequested;
      ranked.position = requested_position[code];
    }
    order.push_back(ranked);
  }
  std::stable_sort(order.begin(), order.end(), [](const Ranked& left, const Ranked& right) {
    return left.rank != right.rank ? left.rank < right.rank : left.position < right.position;
  });

  packet::OptionList ranked_options;
  ranked_options.reserve(entries.size(), reply.options.payloadBytes());
  for (const Ranked& ranked : order) {
    const auto& entry = entries[ranked.index];
    ranked_options.add(entry.code, reply.options.payload(entry));
  }
  reply.options = std::move(ranked_options);
}

}  // namespace leasehold::dhcp4
