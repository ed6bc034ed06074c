#include "server/config/directive_value.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <utility>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/config/config_file.h"
#include "server/config/keyspace_events.h"

namespace tandem::config {
namespace {

using base::Status;
using base::StatusOr;

Status Invalid(std::string reason) { return Status::InvalidArgument(std::move(reason)); }

// What C's strtoll reads from `text`: leading blanks and a sign allowed, out-of-range values
// saturate, and "" reads as 0. Redis parses save points, buffer limits and the like this way.
struct CInteger {
  int64_t value;
  bool whole;     // the digits ran to the end of the text
  bool overflow;  // the value saturated
};
CInteger StrToLL(const std::string& text, int base) {
  char* end = nullptr;
  errno = 0;
  const long long value = std::strtoll(text.c_str(), &end, base);
  return {value, *end == '\0', errno == ERANGE};
}

// Redis 7.0's memtoull: digits and an optional unit, no sign. Too many digits saturate and the unit
// multiplication wraps around, as there.
std::optional<uint64_t> ParseMemory(std::string_view text) {
  if (!text.empty() && text.front() == '-') return std::nullopt;
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view unit = text.substr(digits);
  uint64_t multiplier;
  if (unit.empty() || base::EqualsIgnoreCase(unit, "b")) {
    multiplier = 1;
  } else if (base::EqualsIgnoreCase(unit, "k")) {
    multiplier = 1000;
  } else if (base::EqualsIgnoreCase(unit, "kb")) {
    multiplier = 1024;
  } else if (base::EqualsIgnoreCase(unit, "m")) {
    multiplier = 1000 * 1000;
  } else if (base::EqualsIgnoreCase(unit, "mb")) {
    multiplier = 1024 * 1024;
  } else if (base::EqualsIgnoreCase(unit, "g")) {
    multiplier = 1000 * 1000 * 1000;
  } else if (base::EqualsIgnoreCase(unit, "gb")) {
    multiplier = uint64_t{1024} * 1024 * 1024;
  } else {
    return std::nullopt;
  }
  if (digits >= 128) return std::nullopt;
  constexpr uint64_t kMax = UINT64_MAX;
  uint64_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    const uint64_t digit = static_cast<uint64_t>(text[i] - '0');
    if (value > (kMax - digit) / 10) {
      value = kMax;
      break;
    }
    value = value * 10 + digit;
  }
  return value * multiplier;
}

bool IsMemoryKind(Kind kind) { return kind == Kind::kMemory || kind == Kind::kMemoryOrPercent; }

StatusOr<int64_t> ParseNumber(const Directive& d, const std::string& arg) {
  if (IsMemoryKind(d.kind)) {
    if (const std::optional<uint64_t> bytes = ParseMemory(arg)) return static_cast<int64_t>(*bytes);
    if (d.kind == Kind::kMemoryOrPercent && arg.size() > 1 && arg.back() == '%') {
      const std::optional<int64_t> percent =
          base::ParseInt64(std::string_view(arg).substr(0, arg.size() - 1));
      if (percent && *percent >= 0) return -*percent;
    }
    return Invalid(d.kind == Kind::kMemory ? "argument must be a memory value"
                                           : "argument must be a memory or percent value");
  }
  if (d.kind == Kind::kOctal) {
    const CInteger octal = StrToLL(arg, 8);
    if (octal.whole && !octal.overflow) return octal.value;
    return Invalid("argument couldn't be parsed as an octal number");
  }
  if (const std::optional<int64_t> value = base::ParseInt64(arg)) return *value;
  return Invalid("argument couldn't be parsed into an integer");
}

std::string Printf(const char* format, auto... args) {
  char buf[160];
  const int len = std::snprintf(buf, sizeof(buf), format, args...);
  return std::string(buf, static_cast<size_t>(len));
}

Status CheckBounds(const Directive& d, int64_t value) {
  const auto min = static_cast<unsigned long long>(d.min);
  const auto max = static_cast<unsigned long long>(d.max);
  if (d.Has(kUnsigned)) {
    const auto unsigned_value = static_cast<unsigned long long>(value);
    if (unsigned_value >= min && unsigned_value <= max) return Status::Ok();
    return Invalid(Printf(d.kind == Kind::kOctal
                              ? "argument must be between %llo and %llo inclusive"
                              : "argument must be between %llu and %llu inclusive",
                          min, max));
  }
  if (d.kind == Kind::kMemoryOrPercent && value < 0) {
    if (value >= d.min) return Status::Ok();
    return Invalid(Printf("percentage argument must be less or equal to %lld",
                          static_cast<long long>(-d.min)));
  }
  if (value >= d.min && (value < 0 || static_cast<uint64_t>(value) <= d.max)) return Status::Ok();
  return Invalid(Printf("argument must be between %lld and %lld inclusive",
                        static_cast<long long>(d.min), static_cast<long long>(d.max)));
}

std::string NumberText(const Directive& d, int64_t value) {
  if (d.kind == Kind::kMemoryOrPercent && value < 0) return std::to_string(-value) + "%";
  if (IsMemoryKind(d.kind)) return std::to_string(static_cast<uint64_t>(value));
  if (d.kind == Kind::kOctal) return Printf("%llo", static_cast<unsigned long long>(value));
  return std::to_string(value);
}

StatusOr<Value> ParseNumericValue(const Directive& d, const std::string& arg) {
  StatusOr<int64_t> parsed = ParseNumber(d, arg);
  if (!parsed.ok()) return parsed.status();
  int64_t value = *parsed;
  Status bounds = CheckBounds(d, value);
  if (!bounds.ok()) return bounds;
  // Redis takes any hz in range as a hint and keeps it within [1, 500].
  if (d.name == "hz") value = std::clamp<int64_t>(value, 1, 500);
  return Value{NumberText(d, value), value};
}

Status EnumError(const Directive& d) {
  std::string message = "argument(s) must be one of the following: ";
  for (size_t i = 0; i < d.enum_values.size(); ++i) {
    if (i > 0) message += ", ";
    message += d.enum_values[i].name;
  }
  return Invalid(std::move(message));
}

// The printed form of an enum value: the first name with exactly that value, else (flags) the
// names of its bits in table order.
std::string EnumText(const Directive& d, int value) {
  std::string names;
  int unmatched = value;
  for (const EnumValue& e : d.enum_values) {
    if (e.value == value) return std::string(e.name);
    if (d.kind == Kind::kEnumFlags && e.value != 0 && (unmatched & e.value) == e.value) {
      if (!names.empty()) names += ' ';
      names += e.name;
      unmatched &= ~e.value;
    }
  }
  return names.empty() || unmatched != 0 ? "unknown" : names;
}

StatusOr<Value> ParseEnum(const Directive& d, const std::vector<std::string>& args) {
  if (args.empty()) return EnumError(d);
  int value = 0;
  for (const std::string& arg : args) {
    const EnumValue* match = nullptr;
    for (const EnumValue& e : d.enum_values) {
      if (match == nullptr && base::EqualsIgnoreCase(arg, e.name)) match = &e;
    }
    if (match == nullptr) return EnumError(d);
    value |= match->value;
  }
  // shutdown-on-sig*: the flag values of "save" and "nosave".
  if (d.kind == Kind::kEnumFlags && (value & 1) && (value & 2)) {
    return Invalid("shutdown options SAVE and NOSAVE can't be used simultaneously");
  }
  return Value{EnumText(d, value), value};
}

bool IsBaseName(std::string_view path) { return path.find_first_of("/\\") == std::string::npos; }

// Redis expands the template with an empty title (and, in standalone mode, an empty server mode
// and no unix socket); the result must be well formed and not blank.
bool IsValidProcTitleTemplate(std::string_view tmpl) {
  std::string expanded;
  for (size_t i = 0; i < tmpl.size(); ++i) {
    if (tmpl[i] != '{') {
      expanded += tmpl[i];
      continue;
    }
    if (i + 1 == tmpl.size()) return false;
    if (tmpl[i + 1] == '{') {
      expanded += '{';
      ++i;
      continue;
    }
    const size_t close = tmpl.find('}', i + 1);
    if (close == std::string_view::npos) return false;
    const std::string_view variable = tmpl.substr(i + 1, close - i - 1);
    if (variable == "listen-addr" || variable == "port" || variable == "tls-port" ||
        variable == "config-file") {
      expanded += variable;
    } else if (variable != "title" && variable != "server-mode" && variable != "unixsocket") {
      return false;
    }
    i = close;
  }
  return expanded.find_first_not_of(' ') != std::string::npos;
}

Status CheckString(const Directive& d, std::string_view value) {
  if (d.name == "dbfilename" && !IsBaseName(value)) {
    return Invalid("dbfilename can't be a path, just a filename");
  }
  if (d.name == "appendfilename" || d.name == "appenddirname") {
    if (value.empty()) return Invalid(std::string(d.name) + " can't be empty");
    if (!IsBaseName(value)) {
      return Invalid(std::string(d.name) + " can't be a path, just a " +
                     (d.name == "appendfilename" ? "filename" : "dirname"));
    }
  }
  if (d.name == "cluster-announce-hostname") {
    if (value.size() >= 256) return Invalid("Hostnames must be less than 256 characters");
    for (const char c : value) {
      const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.';
      if (!ok)
        return Invalid("Hostnames may only contain alphanumeric characters, hyphens or dots");
    }
  }
  if (d.name == "proc-title-template" && !IsValidProcTitleTemplate(value)) {
    return Invalid("template format is invalid or contains unknown variables");
  }
  return Status::Ok();
}

std::string Join(const std::vector<std::string>& parts) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += ' ';
    joined += parts[i];
  }
  return joined;
}

// A lone "" stands for "no arguments" in save, bind and latency-tracking-info-percentiles.
bool IsEmptyList(const std::vector<std::string>& args) {
  return args.size() == 1 && args[0].empty();
}

StatusOr<Value> ParseSave(const std::vector<std::string>& args) {
  const size_t count = IsEmptyList(args) ? 0 : args.size();
  if (count % 2 != 0) return Invalid("Invalid save parameters");
  std::vector<std::string> parts;
  for (size_t j = 0; j < count; ++j) {
    const CInteger n = StrToLL(args[j], 10);
    if (!n.whole || n.value < (j % 2 == 0 ? 1 : 0)) return Invalid("Invalid save parameters");
    parts.push_back(j % 2 == 0 ? std::to_string(n.value)
                               : std::to_string(static_cast<int32_t>(n.value)));
  }
  return Value{Join(parts), 0};
}

StatusOr<Value> ParseBind(const std::vector<std::string>& args) {
  if (args.size() > 16) return Invalid("Too many bind addresses specified.");
  return Value{IsEmptyList(args) ? "" : Join(args), 0};
}

std::string OutputBufferLimitsText(const OutputBufferLimits& limits) {
  std::string text;
  const std::pair<const char*, const OutputBufferLimit*> classes[] = {
      {"normal", &limits.normal}, {"slave", &limits.replica}, {"pubsub", &limits.pubsub}};
  for (const auto& [name, limit] : classes) {
    if (!text.empty()) text += ' ';
    text +=
        Printf("%s %llu %llu %lld", name, static_cast<unsigned long long>(limit->hard_limit_bytes),
               static_cast<unsigned long long>(limit->soft_limit_bytes),
               static_cast<long long>(limit->soft_limit_seconds));
  }
  return text;
}

StatusOr<Value> ParseOutputBufferLimits(const std::vector<std::string>& args,
                                        const Value& current) {
  if (args.size() % 4 != 0) {
    return Invalid("Wrong number of arguments in buffer limit configuration.");
  }
  OutputBufferLimits limits = DecodeOutputBufferLimits(current.text);
  for (size_t j = 0; j < args.size(); j += 4) {
    OutputBufferLimit* target;
    if (base::EqualsIgnoreCase(args[j], "normal")) {
      target = &limits.normal;
    } else if (base::EqualsIgnoreCase(args[j], "replica") ||
               base::EqualsIgnoreCase(args[j], "slave")) {
      target = &limits.replica;
    } else if (base::EqualsIgnoreCase(args[j], "pubsub")) {
      target = &limits.pubsub;
    } else {
      return Invalid("Invalid client class specified in buffer limit configuration.");
    }
    const std::optional<uint64_t> hard = ParseMemory(args[j + 1]);
    const std::optional<uint64_t> soft = ParseMemory(args[j + 2]);
    const CInteger seconds = StrToLL(args[j + 3], 10);
    if (!hard || !soft || !seconds.whole || seconds.value < 0) {
      return Invalid("Error in hard, soft or soft_seconds setting in buffer limit configuration.");
    }
    *target = {*hard, *soft, seconds.value};
  }
  return Value{OutputBufferLimitsText(limits), 0};
}

StatusOr<Value> ParseOomScoreAdjValues(const std::vector<std::string>& args) {
  if (args.size() != 3) return Invalid("wrong number of arguments");
  std::vector<std::string> parts;
  for (const std::string& arg : args) {
    const CInteger n = StrToLL(arg, 10);
    if (!n.whole || n.value < -2000 || n.value > 2000) {
      return Invalid("Invalid oom-score-adj-values, elements must be between -2000 and 2000.");
    }
    parts.push_back(std::to_string(n.value));
  }
  return Value{Join(parts), 0};
}

// printf's "%f" without trailing zeros after the point (and without a bare point).
std::string TrimmedFixed(double value) {
  std::string text = Printf("%f", value);
  if (text.find('.') != std::string::npos) {
    text.erase(text.find_last_not_of('0') + 1);
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

StatusOr<Value> ParseLatencyPercentiles(const std::vector<std::string>& args) {
  std::vector<std::string> parts;
  if (!IsEmptyList(args)) {
    for (const std::string& arg : args) {
      const std::optional<double> percentile = base::ParseDouble(arg);
      if (!percentile) return Invalid("Invalid latency-tracking-info-percentiles parameters");
      if (*percentile > 100.0 || *percentile < 0.0) {
        return Invalid(
            "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]");
      }
      parts.push_back(TrimmedFixed(*percentile));
    }
  }
  return Value{Join(parts), 0};
}

StatusOr<Value> ParseReplicaOf(const std::vector<std::string>& args) {
  if (args.size() != 2) return Invalid("wrong number of arguments");
  if (base::EqualsIgnoreCase(args[0], "no") && base::EqualsIgnoreCase(args[1], "one"))
    return Value{};
  const CInteger port = StrToLL(args[1], 10);
  if (!port.whole || port.value < 0 || port.value > 65535) return Invalid("Invalid master port");
  return Value{args[0] + " " + std::to_string(port.value), 0};
}

// Redis changes directory at once (chdir) and reports chdir's failure; Tandem only checks that it
// could, and keeps the absolute path for the server to change to.
StatusOr<Value> ParseDir(const std::string& arg, const Value& current) {
  if (arg.empty()) return Invalid(std::strerror(ENOENT));
  const std::string path = arg.front() == '/' ? arg : current.text + "/" + arg;
  char resolved[PATH_MAX];
  if (::realpath(path.c_str(), resolved) == nullptr) return Invalid(std::strerror(errno));
  struct stat st;
  if (::stat(resolved, &st) != 0) return Invalid(std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) return Invalid(std::strerror(ENOTDIR));
  if (::access(resolved, X_OK) != 0) return Invalid(std::strerror(errno));
  return Value{resolved, 0};
}

std::string WorkingDirectory() {
  char buf[PATH_MAX];
  return ::getcwd(buf, sizeof(buf)) != nullptr ? std::string(buf) : std::string();
}

// CONFIG REWRITE's byte counts: in gb, mb or kb when that is exact.
std::string MemoryRewriteText(const Directive& d, int64_t value) {
  if (d.kind == Kind::kMemoryOrPercent && value < 0) return std::to_string(-value) + "%";
  const auto bytes = static_cast<uint64_t>(value);
  constexpr std::pair<uint64_t, const char*> kUnits[] = {
      {uint64_t{1} << 30, "gb"}, {uint64_t{1} << 20, "mb"}, {uint64_t{1} << 10, "kb"}};
  for (const auto& [unit, suffix] : kUnits) {
    if (bytes != 0 && bytes % unit == 0) return std::to_string(bytes / unit) + suffix;
  }
  return std::to_string(bytes);
}

}  // namespace

Value DefaultValue(const Directive& directive) {
  if (directive.kind == Kind::kDir) return Value{WorkingDirectory(), 0};
  if (directive.kind == Kind::kReplicaOf) return Value{};
  std::vector<std::string> args;
  if (TakesManyArguments(directive)) {
    args = SplitAtSpaces(directive.default_value);
  } else {
    args.emplace_back(directive.default_value);
  }
  // The table's defaults are valid by construction (the unit tests parse every one).
  return *ParseValue(directive, args, Value{});
}

StatusOr<Value> ParseValue(const Directive& directive, const std::vector<std::string>& args,
                           const Value& current) {
  switch (directive.kind) {
    case Kind::kBool:
      if (base::EqualsIgnoreCase(args[0], "yes")) return Value{"yes", 1};
      if (base::EqualsIgnoreCase(args[0], "no")) return Value{"no", 0};
      return Invalid("argument must be 'yes' or 'no'");
    case Kind::kInteger:
    case Kind::kOctal:
    case Kind::kMemory:
    case Kind::kMemoryOrPercent:
      return ParseNumericValue(directive, args[0]);
    case Kind::kEnum:
    case Kind::kEnumFlags:
      return ParseEnum(directive, args);
    case Kind::kString: {
      Status status = CheckString(directive, args[0]);
      if (!status.ok()) return status;
      return Value{args[0], 0};
    }
    case Kind::kSave:
      return ParseSave(args);
    case Kind::kBind:
      return ParseBind(args);
    case Kind::kClientOutputBufferLimit:
      return ParseOutputBufferLimits(args, current);
    case Kind::kNotifyKeyspaceEvents: {
      const std::optional<int> flags = ParseKeyspaceEvents(args[0]);
      if (!flags) return Invalid("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
      return Value{FormatKeyspaceEvents(*flags), *flags};
    }
    case Kind::kOomScoreAdjValues:
      return ParseOomScoreAdjValues(args);
    case Kind::kLatencyPercentiles:
      return ParseLatencyPercentiles(args);
    case Kind::kReplicaOf:
      return ParseReplicaOf(args);
    case Kind::kDir:
      return ParseDir(args[0], current);
    case Kind::kFileOnly:
      break;
  }
  return Status::Error(Status::Code::kInternal, "not a valued directive");
}

std::vector<std::string> SplitAtSpaces(std::string_view value) {
  std::vector<std::string> pieces;
  if (value.empty()) return pieces;
  size_t start = 0;
  while (true) {
    const size_t space = value.find(' ', start);
    pieces.emplace_back(value.substr(start, space - start));
    if (space == std::string_view::npos) return pieces;
    start = space + 1;
  }
}

std::vector<RewriteLine> RewriteLines(const Directive& directive, const Value& value) {
  const std::string name(directive.name);
  switch (directive.kind) {
    case Kind::kBool:
    case Kind::kInteger:
    case Kind::kOctal:
    case Kind::kEnum:
    case Kind::kEnumFlags:
      return {{name + " " + value.text, value.number != DefaultValue(directive).number}};
    case Kind::kMemory:
    case Kind::kMemoryOrPercent:
      return {{name + " " + MemoryRewriteText(directive, value.number),
               value.number != DefaultValue(directive).number}};
    case Kind::kString:
      if (directive.Has(kEmptyIsUnset)) {
        if (value.text.empty()) return {};
        return {{name + " " + QuoteArg(value.text), true}};
      }
      return {{name + " " + QuoteArg(value.text), value.text != directive.default_value}};
    case Kind::kSave: {
      if (value.text.empty()) return {{"save \"\"", true}};
      std::vector<RewriteLine> lines;
      for (const SavePoint& point : DecodeSavePoints(value.text)) {
        lines.push_back(
            {Printf("save %lld %d", static_cast<long long>(point.seconds), point.changes), true});
      }
      return lines;
    }
    case Kind::kBind:
      if (value == DefaultValue(directive)) return {};
      return {{name + " " + (value.text.empty() ? "\"\"" : value.text), true}};
    case Kind::kClientOutputBufferLimit: {
      const OutputBufferLimits now = DecodeOutputBufferLimits(value.text);
      const OutputBufferLimits defaults = DecodeOutputBufferLimits(directive.default_value);
      const std::pair<const char*, std::pair<OutputBufferLimit, OutputBufferLimit>> classes[] = {
          {"normal", {now.normal, defaults.normal}},
          {"replica", {now.replica, defaults.replica}},
          {"pubsub", {now.pubsub, defaults.pubsub}}};
      std::vector<RewriteLine> lines;
      for (const auto& [class_name, limits] : classes) {
        const OutputBufferLimit& limit = limits.first;
        lines.push_back(
            {name + " " + class_name + " " +
                 MemoryRewriteText(directive, static_cast<int64_t>(limit.hard_limit_bytes)) + " " +
                 MemoryRewriteText(directive, static_cast<int64_t>(limit.soft_limit_bytes)) + " " +
                 std::to_string(limit.soft_limit_seconds),
             limit != limits.second});
      }
      return lines;
    }
    case Kind::kNotifyKeyspaceEvents:
      return {{name + " " + QuoteArg(value.text), value.number != 0}};
    case Kind::kOomScoreAdjValues:
      return {{name + " " + value.text, value.text != directive.default_value}};
    case Kind::kLatencyPercentiles:
      return {{name + " " + (value.text.empty() ? "\"\"" : value.text), true}};
    case Kind::kReplicaOf:
      if (value.text.empty()) return {};
      return {{name + " " + value.text, true}};
    case Kind::kDir:
      return {{name + " " + QuoteArg(value.text), true}};
    case Kind::kFileOnly:
      break;
  }
  return {};
}

std::vector<SavePoint> DecodeSavePoints(std::string_view save_text) {
  const std::vector<std::string> numbers = SplitAtSpaces(save_text);
  std::vector<SavePoint> points;
  for (size_t i = 0; i + 1 < numbers.size(); i += 2) {
    points.push_back({std::strtoll(numbers[i].c_str(), nullptr, 10),
                      static_cast<int32_t>(std::strtol(numbers[i + 1].c_str(), nullptr, 10))});
  }
  return points;
}

OutputBufferLimits DecodeOutputBufferLimits(std::string_view client_output_buffer_limit_text) {
  const std::vector<std::string> words = SplitAtSpaces(client_output_buffer_limit_text);
  OutputBufferLimits limits{};
  for (size_t j = 0; j + 3 < words.size(); j += 4) {
    OutputBufferLimit* target = words[j] == "normal"  ? &limits.normal
                                : words[j] == "slave" ? &limits.replica
                                                      : &limits.pubsub;
    *target = {std::strtoull(words[j + 1].c_str(), nullptr, 10),
               std::strtoull(words[j + 2].c_str(), nullptr, 10),
               std::strtoll(words[j + 3].c_str(), nullptr, 10)};
  }
  return limits;
}

}  // namespace tandem::config
