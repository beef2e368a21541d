// Reading the parts of a packet that expressions name: options, sub-options, relay layers,
// vendor options. One implementation for DHCPv4 and DHCPv6; the wire formats differ only in
// the width of codes and lengths. Internal to server/classify. Nothing here allocates.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "server/classify/expression.h"
#include "server/packet/option_list.h"

namespace leasehold::classify::detail {

using Bytes = std::span<const uint8_t>;

// The top-level options of the packet (the client's message for DHCPv6).
const packet::OptionList& packetOptions(const PacketView& packet);

// Finds the first option `code` in `bytes`, a run of options with 1-byte codes and lengths
// (`wide` false, DHCPv4) or 2-byte ones (DHCPv6). A malformed run ends the search.
std::optional<Bytes> findInRun(Bytes bytes, uint16_t code, bool wide);

// The options of relay layer `nest` (0: closest to the server; -1: closest to the client),
// or nullptr when the packet has no such layer or is not DHCPv6.
const packet::OptionList* relayOptions(const PacketView& packet, int64_t nest);
// The peer or link address of relay layer `nest`, or nullopt.
std::optional<Bytes> relayAddress(const PacketView& packet, int64_t nest, bool peer);

// The first vendor-identifying option (DHCPv4 125, DHCPv6 17) or vendor class option
// (DHCPv4 124, DHCPv6 16): its enterprise number and the bytes after it, limited for DHCPv4
// to the first enterprise block. nullopt when absent or shorter than its header.
struct VendorBlock {
  uint32_t enterprise = 0;
  Bytes data;  // DHCPv4 125: sub-options; DHCPv6 17: options; 124/16: length-prefixed chunks
};
std::optional<VendorBlock> vendorBlock(const PacketView& packet, bool vendor_class);

// The chunk at `index` of vendor class data (1-byte lengths in DHCPv4, 2-byte in DHCPv6).
std::optional<Bytes> vendorClassChunk(Bytes data, int64_t index, bool wide);

}  // namespace leasehold::classify::detail
