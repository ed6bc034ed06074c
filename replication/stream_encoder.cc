#include "replication/stream_encoder.h"

#include <array>
#include <charconv>

namespace tandem::replication {

namespace {

void AppendNumber(char prefix, size_t n, std::string& out) {
  std::array<char, 24> digits;
  auto [end, ec] = std::to_chars(digits.data(), digits.data() + digits.size(), n);
  out.push_back(prefix);
  out.append(digits.data(), end);
  out.append("\r\n");
}

void AppendCommand(std::span<const std::string_view> argv, std::string& out) {
  AppendNumber('*', argv.size(), out);
  for (std::string_view arg : argv) {
    AppendNumber('$', arg.size(), out);
    out.append(arg);
    out.append("\r\n");
  }
}

}  // namespace

void StreamEncoder::Encode(int db, std::span<const std::string_view> argv, std::string& out) {
  if (db >= 0 && db != selected_db_) {
    std::string number = std::to_string(db);
    std::array<std::string_view, 2> select{"SELECT", number};
    AppendCommand(select, out);
    selected_db_ = db;
  }
  AppendCommand(argv, out);
}

}  // namespace tandem::replication
