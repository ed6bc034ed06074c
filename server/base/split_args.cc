#include "server/base/split_args.h"

#include <cstring>

namespace tandem::base {
namespace {

// isspace() in the C locale.
bool IsBlank(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

// Ends an unquoted argument. Narrower than IsBlank: '\v' and '\f' inside an argument are kept.
bool EndsBareArg(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char Unescape(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    case 'b':
      return '\b';
    case 'a':
      return '\a';
    default:
      return c;
  }
}

}  // namespace

bool SplitInlineArgs(std::string_view line, std::string* storage, std::vector<ArgSpan>* spans) {
  if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
    line = line.substr(0, static_cast<const char*>(nul) - line.data());
  }
  const size_t n = line.size();
  // The byte at k, or '\0' past the end, so the rules read like the C-string original.
  auto at = [&](size_t k) { return k < n ? line[k] : '\0'; };

  size_t i = 0;
  while (true) {
    while (i < n && IsBlank(line[i])) ++i;
    if (i == n) return true;

    const size_t start = storage->size();
    bool in_double = false;
    bool in_single = false;
    bool done = false;
    while (!done) {
      const char c = at(i);
      if (in_double) {
        if (c == '\\' && at(i + 1) == 'x' && HexValue(at(i + 2)) >= 0 && HexValue(at(i + 3)) >= 0) {
          storage->push_back(static_cast<char>(HexValue(at(i + 2)) * 16 + HexValue(at(i + 3))));
          i += 4;
        } else if (c == '\\' && at(i + 1) != '\0') {
          storage->push_back(Unescape(at(i + 1)));
          i += 2;
        } else if (c == '"') {
          if (at(i + 1) != '\0' && !IsBlank(at(i + 1))) return false;
          ++i;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage->push_back(c);
          ++i;
        }
      } else if (in_single) {
        if (c == '\\' && at(i + 1) == '\'') {
          storage->push_back('\'');
          i += 2;
        } else if (c == '\'') {
          if (at(i + 1) != '\0' && !IsBlank(at(i + 1))) return false;
          ++i;
          done = true;
        } else if (c == '\0') {
          return false;
        } else {
          storage->push_back(c);
          ++i;
        }
      } else if (EndsBareArg(c)) {
        if (c != '\0') ++i;
        done = true;
      } else if (c == '"') {
        in_double = true;
        ++i;
      } else if (c == '\'') {
        in_single = true;
        ++i;
      } else {
        storage->push_back(c);
        ++i;
      }
    }
    spans->push_back({start, storage->size() - start});
  }
}

std::optional<std::vector<std::string>> SplitArgs(std::string_view line) {
  std::string storage;
  std::vector<ArgSpan> spans;
  if (!SplitInlineArgs(line, &storage, &spans)) return std::nullopt;
  std::vector<std::string> args;
  args.reserve(spans.size());
  for (const ArgSpan& span : spans) args.push_back(storage.substr(span.offset, span.length));
  return args;
}

}  // namespace tandem::base
