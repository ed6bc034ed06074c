#include "server/persistence/aof_manifest.h"

#include <strings.h>

#include <cctype>
#include <cstdlib>

#include "server/config/config_file.h"

namespace tandem::persistence {
namespace {

constexpr size_t kMaxLine = 1024;  // Redis's MANIFEST_MAX_LINE

// Redis's sdsneedsrepr: the name is written quoted when it holds a blank, a quote, a backslash or
// an unprintable byte.
bool NeedsQuoting(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '\\' || c == '"' || c == '\n' || c == '\r' || c == '\t' || c == '\a' || c == '\b' ||
        !std::isprint(c) || std::isspace(c)) {
      return true;
    }
  }
  return false;
}

base::Status LineError(std::string_view reason, int line_number, std::string_view line) {
  return base::Status::Error(base::Status::Code::kCorruption, std::string(reason) + " (line " +
                                                                  std::to_string(line_number) +
                                                                  ": '" + std::string(line) + "')");
}

std::string_view Trim(std::string_view s) {
  constexpr std::string_view kBlanks = " \t\r\n";
  size_t begin = s.find_first_not_of(kBlanks);
  if (begin == std::string_view::npos) return {};
  return s.substr(begin, s.find_last_not_of(kBlanks) - begin + 1);
}

void AppendLine(std::string* out, const AofFileInfo& info) {
  *out += "file ";
  *out += NeedsQuoting(info.name) ? config::QuoteArg(info.name) : info.name;
  *out += " seq " + std::to_string(info.seq) + " type ";
  *out += static_cast<char>(info.type);
  *out += '\n';
}

}  // namespace

std::string AofManifestName(std::string_view prefix) { return std::string(prefix) + ".manifest"; }

base::StatusOr<AofManifest> AofManifest::Parse(std::string_view text) {
  AofManifest m;
  if (text.empty()) {
    return base::Status::Error(base::Status::Code::kCorruption, "Found an empty AOF manifest");
  }
  int line_number = 0;
  int64_t max_incr_seq = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    // Redis reads lines of at most 1024 bytes and requires every line to end with '\n'.
    std::string_view raw =
        text.substr(0, newline == std::string_view::npos ? text.size() : newline + 1);
    text.remove_prefix(raw.size());
    ++line_number;
    if (raw[0] == '#' && raw.size() <= kMaxLine) continue;
    if (newline == std::string_view::npos || raw.size() > kMaxLine) {
      return LineError("The AOF manifest file contains too long line", line_number,
                       Trim(raw.substr(0, kMaxLine)));
    }
    std::string_view line = Trim(raw);
    std::optional<std::vector<std::string>> words;
    if (!line.empty()) words = config::SplitArgs(line);
    if (!words || words->size() < 6 || words->size() % 2 != 0) {
      return LineError("Invalid AOF manifest file format", line_number, line);
    }
    AofFileInfo info;
    char type = 0;
    bool has_name = false;
    for (size_t i = 0; i < words->size(); i += 2) {
      const std::string& key = (*words)[i];
      const std::string& value = (*words)[i + 1];
      if (strcasecmp(key.c_str(), "file") == 0) {
        if (value.find('/') != std::string::npos) {
          return LineError("File can't be a path, just a filename", line_number, line);
        }
        info.name = value;
        has_name = true;
      } else if (strcasecmp(key.c_str(), "seq") == 0) {
        info.seq = std::atoll(value.c_str());  // as Redis: atoll, 0 when not a number
      } else if (strcasecmp(key.c_str(), "type") == 0) {
        type = value.empty() ? 0 : value[0];
      }
    }
    if (!has_name || info.name.empty() || info.seq == 0 || type == 0) {
      return LineError("Invalid AOF manifest file format", line_number, line);
    }
    switch (type) {
      case 'b':
        if (m.base_) return LineError("Found duplicate base file information", line_number, line);
        info.type = AofFileType::kBase;
        m.base_seq_ = info.seq;
        m.base_ = std::move(info);
        break;
      case 'h':
        info.type = AofFileType::kHistory;
        m.history_.push_back(std::move(info));
        break;
      case 'i':
        if (info.seq <= max_incr_seq) {
          return LineError("Found a non-monotonic sequence number", line_number, line);
        }
        info.type = AofFileType::kIncr;
        max_incr_seq = m.incr_seq_ = info.seq;
        m.incrs_.push_back(std::move(info));
        break;
      default:
        return LineError("Unknown AOF file type", line_number, line);
    }
  }
  return m;
}

std::string AofManifest::Format() const {
  std::string out;
  if (base_) AppendLine(&out, *base_);
  for (const AofFileInfo& info : history_) AppendLine(&out, info);
  for (const AofFileInfo& info : incrs_) AppendLine(&out, info);
  return out;
}

const std::string& AofManifest::NewBase(std::string_view prefix, bool rdb) {
  if (base_) {
    base_->type = AofFileType::kHistory;
    history_.insert(history_.begin(), std::move(*base_));
  }
  ++base_seq_;
  base_ = AofFileInfo{
      std::string(prefix) + "." + std::to_string(base_seq_) + (rdb ? ".base.rdb" : ".base.aof"),
      base_seq_, AofFileType::kBase};
  return base_->name;
}

const std::string& AofManifest::NewIncr(std::string_view prefix) {
  ++incr_seq_;
  incrs_.push_back(AofFileInfo{std::string(prefix) + "." + std::to_string(incr_seq_) + ".incr.aof",
                               incr_seq_, AofFileType::kIncr});
  return incrs_.back().name;
}

const std::string& AofManifest::LastIncr(std::string_view prefix) {
  if (incrs_.empty()) return NewIncr(prefix);
  return incrs_.back().name;
}

void AofManifest::MarkIncrsAsHistory(size_t keep) {
  if (incrs_.size() <= keep) return;
  size_t moved = incrs_.size() - keep;
  // As Redis: from the newest down, each moved file goes to the head of the history list.
  for (size_t i = moved; i-- > 0;) {
    AofFileInfo info = std::move(incrs_[i]);
    info.type = AofFileType::kHistory;
    history_.insert(history_.begin(), std::move(info));
  }
  incrs_.erase(incrs_.begin(), incrs_.begin() + static_cast<std::ptrdiff_t>(moved));
}

}  // namespace tandem::persistence
