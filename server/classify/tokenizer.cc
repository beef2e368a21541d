#include "server/classify/tokenizer.h"

#include <cctype>

#include "backends/address.h"

namespace leasehold::classify::detail {

namespace {

bool isNameStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool isNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}
bool isHexDigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool isDigit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool isAddressChar(char c) { return isHexDigit(c) || c == ':' || c == '.'; }

ParseError errorAt(size_t index, std::string token, std::string message) {
  return ParseError{index + 1, std::move(token), std::move(message)};
}

int hexValue(char c) {
  if (isDigit(c)) {
    return c - '0';
  }
  return std::tolower(static_cast<unsigned char>(c)) - 'a' + 10;
}

// Decodes the digits of a 0x literal; an odd count gets a leading zero, as Kea does.
std::string decodeHex(std::string_view digits) {
  std::string bytes;
  size_t i = 0;
  if (digits.size() % 2 != 0) {
    bytes.push_back(static_cast<char>(hexValue(digits[0])));
    i = 1;
  }
  for (; i < digits.size(); i += 2) {
    bytes.push_back(static_cast<char>(hexValue(digits[i]) * 16 + hexValue(digits[i + 1])));
  }
  return bytes;
}

// A run of hex digits, colons and dots is an address when it contains a colon (IPv6) or
// starts with a digit and contains a dot (IPv4).
std::optional<std::string> parseAddress(std::string_view run) {
  if (run.find(':') != std::string_view::npos) {
    const auto address = IPv6Address::parse(run);
    if (!address) {
      return std::nullopt;
    }
    return std::string(address->bytes().begin(), address->bytes().end());
  }
  const auto address = IPv4Address::parse(run);
  if (!address) {
    return std::nullopt;
  }
  const auto bytes = address->toBytes();
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace

Result<std::vector<Token>, ParseError> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    Token token;
    token.column = i + 1;
    const size_t start = i;

    if (c == '\'') {
      const size_t close = text.find('\'', i + 1);
      if (close == std::string_view::npos) {
        return makeUnexpected(errorAt(i, std::string(text.substr(i)), "unterminated string"));
      }
      token.kind = TokenKind::kString;
      token.value = std::string(text.substr(i + 1, close - i - 1));
      i = close + 1;
    } else if (c == '0' && i + 1 < text.size() && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      size_t end = i + 2;
      while (end < text.size() && isHexDigit(text[end])) {
        ++end;
      }
      if (end == i + 2) {
        return makeUnexpected(errorAt(i, std::string(text.substr(i, 2)),
                                      "a hex literal needs at least one digit after 0x"));
      }
      token.kind = TokenKind::kHex;
      token.value = decodeHex(text.substr(i + 2, end - i - 2));
      i = end;
    } else if (isAddressChar(c) && c != '.') {
      size_t end = i;
      while (end < text.size() && isAddressChar(text[end])) {
        ++end;
      }
      // Trailing dots belong to the next token (option[1].hex is "1" "]" "." "hex").
      while (end > i + 1 && text[end - 1] == '.') {
        --end;
      }
      const std::string_view run = text.substr(i, end - i);
      const bool colon = run.find(':') != std::string_view::npos;
      const bool dot = run.find('.') != std::string_view::npos;
      if (colon || (isDigit(c) && dot)) {
        const auto bytes = parseAddress(run);
        if (!bytes) {
          return makeUnexpected(errorAt(i, std::string(run), "invalid IP address literal"));
        }
        token.kind = TokenKind::kAddress;
        token.value = *bytes;
        i = end;
      } else if (isDigit(c)) {
        while (i < text.size() && isDigit(text[i])) {
          ++i;
        }
        token.kind = TokenKind::kInteger;
      } else {
        while (i < text.size() && isNameChar(text[i])) {
          ++i;
        }
        token.kind = TokenKind::kName;
      }
    } else if (c == '-' && i + 1 < text.size() && isDigit(text[i + 1])) {
      ++i;
      while (i < text.size() && isDigit(text[i])) {
        ++i;
      }
      token.kind = TokenKind::kInteger;
    } else if (isNameStart(c)) {
      while (i < text.size() && isNameChar(text[i])) {
        ++i;
      }
      token.kind = TokenKind::kName;
    } else if (c == '=' && i + 1 < text.size() && text[i + 1] == '=') {
      token.kind = TokenKind::kPunctuation;
      i += 2;
    } else if (std::string_view("[](),.+*").find(c) != std::string_view::npos) {
      token.kind = TokenKind::kPunctuation;
      ++i;
    } else {
      return makeUnexpected(errorAt(i, std::string(1, c), "unexpected character"));
    }
    token.text = std::string(text.substr(start, i - start));
    tokens.push_back(std::move(token));
  }
  Token end;
  end.column = text.size() + 1;
  tokens.push_back(std::move(end));
  return tokens;
}

}  // namespace leasehold::classify::detail
