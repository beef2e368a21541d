// OptionList: an ordered list of DHCP options (code and payload) stored in one contiguous
// buffer, so a decoded packet costs two allocations however many options it carries.
//
// The buffer contains the payloads back to back in list order, with no gaps, and every modifier
// keeps it that way. Not thread-safe: one thread owns a list at a time.
#pragma once

#include <cstddef>
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
  // `payload` may point into this list.
  void add(uint16_t code, std::span<const uint8_t> payload);
  // Appends an option of `length` zero bytes, to be filled through mutablePayload(). Decoders
  // use it to size a payload before copying its pieces in.
  void addZeroed(uint16_t code, size_t length);
  // Appends payload bytes to the last option with `code`, or adds it when absent (RFC 3396
  // concatenation of split DHCPv4 options). `payload` may point into this list.
  void append(uint16_t code, std::span<const uint8_t> payload);
  // Replaces every option with `code` by one with `payload`, keeping the first one's position.
  // `payload` may point into this list.
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
  // Returns the writable payload of the option at `index` (0-based, in list order), valid until
  // the list is next modified. REQUIRES: index < size().
  std::span<uint8_t> mutablePayload(size_t index) {
    const Entry& entry = entries_[index];
    return {storage_.data() + entry.offset, entry.length};
  }
  // Total payload bytes, without any per-option header.
  size_t payloadBytes() const { return storage_.size(); }

  // Two lists are equal when they hold the same codes with the same payloads in the same order.
  friend bool operator==(const OptionList& left, const OptionList& right);

 private:
  // Replaces the payload of entries_[index] with `payload`, shifting the options after it.
  void replacePayload(size_t index, std::span<const uint8_t> payload);
  // Copies `payload` out of storage_ when it points into it, so a resize cannot invalidate it.
  std::span<const uint8_t> detach(std::span<const uint8_t> payload,
                                  std::vector<uint8_t>& scratch) const;

  std::vector<uint8_t> storage_;
  std::vector<Entry> entries_;
};

}  // namespace leasehold::packet
