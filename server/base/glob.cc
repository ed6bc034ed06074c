#include "server/base/glob.h"

#include <cstddef>
#include <utility>

namespace tandem::base {
namespace {

// Redis's guard against abusive patterns: deeper '*' nesting never matches.
constexpr int kMaxNesting = 1000;

// Redis compares bytes as plain (signed, on x86-64) chars; ranges depend on that sign.
int Byte(char c) { return static_cast<signed char>(c); }

int Lower(int c) { return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c; }

bool SameByte(char a, char b, bool nocase) {
  return nocase ? Lower(Byte(a)) == Lower(Byte(b)) : a == b;
}

class Matcher {
 public:
  Matcher(std::string_view pattern, bool nocase) : pattern_(pattern), nocase_(nocase) {}

  // Matches pattern_[p..] against `text`. Sets give_up_ once a '*' has failed at every position of
  // the rest of the text: an earlier '*' swallowing more bytes cannot help then, because the
  // remaining pattern would have to match an even shorter tail.
  bool Match(size_t p, std::string_view text, int nesting) {
    if (nesting > kMaxNesting) return false;
    const size_t n = pattern_.size();
    size_t t = 0;
    while (p < n && t < text.size()) {
      switch (pattern_[p]) {
        case '*': {
          while (p + 1 < n && pattern_[p + 1] == '*') ++p;
          if (p + 1 == n) return true;
          for (; t < text.size(); ++t) {
            if (Match(p + 1, text.substr(t), nesting + 1)) return true;
            if (give_up_) return false;
          }
          give_up_ = true;
          return false;
        }
        case '?':
          ++t;
          break;
        case '[':
          if (!MatchClass(p, text[t])) return false;
          ++t;
          break;
        case '\\':
          if (n - p >= 2) ++p;
          [[fallthrough]];
        default:
          if (!SameByte(pattern_[p], text[t], nocase_)) return false;
          ++t;
          break;
      }
      ++p;
      if (t == text.size()) {
        while (p < n && pattern_[p] == '*') ++p;
        break;
      }
    }
    return p == n && t == text.size();
  }

 private:
  // `p` is at a '['. Decides whether `c` belongs to the class and leaves `p` on the class's last
  // byte: its ']', or the pattern's final byte when the class is never closed.
  bool MatchClass(size_t& p, char c) const {
    const size_t n = pattern_.size();
    ++p;
    const bool negate = p < n && pattern_[p] == '^';
    if (negate) ++p;
    bool match = false;
    while (true) {
      if (p < n && pattern_[p] == '\\' && n - p >= 2) {
        ++p;
        if (pattern_[p] == c) match = true;
      } else if (p < n && pattern_[p] == ']') {
        break;
      } else if (p == n) {
        --p;
        break;
      } else if (n - p >= 3 && pattern_[p + 1] == '-') {
        int start = Byte(pattern_[p]);
        int end = Byte(pattern_[p + 2]);
        int value = Byte(c);
        if (start > end) std::swap(start, end);
        if (nocase_) {
          start = Lower(start);
          end = Lower(end);
          value = Lower(value);
        }
        if (value >= start && value <= end) match = true;
        p += 2;
      } else if (SameByte(pattern_[p], c, nocase_)) {
        match = true;
      }
      ++p;
    }
    return negate ? !match : match;
  }

  std::string_view pattern_;
  bool nocase_;
  bool give_up_ = false;
};

}  // namespace

bool GlobMatch(std::string_view pattern, std::string_view text, bool nocase) {
  Matcher matcher(pattern, nocase);
  return matcher.Match(0, text, 0);
}

}  // namespace tandem::base
