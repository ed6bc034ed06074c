#pragma once
// Decimal text for floating-point replies, matching Redis 7.0 byte for byte. Pure functions,
// thread-safe.

#include <cstddef>
#include <string>

namespace tandem::base {

// A buffer of this many bytes holds any FormatDouble output ("-2.2250738585072014e-308" is 24).
inline constexpr size_t kFormatDoubleBufferSize = 32;

// Writes `value` as Redis 7.0 writes a double reply in RESP2 (ZSCORE, ZINCRBY, ...): printf's
// "%.17g", so 1.1 is "1.1000000000000001", 1e17 is "1e+17" and -0.0 is "-0"; infinities are "inf"
// and "-inf". `buf` must hold kFormatDoubleBufferSize bytes. Returns the number of bytes written;
// no NUL is appended.
size_t FormatDouble(double value, char* buf);

// Formats `value` as Redis 7.0 stores and replies the result of INCRBYFLOAT / HINCRBYFLOAT:
// printf's "%.17Lf" with trailing zeros after the point, then a bare point, removed, so 10.6L is
// "10.6" and 3e3L is "3000". A result that prints as "-0" (negative zero, or a tiny negative value)
// becomes "0". Infinities are "inf" and "-inf". The text can be thousands of bytes long for huge
// values (1e4000L prints all its integer digits), never kMaxLongDoubleChars (number_parse.h) or
// more.
std::string FormatLongDouble(long double value);

}  // namespace tandem::base
