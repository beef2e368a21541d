// Kea's client classification expressions (the `test` and `template-test` of a client class):
// compiled once when the configuration is parsed, evaluated against each packet.
//
// The language is the one Kea 2.2 documents and accepts: string, hex, integer and IP address
// literals; option, relay, packet-field and vendor accessors; substring, split, concat (and
// the + operator), ifelse, hexstring, addrtotext and the int*totext conversions; ==, not,
// and, or, parentheses and member(). lcase and ucase, which later Kea versions added, are
// accepted too. Anything else is a compile error naming it.
//
// Threads: a compiled Expression is immutable and may be evaluated by many threads at once,
// each with its own EvalScratch.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "backends/result.h"
#include "server/options/option_definition.h"

namespace leasehold::packet {
struct Pkt4;
struct Pkt6;
}  // namespace leasehold::packet

namespace leasehold::classify {

// Result type of an expression: a condition (`test`) or a string (`template-test`).
enum class ResultType { kBool, kString };

// A compile error: what is wrong, and where. `column` counts characters from 1; `token` is
// the offending token's text, empty when the expression ended too early.
struct ParseError {
  size_t column = 0;
  std::string token;
  std::string message;

  // "<message> at column <n> near "<token>"", or "... at the end of the expression".
  std::string toString() const;
};

// Configuration facts the compiler needs around an expression.
struct CompileEnvironment {
  options::Family family = options::Family::kV4;
  // Global option-def entries, consulted before the standard definitions for option names
  // and for which options carry sub-options. May be null.
  const options::OptionDefinitionSet* custom_definitions = nullptr;
  // Returns, for a class defined before this one, whether its evaluation waits for the host
  // reservation lookup (it depends on KNOWN or UNKNOWN); nullopt for a class not defined
  // (yet). Built-in classes (ALL, KNOWN, VENDOR_CLASS_...) are handled by the compiler.
  std::function<std::optional<bool>(std::string_view name)> defined_class;
};

// The packet an expression is evaluated against: exactly one of pkt4 and pkt6 is set.
struct PacketView {
  const packet::Pkt4* pkt4 = nullptr;
  const packet::Pkt6* pkt6 = nullptr;
  // Size of the received UDP payload, for pkt.len.
  size_t wire_length = 0;
  // The classes the packet belongs to so far, for member().
  std::span<const std::string> classes;
};

// Working memory of evaluations; reuse one per thread so evaluating allocates nothing once
// its buffers have grown to the largest expression seen.
class EvalScratch {
 public:
  EvalScratch() { arena_.reserve(512); }

 private:
  friend class Evaluator;
  std::vector<uint8_t> arena_;  // bytes that operators build (concat, hexstring, ...)
};

enum class EvalResult { kFalse, kTrue, kError };

// One operation of a compiled expression. Operands are earlier nodes, named by index.
enum class Op : uint8_t {
  // producing strings
  kLiteral,          // text
  kOption,           // option[code]: code, repr (hex or text)
  kSubOption,        // option[code].option[sub]: code, sub, repr; flag: code carries options
  kRelay4,           // relay4[sub]: sub, repr
  kRelay6Option,     // relay6[nest].option[code]: nest, code, repr
  kRelay6PeerAddr,   // relay6[nest].peeraddr: nest
  kRelay6LinkAddr,   // relay6[nest].linkaddr: nest
  kPktField,         // pkt.iface/src/dst/len, pkt4.*, pkt6.*: field
  kVendorEnterprise,       // vendor.enterprise
  kVendorOption,           // vendor[enterprise].option[code]: repr
  kVendorClassEnterprise,  // vendor-class.enterprise
  kVendorClassData,        // vendor-class[enterprise].data[index]: sub = index
  kSubstring,        // operand 0; start, length; flag: length is `all`
  kSplit,            // operands 0 and 1; code = field number
  kConcat,           // operands 0 and 1
  kIfElse,           // operands 0 (condition), 1, 2
  kHexString,        // operands 0 and 1 (separator)
  kAddrToText,       // operand 0
  kIntToText,        // operand 0; width in bytes (code), flag: signed
  kLowerCase,        // operand 0
  kUpperCase,        // operand 0
  // producing conditions
  kOptionExists,     // option[code].exists (and the sub-option/relay forms below)
  kSubOptionExists,
  kRelay4Exists,
  kRelay6OptionExists,
  kVendorExists,        // vendor[enterprise].exists
  kVendorOptionExists,  // vendor[enterprise].option[code].exists
  kVendorClassExists,   // vendor-class[enterprise].exists
  kEqual,            // operands 0 and 1
  kNot,              // operand 0
  kAnd,              // operands 0 and 1
  kOr,               // operands 0 and 1
  kMember,           // text: class name
};

// Form in which an option accessor presents the option: its payload bytes or its text.
enum class Repr : uint8_t { kHex, kText };

// The form of `.text` for one option, after the option class Kea 2.2 builds from the
// option's definition (Kea's .text is that class's toString(), which is toText() except for
// string options). "type=NNN, len=NNN" has 3 digits in DHCPv4 and 5 in DHCPv6.
enum class TextLayout : uint8_t {
  kPayload,      // the payload bytes: string options, and types whose text is not reproduced
  kHexDump,      // "type=061, len=003: 01:02:03": binary options and undefined codes
  kValue,        // "type=051, len=004: 3600 (uint32)": one integer, address or boolean
  kValueArray,   // "type=055, len=002: 1(uint8) 3(uint8)": integer arrays
  kAddressList,  // "type=006, len=008: 192.0.2.1 192.0.2.2": address arrays
};

// Packet fields for Op::kPktField.
enum class PktField : uint8_t {
  kIface, kSrc, kDst, kLen,
  kMac, kHlen, kHtype, kCiaddr, kGiaddr, kYiaddr, kSiaddr, kMsgType4, kTransId4,
  kMsgType6, kTransId6,
};

struct Node {
  Op op = Op::kLiteral;
  Repr repr = Repr::kHex;
  PktField field = PktField::kIface;
  bool flag = false;
  int64_t code = 0;    // option code, nest level, substring start, split field, int width
  int64_t sub = 0;     // sub-option code, substring length, vendor-class data index
  uint32_t enterprise = 0;  // 0 matches any enterprise
  uint32_t operands[3] = {0, 0, 0};
  std::string text;  // literal bytes or class name
  // For Repr::kText: the layout, the value type (kValue, kValueArray, kAddressList) and the
  // option code the text names.
  TextLayout text_layout = TextLayout::kPayload;
  options::DataType text_type = options::DataType::kBinary;
  uint16_t text_code = 0;
};

class Expression {
 public:

  ~Expression();
  Expression(const Expression&) = delete;
  Expression& operator=(const Expression&) = delete;

  ResultType resultType() const { return result_type_; }
  // True when the expression refers to KNOWN or UNKNOWN, directly or through member() of a
  // class that does, so it is evaluated only after the host reservation lookup.
  bool dependsOnKnown() const { return depends_on_known_; }
  const std::string& text() const { return text_; }

  // Evaluates a condition. kError means a run-time type error (addrtotext of 3 bytes,
  // uint16totext of 1 byte), which Kea also treats as "not a member". Errors are reported
  // through kError, not exceptions.
  // REQUIRES: resultType() == kBool.
  EvalResult evaluate(const PacketView& packet, EvalScratch& scratch) const;
  // Evaluates a string expression into `out` (replacing it); false on a run-time error.
  // REQUIRES: resultType() == kString.
  bool evaluateString(const PacketView& packet, EvalScratch& scratch, std::string& out) const;

 private:
  friend class Compiler;
  friend class Evaluator;
  friend Result<std::shared_ptr<const Expression>, ParseError> compileExpression(
      std::string_view text, ResultType result_type, const CompileEnvironment& environment);
  Expression() = default;

  std::string text_;
  ResultType result_type_ = ResultType::kBool;
  bool depends_on_known_ = false;
  std::vector<Node> nodes_;  // operands before the nodes that use them
  uint32_t root_ = 0;
};

// Compiles `text`. Errors: syntax, unknown names, values out of range, type mismatches,
// accessors of the other family (pkt6 in DHCPv4), member() of an undefined class.
Result<std::shared_ptr<const Expression>, ParseError> compileExpression(
    std::string_view text, ResultType result_type, const CompileEnvironment& environment);

// True for the names Kea treats as built-in classes, which member() may name without a
// definition: ALL, KNOWN, UNKNOWN, BOOTP and the VENDOR_CLASS_, HA_, AFTER_ and EXTERNAL_
// prefixes.
bool isBuiltinClass(std::string_view name);

}  // namespace leasehold::classify
