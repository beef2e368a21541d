#include "server/engine/classification.h"

namespace leasehold::engine {

namespace {

classify::EvalScratch& threadScratch() {
  // One per worker thread: the arena keeps its capacity, so evaluations stop allocating
  // once it has grown to the largest expression seen.
  thread_local classify::EvalScratch scratch;
  return scratch;
}

// Evaluates one class against `packet` and adds it (and for a template class its spawned
// class) to `classes` when it matches.
void evaluateClass(const config::ClientClass& client_class, classify::PacketView packet,
                   ClientClasses& classes) {
  packet.classes = classes.names();
  if (client_class.isTemplate()) {
    thread_local std::string value;
    if (client_class.expression->evaluateString(packet, threadScratch(), value) &&
        !value.empty()) {
      classes.add(client_class.name);
      classes.add("SPAWN_" + client_class.name + "_" + value);
    }
    return;
  }
  if (client_class.expression->evaluate(packet, threadScratch()) == classify::EvalResult::kTrue) {
    classes.add(client_class.name);
  }
}

}  // namespace

void evaluateClasses(const std::vector<config::ClientClass>& configured, ClassPhase phase,
                     classify::PacketView packet, ClientClasses& classes) {
  const bool after_host_lookup = phase == ClassPhase::kAfterHostLookup;
  for (const config::ClientClass& client_class : configured) {
    if (client_class.expression == nullptr || client_class.only_in_additional_list ||
        client_class.dependsOnKnown() != after_host_lookup) {
      continue;
    }
    evaluateClass(client_class, packet, classes);
  }
}

void evaluateAdditionalClasses(const config::DhcpCommon& config,
                               std::span<const std::vector<std::string>* const> lists,
                               classify::PacketView packet, ClientClasses& classes) {
  for (const std::vector<std::string>* names : lists) {
    if (names == nullptr) {
      continue;
    }
    for (const std::string& name : *names) {
      const config::ClientClass* client_class = config.findClass(name);
      if (client_class == nullptr || classes.contains(name)) {
        continue;
      }
      if (client_class->expression == nullptr) {
        classes.add(name);
        continue;
      }
      evaluateClass(*client_class, packet, classes);
    }
  }
}

}  // namespace leasehold::engine
