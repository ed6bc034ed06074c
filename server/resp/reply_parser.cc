#include "server/resp/reply_parser.h"

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>

namespace tandem::resp {
namespace {

// Deeper nesting than any real reply; the limit keeps hostile input from exhausting the stack.
constexpr int kMaxDepth = 512;
// The smallest reply is three bytes ("_\r\n"): an aggregate of n elements needs 3n more at least.
constexpr size_t kMinReplySize = 3;

bool ParseInt(std::string_view s, int64_t* value) {
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, *value);
  return !s.empty() && ec == std::errc() && ptr == end;
}

bool ParseDouble(std::string_view s, double* value) {
  const char* end = s.data() + s.size();
  const auto [ptr, ec] = std::from_chars(s.data(), end, *value);
  return !s.empty() && ec == std::errc() && ptr == end;
}

}  // namespace

ParseResult ReplyParser::Parse(std::string_view input, size_t* consumed, Reply* out) {
  *consumed = 0;
  needed_ = 0;
  *out = Reply();
  size_t pos = 0;
  const ParseResult result = ParseValue(input, &pos, out, 0);
  if (result == ParseResult::kCommand) *consumed = pos;
  return result;
}

ParseResult ReplyParser::Fail(std::string message) {
  needed_ = 0;
  error_ = std::move(message);
  return ParseResult::kError;
}

ParseResult ReplyParser::ParseValue(std::string_view input, size_t* pos, Reply* out, int depth) {
  if (depth > kMaxDepth) return Fail("Protocol error: replies nested too deeply");
  // Loops only to step over attributes, which precede the reply they describe.
  while (true) {
    if (*pos >= input.size()) {
      needed_ = *pos + 1;
      return ParseResult::kNeedMore;
    }
    const char type = input[*pos];
    const void* cr = std::memchr(input.data() + *pos, '\r', input.size() - *pos);
    if (cr == nullptr) {
      needed_ = input.size() + 1;
      return ParseResult::kNeedMore;
    }
    const size_t cr_pos = static_cast<const char*>(cr) - input.data();
    if (cr_pos + 1 >= input.size()) {
      needed_ = cr_pos + 2;
      return ParseResult::kNeedMore;
    }
    if (input[cr_pos + 1] != '\n') return Fail("Protocol error: line not ended by CRLF");
    const std::string_view line = input.substr(*pos + 1, cr_pos - *pos - 1);
    size_t next = cr_pos + 2;

    switch (type) {
      case '+':
        out->type = Reply::Type::kString;
        out->str.assign(line);
        break;
      case '-':
        out->type = Reply::Type::kError;
        out->str.assign(line);
        break;
      case ':':
        out->type = Reply::Type::kInteger;
        if (!ParseInt(line, &out->integer)) return Fail("Protocol error: invalid integer");
        break;
      case '_':
        if (!line.empty()) return Fail("Protocol error: invalid null");
        out->type = Reply::Type::kNil;
        break;
      case '#':
        if (line != "t" && line != "f") return Fail("Protocol error: invalid boolean");
        out->type = Reply::Type::kBool;
        out->integer = line == "t" ? 1 : 0;
        break;
      case ',':
        out->type = Reply::Type::kDouble;
        if (!ParseDouble(line, &out->dbl)) return Fail("Protocol error: invalid double");
        out->str.assign(line);
        break;
      case '(':
        if (line.empty()) return Fail("Protocol error: invalid big number");
        out->type = Reply::Type::kBigNumber;
        out->str.assign(line);
        break;
      case '$':
      case '!':
      case '=': {
        int64_t length = 0;
        if (!ParseInt(line, &length) || length < -1 || (length == -1 && type != '$')) {
          return Fail("Protocol error: invalid bulk length");
        }
        if (length == -1) {
          out->type = Reply::Type::kNil;
          break;
        }
        if (static_cast<uint64_t>(length) + 2 > input.size() - next) {
          needed_ = next + static_cast<size_t>(length) + 2;
          return ParseResult::kNeedMore;
        }
        const std::string_view data = input.substr(next, static_cast<size_t>(length));
        next += data.size();
        if (input[next] != '\r' || input[next + 1] != '\n') {
          return Fail("Protocol error: bulk string not ended by CRLF");
        }
        next += 2;
        if (type == '=') {
          if (data.size() < 4 || data[3] != ':') {
            return Fail("Protocol error: invalid verbatim string");
          }
          out->type = Reply::Type::kVerbatim;
          out->format.assign(data.substr(0, 3));
          out->str.assign(data.substr(4));
        } else {
          out->type = type == '$' ? Reply::Type::kBulk : Reply::Type::kError;
          out->str.assign(data);
        }
        break;
      }
      case '*':
      case '~':
      case '>':
      case '%':
      case '|': {
        int64_t count = 0;
        if (!ParseInt(line, &count) || count < -1 || (count == -1 && type != '*')) {
          return Fail("Protocol error: invalid aggregate length");
        }
        if (count == -1) {
          out->type = Reply::Type::kNil;
          break;
        }
        const size_t per_entry = type == '%' || type == '|' ? 2 : 1;
        const size_t max_entries = (input.size() - next) / (kMinReplySize * per_entry);
        if (static_cast<uint64_t>(count) > max_entries) {
          const size_t limit =
              (std::numeric_limits<size_t>::max() - next) / (kMinReplySize * per_entry);
          const size_t entries = static_cast<size_t>(count);
          needed_ = entries > limit ? 0 : next + entries * kMinReplySize * per_entry;
          return ParseResult::kNeedMore;
        }
        const size_t elements = static_cast<size_t>(count) * per_entry;
        *pos = next;
        if (type == '|') {
          Reply ignored;
          for (size_t i = 0; i < elements; ++i) {
            const ParseResult result = ParseValue(input, pos, &ignored, depth + 1);
            if (result != ParseResult::kCommand) return result;
          }
          continue;  // on to the reply the attribute describes
        }
        out->type = type == '*'   ? Reply::Type::kArray
                    : type == '~' ? Reply::Type::kSet
                    : type == '>' ? Reply::Type::kPush
                                  : Reply::Type::kMap;
        out->elements.resize(elements);
        for (Reply& element : out->elements) {
          const ParseResult result = ParseValue(input, pos, &element, depth + 1);
          if (result != ParseResult::kCommand) return result;
        }
        return ParseResult::kCommand;
      }
      default: {
        const unsigned char byte = static_cast<unsigned char>(type);
        char message[64];
        std::snprintf(message, sizeof(message), "Protocol error: unexpected reply type byte 0x%02x",
                      byte);
        return Fail(message);
      }
    }
    *pos = next;
    return ParseResult::kCommand;
  }
}

}  // namespace tandem::resp
