#pragma once
// The outcome of one call to an incremental RESP parser (RequestParser, ReplyParser).

namespace tandem::resp {

enum class ParseResult {
  kNeedMore,  // the input holds only part of a message; nothing was consumed
  kCommand,   // one whole message was parsed; *consumed says how many bytes it took
  kError,     // the input breaks the protocol; error() explains, the connection should be closed
};

}  // namespace tandem::resp
