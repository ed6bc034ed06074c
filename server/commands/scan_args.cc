#include "server/commands/scan_args.h"

#include <charconv>
#include <climits>

#include "server/base/ascii_case.h"
#include "server/base/glob.h"
#include "server/base/number_parse.h"
#include "server/commands/errors.h"

namespace tandem::commands {

bool ScanOptions::Matches(std::string_view text) const {
  return !has_pattern || base::GlobMatch(pattern, text);
}

int64_t ScanOptions::BucketBudget() const {
  return count > INT64_MAX / 10 ? INT64_MAX : count * 10;
}

std::optional<uint64_t> ParseScanCursorOrReply(Context& ctx, std::string_view text) {
  if (text.empty()) return 0;
  bool negative = text.front() == '-';
  if (negative || text.front() == '+') text.remove_prefix(1);
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    ctx.Error(errors::kInvalidCursor);
    return std::nullopt;
  }
  return negative ? 0 - value : value;
}

std::optional<ScanOptions> ParseScanOptionsOrReply(Context& ctx, size_t first, bool allow_type) {
  ScanOptions opt;
  for (size_t i = first; i < ctx.argv.size(); i += 2) {
    std::string_view name = ctx.argv[i];
    std::string_view error = errors::kSyntax;
    if (i + 1 < ctx.argv.size()) {
      std::string_view value = ctx.argv[i + 1];
      if (base::EqualsIgnoreCase(name, "count")) {
        auto n = base::ParseInt64(value);
        if (n && *n >= 1) {
          opt.count = *n;
          continue;
        }
        if (!n) error = errors::kNotInteger;
      } else if (base::EqualsIgnoreCase(name, "match")) {
        opt.pattern = value;
        opt.has_pattern = value != "*";
        continue;
      } else if (allow_type && base::EqualsIgnoreCase(name, "type")) {
        opt.type = value;
        opt.has_type = true;
        continue;
      }
    }
    ctx.Error(error);
    return std::nullopt;
  }
  return opt;
}

void ReplyScanHeader(resp::ReplyBuilder& r, uint64_t cursor, size_t items) {
  char digits[24];
  char* end = std::to_chars(digits, digits + sizeof(digits), cursor).ptr;
  r.ArrayHeader(2);
  r.Bulk(std::string_view(digits, end - digits));
  r.ArrayHeader(items);
}

}  // namespace tandem::commands
