#pragma once
// The event classes of notify-keyspace-events: which keyspace notifications are published. The
// letters are Redis 7.0's; the bit values are Tandem's own. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace tandem::config {

namespace keyspace_event {
inline constexpr int kKeyspace = 1 << 0;  // K: publish on __keyspace@<db>__:<key>
inline constexpr int kKeyevent = 1 << 1;  // E: publish on __keyevent@<db>__:<event>
inline constexpr int kGeneric = 1 << 2;   // g: DEL, EXPIRE, RENAME, ...
inline constexpr int kString = 1 << 3;    // $
inline constexpr int kList = 1 << 4;      // l
inline constexpr int kSet = 1 << 5;       // s
inline constexpr int kHash = 1 << 6;      // h
inline constexpr int kZset = 1 << 7;      // z
inline constexpr int kExpired = 1 << 8;   // x: a key expired
inline constexpr int kEvicted = 1 << 9;   // e: a key was evicted for maxmemory
inline constexpr int kStream = 1 << 10;   // t
inline constexpr int kKeyMiss = 1 << 11;  // m: a read found no key (not part of A)
inline constexpr int kModule = 1 << 12;   // d
inline constexpr int kNewKey = 1 << 13;   // n: a key was created (not part of A)
// A: every class but m and n.
inline constexpr int kAll =
    kGeneric | kString | kList | kSet | kHash | kZset | kExpired | kEvicted | kStream | kModule;
}  // namespace keyspace_event

// The flags a notify-keyspace-events value names ("" is none), or nullopt when it holds a byte
// other than the letters above and A.
std::optional<int> ParseKeyspaceEvents(std::string_view text);

// The letters Redis prints for `flags`: "A" when every A class is set, otherwise the class letters
// in the order g$lshzxetdn, then K, E and m. As in Redis, n is not printed next to A.
std::string FormatKeyspaceEvents(int flags);

}  // namespace tandem::config
