#include "server/commands/monitor.h"

#include <algorithm>
#include <cstdio>

#include "server/base/ascii_case.h"

namespace tandem::commands {

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\':
        out->append("\\\\");
        break;
      case '"':
        out->append("\\\"");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\a':
        out->append("\\a");
        break;
      case '\b':
        out->append("\\b");
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out->push_back(static_cast<char>(c));
        } else {
          char buf[5];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out->append(buf);
        }
    }
  }
  out->push_back('"');
}

std::vector<std::string_view> RedactSecrets(std::span<const std::string_view> argv) {
  constexpr std::string_view kRedacted = "(redacted)";
  auto is = [](std::string_view a, std::string_view b) { return base::EqualsIgnoreCase(a, b); };
  std::vector<std::string_view> out(argv.begin(), argv.end());
  if (is(out[0], "auth")) {
    std::fill(out.begin() + 1, out.end(), kRedacted);
  } else if (is(out[0], "hello")) {
    for (size_t i = 2; i + 2 < out.size(); ++i) {
      if (is(out[i], "auth")) {
        out[i + 1] = out[i + 2] = kRedacted;
        i += 2;
      }
    }
  }
  return out;
}

std::string FormatMonitorLine(Client& client, std::span<const std::string_view> argv,
                              int64_t now_us) {
  char head[64];
  std::snprintf(head, sizeof(head), "%lld.%06lld [%d ", static_cast<long long>(now_us / 1000000),
                static_cast<long long>(now_us % 1000000), client.db);
  std::string line(head);
  line += client.connection().PeerAddress();
  line += "]";
  for (std::string_view arg : argv) {
    line += ' ';
    AppendQuoted(&line, arg);
  }
  return line;
}

}  // namespace tandem::commands
