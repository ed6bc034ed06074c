#pragma once
// ReplyParser: reads the replies a Redis-compatible server sends (RESP2 and RESP3), for the sides
// of Tandem that act as clients: the replica's link to its primary, sentinel probes, tests.
//
// RESP3 attributes ("|<n>" followed by n key/value pairs) are read and dropped: the reply is the
// value that follows them. Streamed strings and aggregates ("$?", "*?") are not supported (Redis
// never sends them) and are a protocol error.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "server/resp/parse_result.h"

namespace tandem::resp {

struct Reply {
  enum class Type {
    kString,     // "+"
    kError,      // "-" or RESP3 "!" (blob error)
    kInteger,    // ":"
    kBulk,       // "$"
    kNil,        // RESP2 "$-1" or "*-1", RESP3 "_"
    kArray,      // "*"
    kMap,        // RESP3 "%"
    kSet,        // RESP3 "~"
    kPush,       // RESP3 ">"
    kDouble,     // RESP3 ","
    kBool,       // RESP3 "#"
    kVerbatim,   // RESP3 "="
    kBigNumber,  // RESP3 "("
  };

  Type type = Type::kNil;
  // kString, kError, kBulk, kBigNumber: the text; kVerbatim: the text after "<format>:";
  // kDouble: the number as sent ("1.5", "inf").
  std::string str;
  std::string format;   // kVerbatim: the 3-letter format ("txt", "mkd")
  int64_t integer = 0;  // kInteger; kBool: 1 or 0
  double dbl = 0;       // kDouble
  // kArray, kSet, kPush: the elements; kMap: key, value, key, value, ...
  std::vector<Reply> elements;
};

class ReplyParser {
 public:
  // Parses one reply from the front of `input`.
  //  kCommand: *out holds the reply, *consumed its size in bytes.
  //  kNeedMore: nothing consumed, *out unspecified; see needed(). Parsing restarts from the front
  //    on the next call.
  //  kError: error() says what is wrong; the stream cannot be resynchronised.
  ParseResult Parse(std::string_view input, size_t* consumed, Reply* out);

  const std::string& error() const { return error_; }

  // After kNeedMore: the minimum total input size at which Parse can make progress (a big bulk
  // need not be re-parsed on every read). 0 when unknown.
  size_t needed() const { return needed_; }

 private:
  ParseResult ParseValue(std::string_view input, size_t* pos, Reply* out, int depth);
  ParseResult Fail(std::string message);

  std::string error_;
  size_t needed_ = 0;
};

}  // namespace tandem::resp
