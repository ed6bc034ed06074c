#pragma once
// RequestParser: splits the bytes a client sends into commands, with Redis 7.0's rules and error
// replies (networking.c: processInlineBuffer / processMultibulkBuffer). The format is RESP, as
// specified in redis-doc's docs/reference/protocol-spec.md.
//
// A request whose first byte is '*' is a multibulk request ("*2\r\n$3\r\nGET\r\n$1\r\nk\r\n");
// anything else is an inline request: one line, split like a shell line (see
// server/base/split_args.h).
//
// Owned by one connection, used from its thread. State is kept between calls only for a multibulk
// request that has arrived in part, so that it is scanned once however many reads it takes.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/split_args.h"
#include "server/resp/parse_result.h"

namespace tandem::resp {

struct ParserLimits {
  int64_t proto_max_bulk_len = 512LL * 1024 * 1024;  // config proto-max-bulk-len
  bool authenticated = true;  // false => Redis 7.0's limits for unauthenticated clients
  bool from_primary = false;  // replication link: bulk length limit does not apply
};

class RequestParser {
 public:
  // Parses one request from the front of `input`.
  //  kCommand: *consumed = bytes of that request. argv holds views into `input` (multibulk) or into
  //    the parser's own storage (inline), valid until the next Parse()/Reset() or until `input`'s
  //    bytes change. An empty argv is possible (blank inline line, "*0\r\n", "*-1\r\n"): the caller
  //    skips it.
  //  kNeedMore: nothing consumed; see needed(). The next call must be given the same bytes again,
  //    followed by whatever has arrived since (the buffer itself may have moved). To drop the
  //    partial request instead, call Reset().
  //  kError: error() is the reply text without '-', for example
  //    "ERR Protocol error: invalid bulk length"; the caller sends it and closes the connection.
  //    The parser is ready for a new stream.
  ParseResult Parse(std::string_view input, size_t* consumed, std::vector<std::string_view>* argv);

  // Forgets a partially received request.
  void Reset();

  // Text of the last kError. For a primary link (from_primary) Redis sends no reply; the text is
  // then only worth logging.
  const std::string& error() const { return error_; }

  // Takes effect from the next header parsed (Redis checks the limits header by header).
  void set_limits(const ParserLimits& limits) { limits_ = limits; }
  const ParserLimits& limits() const { return limits_; }

  // After kNeedMore: the minimum total input size at which Parse can make progress (lets the caller
  // avoid re-parsing a half-received 10 MB bulk on every read). 0 when unknown.
  size_t needed() const { return needed_; }

 private:
  ParseResult ParseInline(std::string_view input, size_t* consumed,
                          std::vector<std::string_view>* argv);
  ParseResult ParseMultibulk(std::string_view input, size_t* consumed,
                             std::vector<std::string_view>* argv);
  // Reads the "$<len>\r\n" header at pos_ into bulk_len_ and returns nullopt, or returns what
  // Parse must return (kNeedMore, kError).
  // Enters the multibulk state for `count` arguments whose first header starts at `first_bulk`.
  void StartMultibulk(int64_t count, size_t first_bulk);
  std::optional<ParseResult> ReadBulkHeader(std::string_view input);
  ParseResult NeedLine(std::string_view input, size_t from, bool hidden_by_nul);
  ParseResult Fail(std::string_view message);

  ParserLimits limits_;
  std::string error_;
  size_t needed_ = 0;

  // A multibulk request received in part. Offsets count from the start of the request, which is
  // the start of `input` on every call.
  bool in_multibulk_ = false;
  int64_t args_left_ = 0;  // bulks not yet complete
  int64_t bulk_len_ = -1;  // length announced by the current bulk's header; -1 before the header
  size_t pos_ = 0;         // first byte not yet parsed
  std::vector<base::ArgSpan>
      spans_;  // complete arguments (offsets into input, or into inline_storage_)

  std::string inline_storage_;  // unescaped inline arguments
};

}  // namespace tandem::resp
