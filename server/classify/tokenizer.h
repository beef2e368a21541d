// Splits expression text into tokens for the compiler. Internal to server/classify.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "backends/result.h"
#include "server/classify/expression.h"

namespace leasehold::classify::detail {

enum class TokenKind {
  kString,      // 'text': value is the text between the quotes
  kHex,         // 0x...: value is the decoded bytes
  kInteger,     // [-]digits: text as written
  kAddress,     // IPv4 or IPv6 literal: value is 4 or 16 bytes
  kName,        // keywords and option names: letters, digits, '-' and '_'
  kPunctuation, // [ ] ( ) , . + * and ==
  kEnd,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;   // as written in the expression
  std::string value;  // decoded literal bytes (string, hex, address)
  size_t column = 0;  // 1-based position of the first character
};

// Tokenizes `text`. Errors: an unterminated string, a character no token starts with, 0x
// without digits, an address literal that does not parse. The list ends with a kEnd token.
Result<std::vector<Token>, ParseError> tokenize(std::string_view text);

}  // namespace leasehold::classify::detail
