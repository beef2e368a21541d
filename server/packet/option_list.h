// OptionList: an ordered list of DHCP options (code and payload) stored in one contiguous
// buffer, so a decoded packet costs two allocations however many options it carries.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace leasehold::packet {

class OptionList {
 public:
  struct Entry {
    uint16_t code;
    uint32_t offset;  // into the storage buffer
    uint32_t length;
  };

  void reserve(size_t options, size_t bytes);
  void clear();

  // Appends an option. Codes may repeat (DHCPv6 allows several IA_NA options, for example).
  void add(uint16_t code, std::span<const uint8_t> payload);
  // Appends payload bytes to the last option with `code`, or adds it when absent (RFC 3396
  // concatenation of split DHCPv4 options).
  void append(uint16_t code, std::span<const uint8_t> payload);
  // Replaces every option with `code` by one with `payload`, keeping the first one's position.
  void set(uint16_t code, std::span<const uint8_t> payload);
  // Removes every option with `code`; returns how many were removed.
  size_t remove(uint16_t code);

  bool contains(uint16_t code) const { return find(code).has_value(); }
  // Returns the payload of the first option with `code`, or nullopt. The span is valid until
  // the list is next modified.
  std::optional<std::span<const uint8_t>> find(uint16_t code) const;
  // Returns every option with `code`, in order.
  std::vector<std::span<const uint8_t>> findAll(uint16_t code) const;

  size_t size() const { return entries_.size(); }
  bool empty() const { return entries_.empty(); }
  const std::vector<Entry>& entries() const { return entries_; }
  std::span<const uint8_t> payload(const Entry& entry) const {
    return {storage_.data() + entry.offset, entry.length};
  }

 private:
  std::vector<uint8_t> storage_;
  std::vector<Entry> entries_;
};

}  // namespace leasehold::packet
