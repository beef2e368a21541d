// Choosing which configured options go into a reply. Options are configured at several
// levels; the most specific level that defines an option wins. The caller lists the levels
// most specific first: reservation, pool, subnet, shared network, client classes (in
// classification order), global.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "server/config/model.h"
#include "server/engine/client_classes.h"

namespace leasehold::engine {

class OptionLevels {
 public:
  void push(const config::OptionList& level) { levels_.push_back(&level); }

  // Returns the option with `code` in `space` from the most specific level that has one the
  // client may see (its client-classes admit the packet), or nullptr.
  const config::OptionValue* find(std::string_view space, uint16_t code,
                                  const ClientClasses& classes) const;

  // Returns the codes of options in `space` that are always-send at the level that defines
  // them, without duplicates.
  std::vector<uint16_t> alwaysSendCodes(std::string_view space, const ClientClasses& classes) const;

 private:
  std::vector<const config::OptionList*> levels_;
};

}  // namespace leasehold::engine
