// The evaluator: walks a compiled expression's nodes against a packet. Values are spans of
// packet bytes or literals, or ranges of the scratch arena for bytes that an operator builds;
// nothing else is allocated. Run-time errors (Kea's EvalTypeError cases) end the evaluation
// with EvalResult::kError.
#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <string>

#include "server/classify/packet_access.h"
#include "server/packet/pkt4.h"
#include "server/packet/pkt6.h"

namespace leasehold::classify {

using detail::Bytes;

namespace {

// The largest arena one evaluation may build; beyond it the evaluation fails. Operators
// that build bytes (concat, hexstring) stay far below it for any real packet.
constexpr size_t kMaxArenaBytes = 64 * 1024;

// A value: `external` bytes (packet, literal) or `length` bytes at `offset` in the arena.
// Conditions use `truth` only.
struct Value {
  const uint8_t* external = nullptr;
  size_t offset = 0;
  size_t length = 0;
  bool truth = false;
};

Value externalValue(Bytes bytes) {
  static const uint8_t kEmpty = 0;
  return Value{bytes.empty() ? &kEmpty : bytes.data(), 0, bytes.size(), false};
}

Value emptyValue() { return externalValue({}); }

Value condition(bool truth) {
  Value value;
  value.truth = truth;
  return value;
}

}  // namespace

class Evaluator {
 public:
  Evaluator(const Expression& expression, const PacketView& packet, EvalScratch& scratch)
      : nodes_(expression.nodes_), packet_(packet), arena_(scratch.arena_) {
    arena_.clear();
  }

  // Evaluates node `index` into `out`; false on a run-time error.
  bool evaluate(uint32_t index, Value& out);

  Bytes bytes(const Value& value) const {
    return value.external != nullptr ? Bytes(value.external, value.length)
                                     : Bytes(arena_.data() + value.offset, value.length);
  }

 private:
  // Reserves `size` bytes at the end of the arena, for the caller to fill after re-reading
  // its operands' bytes (the arena may have moved). nullopt past kMaxArenaBytes.
  std::optional<Value> allocate(size_t size) {
    if (arena_.size() + size > kMaxArenaBytes) {
      return std::nullopt;
    }
    Value value{nullptr, arena_.size(), size, false};
    arena_.resize(arena_.size() + size);
    return value;
  }
  uint8_t* writable(const Value& value) { return arena_.data() + value.offset; }
  bool number(uint32_t number, Value& out) {
    const auto value = allocate(4);
    if (!value) {
      return false;
    }
    uint8_t* data = writable(*value);
    data[0] = static_cast<uint8_t>(number >> 24);
    data[1] = static_cast<uint8_t>(number >> 16);
    data[2] = static_cast<uint8_t>(number >> 8);
    data[3] = static_cast<uint8_t>(number);
    out = *value;
    return true;
  }
  bool text(std::string_view text, Value& out) {
    const auto value = allocate(text.size());
    if (!value) {
      return false;
    }
    std::memcpy(writable(*value), text.data(), text.size());
    out = *value;
    return true;
  }

  std::optional<Bytes> findOption(const Node& node) const;
  size_t packetLength() const;
  bool packetField(const Node& node, Value& out);
  bool vendor(const Node& node, Value& out);
  bool substring(const Node& node, const Value& input, Value& out);
  bool split(const Node& node, const Value& input, const Value& delimiters, Value& out);
  bool concat(const Value& left, const Value& right, Value& out);
  bool hexString(const Value& input, const Value& separator, Value& out);
  bool addressToText(const Value& input, Value& out);
  bool intToText(const Node& node, const Value& input, Value& out);
  bool changeCase(const Value& input, bool upper, Value& out);
  bool optionText(const Node& node, Bytes payload, Value& out);

  const std::vector<Node>& nodes_;
  const PacketView& packet_;
  std::vector<uint8_t>& arena_;
};

bool Evaluator::evaluate(uint32_t index, Value& out) {
  const Node& node = nodes_[index];
  Value operands[3];
  const int operand_count = [&] {
    switch (node.op) {
      case Op::kSubstring:
      case Op::kAddrToText:
      case Op::kIntToText:
      case Op::kLowerCase:
      case Op::kUpperCase:
      case Op::kNot:
        return 1;
      case Op::kSplit:
      case Op::kConcat:
      case Op::kHexString:
      case Op::kEqual:
      case Op::kAnd:
      case Op::kOr:
        return 2;
      case Op::kIfElse:
        return 3;
      default:
        return 0;
    }
  }();
  // Every operand is evaluated, as Kea does, so an error in any of them fails the expression.
  for (int i = 0; i < operand_count; ++i) {
    if (!evaluate(node.operands[i], operands[i])) {
      return false;
    }
  }

  switch (node.op) {
    case Op::kLiteral:
      out = externalValue({reinterpret_cast<const uint8_t*>(node.text.data()), node.text.size()});
      return true;
    case Op::kOption:
    case Op::kSubOption:
    case Op::kRelay4:
    case Op::kRelay6Option: {
      const auto found = findOption(node);
      if (found && node.repr == Repr::kText && node.text_layout != TextLayout::kPayload) {
        return optionText(node, *found, out);
      }
      out = found ? externalValue(*found) : emptyValue();
      return true;
    }
    case Op::kOptionExists:
    case Op::kSubOptionExists:
    case Op::kRelay4Exists:
    case Op::kRelay6OptionExists:
      out = condition(findOption(node).has_value());
      return true;
    case Op::kRelay6PeerAddr:
    case Op::kRelay6LinkAddr: {
      const auto address = detail::relayAddress(packet_, node.code, node.op == Op::kRelay6PeerAddr);
      out = address ? externalValue(*address) : emptyValue();
      return true;
    }
    case Op::kPktField:
      return packetField(node, out);
    case Op::kVendorEnterprise:
    case Op::kVendorOption:
    case Op::kVendorClassEnterprise:
    case Op::kVendorClassData:
    case Op::kVendorExists:
    case Op::kVendorOptionExists:
    case Op::kVendorClassExists:
      return vendor(node, out);
    case Op::kSubstring:
      return substring(node, operands[0], out);
    case Op::kSplit:
      return split(node, operands[0], operands[1], out);
    case Op::kConcat:
      return concat(operands[0], operands[1], out);
    case Op::kIfElse:
      out = operands[0].truth ? operands[1] : operands[2];
      return true;
    case Op::kHexString:
      return hexString(operands[0], operands[1], out);
    case Op::kAddrToText:
      return addressToText(operands[0], out);
    case Op::kIntToText:
      return intToText(node, operands[0], out);
    case Op::kLowerCase:
    case Op::kUpperCase:
      return changeCase(operands[0], node.op == Op::kUpperCase, out);
    case Op::kEqual: {
      const Bytes left = bytes(operands[0]);
      const Bytes right = bytes(operands[1]);
      out = condition(std::equal(left.begin(), left.end(), right.begin(), right.end()));
      return true;
    }
    case Op::kNot:
      out = condition(!operands[0].truth);
      return true;
    case Op::kAnd:
      out = condition(operands[0].truth && operands[1].truth);
      return true;
    case Op::kOr:
      out = condition(operands[0].truth || operands[1].truth);
      return true;
    case Op::kMember:
      out = condition(std::find(packet_.classes.begin(), packet_.classes.end(), node.text) !=
                      packet_.classes.end());
      return true;
  }
  return false;
}

// option[code], option[code].option[sub], relay4[sub], relay6[nest].option[code] and their
// .exists forms: the option's payload, or nullopt when the packet does not carry it.
std::optional<Bytes> Evaluator::findOption(const Node& node) const {
  const bool v4 = packet_.pkt4 != nullptr;
  switch (node.op) {
    case Op::kOption:
    case Op::kOptionExists:
      return detail::packetOptions(packet_).find(static_cast<uint16_t>(node.code));
    case Op::kSubOption:
    case Op::kSubOptionExists: {
      if (!node.flag) {
        return std::nullopt;  // the option carries no sub-options
      }
      const auto parent = detail::packetOptions(packet_).find(static_cast<uint16_t>(node.code));
      return parent ? detail::findInRun(*parent, static_cast<uint16_t>(node.sub), !v4)
                    : std::nullopt;
    }
    case Op::kRelay4:
    case Op::kRelay4Exists:
      return v4 ? packet_.pkt4->relayAgentSubOption(static_cast<uint8_t>(node.sub))
                : std::nullopt;
    default: {  // relay6
      const packet::OptionList* options = detail::relayOptions(packet_, node.code);
      return options != nullptr ? options->find(static_cast<uint16_t>(node.sub)) : std::nullopt;
    }
  }
}

// The received size when the caller knows it, else the size of the message encoded without
// padding: the DHCPv4 fixed fields, cookie, options and end option, or the DHCPv6 client
// message. NOTE: Kea's pkt.len counts its own re-encoding of the packet, which may differ
// from both by a few bytes (padding, split options, relay headers).
size_t Evaluator::packetLength() const {
  if (packet_.wire_length != 0) {
    return packet_.wire_length;
  }
  const packet::OptionList& options = detail::packetOptions(packet_);
  const bool v4 = packet_.pkt4 != nullptr;
  size_t length = v4 ? packet::kPkt4FixedSize + 1 : 4;
  for (const auto& entry : options.entries()) {
    length += (v4 ? 2 : 4) + entry.length;
  }
  return length;
}

bool Evaluator::packetField(const Node& node, Value& out) {
  const packet::Pkt4* v4 = packet_.pkt4;
  const packet::Pkt6* v6 = packet_.pkt6;
  switch (node.field) {
    case PktField::kIface: {
      const std::string& name = v4 != nullptr ? v4->transport.interface_name
                                              : v6->transport.interface_name;
      out = externalValue({reinterpret_cast<const uint8_t*>(name.data()), name.size()});
      return true;
    }
    case PktField::kSrc:
    case PktField::kDst: {
      const bool source = node.field == PktField::kSrc;
      if (v4 != nullptr) {
        return number((source ? v4->transport.remote_address : v4->transport.local_address)
                          .toUint32(),
                      out);
      }
      const auto& address = source ? v6->transport.remote_address : v6->transport.local_address;
      out = externalValue({address.bytes().data(), address.bytes().size()});
      return true;
    }
    case PktField::kLen:
      return number(static_cast<uint32_t>(packetLength()), out);
    case PktField::kMac:
      out = externalValue({v4->chaddr.data(), std::min<size_t>(v4->hlen, v4->chaddr.size())});
      return true;
    case PktField::kHlen:
      return number(v4->hlen, out);
    case PktField::kHtype:
      return number(v4->htype, out);
    case PktField::kCiaddr:
      return number(v4->ciaddr.toUint32(), out);
    case PktField::kGiaddr:
      return number(v4->giaddr.toUint32(), out);
    case PktField::kYiaddr:
      return number(v4->yiaddr.toUint32(), out);
    case PktField::kSiaddr:
      return number(v4->siaddr.toUint32(), out);
    case PktField::kMsgType4: {
      const auto type = v4->messageType();
      return number(type ? static_cast<uint32_t>(*type) : 0, out);
    }
    case PktField::kTransId4:
      return number(v4->xid, out);
    case PktField::kMsgType6:
      return number(static_cast<uint32_t>(v6->type), out);
    case PktField::kTransId6:
      return number(v6->transaction_id, out);
  }
  return false;
}

bool Evaluator::vendor(const Node& node, Value& out) {
  const bool vendor_class = node.op == Op::kVendorClassEnterprise ||
                            node.op == Op::kVendorClassData || node.op == Op::kVendorClassExists;
  const bool is_condition = node.op == Op::kVendorExists || node.op == Op::kVendorOptionExists ||
                            node.op == Op::kVendorClassExists;
  const bool wide = packet_.pkt6 != nullptr;
  const auto block = detail::vendorBlock(packet_, vendor_class);
  const bool enterprise_matches =
      block && (node.enterprise == 0 || node.enterprise == block->enterprise);
  out = is_condition ? condition(false) : emptyValue();

  switch (node.op) {
    case Op::kVendorEnterprise:
    case Op::kVendorClassEnterprise:
      return block ? number(block->enterprise, out) : true;
    case Op::kVendorExists:
    case Op::kVendorClassExists:
      out = condition(enterprise_matches);
      return true;
    case Op::kVendorOption:
    case Op::kVendorOptionExists: {
      if (!enterprise_matches) {
        return true;
      }
      const auto found = detail::findInRun(block->data, static_cast<uint16_t>(node.sub), wide);
      if (is_condition) {
        out = condition(found.has_value());
      } else if (found) {
        out = externalValue(*found);
      }
      return true;
    }
    default: {  // vendor-class[e].data[i]
      if (!enterprise_matches) {
        return true;
      }
      if (const auto chunk = detail::vendorClassChunk(block->data, node.sub, wide)) {
        out = externalValue(*chunk);
      }
      return true;
    }
  }
}

// Kea's substring: a negative start counts from the end, a negative length takes the bytes
// before the start, and a start outside the input gives the empty string.
bool Evaluator::substring(const Node& node, const Value& input, Value& out) {
  const auto size = static_cast<int64_t>(input.length);
  int64_t start = node.code;
  int64_t length = node.flag ? size : node.sub;
  if (size == 0 || start < -size || start >= size) {
    out = emptyValue();
    return true;
  }
  if (start < 0) {
    start += size;
  }
  if (length < 0) {
    length = -length;
    if (length <= start) {
      start -= length;
    } else {
      length = start;
      start = 0;
    }
  }
  length = std::min(length, size - start);
  out = input;
  if (input.external != nullptr) {
    out.external += start;
  } else {
    out.offset += static_cast<size_t>(start);
  }
  out.length = static_cast<size_t>(length);
  return true;
}

// Kea's split: fields separated by any one of the delimiter bytes, numbered from 1; a field
// number out of range gives the empty string, no delimiters give the whole input.
bool Evaluator::split(const Node& node, const Value& input, const Value& delimiters, Value& out) {
  const Bytes text = bytes(input);
  const Bytes separators = bytes(delimiters);
  if (text.empty() || separators.empty()) {
    out = input;
    return true;
  }
  out = emptyValue();
  int64_t field = 1;
  size_t begin = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool boundary =
        i == text.size() ||
        std::find(separators.begin(), separators.end(), text[i]) != separators.end();
    if (!boundary) {
      continue;
    }
    if (field == node.code) {
      out = input;
      if (input.external != nullptr) {
        out.external += begin;
      } else {
        out.offset += begin;
      }
      out.length = i - begin;
      return true;
    }
    ++field;
    begin = i + 1;
  }
  return true;
}

bool Evaluator::concat(const Value& left, const Value& right, Value& out) {
  const auto value = allocate(left.length + right.length);
  if (!value) {
    return false;
  }
  const Bytes first = bytes(left);
  const Bytes second = bytes(right);
  std::copy(first.begin(), first.end(), writable(*value));
  std::copy(second.begin(), second.end(), writable(*value) + first.size());
  out = *value;
  return true;
}

bool Evaluator::hexString(const Value& input, const Value& separator, Value& out) {
  const size_t count = input.length;
  const size_t size = count == 0 ? 0 : count * 2 + (count - 1) * separator.length;
  const auto value = allocate(size);
  if (!value) {
    return false;
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  const Bytes source = bytes(input);
  const Bytes between = bytes(separator);
  uint8_t* cursor = writable(*value);
  for (size_t i = 0; i < count; ++i) {
    if (i != 0) {
      cursor = std::copy(between.begin(), between.end(), cursor);
    }
    *cursor++ = static_cast<uint8_t>(kDigits[source[i] >> 4]);
    *cursor++ = static_cast<uint8_t>(kDigits[source[i] & 0x0f]);
  }
  out = *value;
  return true;
}

// Empty input gives empty output; anything but 4 or 16 bytes is an error, as in Kea.
namespace {

// Appends one value of an integer, address or boolean option at `data` (which holds at least
// the type's width) in Kea's text form.
void appendValueText(options::DataType type, const uint8_t* data, std::string& text) {
  using options::DataType;
  char buffer[INET6_ADDRSTRLEN];
  auto read = [data](size_t width) {
    uint32_t value = 0;
    for (size_t i = 0; i < width; ++i) {
      value = (value << 8) | data[i];
    }
    return value;
  };
  switch (type) {
    case DataType::kUint8:
      text += std::to_string(read(1));
      return;
    case DataType::kUint16:
      text += std::to_string(read(2));
      return;
    case DataType::kUint32:
      text += std::to_string(read(4));
      return;
    case DataType::kInt8:
      text += std::to_string(static_cast<int8_t>(read(1)));
      return;
    case DataType::kInt16:
      text += std::to_string(static_cast<int16_t>(read(2)));
      return;
    case DataType::kInt32:
      text += std::to_string(static_cast<int32_t>(read(4)));
      return;
    case DataType::kIpv4Address:
      text += inet_ntop(AF_INET, data, buffer, sizeof(buffer));
      return;
    case DataType::kIpv6Address:
      text += inet_ntop(AF_INET6, data, buffer, sizeof(buffer));
      return;
    case DataType::kBoolean:
      text += data[0] != 0 ? "true" : "false";
      return;
    default:
      return;
  }
}

size_t valueWidth(options::DataType type) {
  using options::DataType;
  switch (type) {
    case DataType::kUint8:
    case DataType::kInt8:
    case DataType::kBoolean:
      return 1;
    case DataType::kUint16:
    case DataType::kInt16:
      return 2;
    case DataType::kUint32:
    case DataType::kInt32:
    case DataType::kIpv4Address:
      return 4;
    case DataType::kIpv6Address:
      return 16;
    default:
      return 0;
  }
}

}  // namespace

// Renders an option as Kea 2.2's .text does for the layout the compiler chose. A payload
// whose size does not fit the type, which Kea fails to parse, is rendered as a hex dump.
// NOTE: the text is built in a std::string, which allocates; .text of non-string options
// is rare in configurations.
bool Evaluator::optionText(const Node& node, Bytes payload, Value& out) {
  const bool v6 = packet_.pkt6 != nullptr;
  char header[40];
  std::snprintf(header, sizeof(header), v6 ? "type=%05u, len=%05zu:" : "type=%03u, len=%03zu:",
                static_cast<unsigned>(node.text_code), payload.size());
  std::string text = header;

  TextLayout layout = node.text_layout;
  const size_t width = valueWidth(node.text_type);
  const bool fits = width != 0 && !payload.empty() && payload.size() % width == 0 &&
                    (layout != TextLayout::kValue || payload.size() == width);
  if (layout != TextLayout::kHexDump && !fits) {
    layout = TextLayout::kHexDump;
  }
  const std::string type_name(options::dataTypeName(node.text_type));
  switch (layout) {
    case TextLayout::kHexDump: {
      static constexpr char kDigits[] = "0123456789abcdef";
      text += ' ';
      for (size_t i = 0; i < payload.size(); ++i) {
        if (i != 0) {
          text += ':';
        }
        text += kDigits[payload[i] >> 4];
        text += kDigits[payload[i] & 0x0f];
      }
      break;
    }
    case TextLayout::kValue:
      text += ' ';
      appendValueText(node.text_type, payload.data(), text);
      text += " (" + type_name + ")";
      break;
    case TextLayout::kValueArray:
      for (size_t offset = 0; offset < payload.size(); offset += width) {
        text += ' ';
        appendValueText(node.text_type, payload.data() + offset, text);
        text += "(" + type_name + ")";
      }
      break;
    case TextLayout::kAddressList:
      for (size_t offset = 0; offset < payload.size(); offset += width) {
        text += ' ';
        appendValueText(node.text_type, payload.data() + offset, text);
      }
      break;
    case TextLayout::kPayload:
      break;
  }
  return this->text(text, out);
}

bool Evaluator::addressToText(const Value& input, Value& out) {
  if (input.length == 0) {
    out = emptyValue();
    return true;
  }
  if (input.length != 4 && input.length != 16) {
    return false;
  }
  char buffer[INET6_ADDRSTRLEN];
  const int family = input.length == 4 ? AF_INET : AF_INET6;
  if (inet_ntop(family, bytes(input).data(), buffer, sizeof(buffer)) == nullptr) {
    return false;
  }
  return text(buffer, out);
}

// Empty input gives empty output; an input of another width than the function's is an error.
bool Evaluator::intToText(const Node& node, const Value& input, Value& out) {
  if (input.length == 0) {
    out = emptyValue();
    return true;
  }
  if (input.length != static_cast<size_t>(node.code)) {
    return false;
  }
  uint32_t raw = 0;
  for (uint8_t byte : bytes(input)) {
    raw = (raw << 8) | byte;
  }
  int64_t number = raw;
  if (node.flag) {
    const int bits = static_cast<int>(node.code) * 8;
    if (bits < 32 && (raw & (1u << (bits - 1))) != 0) {
      number = static_cast<int64_t>(raw) - (int64_t{1} << bits);
    } else if (bits == 32) {
      number = static_cast<int32_t>(raw);
    }
  }
  char buffer[16];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), number);
  return text(std::string_view(buffer, static_cast<size_t>(result.ptr - buffer)), out);
}

bool Evaluator::changeCase(const Value& input, bool upper, Value& out) {
  const auto value = allocate(input.length);
  if (!value) {
    return false;
  }
  const Bytes source = bytes(input);
  std::transform(source.begin(), source.end(), writable(*value), [upper](uint8_t c) {
    return static_cast<uint8_t>(upper ? std::toupper(c) : std::tolower(c));
  });
  out = *value;
  return true;
}

EvalResult Expression::evaluate(const PacketView& packet, EvalScratch& scratch) const {
  Evaluator evaluator(*this, packet, scratch);
  Value result;
  if (nodes_.empty() || !evaluator.evaluate(root_, result)) {
    return EvalResult::kError;
  }
  return result.truth ? EvalResult::kTrue : EvalResult::kFalse;
}

bool Expression::evaluateString(const PacketView& packet, EvalScratch& scratch,
                                std::string& out) const {
  Evaluator evaluator(*this, packet, scratch);
  Value result;
  if (nodes_.empty() || !evaluator.evaluate(root_, result)) {
    return false;
  }
  const Bytes value = evaluator.bytes(result);
  out.assign(value.begin(), value.end());
  return true;
}

}  // namespace leasehold::classify
