#include "server/resp/request_parser.h"

#include <algorithm>
#include <climits>
#include <cstring>
#include <optional>

#include "server/base/number_parse.h"

namespace tandem::resp {
namespace {

// Redis's PROTO_INLINE_MAX_SIZE: how far it looks for a line end before giving up.
constexpr size_t kMaxLineSearch = 64 * 1024;
// Redis 7.0's limits before AUTH, when the default user needs a password.
constexpr int64_t kUnauthMaxArgs = 10;
constexpr int64_t kUnauthMaxBulkLen = 16384;

// Where the line starting at `from` ends (the offset of `terminator`), found the way Redis finds
// it: with strchr() on a NUL-terminated buffer, so a NUL byte before the terminator hides it.
struct LineEnd {
  size_t pos = std::string_view::npos;  // npos when not found
  bool hidden_by_nul = false;
};

LineEnd FindLineEnd(std::string_view input, size_t from, char terminator) {
  const char* begin = input.data() + from;
  const void* hit = std::memchr(begin, terminator, input.size() - from);
  if (hit == nullptr) return {};
  const size_t length = static_cast<const char*>(hit) - begin;
  if (std::memchr(begin, '\0', length) != nullptr) return {.hidden_by_nul = true};
  return {.pos = from + length};
}

// The hot path for "<prefix><digits>\r?": a canonical non-negative decimal of at most 18 digits
// ("0", or no leading zero) ending at a '\r' followed by at least one more byte. Sets *value and
// *cr (the offset of the '\r'). Returns false for anything else (signs, leading zeros, long or
// unterminated numbers, other bytes), which the general path handles with Redis's exact rules.
bool ScanShortNumber(std::string_view input, size_t digits_from, int64_t* value, size_t* cr) {
  constexpr size_t kMaxDigits = 18;  // cannot overflow int64
  const size_t end = std::min(input.size(), digits_from + kMaxDigits + 1);
  int64_t v = 0;
  size_t i = digits_from;
  for (; i < end; ++i) {
    const unsigned char c = static_cast<unsigned char>(input[i]);
    if (c == '\r') break;
    if (c < '0' || c > '9' || i - digits_from == kMaxDigits) return false;
    v = v * 10 + (c - '0');
  }
  const size_t digits = i - digits_from;
  if (i == end || digits == 0 || i + 1 >= input.size()) return false;
  if (digits > 1 && input[digits_from] == '0') return false;
  *value = v;
  *cr = i;
  return true;
}

}  // namespace

ParseResult RequestParser::Parse(std::string_view input, size_t* consumed,
                                 std::vector<std::string_view>* argv) {
  *consumed = 0;
  needed_ = 0;
  // The caller broke the kNeedMore contract (fewer bytes than last time): start the request over.
  if (in_multibulk_ && input.size() < pos_) Reset();
  if (!in_multibulk_) {
    if (input.empty()) {
      needed_ = 1;
      return ParseResult::kNeedMore;
    }
    if (input[0] != '*') return ParseInline(input, consumed, argv);
  }
  return ParseMultibulk(input, consumed, argv);
}

void RequestParser::Reset() {
  in_multibulk_ = false;
  args_left_ = 0;
  bulk_len_ = -1;
  pos_ = 0;
  spans_.clear();
}

ParseResult RequestParser::Fail(std::string_view message) {
  Reset();
  needed_ = 0;
  error_.assign(message);
  return ParseResult::kError;
}

// No line end in sight, and not yet more than kMaxLineSearch bytes after `from`: wait for more.
ParseResult RequestParser::NeedLine(std::string_view input, size_t from, bool hidden_by_nul) {
  // A hidden line end stays hidden however much arrives; only the size limit can end the wait.
  needed_ = hidden_by_nul ? from + kMaxLineSearch + 1 : input.size() + 1;
  return ParseResult::kNeedMore;
}

ParseResult RequestParser::ParseInline(std::string_view input, size_t* consumed,
                                       std::vector<std::string_view>* argv) {
  const LineEnd newline = FindLineEnd(input, 0, '\n');
  if (newline.pos == std::string_view::npos) {
    if (input.size() > kMaxLineSearch) return Fail("ERR Protocol error: too big inline request");
    return NeedLine(input, 0, newline.hidden_by_nul);
  }
  size_t line_length = newline.pos;
  if (line_length > 0 && input[line_length - 1] == '\r') --line_length;
  // A primary only ever sends multibulk requests, except bare newlines as keepalives.
  if (limits_.from_primary && line_length != 0) {
    return Fail("Master using the inline protocol. Desync?");
  }

  inline_storage_.clear();
  spans_.clear();
  if (!base::SplitInlineArgs(input.substr(0, line_length), &inline_storage_, &spans_)) {
    spans_.clear();
    return Fail("ERR Protocol error: unbalanced quotes in request");
  }
  argv->clear();
  for (const base::ArgSpan& span : spans_) {
    argv->emplace_back(inline_storage_.data() + span.offset, span.length);
  }
  spans_.clear();
  *consumed = newline.pos + 1;
  return ParseResult::kCommand;
}

ParseResult RequestParser::ParseMultibulk(std::string_view input, size_t* consumed,
                                          std::vector<std::string_view>* argv) {
  if (!in_multibulk_) {
    int64_t fast_count;
    size_t fast_cr;
    if (ScanShortNumber(input, 1, &fast_count, &fast_cr) && fast_count > 0 &&
        fast_count <= INT_MAX && (fast_count <= kUnauthMaxArgs || limits_.authenticated)) {
      StartMultibulk(fast_count, fast_cr + 2);
    }
  }
  if (!in_multibulk_) {
    const LineEnd cr = FindLineEnd(input, 0, '\r');
    if (cr.pos == std::string_view::npos) {
      if (input.size() > kMaxLineSearch) {
        return Fail("ERR Protocol error: too big mbulk count string");
      }
      return NeedLine(input, 0, cr.hidden_by_nul);
    }
    // Redis wants one more byte after the '\r' and skips it without looking at it.
    if (cr.pos + 2 > input.size()) {
      needed_ = cr.pos + 2;
      return ParseResult::kNeedMore;
    }
    const std::optional<int64_t> parsed = base::ParseInt64(input.substr(1, cr.pos - 1));
    if (!parsed || *parsed > INT_MAX) return Fail("ERR Protocol error: invalid multibulk length");
    const int64_t count = *parsed;
    if (count > kUnauthMaxArgs && !limits_.authenticated) {
      return Fail("ERR Protocol error: unauthenticated multibulk length");
    }
    if (count <= 0) {
      argv->clear();
      *consumed = cr.pos + 2;
      return ParseResult::kCommand;
    }
    StartMultibulk(count, cr.pos + 2);
  }

  while (args_left_ > 0) {
    if (bulk_len_ < 0) {
      if (const std::optional<ParseResult> stop = ReadBulkHeader(input)) return *stop;
    }
    // The data and the two bytes after it (meant to be "\r\n", skipped unchecked like Redis does).
    if (static_cast<uint64_t>(bulk_len_) + 2 > input.size() - pos_) {
      needed_ = pos_ + static_cast<size_t>(bulk_len_) + 2;
      return ParseResult::kNeedMore;
    }
    spans_.push_back({pos_, static_cast<size_t>(bulk_len_)});
    pos_ += static_cast<size_t>(bulk_len_) + 2;
    bulk_len_ = -1;
    --args_left_;
  }

  argv->clear();
  for (const base::ArgSpan& span : spans_)
    argv->emplace_back(input.data() + span.offset, span.length);
  *consumed = pos_;
  Reset();
  return ParseResult::kCommand;
}

void RequestParser::StartMultibulk(int64_t count, size_t first_bulk) {
  in_multibulk_ = true;
  args_left_ = count;
  bulk_len_ = -1;
  pos_ = first_bulk;
  spans_.clear();
}

std::optional<ParseResult> RequestParser::ReadBulkHeader(std::string_view input) {
  int64_t fast_length;
  size_t fast_cr;
  if (pos_ < input.size() && input[pos_] == '$' &&
      ScanShortNumber(input, pos_ + 1, &fast_length, &fast_cr) &&
      (limits_.from_primary || fast_length <= limits_.proto_max_bulk_len) &&
      (fast_length <= kUnauthMaxBulkLen || limits_.authenticated)) {
    pos_ = fast_cr + 2;
    bulk_len_ = fast_length;
    return std::nullopt;
  }
  const LineEnd cr = FindLineEnd(input, pos_, '\r');
  if (cr.pos == std::string_view::npos) {
    if (input.size() - pos_ > kMaxLineSearch) {
      return Fail("ERR Protocol error: too big bulk count string");
    }
    return NeedLine(input, pos_, cr.hidden_by_nul);
  }
  if (cr.pos + 2 > input.size()) {
    needed_ = cr.pos + 2;
    return ParseResult::kNeedMore;
  }
  if (input[pos_] != '$') {
    // Redis formats this reply with addReplyErrorFormat, which turns '\r' and '\n' into spaces.
    std::string message = "ERR Protocol error: expected '$', got ' '";
    if (input[pos_] != '\r' && input[pos_] != '\n') message[message.size() - 2] = input[pos_];
    return Fail(message);
  }
  const std::optional<int64_t> parsed = base::ParseInt64(input.substr(pos_ + 1, cr.pos - pos_ - 1));
  if (!parsed || *parsed < 0 || (!limits_.from_primary && *parsed > limits_.proto_max_bulk_len)) {
    return Fail("ERR Protocol error: invalid bulk length");
  }
  const int64_t length = *parsed;
  if (length > kUnauthMaxBulkLen && !limits_.authenticated) {
    return Fail("ERR Protocol error: unauthenticated bulk length");
  }
  pos_ = cr.pos + 2;
  bulk_len_ = length;
  return std::nullopt;
}

}  // namespace tandem::resp
