// libFuzzer target for the classification expression compiler and evaluator. The first input
// byte picks the family ('6' for DHCPv6, anything else DHCPv4) and the result type ('s' as
// second byte: a template string); the rest is the expression text.
//
// Besides crashes and sanitizer reports, it stops on a broken invariant:
//   - a compile error points inside the text or just past its end;
//   - a compiled expression evaluates without throwing against a fixed packet, twice with
//     the same result (evaluation has no hidden state).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>

#include "server/classify/expression.h"
#include "server/packet/pkt4.h"
#include "server/packet/pkt6.h"

namespace {

using namespace leasehold;

[[noreturn]] void fail(const char* invariant, std::string_view detail) {
  std::cerr << "broken invariant: " << invariant << ": " << detail << "\n";
  std::abort();
}

classify::PacketView samplePacket(options::Family family) {
  static const packet::Pkt4 pkt4 = [] {
    packet::Pkt4 pkt;
    const uint8_t discover = 1;
    pkt.options.add(53, {&discover, 1});
    const uint8_t vendor[] = {'P', 'X', 'E'};
    pkt.options.add(60, vendor);
    const uint8_t agent[] = {1, 2, 'a', 'b'};
    pkt.options.add(82, agent);
    return pkt;
  }();
  static const packet::Pkt6 pkt6 = [] {
    packet::Pkt6 pkt;
    const uint8_t duid[] = {0, 3, 0, 1, 1, 2, 3, 4, 5, 6};
    pkt.options.add(1, duid);
    pkt.relays.resize(2);
    return pkt;
  }();
  static const std::string classes[] = {"ALL"};
  classify::PacketView view;
  if (family == options::Family::kV4) {
    view.pkt4 = &pkt4;
  } else {
    view.pkt6 = &pkt6;
  }
  view.classes = classes;
  return view;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  const auto family = data[0] == '6' ? options::Family::kV6 : options::Family::kV4;
  const auto type = data[1] == 's' ? classify::ResultType::kString : classify::ResultType::kBool;
  const std::string_view text(reinterpret_cast<const char*>(data) + 2, size - 2);

  classify::CompileEnvironment environment;
  environment.family = family;
  environment.defined_class = [](std::string_view name) -> std::optional<bool> {
    return name == "earlier" ? std::optional<bool>(false) : std::nullopt;
  };
  auto compiled = classify::compileExpression(text, type, environment);
  if (!compiled) {
    if (compiled.error().column == 0 || compiled.error().column > text.size() + 1) {
      fail("error column inside the text", compiled.error().toString());
    }
    return 0;
  }

  classify::EvalScratch scratch;
  const classify::PacketView view = samplePacket(family);
  if (type == classify::ResultType::kBool) {
    if ((*compiled)->evaluate(view, scratch) != (*compiled)->evaluate(view, scratch)) {
      fail("repeatable evaluation", text);
    }
  } else {
    std::string first;
    std::string second;
    const bool ok_first = (*compiled)->evaluateString(view, scratch, first);
    const bool ok_second = (*compiled)->evaluateString(view, scratch, second);
    if (ok_first != ok_second || first != second) {
      fail("repeatable evaluation", text);
    }
  }
  return 0;
}
