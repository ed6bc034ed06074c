#include "server/store/stream_id.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "server/base/number_parse.h"

namespace tandem::store {
namespace {

// Redis rejects ID arguments longer than this before looking at them.
constexpr size_t kMaxIdText = 127;

// An unsigned 64-bit number as Redis's string2ull reads a NUL-terminated text: a canonical int64
// must not be negative; anything else is left to strtoull, which must consume the whole text
// (so "+5", " 5" and "05" are accepted, as in Redis).
std::optional<uint64_t> ParseU64(const char* text) {
  if (std::optional<int64_t> v = base::ParseInt64(text)) {
    if (*v < 0) return std::nullopt;
    return static_cast<uint64_t>(*v);
  }
  if (*text == '\0') return std::nullopt;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(text, &end, 10);
  if (errno == EINVAL || errno == ERANGE || *end != '\0') return std::nullopt;
  return v;
}

// The text copied NUL-terminated, as Redis reads it (an embedded NUL ends it).
struct IdText {
  char buf[kMaxIdText + 1];
};

bool CopyText(std::string_view text, IdText* out) {
  if (text.size() > kMaxIdText) return false;
  std::memcpy(out->buf, text.data(), text.size());
  out->buf[text.size()] = '\0';
  return true;
}

// "ms" or "ms-seq" in `buf` (modified in place). With `auto_seq`, "ms-*" is accepted and sets it.
std::optional<StreamId> ParseParts(char* buf, MissingSeq missing, bool* auto_seq) {
  char* dash = std::strchr(buf, '-');
  if (dash != nullptr) *dash = '\0';
  std::optional<uint64_t> ms = ParseU64(buf);
  if (!ms) return std::nullopt;
  if (dash == nullptr) return StreamId{*ms, missing == MissingSeq::kZero ? 0 : UINT64_MAX};
  const char* seq_text = dash + 1;
  if (auto_seq != nullptr && std::strcmp(seq_text, "*") == 0) {
    *auto_seq = true;
    return StreamId{*ms, 0};
  }
  std::optional<uint64_t> seq = ParseU64(seq_text);
  if (!seq) return std::nullopt;
  return StreamId{*ms, *seq};
}

std::optional<StreamId> Parse(std::string_view text, MissingSeq missing, bool strict) {
  IdText t;
  if (!CopyText(text, &t)) return std::nullopt;
  if (t.buf[1] == '\0' && (t.buf[0] == '-' || t.buf[0] == '+')) {
    if (strict) return std::nullopt;
    return t.buf[0] == '-' ? StreamId::Min() : StreamId::Max();
  }
  return ParseParts(t.buf, missing, nullptr);
}

}  // namespace

std::optional<StreamId> StreamId::Next() const {
  if (seq != UINT64_MAX) return StreamId{ms, seq + 1};
  if (ms != UINT64_MAX) return StreamId{ms + 1, 0};
  return std::nullopt;
}

std::optional<StreamId> StreamId::Prev() const {
  if (seq != 0) return StreamId{ms, seq - 1};
  if (ms != 0) return StreamId{ms - 1, UINT64_MAX};
  return std::nullopt;
}

std::string_view StreamId::Format(char (&buf)[kMaxText]) const {
  // Digits are written backwards from the end of a scratch area, then moved to the front.
  char* p = buf + kMaxText;
  uint64_t v = seq;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  *--p = '-';
  v = ms;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  size_t len = static_cast<size_t>(buf + kMaxText - p);
  std::memmove(buf, p, len);
  return {buf, len};
}

std::string StreamId::ToString() const {
  char buf[kMaxText];
  return std::string(Format(buf));
}

std::optional<StreamId> ParseStreamId(std::string_view text, MissingSeq missing) {
  return Parse(text, missing, /*strict=*/false);
}

std::optional<StreamId> ParseStrictStreamId(std::string_view text, MissingSeq missing) {
  return Parse(text, missing, /*strict=*/true);
}

ParsedStreamId ParseRangeBound(std::string_view text, RangeBound bound) {
  const MissingSeq missing = bound == RangeBound::kStart ? MissingSeq::kZero : MissingSeq::kMax;
  ParsedStreamId result;
  if (text.size() > 1 && text[0] == '(') {
    std::optional<StreamId> id = ParseStrictStreamId(text.substr(1), missing);
    if (!id) {
      result.error = StreamIdError::kInvalid;
      return result;
    }
    std::optional<StreamId> moved = bound == RangeBound::kStart ? id->Next() : id->Prev();
    if (!moved) {
      result.error =
          bound == RangeBound::kStart ? StreamIdError::kNoStartAfter : StreamIdError::kNoEndBefore;
      return result;
    }
    result.id = *moved;
    return result;
  }
  std::optional<StreamId> id = ParseStreamId(text, missing);
  if (!id) {
    result.error = StreamIdError::kInvalid;
  } else {
    result.id = *id;
  }
  return result;
}

std::optional<XAddId> ParseXAddId(std::string_view text) {
  XAddId result;
  if (text == "*") {
    result.auto_ms = true;
    result.seq_given = false;
    return result;
  }
  IdText t;
  if (!CopyText(text, &t)) return std::nullopt;
  if (t.buf[1] == '\0' && (t.buf[0] == '-' || t.buf[0] == '+')) return std::nullopt;
  bool auto_seq = false;
  std::optional<StreamId> id = ParseParts(t.buf, MissingSeq::kZero, &auto_seq);
  if (!id) return std::nullopt;
  result.id = *id;
  result.seq_given = !auto_seq;
  return result;
}

}  // namespace tandem::store
