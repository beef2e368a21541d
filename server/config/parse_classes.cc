// `client-classes`: names, test expressions (compiled here by the classify component),
// class-level options and DHCPv4 boot fields, lifetimes.
#include <set>

#include "server/classify/expression.h"
#include "server/config/parse_internal.h"

namespace leasehold::config::detail {

namespace {

constexpr int64_t kMaxUint32 = 4294967295;

std::optional<uint32_t> lifetime(Section& section, std::string_view key) {
  auto value = section.integer(key, 0, kMaxUint32);
  return value ? std::optional<uint32_t>(static_cast<uint32_t>(*value)) : std::nullopt;
}

std::optional<Triplet> classTriplet(Section& section, std::string_view name) {
  const std::string key(name);
  auto value = lifetime(section, key);
  auto min = lifetime(section, "min-" + key);
  auto max = lifetime(section, "max-" + key);
  if (!value && !min && !max) {
    return std::nullopt;
  }
  // A class sets its own default; without one, the bounds alone limit the subnet's value.
  return resolveTriplet(value, min, max, value.value_or(min.value_or(max.value_or(0))),
                        section.path(), name);
}

// Compiles the expression at `key`. member() may name the built-in classes and the classes in
// `earlier`, which come before this one in the configuration.
std::shared_ptr<const classify::Expression> compileClassExpression(
    Section& section, std::string_view key, const std::string& text,
    classify::ResultType result_type, const ParseState& state,
    const std::vector<ClientClass>& earlier) {
  if (text.empty()) {
    section.failAt(key, "empty expression: write a condition or remove the key");
  }
  classify::CompileEnvironment environment;
  environment.family = state.family;
  environment.custom_definitions = state.custom_definitions;
  environment.defined_class = [&earlier](std::string_view name) -> std::optional<bool> {
    for (const ClientClass& client_class : earlier) {
      if (client_class.name == name) {
        return client_class.dependsOnKnown();
      }
    }
    return std::nullopt;
  };
  auto compiled = classify::compileExpression(text, result_type, environment);
  if (!compiled) {
    section.failAt(key, compiled.error().toString());
  }
  return std::move(*compiled);
}

ClientClass parseClass(Section& section, const ParseState& state,
                       const std::vector<ClientClass>& earlier) {
  ClientClass client_class;
  auto name = section.string("name");
  if (!name || name->empty()) {
    section.failAt("name", "missing client class name");
  }
  client_class.name = *name;
  if (section.has("test") && section.has("template-test")) {
    section.failAt("template-test", "a class has either test or template-test, not both");
  }
  if (auto test = section.string("test")) {
    client_class.test = *test;
    client_class.expression = compileClassExpression(section, "test", *test,
                                                     classify::ResultType::kBool, state, earlier);
  }
  if (auto template_test = section.string("template-test")) {
    client_class.template_test = *template_test;
    client_class.expression = compileClassExpression(
        section, "template-test", *template_test, classify::ResultType::kString, state, earlier);
  }
  // Kea 3.x renamed only-if-required to only-in-additional-list.
  if (section.has("only-if-required") && section.has("only-in-additional-list")) {
    section.failAt("only-if-required",
                   "use either only-if-required or only-in-additional-list, not both");
  }
  client_class.only_in_additional_list =
      section.boolean("only-in-additional-list")
          .value_or(section.boolean("only-if-required").value_or(false));

  // DHCPv4 classes may define options of their own, used only by their option-data.
  options::OptionDefinitionSet class_definitions;
  if (state.family == Family::kV4) {
    class_definitions = parseOptionDefinitions(section, state.family, state.custom_definitions);
    client_class.next_server = parseIPv4(section, "next-server");
    if (client_class.next_server && client_class.next_server->isZero()) {
      client_class.next_server.reset();  // 0.0.0.0 means "not set" in Kea
    }
    client_class.server_hostname = section.string("server-hostname").value_or("");
    client_class.boot_file_name = section.string("boot-file-name").value_or("");
    if (auto offer = section.integer("offer-lifetime", 0, kMaxUint32)) {
      client_class.offer_lifetime = seconds(*offer);
    }
  } else {
    client_class.preferred_lifetime = classTriplet(section, "preferred-lifetime");
  }
  client_class.valid_lifetime = classTriplet(section, "valid-lifetime");
  client_class.options = parseOptionData(section, state, &class_definitions);
  client_class.user_context = section.userContext();
  section.finish();
  return client_class;
}

}  // namespace

std::vector<ClientClass> parseClientClasses(Section& global, const ParseState& state) {
  std::vector<ClientClass> classes;
  std::set<std::string> names;
  for (Section& section : objectList(global, "client-classes")) {
    ClientClass client_class = parseClass(section, state, classes);
    if (!names.insert(client_class.name).second) {
      section.failAt("name", "duplicate client class " + quote(client_class.name) +
                                 ": class names must be unique");
    }
    classes.push_back(std::move(client_class));
  }
  return classes;
}

std::vector<std::string> parseClassRestriction(Section& section) {
  if (section.has("client-class") && section.has("client-classes")) {
    section.failAt("client-class", "use either client-class or client-classes, not both");
  }
  if (auto single = section.string("client-class")) {
    return single->empty() ? std::vector<std::string>{} : std::vector<std::string>{*single};
  }
  return section.stringList("client-classes").value_or(std::vector<std::string>{});
}

std::vector<std::string> parseAdditionalClasses(Section& section) {
  if (section.has("require-client-classes") && section.has("evaluate-additional-classes")) {
    section.failAt("require-client-classes",
                   "use either require-client-classes or evaluate-additional-classes, not both");
  }
  if (auto old = section.stringList("require-client-classes")) {
    return *old;
  }
  return section.stringList("evaluate-additional-classes").value_or(std::vector<std::string>{});
}

}  // namespace leasehold::config::detail
