#pragma once
// Strict number parsing with Redis 7.0's acceptance rules, byte for byte. Every integer, score and
// increment that arrives as a command argument (or is read back from a stored string) goes through
// here, so "is this a number?" has one answer everywhere. Pure functions, thread-safe.
//
// The floating-point parsers rely on strtod/strtold and so on the "C" LC_NUMERIC locale, which the
// server never changes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace tandem::base {

// Texts this long or longer are never long doubles (Redis's MAX_LONG_DOUBLE_CHARS).
inline constexpr size_t kMaxLongDoubleChars = 5 * 1024;

// Parses a signed 64-bit decimal integer the way Redis's string2ll does: an optional '-', then
// digits with no leading zero, nothing else. "0" is accepted; "-0", "+1", "01", " 1", "1 ", "" and
// values outside [INT64_MIN, INT64_MAX] are rejected (nullopt).
std::optional<int64_t> ParseInt64(std::string_view text);

// Parses a double the way Redis parses scores and other double arguments (string2d): whatever
// strtod accepts when it consumes the whole text, including "inf", "+inf", "-inf", "infinity",
// hex floats, ".5", "5." and "+5". Rejected (nullopt): empty text, leading whitespace, trailing
// bytes (including an embedded NUL), NaN, and overflow or underflow to zero (1e400, 1e-400).
// Subnormal results are accepted.
std::optional<double> ParseDouble(std::string_view text);

// Parses a long double the way INCRBYFLOAT does (string2ld): the same rules as ParseDouble but with
// strtold's range, and texts of kMaxLongDoubleChars bytes or more are rejected. Infinities are
// accepted here; INCRBYFLOAT rejects an infinite result itself.
std::optional<long double> ParseLongDouble(std::string_view text);

// True when Redis would store this string value with the "int" encoding (OBJECT ENCODING): the
// text is at most 20 bytes and is a ParseInt64 integer.
bool IsRedisInteger(std::string_view text);

}  // namespace tandem::base
