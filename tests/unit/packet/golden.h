// Reading the golden packets of tests/unit/packet/golden/ and small builders for the corrupt
// variants the tests derive from them.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace leasehold::packet::testing {

// Parses hex bytes separated by whitespace; '#' starts a comment that runs to the end of the
// line. Throws std::invalid_argument on anything else, naming the offending text.
std::vector<uint8_t> parseHexText(std::string_view text);

// Returns the bytes of golden/<path> (for example "v4/dhclient-discover.hex"). Throws
// std::runtime_error when the file is missing or malformed.
std::vector<uint8_t> readGolden(std::string_view path);

// Lists the .hex files of golden/<folder>, sorted, as paths readGolden() accepts.
std::vector<std::string> listGolden(std::string_view folder);

std::vector<uint8_t> bytesOf(std::string_view text);

// Appends a DHCPv6 option (2-byte code, 2-byte length) to `out`.
void appendOption6(std::vector<uint8_t>& out, uint16_t code, std::span<const uint8_t> payload);
std::vector<uint8_t> option6(uint16_t code, std::span<const uint8_t> payload);

// Wraps `inner` in a RELAY-FORW with no options but the relay message.
std::vector<uint8_t> wrapInRelayForw(std::span<const uint8_t> inner, uint8_t hop_count);

}  // namespace leasehold::packet::testing
