#pragma once
// Byte-vector helpers for the RDB tests: vectors recorded from redis-server 7.0 DUMP payloads are
// written as hex, with "{hh*n}" standing for n copies of byte hh so long runs stay readable.

#include <cstdlib>
#include <string>
#include <string_view>

namespace tandem::rdb::testing {

inline std::string FromHex(std::string_view hex) {
  std::string out;
  size_t i = 0;
  while (i < hex.size()) {
    if (hex[i] == '{') {
      size_t star = hex.find('*', i);
      size_t close = hex.find('}', i);
      char byte =
          static_cast<char>(std::strtol(std::string(hex.substr(i + 1, 2)).c_str(), nullptr, 16));
      size_t n =
          std::strtoul(std::string(hex.substr(star + 1, close - star - 1)).c_str(), nullptr, 10);
      out.append(n, byte);
      i = close + 1;
      continue;
    }
    out.push_back(
        static_cast<char>(std::strtol(std::string(hex.substr(i, 2)).c_str(), nullptr, 16)));
    i += 2;
  }
  return out;
}

inline std::string ToHex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

}  // namespace tandem::rdb::testing
