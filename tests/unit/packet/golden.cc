#include "tests/unit/packet/golden.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace leasehold::packet::testing {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::filesystem::path goldenDir() { return LEASEHOLD_PACKET_GOLDEN_DIR; }

}  // namespace

std::vector<uint8_t> parseHexText(std::string_view text) {
  std::vector<uint8_t> bytes;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      ++i;
      continue;
    }
    if (c == '#') {
      const size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end;
      continue;
    }
    const int high = hexValue(c);
    const int low = i + 1 < text.size() ? hexValue(text[i + 1]) : -1;
    if (high < 0 || low < 0) {
      throw std::invalid_argument("invalid hex at offset " + std::to_string(i) + ": \"" +
                                  std::string(text.substr(i, 8)) + "\"");
    }
    bytes.push_back(static_cast<uint8_t>(high * 16 + low));
    i += 2;
  }
  return bytes;
}

std::vector<uint8_t> readGolden(std::string_view path) {
  const auto full = goldenDir() / path;
  std::ifstream file(full);
  if (!file) {
    throw std::runtime_error("cannot open golden file " + full.string());
  }
  std::stringstream text;
  text << file.rdbuf();
  return parseHexText(text.str());
}

std::vector<std::string> listGolden(std::string_view folder) {
  std::vector<std::string> paths;
  for (const auto& entry : std::filesystem::directory_iterator(goldenDir() / folder)) {
    if (entry.path().extension() == ".hex") {
      paths.push_back(std::string(folder) + "/" + entry.path().filename().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  return paths;
}

std::vector<uint8_t> bytesOf(std::string_view text) {
  return std::vector<uint8_t>(text.begin(), text.end());
}

void appendOption6(std::vector<uint8_t>& out, uint16_t code, std::span<const uint8_t> payload) {
  out.push_back(static_cast<uint8_t>(code >> 8));
  out.push_back(static_cast<uint8_t>(code));
  out.push_back(static_cast<uint8_t>(payload.size() >> 8));
  out.push_back(static_cast<uint8_t>(payload.size()));
  out.insert(out.end(), payload.begin(), payload.end());
}

std::vector<uint8_t> option6(uint16_t code, std::span<const uint8_t> payload) {
  std::vector<uint8_t> out;
  appendOption6(out, code, payload);
  return out;
}

std::vector<uint8_t> wrapInRelayForw(std::span<const uint8_t> inner, uint8_t hop_count) {
  std::vector<uint8_t> relay{12, hop_count};
  relay.resize(34, 0);
  relay[2] = 0x20;  // link address 2001:db8::1
  relay[3] = 0x01;
  relay[4] = 0x0d;
  relay[5] = 0xb8;
  relay[17] = 0x01;
  appendOption6(relay, 9, inner);
  return relay;
}

}  // namespace leasehold::packet::testing
