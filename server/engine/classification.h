// Client classification as Kea runs it, shared by the DHCPv4 and DHCPv6 exchanges:
//   1. built-in classes (ALL, VENDOR_CLASS_...), added by the exchange;
//   2. evaluateClasses(kBeforeHostLookup): configured classes in configuration order, except
//      those that depend on KNOWN/UNKNOWN and those only evaluated on request;
//   3. subnet selection and the host lookup; the exchange adds KNOWN or UNKNOWN and the
//      reservation's classes;
//   4. evaluateClasses(kAfterHostLookup): the classes that depend on KNOWN/UNKNOWN;
//   5. after the lease is chosen, evaluateAdditionalClasses() for the classes that the shared
//      network, subnet and pool list in require-client-classes (evaluate-additional-classes).
// Each class sees, through member(), the classes assigned before it.
//
// Threads: any worker thread; each thread evaluates with its own scratch memory.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "server/classify/expression.h"
#include "server/config/model.h"
#include "server/engine/client_classes.h"

namespace leasehold::engine {

enum class ClassPhase { kBeforeHostLookup, kAfterHostLookup };

// Adds to `classes` each configured class of `phase` whose test holds for `packet` (whose
// `classes` field is ignored). A template class whose template-test gives a non-empty value
// adds itself and SPAWN_<name>_<value>. A run-time evaluation error counts as false.
void evaluateClasses(const std::vector<config::ClientClass>& configured, ClassPhase phase,
                     classify::PacketView packet, ClientClasses& classes);

// Evaluates the classes named in `lists` (in order: shared network, subnet, pool), as Kea's
// required classification does: a named class without a test is added, one with a test is
// added when it holds, and a name with no class definition is skipped.
void evaluateAdditionalClasses(const config::DhcpCommon& config,
                               std::span<const std::vector<std::string>* const> lists,
                               classify::PacketView packet, ClientClasses& classes);

// The name of Kea's class whose members' queries are dropped after classification.
inline constexpr std::string_view kDropClass = "DROP";

}  // namespace leasehold::engine
