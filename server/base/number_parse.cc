#include "server/base/number_parse.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>

namespace tandem::base {
namespace {

// Nineteen decimal digits always fit in a uint64_t (10^19 - 1 < 2^64), so the digit loop cannot
// overflow; the range check against int64_t happens once at the end.
constexpr size_t kMaxInt64Digits = 19;

// strtod/strtold need a NUL-terminated string. Nearly every argument is short and is copied on the
// stack; longer ones are copied to the heap.
template <typename Fn>
auto WithCString(std::string_view text, Fn&& fn) {
  char small[64];
  if (text.size() < sizeof(small)) {
    std::memcpy(small, text.data(), text.size());
    small[text.size()] = '\0';
    return fn(static_cast<const char*>(small));
  }
  std::string copy(text);
  return fn(copy.c_str());
}

// Shared acceptance rule of Redis's string2d and string2ld, applied after strto{d,ld} has parsed
// the non-empty `c_text`, whose length is `size`, stopping at `end`;
// `error` is the errno it left.
template <typename Float>
bool AcceptParsedFloat(const char* c_text, size_t size, const char* end, Float value, int error) {
  // strtod would skip leading whitespace; Redis refuses it.
  if (std::isspace(static_cast<unsigned char>(c_text[0]))) return false;
  if (static_cast<size_t>(end - c_text) != size) return false;
  if (error == ERANGE && (std::isinf(value) || value == 0)) return false;
  if (error == EINVAL) return false;
  return !std::isnan(value);
}

}  // namespace

std::optional<int64_t> ParseInt64(std::string_view text) {
  const char* p = text.data();
  const char* const end = p + text.size();
  if (p == end) return std::nullopt;
  const bool negative = *p == '-';
  if (negative) ++p;
  if (p == end) return std::nullopt;
  if (*p == '0') {
    // Only the text "0" may start with a zero ("-0" and "01" are rejected).
    if (text.size() == 1) return 0;
    return std::nullopt;
  }
  if (static_cast<size_t>(end - p) > kMaxInt64Digits) return std::nullopt;

  uint64_t magnitude = 0;
  for (; p != end; ++p) {
    const unsigned digit = static_cast<unsigned char>(*p) - unsigned{'0'};
    if (digit > 9) return std::nullopt;
    magnitude = magnitude * 10 + digit;
  }
  constexpr uint64_t kMaxPositive = std::numeric_limits<int64_t>::max();
  if (negative) {
    if (magnitude > kMaxPositive + 1) return std::nullopt;
    // Modular negation, then a conversion that C++20 defines as two's complement.
    return static_cast<int64_t>(uint64_t{0} - magnitude);
  }
  if (magnitude > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(magnitude);
}

std::optional<double> ParseDouble(std::string_view text) {
  if (text.empty()) return std::nullopt;
  return WithCString(text, [size = text.size()](const char* c_text) -> std::optional<double> {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(c_text, &end);
    if (!AcceptParsedFloat(c_text, size, end, value, errno)) return std::nullopt;
    return value;
  });
}

std::optional<long double> ParseLongDouble(std::string_view text) {
  if (text.empty() || text.size() >= kMaxLongDoubleChars) return std::nullopt;
  return WithCString(text, [size = text.size()](const char* c_text) -> std::optional<long double> {
    char* end = nullptr;
    errno = 0;
    const long double value = std::strtold(c_text, &end);
    if (!AcceptParsedFloat(c_text, size, end, value, errno)) return std::nullopt;
    return value;
  });
}

bool IsRedisInteger(std::string_view text) {
  return text.size() <= 20 && ParseInt64(text).has_value();
}

}  // namespace tandem::base
