#include "server/packet/option_list.h"

#include <algorithm>
#include <cstring>
#include <functional>

namespace leasehold::packet {

void OptionList::reserve(size_t options, size_t bytes) {
  entries_.reserve(options);
  storage_.reserve(bytes);
}

void OptionList::clear() {
  entries_.clear();
  storage_.clear();
}

std::span<const uint8_t> OptionList::detach(std::span<const uint8_t> payload,
                                            std::vector<uint8_t>& scratch) const {
  if (payload.empty() || storage_.empty()) {
    return payload;
  }
  // std::less gives a total order even for pointers into different arrays.
  const std::less<const uint8_t*> before;
  const uint8_t* begin = storage_.data();
  const uint8_t* end = begin + storage_.size();
  if (before(payload.data(), begin) || !before(payload.data(), end)) {
    return payload;
  }
  scratch.assign(payload.begin(), payload.end());
  return scratch;
}

void OptionList::add(uint16_t code, std::span<const uint8_t> payload) {
  std::vector<uint8_t> scratch;
  payload = detach(payload, scratch);
  const size_t offset = storage_.size();
  storage_.insert(storage_.end(), payload.begin(), payload.end());
  entries_.push_back(
      {code, static_cast<uint32_t>(offset), static_cast<uint32_t>(payload.size())});
}

void OptionList::addZeroed(uint16_t code, size_t length) {
  const size_t offset = storage_.size();
  storage_.resize(offset + length);
  entries_.push_back({code, static_cast<uint32_t>(offset), static_cast<uint32_t>(length)});
}

void OptionList::replacePayload(size_t index, std::span<const uint8_t> payload) {
  std::vector<uint8_t> scratch;
  payload = detach(payload, scratch);
  Entry& entry = entries_[index];
  const auto first = storage_.begin() + entry.offset;
  const size_t common = std::min<size_t>(entry.length, payload.size());
  std::copy_n(payload.begin(), common, first);
  if (payload.size() > entry.length) {
    storage_.insert(first + common, payload.begin() + common, payload.end());
  } else {
    storage_.erase(first + common, first + entry.length);
  }

  const auto delta = static_cast<int64_t>(payload.size()) - static_cast<int64_t>(entry.length);
  entry.length = static_cast<uint32_t>(payload.size());
  for (size_t i = index + 1; i < entries_.size(); ++i) {
    entries_[i].offset = static_cast<uint32_t>(entries_[i].offset + delta);
  }
}

void OptionList::append(uint16_t code, std::span<const uint8_t> payload) {
  for (size_t i = entries_.size(); i-- > 0;) {
    if (entries_[i].code != code) {
      continue;
    }
    std::vector<uint8_t> scratch;
    payload = detach(payload, scratch);
    Entry& entry = entries_[i];
    storage_.insert(storage_.begin() + entry.offset + entry.length, payload.begin(),
                    payload.end());
    entry.length += static_cast<uint32_t>(payload.size());
    for (size_t j = i + 1; j < entries_.size(); ++j) {
      entries_[j].offset += static_cast<uint32_t>(payload.size());
    }
    return;
  }
  add(code, payload);
}

void OptionList::set(uint16_t code, std::span<const uint8_t> payload) {
  const auto first = std::find_if(entries_.begin(), entries_.end(),
                                  [code](const Entry& entry) { return entry.code == code; });
  if (first == entries_.end()) {
    add(code, payload);
    return;
  }

  // Copy the payload first: removing the duplicates may move the bytes it points at.
  std::vector<uint8_t> scratch;
  payload = detach(payload, scratch);
  const size_t index = static_cast<size_t>(first - entries_.begin());
  for (size_t i = entries_.size(); i-- > index + 1;) {
    if (entries_[i].code == code) {
      const Entry removed = entries_[i];
      storage_.erase(storage_.begin() + removed.offset,
                     storage_.begin() + removed.offset + removed.length);
      entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
      for (size_t j = i; j < entries_.size(); ++j) {
        entries_[j].offset -= removed.length;
      }
    }
  }
  replacePayload(index, payload);
}

size_t OptionList::remove(uint16_t code) {
  // Compact in one pass: payloads are stored in list order, so each remaining payload moves down
  // by the bytes removed before it.
  size_t kept_count = 0;
  uint32_t write_offset = 0;
  for (size_t i = 0; i < entries_.size(); ++i) {
    const Entry entry = entries_[i];
    if (entry.code == code) {
      continue;
    }
    if (entry.offset != write_offset) {
      std::memmove(storage_.data() + write_offset, storage_.data() + entry.offset,
                   entry.length);
    }
    entries_[kept_count++] = {entry.code, write_offset, entry.length};
    write_offset += entry.length;
  }
  const size_t removed = entries_.size() - kept_count;
  entries_.resize(kept_count);
  storage_.resize(write_offset);
  return removed;
}

std::optional<std::span<const uint8_t>> OptionList::find(uint16_t code) const {
  for (const Entry& entry : entries_) {
    if (entry.code == code) {
      return payload(entry);
    }
  }
  return std::nullopt;
}

std::vector<std::span<const uint8_t>> OptionList::findAll(uint16_t code) const {
  std::vector<std::span<const uint8_t>> found;
  for (const Entry& entry : entries_) {
    if (entry.code == code) {
      found.push_back(payload(entry));
    }
  }
  return found;
}

bool operator==(const OptionList& left, const OptionList& right) {
  if (left.entries_.size() != right.entries_.size() || left.storage_ != right.storage_) {
    return false;
  }
  for (size_t i = 0; i < left.entries_.size(); ++i) {
    if (left.entries_[i].code != right.entries_[i].code ||
        left.entries_[i].length != right.entries_[i].length) {
      return false;
    }
  }
  return true;
}

}  // namespace leasehold::packet
