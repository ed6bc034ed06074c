#include "server/config/config_file.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <utility>

#include "server/base/ascii_case.h"
#include "server/base/split_args.h"

namespace tandem::config {
namespace {

using base::Status;
using base::StatusOr;

// The files being read, outermost first; an include of one of them would never end.
struct FileIdentity {
  dev_t device;
  ino_t inode;
  bool operator==(const FileIdentity&) const = default;
};
using OpenFiles = std::vector<FileIdentity>;

Status ParseInto(std::string_view text, std::string_view source, OpenFiles& open_files,
                 std::vector<ConfigLine>& out);

// Reads one file and appends its lines. As with Redis's fgets loop, a read error ends the text
// (so a directory reads as an empty file).
Status ReadInto(const std::string& path, OpenFiles& open_files, std::vector<ConfigLine>& out) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    const int err = errno;
    if (fd >= 0) ::close(fd);
    return Status::IoError("Fatal error, can't open config file '" + path +
                           "': " + std::strerror(err));
  }
  const FileIdentity identity{st.st_dev, st.st_ino};
  if (std::find(open_files.begin(), open_files.end(), identity) != open_files.end()) {
    ::close(fd);
    return Status::InvalidArgument("include loop: '" + path + "' is already being read");
  }
  std::string text;
  char buf[8192];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) text.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  open_files.push_back(identity);
  Status status = ParseInto(text, path, open_files, out);
  open_files.pop_back();
  return status;
}

// Expands "include <pattern>": a plain path must exist; a glob may match nothing.
Status IncludeInto(const std::string& pattern, OpenFiles& open_files,
                   std::vector<ConfigLine>& out) {
  if (pattern.find_first_of("*?[") == std::string::npos) {
    return ReadInto(pattern, open_files, out);
  }
  glob_t matches;
  if (::glob(pattern.c_str(), 0, nullptr, &matches) != 0) return Status::Ok();
  Status status;
  for (size_t i = 0; i < matches.gl_pathc && status.ok(); ++i) {
    status = ReadInto(matches.gl_pathv[i], open_files, out);
  }
  ::globfree(&matches);
  return status;
}

Status ParseInto(std::string_view text, std::string_view source, OpenFiles& open_files,
                 std::vector<ConfigLine>& out) {
  int line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view raw = text.substr(start, end - start);
    start = end + 1;
    ++line_number;

    StatusOr<std::optional<ConfigLine>> line = base::ReadConfigLine(raw, source, line_number);
    if (!line.ok()) return line.status();
    if (!line->has_value()) continue;
    const std::vector<std::string>& args = (*line)->args;
    if (args.front() == "include" && args.size() == 2) {
      Status status = IncludeInto(args[1], open_files, out);
      if (!status.ok()) {
        return Status::Error(status.code(), DescribeLineError(**line, status.message()));
      }
      continue;
    }
    out.push_back(std::move(**line));
  }
  return Status::Ok();
}

}  // namespace

std::string QuoteArg(std::string_view arg) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : arg) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      default:
        if (c >= 0x20 && c < 0x7f) {
          out += c;
        } else {
          const auto byte = static_cast<unsigned char>(c);
          out += "\\x";
          out += kHex[byte >> 4];
          out += kHex[byte & 0xf];
        }
        break;
    }
  }
  out += '"';
  return out;
}

StatusOr<std::vector<ConfigLine>> ParseConfigText(std::string_view text, std::string_view source) {
  OpenFiles open_files;
  std::vector<ConfigLine> lines;
  Status status = ParseInto(text, source, open_files, lines);
  if (!status.ok()) return status;
  return lines;
}

StatusOr<std::vector<ConfigLine>> ReadConfigFile(const std::string& path) {
  OpenFiles open_files;
  std::vector<ConfigLine> lines;
  Status status = ReadInto(path, open_files, lines);
  if (!status.ok()) return status;
  return lines;
}

StatusOr<CommandLine> ParseCommandLine(const std::vector<std::string>& args) {
  CommandLine result;
  size_t j = 0;
  if (!args.empty() && !args[0].starts_with('-')) {
    result.config_file = args[0];
    j = 1;
  }
  // Like redis-server, build redis.conf text (one line per --name) and parse that.
  std::string text;
  bool awaiting_value = false;  // the last --name stood alone; the next argument is its value
  for (; j < args.size(); ++j) {
    const std::string& arg = args[j];
    const bool last = j + 1 == args.size();
    if (arg == "-" && (j == 0 || last)) {
      result.config_from_stdin = true;
    } else if (!awaiting_value && arg.starts_with("--")) {
      if (!text.empty()) text += '\n';
      text.append(arg, 2);
      text += ' ';
      const std::optional<std::vector<std::string>> words = SplitArgs(arg);
      if (words && words->size() == 1) {
        awaiting_value = true;
        const bool name_follows = !last && args[j + 1].starts_with("--");
        // redis-server 7.0 reads a "--save" without a value as save "", and lets "--sentinel"
        // stand alone.
        if (base::EqualsIgnoreCase(arg, "--save") && (name_follows || last)) {
          text += "\"\"";
          awaiting_value = false;
        } else if (base::EqualsIgnoreCase(arg, "--sentinel") && name_follows) {
          awaiting_value = false;
        }
      }
    } else {
      text += QuoteArg(arg);
      text += ' ';
      awaiting_value = false;
    }
  }
  StatusOr<std::vector<ConfigLine>> options = ParseConfigText(text, "(command line)");
  if (!options.ok()) return options.status();
  result.options = std::move(*options);
  return result;
}

StatusOr<std::vector<ConfigLine>> ReadStartupLines(const CommandLine& command_line,
                                                   std::istream& in) {
  std::vector<ConfigLine> lines;
  if (!command_line.config_file.empty()) {
    StatusOr<std::vector<ConfigLine>> file = ReadConfigFile(command_line.config_file);
    if (!file.ok()) return file.status();
    lines = std::move(*file);
  }
  if (command_line.config_from_stdin) {
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    StatusOr<std::vector<ConfigLine>> more = ParseConfigText(text, "(stdin)");
    if (!more.ok()) return more.status();
    std::move(more->begin(), more->end(), std::back_inserter(lines));
  }
  lines.insert(lines.end(), command_line.options.begin(), command_line.options.end());
  return lines;
}

}  // namespace tandem::config
