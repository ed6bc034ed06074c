#include "server/scripting/shebang.h"

#include <array>
#include <utility>
#include <vector>

#include "server/base/split_args.h"

namespace tandem::scripting {
namespace {

constexpr std::array<std::pair<std::string_view, ScriptFlag>, 5> kFlagNames{{
    {"no-writes", kScriptNoWrites},
    {"allow-oom", kScriptAllowOom},
    {"allow-stale", kScriptAllowStale},
    {"no-cluster", kScriptNoCluster},
    {"allow-cross-slot-keys", kScriptAllowCrossSlotKeys},
}};

base::Status Invalid(std::string message) { return base::Status::InvalidArgument(message); }

// Adds the comma-separated flags of "flags=<list>"; an empty list names no flag, but an empty item
// in a list ("no-writes,") is an unknown flag.
base::Status ParseFlagList(std::string_view list, uint32_t* flags) {
  if (list.empty()) return base::Status::Ok();
  while (true) {
    size_t comma = list.find(',');
    std::string_view name = list.substr(0, comma);
    bool known = false;
    for (const auto& [flag_name, bit] : kFlagNames) {
      if (name == flag_name) {
        *flags |= bit;
        known = true;
      }
    }
    if (!known) return Invalid("ERR Unexpected flag in script shebang: " + std::string(name));
    if (comma == std::string_view::npos) return base::Status::Ok();
    list.remove_prefix(comma + 1);
  }
}

}  // namespace

base::StatusOr<Shebang> ParseShebang(std::string_view body) {
  Shebang shebang;
  if (!body.starts_with("#!")) return shebang;
  size_t newline = body.find('\n');
  if (newline == std::string_view::npos) return Invalid("ERR Invalid script shebang");
  shebang.present = true;
  shebang.length = newline;

  std::string storage;
  std::vector<base::ArgSpan> spans;
  if (!base::SplitInlineArgs(body.substr(0, newline), &storage, &spans) || spans.empty()) {
    return Invalid("ERR Invalid script shebang");
  }
  auto part = [&](size_t i) {
    return std::string_view(storage).substr(spans[i].offset, spans[i].length);
  };
  if (part(0) != "#!lua") {
    return Invalid("ERR Unexpected engine in script shebang: " + std::string(part(0)));
  }
  for (size_t i = 1; i < spans.size(); ++i) {
    std::string_view option = part(i);
    if (!option.starts_with("flags=")) {
      return Invalid("ERR Unknown lua shebang option: " + std::string(option));
    }
    base::Status status = ParseFlagList(option.substr(6), &shebang.flags);
    if (!status.ok()) return status;
  }
  return shebang;
}

}  // namespace tandem::scripting
