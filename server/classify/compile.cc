// The expression compiler: a recursive-descent parser over the tokens that checks names,
// ranges and operand types and emits the node list the evaluator walks.
//
// Grammar (Kea 2.2), loosest binding first:
//   condition := conjunction { 'or' conjunction }
//   conjunction := negation { 'and' negation }
//   negation := 'not' negation | '(' condition ')' | predicate | string '==' string
//   string := term { '+' term }
#include <limits>

#include "server/classify/tokenizer.h"

namespace leasehold::classify {

using detail::Token;
using detail::TokenKind;

namespace {

constexpr size_t kMaxDepth = 64;  // nesting limit, so evaluation recursion stays shallow
constexpr int64_t kMaxUint32 = std::numeric_limits<uint32_t>::max();

struct CompileFailure {
  ParseError error;
};

const options::OptionDefinition* findDefinition(const CompileEnvironment& environment,
                                                std::string_view space, uint16_t code) {
  if (environment.custom_definitions != nullptr) {
    if (const auto* found = environment.custom_definitions->find(space, code)) {
      return found;
    }
  }
  return options::standardDefinitions(environment.family).find(space, code);
}

}  // namespace

bool isBuiltinClass(std::string_view name) {
  if (name == "ALL" || name == "KNOWN" || name == "UNKNOWN" || name == "BOOTP") {
    return true;
  }
  for (std::string_view prefix : {"VENDOR_CLASS_", "HA_", "AFTER_", "EXTERNAL_"}) {
    if (name.substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  return false;
}

std::string ParseError::toString() const {
  if (token.empty()) {
    return message + " at the end of the expression";
  }
  return message + " at column " + std::to_string(column) + " near \"" + token + "\"";
}

class Compiler {
 public:
  Compiler(std::vector<Token> tokens, const CompileEnvironment& environment,
           Expression& expression)
      : tokens_(std::move(tokens)), environment_(environment), expression_(expression) {}

  // Throws CompileFailure; compileExpression() catches it, so nothing escapes the compiler.
  void compile(ResultType result_type) {
    expression_.root_ = result_type == ResultType::kBool ? condition() : string();
    if (peek().kind != TokenKind::kEnd) {
      fail(peek(), result_type == ResultType::kBool ? "expected 'and', 'or' or the end"
                                                    : "expected '+' or the end");
    }
  }

 private:
  // A parsed operand: its node index and whether it is a condition or a string.
  struct Operand {
    uint32_t node;
    bool condition;
  };

  const Token& peek() const { return tokens_[position_]; }
  const Token& next() { return tokens_[position_ < tokens_.size() - 1 ? position_++ : position_]; }
  bool isPunctuation(const Token& token, std::string_view text) const {
    return token.kind == TokenKind::kPunctuation && token.text == text;
  }
  bool isName(const Token& token, std::string_view text) const {
    return token.kind == TokenKind::kName && token.text == text;
  }

  [[noreturn]] void fail(const Token& token, std::string message) const {
    throw CompileFailure{ParseError{token.column, token.text, std::move(message)}};
  }
  void expect(std::string_view punctuation) {
    if (!isPunctuation(peek(), punctuation)) {
      fail(peek(), "expected '" + std::string(punctuation) + "'");
    }
    next();
  }
  const Token& expectName(std::string_view what) {
    if (peek().kind != TokenKind::kName) {
      fail(peek(), "expected " + std::string(what));
    }
    return next();
  }

  uint32_t emit(Node node) {
    expression_.nodes_.push_back(std::move(node));
    return static_cast<uint32_t>(expression_.nodes_.size() - 1);
  }
  Node make(Op op, std::initializer_list<uint32_t> operands = {}) {
    Node node;
    node.op = op;
    size_t i = 0;
    for (uint32_t operand : operands) {
      node.operands[i++] = operand;
    }
    return node;
  }

  struct DepthGuard {
    explicit DepthGuard(Compiler& compiler) : compiler(compiler) {
      if (++compiler.depth_ > kMaxDepth) {
        compiler.fail(compiler.peek(), "the expression nests more than 64 levels");
      }
    }
    ~DepthGuard() { --compiler.depth_; }
    Compiler& compiler;
  };

  // ---- conditions

  uint32_t condition() {
    DepthGuard guard(*this);
    uint32_t left = conjunction();
    while (isName(peek(), "or")) {
      next();
      left = emit(make(Op::kOr, {left, conjunction()}));
    }
    return left;
  }

  uint32_t conjunction() {
    uint32_t left = negation();
    while (isName(peek(), "and")) {
      next();
      left = emit(make(Op::kAnd, {left, negation()}));
    }
    return left;
  }

  uint32_t negation() {
    DepthGuard guard(*this);
    if (isName(peek(), "not")) {
      next();
      return emit(make(Op::kNot, {negation()}));
    }
    if (isPunctuation(peek(), "(")) {
      next();
      const uint32_t inner = condition();
      expect(")");
      return inner;
    }
    const Token& start = peek();
    const Operand left = concatenation(/*allow_condition=*/true);
    if (left.condition) {
      return left.node;
    }
    if (!isPunctuation(peek(), "==")) {
      fail(peek(), "expected '==' or '+' after the string that starts at column " +
                       std::to_string(start.column));
    }
    next();
    const uint32_t right = string();
    return emit(make(Op::kEqual, {left.node, right}));
  }

  // ---- strings

  uint32_t string() { return concatenation(/*allow_condition=*/false).node; }

  // term { '+' term }. With `allow_condition`, a lone condition term (option[1].exists) is
  // returned as it is, for negation().
  Operand concatenation(bool allow_condition) {
    const Token& start = peek();
    Operand left = term();
    if (left.condition) {
      if (!allow_condition) {
        fail(start, "expected a string, found a condition");
      }
      return left;
    }
    while (isPunctuation(peek(), "+")) {
      next();
      const Token& operand_start = peek();
      const Operand right = term();
      if (right.condition) {
        fail(operand_start, "'+' needs strings, found a condition");
      }
      left.node = emit(make(Op::kConcat, {left.node, right.node}));
    }
    return left;
  }

  uint32_t stringArgument() {
    const Token& start = peek();
    const Operand operand = concatenation(/*allow_condition=*/true);
    if (operand.condition) {
      fail(start, "expected a string, found a condition");
    }
    return operand.node;
  }

  Operand term();
  Operand literal(const Token& token);
  Operand optionAccessor();
  Operand relay4();
  Operand relay6();
  Operand packetField(const Token& object);
  Operand vendor(bool vendor_class);
  Operand function(const Token& name);
  Operand member();
  Operand representation(Node node, Op exists_op);
  void setTextLayout(Node& node) const;

  int64_t integer(int64_t min, int64_t max, std::string_view what);
  uint16_t optionCode(bool allow_name, std::string_view space);
  uint32_t enterprise();
  void requireFamily(const Token& token, options::Family family);

  std::vector<Token> tokens_;
  size_t position_ = 0;
  size_t depth_ = 0;
  const CompileEnvironment& environment_;
  Expression& expression_;
};

int64_t Compiler::integer(int64_t min, int64_t max, std::string_view what) {
  const Token& token = peek();
  if (token.kind != TokenKind::kInteger) {
    fail(token, "expected " + std::string(what));
  }
  int64_t value = 0;
  const bool negative = token.text[0] == '-';
  for (char c : std::string_view(token.text).substr(negative ? 1 : 0)) {
    value = value * 10 + (c - '0');
    if (value > kMaxUint32 + 1) {
      break;  // far out of range already; stop before overflowing
    }
  }
  value = negative ? -value : value;
  if (value < min || value > max) {
    fail(token, std::string(what) + " out of range " + std::to_string(min) + ".." +
                    std::to_string(max));
  }
  next();
  return value;
}

// An option code, or (for top-level options) the name of an option in `space`.
uint16_t Compiler::optionCode(bool allow_name, std::string_view space) {
  const int64_t max = environment_.family == options::Family::kV4 ? 255 : 65535;
  const Token& token = peek();
  if (token.kind == TokenKind::kName && allow_name) {
    const options::OptionDefinitionSet& standard = options::standardDefinitions(environment_.family);
    const options::OptionDefinition* found = nullptr;
    if (environment_.custom_definitions != nullptr) {
      found = environment_.custom_definitions->find(space, std::string_view(token.text));
    }
    if (found == nullptr) {
      found = standard.find(space, std::string_view(token.text));
    }
    if (found == nullptr) {
      fail(token, "no option named '" + token.text + "' in space " + std::string(space));
    }
    next();
    return found->code;
  }
  return static_cast<uint16_t>(integer(0, max, "an option code"));
}

uint32_t Compiler::enterprise() {
  if (isPunctuation(peek(), "*")) {
    next();
    return 0;
  }
  return static_cast<uint32_t>(integer(0, kMaxUint32, "an enterprise number or '*'"));
}

void Compiler::requireFamily(const Token& token, options::Family family) {
  if (environment_.family != family) {
    fail(token, token.text + " can only be used in " +
                    (family == options::Family::kV4 ? "DHCPv4" : "DHCPv6"));
  }
}

Compiler::Operand Compiler::term() {
  DepthGuard guard(*this);
  const Token& token = next();
  switch (token.kind) {
    case TokenKind::kString:
    case TokenKind::kHex:
    case TokenKind::kInteger:
    case TokenKind::kAddress:
      return literal(token);
    case TokenKind::kEnd:
      fail(token, "the expression ends too early");
    case TokenKind::kPunctuation:
      fail(token, "expected a value");
    case TokenKind::kName:
      break;
  }
  if (token.text == "option") {
    return optionAccessor();
  }
  if (token.text == "relay4") {
    requireFamily(token, options::Family::kV4);
    return relay4();
  }
  if (token.text == "relay6") {
    requireFamily(token, options::Family::kV6);
    return relay6();
  }
  if (token.text == "pkt" || token.text == "pkt4" || token.text == "pkt6") {
    return packetField(token);
  }
  if (token.text == "vendor" || token.text == "vendor-class") {
    return vendor(token.text == "vendor-class");
  }
  if (token.text == "member") {
    return member();
  }
  if (token.text == "known" || token.text == "unknown") {
    fail(token, "'" + token.text + "' is not in Kea 2.2's language; use member('" +
                    (token.text == "known" ? "KNOWN" : "UNKNOWN") + "')");
  }
  if (isPunctuation(peek(), "(")) {
    return function(token);
  }
  fail(token, "unknown name '" + token.text + "'");
}

Compiler::Operand Compiler::literal(const Token& token) {
  Node node = make(Op::kLiteral);
  if (token.kind == TokenKind::kInteger) {
    --position_;  // let integer() check the range
    const auto value = static_cast<uint32_t>(integer(0, kMaxUint32, "an integer"));
    node.text = {static_cast<char>(value >> 24), static_cast<char>(value >> 16),
                 static_cast<char>(value >> 8), static_cast<char>(value)};
  } else {
    node.text = token.value;
  }
  return {emit(std::move(node)), false};
}

// .hex, .text or .exists after an option accessor.
Compiler::Operand Compiler::representation(Node node, Op exists_op) {
  expect(".");
  const Token& name = expectName("hex, text or exists");
  if (name.text == "exists") {
    node.op = exists_op;
    return {emit(std::move(node)), true};
  }
  if (name.text != "hex" && name.text != "text") {
    fail(name, "expected hex, text or exists");
  }
  node.repr = name.text == "hex" ? Repr::kHex : Repr::kText;
  if (node.repr == Repr::kText) {
    setTextLayout(node);
  }
  return {emit(std::move(node)), false};
}

// Chooses how .text renders the option that `node` reads, from the definition Kea 2.2 would
// use to build it: the family's space for option[] and relay6[].option[], the agent options
// space for relay4[], the parent's encapsulated space for option[].option[].
void Compiler::setTextLayout(Node& node) const {
  using options::DataType;
  const bool v4 = environment_.family == options::Family::kV4;
  std::string space = v4 ? "dhcp4" : "dhcp6";
  uint16_t code = static_cast<uint16_t>(node.code);
  if (node.op == Op::kRelay4) {
    space = "dhcp-agent-options-space";
    code = static_cast<uint16_t>(node.sub);
  } else if (node.op == Op::kRelay6Option) {
    code = static_cast<uint16_t>(node.sub);
  } else if (node.op == Op::kSubOption) {
    const options::OptionDefinition* parent = findDefinition(environment_, space, code);
    space = parent != nullptr ? parent->encapsulate : "";
    code = static_cast<uint16_t>(node.sub);
  }
  node.text_code = code;
  const options::OptionDefinition* definition = findDefinition(environment_, space, code);
  if (definition == nullptr) {
    node.text_layout = TextLayout::kHexDump;
    return;
  }
  node.text_type = definition->type;
  const bool encapsulates = !definition->encapsulate.empty();
  switch (definition->type) {
    case DataType::kBinary:
      // NOTE: Kea appends the text of sub-options to a binary option that encapsulates a
      // space; such options keep their payload here.
      node.text_layout = encapsulates ? TextLayout::kPayload : TextLayout::kHexDump;
      return;
    case DataType::kInt8:
    case DataType::kInt16:
    case DataType::kInt32:
    case DataType::kUint8:
    case DataType::kUint16:
    case DataType::kUint32:
      node.text_layout = definition->array ? TextLayout::kValueArray : TextLayout::kValue;
      break;
    case DataType::kIpv4Address:
    case DataType::kIpv6Address:
      node.text_layout = definition->array ? TextLayout::kAddressList : TextLayout::kValue;
      break;
    case DataType::kBoolean:
      node.text_layout = definition->array ? TextLayout::kPayload : TextLayout::kValue;
      break;
    default:
      // NOTE: strings are their payload, as in Kea. Records, FQDNs, prefixes, tuples and the
      // options Kea builds with classes of their own (client FQDN, vendor options, IAs)
      // have formatted texts in Kea that are not reproduced; they give their payload.
      node.text_layout = TextLayout::kPayload;
      return;
  }
  if (encapsulates) {
    node.text_layout = TextLayout::kPayload;
  }
}

Compiler::Operand Compiler::optionAccessor() {
  const std::string_view space = environment_.family == options::Family::kV4 ? "dhcp4" : "dhcp6";
  expect("[");
  const uint16_t code = optionCode(/*allow_name=*/true, space);
  expect("]");
  if (isPunctuation(peek(), ".") && isName(tokens_[position_ + 1], "option")) {
    next();
    next();
    expect("[");
    Node node = make(Op::kSubOption);
    node.code = code;
    node.sub = optionCode(/*allow_name=*/false, space);
    expect("]");
    // Kea reads sub-options only of options whose definition encapsulates a space.
    const options::OptionDefinition* definition = findDefinition(environment_, space, code);
    node.flag = definition != nullptr && !definition->encapsulate.empty();
    return representation(std::move(node), Op::kSubOptionExists);
  }
  Node node = make(Op::kOption);
  node.code = code;
  return representation(std::move(node), Op::kOptionExists);
}

Compiler::Operand Compiler::relay4() {
  expect("[");
  Node node = make(Op::kRelay4);
  node.sub = optionCode(/*allow_name=*/false, "dhcp4");
  expect("]");
  return representation(std::move(node), Op::kRelay4Exists);
}

Compiler::Operand Compiler::relay6() {
  expect("[");
  Node node;
  node.code = integer(-32, 31, "a relay nesting level");
  expect("]");
  expect(".");
  const Token& what = expectName("option, peeraddr or linkaddr");
  if (what.text == "peeraddr" || what.text == "linkaddr") {
    node.op = what.text == "peeraddr" ? Op::kRelay6PeerAddr : Op::kRelay6LinkAddr;
    return {emit(std::move(node)), false};
  }
  if (what.text != "option") {
    fail(what, "expected option, peeraddr or linkaddr");
  }
  expect("[");
  node.op = Op::kRelay6Option;
  node.sub = optionCode(/*allow_name=*/false, "dhcp6");
  expect("]");
  return representation(std::move(node), Op::kRelay6OptionExists);
}

Compiler::Operand Compiler::packetField(const Token& object) {
  struct FieldName {
    std::string_view object;
    std::string_view name;
    PktField field;
  };
  static constexpr FieldName kFields[] = {
      {"pkt", "iface", PktField::kIface},       {"pkt", "src", PktField::kSrc},
      {"pkt", "dst", PktField::kDst},           {"pkt", "len", PktField::kLen},
      {"pkt4", "mac", PktField::kMac},          {"pkt4", "hlen", PktField::kHlen},
      {"pkt4", "htype", PktField::kHtype},      {"pkt4", "ciaddr", PktField::kCiaddr},
      {"pkt4", "giaddr", PktField::kGiaddr},    {"pkt4", "yiaddr", PktField::kYiaddr},
      {"pkt4", "siaddr", PktField::kSiaddr},    {"pkt4", "msgtype", PktField::kMsgType4},
      {"pkt4", "transid", PktField::kTransId4}, {"pkt6", "msgtype", PktField::kMsgType6},
      {"pkt6", "transid", PktField::kTransId6},
  };
  if (object.text == "pkt4") {
    requireFamily(object, options::Family::kV4);
  } else if (object.text == "pkt6") {
    requireFamily(object, options::Family::kV6);
  }
  expect(".");
  const Token& name = expectName("a field name");
  for (const FieldName& candidate : kFields) {
    if (candidate.object == object.text && candidate.name == name.text) {
      Node node = make(Op::kPktField);
      node.field = candidate.field;
      return {emit(std::move(node)), false};
    }
  }
  fail(name, "unknown field " + object.text + "." + name.text);
}

// vendor.enterprise, vendor[e].exists, vendor[e].option[c].hex|exists, and for vendor-class:
// .enterprise, [e].exists, [e].data, [e].data[i].
Compiler::Operand Compiler::vendor(bool vendor_class) {
  if (isPunctuation(peek(), ".")) {
    next();
    const Token& name = expectName("enterprise");
    if (name.text != "enterprise") {
      fail(name, "expected enterprise");
    }
    return {emit(make(vendor_class ? Op::kVendorClassEnterprise : Op::kVendorEnterprise)), false};
  }
  expect("[");
  Node node;
  node.enterprise = enterprise();
  expect("]");
  expect(".");
  const Token& name = expectName(vendor_class ? "exists or data" : "exists or option");
  if (name.text == "exists") {
    node.op = vendor_class ? Op::kVendorClassExists : Op::kVendorExists;
    return {emit(std::move(node)), true};
  }
  if (vendor_class && name.text == "data") {
    node.op = Op::kVendorClassData;
    if (isPunctuation(peek(), "[")) {
      next();
      node.sub = integer(0, 255, "a data index");
      expect("]");
    }
    return {emit(std::move(node)), false};
  }
  if (!vendor_class && name.text == "option") {
    expect("[");
    node.op = Op::kVendorOption;
    node.sub = optionCode(/*allow_name=*/false, "");
    expect("]");
    return representation(std::move(node), Op::kVendorOptionExists);
  }
  fail(name, vendor_class ? "expected exists or data" : "expected exists or option");
}

Compiler::Operand Compiler::member() {
  expect("(");
  const Token& name = peek();
  if (name.kind != TokenKind::kString) {
    fail(name, "member() needs a class name in quotes");
  }
  next();
  expect(")");
  Node node = make(Op::kMember);
  node.text = name.value;
  if (name.value == "KNOWN" || name.value == "UNKNOWN") {
    expression_.depends_on_known_ = true;
  } else if (!isBuiltinClass(name.value)) {
    const std::optional<bool> defined =
        environment_.defined_class ? environment_.defined_class(name.value) : std::nullopt;
    if (!defined) {
      fail(name, "class '" + name.value + "' is not defined before this one");
    }
    expression_.depends_on_known_ = expression_.depends_on_known_ || *defined;
  }
  return {emit(std::move(node)), true};
}

Compiler::Operand Compiler::function(const Token& name) {
  expect("(");
  const auto close = [&](Node node) -> Operand {
    expect(")");
    return {emit(std::move(node)), false};
  };
  const auto unary = [&](Op op) -> Operand { return close(make(op, {stringArgument()})); };
  const auto binary = [&](Op op) -> Operand {
    const uint32_t first = stringArgument();
    expect(",");
    return close(make(op, {first, stringArgument()}));
  };

  if (name.text == "substring") {
    Node node = make(Op::kSubstring, {stringArgument()});
    expect(",");
    node.code = integer(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                        "a start position");
    expect(",");
    if (isName(peek(), "all")) {
      next();
      node.flag = true;
    } else {
      node.sub = integer(std::numeric_limits<int32_t>::min(),
                         std::numeric_limits<int32_t>::max(), "a length or all");
    }
    return close(std::move(node));
  }
  if (name.text == "split") {
    const uint32_t input = stringArgument();
    expect(",");
    Node node = make(Op::kSplit, {input, stringArgument()});
    expect(",");
    node.code = integer(std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max(),
                        "a field number");
    return close(std::move(node));
  }
  if (name.text == "ifelse") {
    const uint32_t test = condition();
    expect(",");
    const uint32_t when_true = stringArgument();
    expect(",");
    return close(make(Op::kIfElse, {test, when_true, stringArgument()}));
  }
  if (name.text == "concat") {
    return binary(Op::kConcat);
  }
  if (name.text == "hexstring") {
    return binary(Op::kHexString);
  }
  if (name.text == "addrtotext") {
    return unary(Op::kAddrToText);
  }
  if (name.text == "lcase") {
    return unary(Op::kLowerCase);
  }
  if (name.text == "ucase") {
    return unary(Op::kUpperCase);
  }
  struct IntFunction {
    std::string_view name;
    int width;
    bool is_signed;
  };
  static constexpr IntFunction kIntFunctions[] = {
      {"int8totext", 1, true},   {"int16totext", 2, true},   {"int32totext", 4, true},
      {"uint8totext", 1, false}, {"uint16totext", 2, false}, {"uint32totext", 4, false},
  };
  for (const IntFunction& candidate : kIntFunctions) {
    if (name.text == candidate.name) {
      Node node = make(Op::kIntToText, {stringArgument()});
      node.code = candidate.width;
      node.flag = candidate.is_signed;
      return close(std::move(node));
    }
  }
  if (name.text == "match") {
    fail(name, "match() (regular expressions, added after Kea 2.2) is not supported");
  }
  fail(name, "unknown function '" + name.text + "'");
}

Expression::~Expression() = default;

Result<std::shared_ptr<const Expression>, ParseError> compileExpression(
    std::string_view text, ResultType result_type, const CompileEnvironment& environment) {
  auto tokens = detail::tokenize(text);
  if (!tokens) {
    return makeUnexpected(tokens.error());
  }
  std::shared_ptr<Expression> expression(new Expression());
  expression->text_ = std::string(text);
  expression->result_type_ = result_type;
  try {
    Compiler compiler(std::move(*tokens), environment, *expression);
    compiler.compile(result_type);
  } catch (const CompileFailure& failure) {
    return makeUnexpected(failure.error);
  }
  return std::shared_ptr<const Expression>(std::move(expression));
}

}  // namespace leasehold::classify
