#include "server/commands/monitor.h"

#include <cstdio>

namespace tandem::commands {

void AppendQuoted(std::string* out, std::string_view s) {
  out->push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '"': out->append("\\\""); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\a': out->append("\\a"); break;
      case '\b': out->append("\\b"); break;
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
