#pragma once
// The hello announcement sentinels publish every 2 s on each monitored server's
// `__sentinel__:hello` channel: who the sender is and which address and configuration epoch it
// holds for the master. The PUBLISH message body is a serialized proto::Hello
// (proto/sentinel.proto) instead of Redis Sentinel's comma-separated text; the two kinds never
// understand each other. Pure functions, thread-safe.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "proto/sentinel.pb.h"
#include "server/base/status.h"

namespace tandem::sentinel {

inline constexpr std::string_view kHelloChannel = "__sentinel__:hello";
// The Hello format version this build writes and the only one it reads.
inline constexpr uint32_t kHelloVersion = 1;
// A hello is a few hundred bytes; anything much larger is not one and is refused unparsed.
inline constexpr size_t kMaxHelloSize = 64 * 1024;

// The message body for PUBLISH: `hello` serialized with its version set to kHelloVersion
// (whatever the caller put there). Does not validate; DecodeHello does, on the receiving side.
std::string EncodeHello(const proto::Hello& hello);

// Parses a message received on kHelloChannel. InvalidArgument, never a crash, for anything that is
// not a complete hello of this version: empty or oversized payloads, bytes that are not a Hello
// (Redis Sentinel's text hello, garbage), version 0 (absent) or another version, an empty
// sentinel or master address or master name, a port outside 1..65535, a run id that is not 40 hex
// characters.
base::StatusOr<proto::Hello> DecodeHello(std::string_view payload);

}  // namespace tandem::sentinel
