#pragma once
// Glob-style matching with Redis 7.0's rules, used by KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and
// ACL key and channel patterns. Pure function, thread-safe.

#include <string_view>

namespace tandem::base {

// True when `text` matches `pattern` the way Redis's stringmatchlen decides it:
//   *        any run of bytes, including none
//   ?        exactly one byte
//   [abc]    one byte from the set; [^abc] one byte not in it; [a-z] a range (reversed ranges such
//            as [z-a] work too); \x inside brackets is a literal x; an unclosed [ takes the rest of
//            the pattern as the set
//   \x       a literal x (a trailing lone \ matches a \)
//   other    that byte
// With `nocase`, ASCII letters compare without regard to case (a \-escaped byte inside brackets
// still compares exactly, as in Redis). Bytes compare as signed chars, as Redis does on x86-64, so
// a range such as [a-\xff] behaves as it does there.
//
// Cost is bounded: a failed '*' never retries with longer prefixes, so the time is polynomial in
// the sizes, and patterns nesting more than 1000 '*' groups do not match (Redis's guard against
// abusive patterns), so the recursion depth stays bounded.
bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase = false);

}  // namespace tandem::base
