#include "backends/sql/sql_values.h"

#include <algorithm>

namespace leasehold::sql {

namespace {

bool validUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    if (byte == 0) {
      return false;  // neither PostgreSQL text nor a C string can contain NUL
    } else if (byte < 0x80) {
      length = 1;
    } else if ((byte & 0xe0) == 0xc0 && byte >= 0xc2) {
      length = 2;
    } else if ((byte & 0xf0) == 0xe0) {
      length = 3;
    } else if ((byte & 0xf8) == 0xf0 && byte <= 0xf4) {
      length = 4;
    } else {
      return false;
    }
    if (i + length > text.size()) {
      return false;
    }
    for (size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xc0) != 0x80) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

std::optional<std::string> checkText(const std::string& hostname,
                                     const std::string& user_context) {
  if (!validUtf8(hostname)) {
    return "hostname is not UTF-8 text without NUL bytes";
  }
  if (user_context.size() > kMaxUserContextLength || !validUtf8(user_context)) {
    return "user context is not UTF-8 text without NUL bytes of at most " +
           std::to_string(kMaxUserContextLength) + " bytes";
  }
  return std::nullopt;
}

}  // namespace

std::string toDecimal(unsigned __int128 value) {
  if (value == 0) {
    return "0";
  }
  std::string digits;
  while (value != 0) {
    digits.push_back(static_cast<char>('0' + static_cast<int>(value % 10)));
    value /= 10;
  }
  std::reverse(digits.begin(), digits.end());
  return digits;
}

std::optional<unsigned __int128> parseDecimal(std::string_view text) {
  if (text.empty() || text.size() > 39) {
    return std::nullopt;
  }
  constexpr unsigned __int128 kMax = ~static_cast<unsigned __int128>(0);
  unsigned __int128 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    const unsigned digit = static_cast<unsigned>(c - '0');
    if (value > (kMax - digit) / 10) {
      return std::nullopt;
    }
    value = value * 10 + digit;
  }
  return value;
}

std::optional<std::string> checkLease(const Lease4& lease) {
  if (std::string problem = validateLease(lease); !problem.empty()) {
    return problem;
  }
  return checkText(lease.hostname, lease.user_context);
}

std::optional<std::string> checkLease(const Lease6& lease) {
  if (std::string problem = validateLease(lease); !problem.empty()) {
    return problem;
  }
  return checkText(lease.hostname, lease.user_context);
}

std::vector<unsigned __int128> expandGaps(const GapScan& scan, const GapRange& range,
                                          unsigned __int128 step, size_t limit) {
  std::vector<unsigned __int128> free;
  const unsigned __int128 mask = step - 1;
  // Appends the step multiples in [from, to], stopping at the limit.
  const auto take = [&](unsigned __int128 from, unsigned __int128 to) {
    if ((from & mask) != 0) {
      const unsigned __int128 aligned = (from | mask) + 1;
      if (aligned == 0 || aligned < from) {
        return;  // no multiple of step left below 2^128
      }
      from = aligned;
    }
    for (unsigned __int128 candidate = from; candidate <= to && free.size() < limit;
         candidate += step) {
      free.push_back(candidate);
      if (to - candidate < step) {
        break;  // the next candidate would pass `to` or wrap around 2^128
      }
    }
  };

  if (!scan.lowest_leased) {
    take(range.low, range.high);
    return free;
  }
  if (*scan.lowest_leased > range.low) {
    take(range.low, *scan.lowest_leased - 1);
  }
  for (const auto& [leased, next] : scan.gaps) {
    if (free.size() >= limit) {
      break;
    }
    if (leased >= range.high) {
      continue;
    }
    const unsigned __int128 upper = next ? *next - 1 : range.high;
    take(leased + 1, std::min(upper, range.high));
  }
  return free;
}

}  // namespace leasehold::sql
