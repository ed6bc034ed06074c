#include "server/base/double_format.h"

#include <charconv>
#include <cmath>
#include <cstdio>

namespace tandem::base {

size_t FormatDouble(double value, char* buf) {
  // std::to_chars with an explicit precision is specified to print exactly what printf's "%.17g"
  // prints in the C locale, without printf's format parsing; that includes "inf" and "-inf".
  const auto result =
      std::to_chars(buf, buf + kFormatDoubleBufferSize, value, std::chars_format::general, 17);
  return static_cast<size_t>(result.ptr - buf);
}

std::string FormatLongDouble(long double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";

  char small[64];
  const int printed = std::snprintf(small, sizeof(small), "%.17Lf", value);
  std::string text;
  if (static_cast<size_t>(printed) < sizeof(small)) {
    text.assign(small, static_cast<size_t>(printed));
  } else {
    // Huge magnitudes print every integer digit; print again into a buffer of the right size.
    text.resize(static_cast<size_t>(printed));
    std::snprintf(text.data(), text.size() + 1, "%.17Lf", value);
  }

  if (text.find('.') != std::string::npos) {
    const size_t last_kept = text.find_last_not_of('0');
    text.resize(text[last_kept] == '.' ? last_kept : last_kept + 1);
  }
  if (text == "-0") text = "0";
  return text;
}

}  // namespace tandem::base
