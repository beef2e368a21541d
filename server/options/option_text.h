// Helpers that turn Kea's option-data text into bytes, shared by the generic encoder
// (option_data.cc) and the encoders of the options with their own text format
// (internal_formats.cc). Every function returns an error message naming the offending text.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "backends/result.h"
#include "server/options/option_definition.h"

namespace leasehold::options::detail {

using Bytes = std::vector<uint8_t>;
using Status = Result<void, std::string>;

// Splits `text` at unescaped `separator` characters and trims blanks around each piece. With
// `unescape`, a backslash and the character after it become that character; without, both
// stay, so the pieces can be split again. Blank text gives no pieces.
std::vector<std::string> splitEscaped(std::string_view text, char separator, bool unescape);

// Appends one value of `type` (not kRecord, kEmpty or kInternal) in wire format.
Status appendValue(DataType type, std::string_view text, Family family, Bytes& out);

// Appends `name` in DNS wire format (RFC 1035 section 3.1) with the root label at the end.
Status appendFqdn(std::string_view name, Bytes& out);

void appendUint16(uint16_t value, Bytes& out);

// Parses decimal or 0x-prefixed hex text into an integer in [min, max].
Result<int64_t, std::string> parseInteger(std::string_view text, int64_t min, int64_t max);

// Encoders for the options whose text is not a list of typed values.
Result<Bytes, std::string> encodeClasslessStaticRoutes(std::string_view data);
Result<Bytes, std::string> encodeDnr4(std::string_view data);
Result<Bytes, std::string> encodeDnr6(std::string_view data);

}  // namespace leasehold::options::detail
