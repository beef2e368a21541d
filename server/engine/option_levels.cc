#include "server/engine/option_levels.h"

#include <algorithm>

namespace leasehold::engine {

const config::OptionValue* OptionLevels::find(std::string_view space, uint16_t code,
                                              const ClientClasses& classes) const {
  for (const config::OptionList* level : levels_) {
    for (const config::OptionValue& option : *level) {
      if (option.code == code && option.space == space && classes.admits(option.client_classes)) {
        return &option;
      }
    }
  }
  return nullptr;
}

std::vector<uint16_t> OptionLevels::alwaysSendCodes(std::string_view space,
                                                    const ClientClasses& classes) const {
  std::vector<uint16_t> codes;
  for (const config::OptionList* level : levels_) {
    for (const config::OptionValue& option : *level) {
      if (option.always_send && option.space == space &&
          std::find(codes.begin(), codes.end(), option.code) == codes.end()) {
        // Only if this level is where the option is taken from.
        if (find(space, option.code, classes) == &option) {
          codes.push_back(option.code);
        }
      }
    }
  }
  return codes;
}

}  // namespace leasehold::engine
