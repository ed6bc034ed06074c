#pragma once
// ASCII-only case handling for directive names and keywords, which Redis compares with strcasecmp
// in the "C" locale. Pure functions, thread-safe.

#include <algorithm>
#include <string>
#include <string_view>

namespace tandem::base {

inline char AsciiLower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string AsciiLower(std::string_view s) {
  std::string lower(s);
  for (char& c : lower) c = AsciiLower(c);
  return lower;
}

inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return AsciiLower(x) == AsciiLower(y); });
}

}  // namespace tandem::base
