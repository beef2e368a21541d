// Host reservations indexed by identifier (hw-address, client-id, DUID, circuit-id, flex-id),
// for one subnet or for the global level. Works for Reservation4 and Reservation6.
//
// REQUIRES: the reservations outlive the index (both belong to one configuration snapshot).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>

#include "server/config/model.h"

namespace leasehold::engine {

template <typename Reservation>
class ReservationIndex {
 public:
  void add(const Reservation& reservation) {
    by_identifier_.emplace(key(reservation.identifier_type, reservation.identifier), &reservation);
  }

  // Returns the reservation for this identifier, or nullptr.
  const Reservation* find(config::IdentifierType type, std::span<const uint8_t> identifier) const {
    if (by_identifier_.empty()) {
      return nullptr;
    }
    const auto found = by_identifier_.find(key(type, identifier));
    return found == by_identifier_.end() ? nullptr : found->second;
  }

  bool empty() const { return by_identifier_.empty(); }

 private:
  static std::string key(config::IdentifierType type, std::span<const uint8_t> identifier) {
    std::string text;
    text.reserve(identifier.size() + 1);
    text.push_back(static_cast<char>(type));
    text.append(reinterpret_cast<const char*>(identifier.data()), identifier.size());
    return text;
  }

  std::unordered_map<std::string, const Reservation*> by_identifier_;
};

}  // namespace leasehold::engine
