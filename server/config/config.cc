#include "server/config/config.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <set>

#include "server/base/ascii_case.h"
#include "server/base/glob.h"
#include "server/config/config_rewrite.h"

namespace tandem::config {
namespace {

using base::Status;
using base::StatusOr;

Status LineError(const ConfigLine& line, std::string_view reason) {
  return Status::InvalidArgument(DescribeLineError(line, reason));
}

Status SetError(std::string_view name, std::string_view reason) {
  std::string message = "ERR CONFIG SET failed (possibly related to argument '";
  message += name;
  message += "')";
  if (!reason.empty()) {
    message += " - ";
    message += reason;
  }
  return Status::InvalidArgument(std::move(message));
}

size_t IndexOfDirective(const Directive& d) {
  return static_cast<size_t>(&d - AllDirectives().data());
}

// The values a line gives a directive that takes many: since Redis 7.0.1 a single non-empty
// argument holding several ("--save '900 1'") is split again.
StatusOr<std::vector<std::string>> LineValues(const Directive& d, const ConfigLine& line) {
  std::vector<std::string> values(line.args.begin() + 1, line.args.end());
  if (TakesManyArguments(d) && values.size() == 1 && !values[0].empty()) {
    std::optional<std::vector<std::string>> split = SplitArgs(values[0]);
    if (!split) return LineError(line, "Unbalanced quotes in configuration line");
    values = std::move(*split);
  }
  return values;
}

// What Redis's apply functions change in a value CONFIG SET has just changed: the replication
// backlog is never made smaller than 16kb (at start-up any size is kept).
void AdjustChangedValue(const Directive& d, Value& value) {
  constexpr int64_t kMinReplBacklogSize = 16 * 1024;
  if (d.name == "repl-backlog-size" && value.number < kMinReplBacklogSize) {
    value = Value{std::to_string(kMinReplBacklogSize), kMinReplBacklogSize};
  }
}

void NoteSeen(std::string_view name, std::vector<std::string>& seen) {
  if (std::find(seen.begin(), seen.end(), name) == seen.end()) seen.emplace_back(name);
}

}  // namespace

Config::Config() {
  const std::span<const Directive> table = AllDirectives();
  values_.reserve(table.size());
  for (const Directive& d : table) {
    values_.push_back(d.kind == Kind::kFileOnly ? Value{} : DefaultValue(d));
  }
  hooks_.resize(table.size());
}

Status Config::Load(const std::vector<ConfigLine>& lines, const std::string& config_file) {
  std::vector<std::string> seen;  // names set by these lines, first appearance first
  bool save_seen = false;
  bool module_config_seen = false;
  for (const ConfigLine& line : lines) {
    const std::string& name = line.args[0];
    const Directive* d = FindDirective(name);
    if (d == nullptr) {
      // A module's parameter. Tandem loads no modules, so it is accepted and ignored.
      if (name.find('.') == std::string::npos) {
        return LineError(line, "Bad directive or wrong number of arguments");
      }
      if (line.args.size() != 2) return LineError(line, "Module config specified without value");
      module_config_seen = true;
      NoteSeen(name, seen);
      continue;
    }
    if (d->kind == Kind::kFileOnly) {
      const size_t count = line.args.size() - 1;
      if (d->name == "sentinel" && count > 0) {
        return LineError(line, "sentinel directive while not in sentinel mode");
      }
      if (count < static_cast<uint64_t>(d->min) || count > d->max) {
        return LineError(line, "Bad directive or wrong number of arguments");
      }
      file_only_lines_[std::string(d->name)].emplace_back(line.args.begin() + 1, line.args.end());
      NoteSeen(d->name, seen);
      continue;
    }
    if (!TakesManyArguments(*d) && line.args.size() != 2) {
      return LineError(line, "wrong number of arguments");
    }
    StatusOr<std::vector<std::string>> values = LineValues(*d, line);
    if (!values.ok()) return values.status();
    const size_t index = IndexOfDirective(*d);
    StatusOr<Value> value = ParseValue(*d, *values, values_[index]);
    if (!value.ok()) return LineError(line, value.status().message());
    if (d->kind == Kind::kSave) {
      // Save lines add up; the first one of a start-up (or save "") replaces the defaults.
      if (save_seen && !value->text.empty() && !values_[index].text.empty()) {
        value->text = values_[index].text + " " + value->text;
      }
      save_seen = true;
    }
    values_[index] = std::move(*value);
    NoteSeen(d->name, seen);
  }

  if (GetBool("cluster-enabled") && !GetString("replicaof").empty()) {
    return Status::InvalidArgument("replicaof directive not allowed in cluster mode");
  }
  if (module_config_seen && FileOnlyLines("loadmodule").empty()) {
    return Status::InvalidArgument(
        "Module Configuration detected without loadmodule directive or no ApplyConfig call: "
        "aborting");
  }
  ignored_in_file_.clear();
  for (const std::string& name : seen) {
    const Directive* d = FindDirective(name);
    const bool ignored =
        d == nullptr ||
        (!d->Has(kImplemented) &&
         (d->kind == Kind::kFileOnly || values_[IndexOfDirective(*d)] != DefaultValue(*d)));
    if (ignored) ignored_in_file_.push_back(name);
  }
  if (!config_file.empty()) config_file_ = std::filesystem::absolute(config_file).string();
  return Status::Ok();
}

size_t Config::IndexOf(std::string_view name) const {
  const Directive* d = FindDirective(name);
  if (d == nullptr || d->kind == Kind::kFileOnly) {
    // A misspelt name in the server's own code, never user input.
    std::fprintf(stderr, "tandem: unknown config parameter '%.*s'\n", static_cast<int>(name.size()),
                 name.data());
    std::abort();
  }
  return IndexOfDirective(*d);
}

int64_t Config::GetInt(std::string_view name) const {
  const size_t index = IndexOf(name);
  const int64_t number = values_[index].number;
  if (AllDirectives()[index].Has(kUnsigned) && number < 0) {
    return std::numeric_limits<int64_t>::max();
  }
  return number;
}

bool Config::GetBool(std::string_view name) const {
  const size_t index = IndexOf(name);
  if (AllDirectives()[index].kind != Kind::kBool) {
    std::fprintf(stderr, "tandem: config parameter '%.*s' is not a boolean\n",
                 static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return values_[index].number != 0;
}

const std::string& Config::GetString(std::string_view name) const {
  return values_[IndexOf(name)].text;
}

std::vector<SavePoint> Config::SavePoints() const { return DecodeSavePoints(GetString("save")); }

OutputBufferLimits Config::ClientOutputBufferLimits() const {
  return DecodeOutputBufferLimits(GetString("client-output-buffer-limit"));
}

std::vector<std::string> Config::BindAddresses() const { return SplitAtSpaces(GetString("bind")); }

const std::vector<std::vector<std::string>>& Config::FileOnlyLines(
    std::string_view directive) const {
  static const auto* const kNone = new std::vector<std::vector<std::string>>();
  const auto it = file_only_lines_.find(directive);
  return it == file_only_lines_.end() ? *kNone : it->second;
}

std::vector<std::pair<std::string, std::string>> Config::Get(
    const std::vector<std::string>& patterns) const {
  std::vector<std::pair<std::string, std::string>> result;
  std::set<std::string> answered;  // lower-cased names already in `result`
  auto answer = [&](std::string_view name, const Directive& d) {
    if (answered.insert(base::AsciiLower(name)).second) {
      result.emplace_back(std::string(name), values_[IndexOfDirective(d)].text);
    }
  };
  for (const std::string& pattern : patterns) {
    if (pattern.find_first_of("[*?") == std::string::npos) {
      const Directive* d = FindDirective(pattern);
      if (d != nullptr && d->kind != Kind::kFileOnly) answer(pattern, *d);
      continue;
    }
    for (const Directive& d : AllDirectives()) {
      if (d.kind == Kind::kFileOnly || d.Has(kHidden)) continue;
      for (const std::string_view name : {d.name, d.alias}) {
        if (!name.empty() && base::GlobMatch(pattern, name, /*nocase=*/true)) answer(name, d);
      }
    }
  }
  return result;
}

Status Config::Set(const std::vector<std::pair<std::string, std::string>>& changes,
                   const SetContext& context) {
  // Names first: the first unknown, unsettable or repeated one fails the command.
  const int64_t protected_action = GetInt("enable-protected-configs");  // 0 no, 1 yes, 2 local
  const bool protected_allowed =
      protected_action == 1 || (protected_action == 2 && context.client_is_local);
  std::vector<const Directive*> targets;
  std::vector<std::string> used_names;  // the directive's name or alias, as Redis reports it
  for (const auto& [name, value] : changes) {
    const Directive* d = FindDirective(name);
    if (d == nullptr || d->kind == Kind::kFileOnly) {
      return Status::InvalidArgument(
          "ERR Unknown option or number of arguments for CONFIG SET - '" + name + "'");
    }
    if (d->Has(kImmutable)) return SetError(name, "can't set immutable config");
    if (d->Has(kProtected) && !protected_allowed) {
      return SetError(name, "can't set protected config");
    }
    if (context.loading && d->Has(kDenyLoading)) {
      return Status::InvalidArgument("LOADING Redis is loading the dataset in memory");
    }
    // Redis registers an alias as a parameter of its own, so "x" and its alias are no repeat.
    const std::string used(base::EqualsIgnoreCase(name, d->name) ? d->name : d->alias);
    for (size_t j = 0; j < targets.size(); ++j) {
      if (targets[j] == d && used_names[j] == used) return SetError(name, "duplicate parameter");
    }
    targets.push_back(d);
    used_names.push_back(used);
  }

  // Then the values, each checked against what the pairs before it set.
  std::map<size_t, Value> staged;
  std::vector<size_t> order;  // directive indexes in first-set order
  std::map<size_t, std::string> reported_name;
  for (size_t i = 0; i < changes.size(); ++i) {
    const Directive& d = *targets[i];
    const size_t index = IndexOfDirective(d);
    const auto it = staged.find(index);
    const Value& current = it != staged.end() ? it->second : values_[index];
    const std::vector<std::string> args = TakesManyArguments(d)
                                              ? SplitAtSpaces(changes[i].second)
                                              : std::vector<std::string>{changes[i].second};
    StatusOr<Value> value = ParseValue(d, args, current);
    if (!value.ok()) return SetError(used_names[i], value.status().message());
    if (it == staged.end()) {
      order.push_back(index);
      reported_name.emplace(index, used_names[i]);
    }
    staged[index] = std::move(*value);
  }

  // Store, then tell the hooks; a refusal puts everything back.
  std::vector<std::pair<size_t, Value>> previous;
  for (const size_t index : order) {
    if (staged[index] == values_[index]) continue;
    previous.emplace_back(index, values_[index]);
    values_[index] = std::move(staged[index]);
    AdjustChangedValue(AllDirectives()[index], values_[index]);
  }
  for (size_t k = 0; k < previous.size(); ++k) {
    const size_t index = previous[k].first;
    for (size_t h = 0; h < hooks_[index].size(); ++h) {
      Status status = hooks_[index][h](values_[index].text);
      if (status.ok()) continue;
      for (const auto& [undo_index, old_value] : previous) values_[undo_index] = old_value;
      for (size_t undo = 0; undo <= k; ++undo) {
        const size_t undo_index = previous[undo].first;
        const size_t ran = undo < k ? hooks_[undo_index].size() : h;
        for (size_t r = 0; r < ran; ++r) {
          // Best effort, as in Redis: the old values worked before.
          static_cast<void>(hooks_[undo_index][r](values_[undo_index].text));
        }
      }
      return SetError(reported_name[index], status.message());
    }
  }
  return Status::Ok();
}

Status Config::Override(std::string_view name, const std::string& value) {
  const size_t index = IndexOf(name);
  const Directive& d = AllDirectives()[index];
  const std::vector<std::string> args =
      TakesManyArguments(d) ? SplitAtSpaces(value) : std::vector<std::string>{value};
  StatusOr<Value> parsed = ParseValue(d, args, values_[index]);
  if (!parsed.ok()) return parsed.status();
  values_[index] = std::move(*parsed);
  return Status::Ok();
}

void Config::OnChange(std::string_view name, ChangeHook hook) {
  hooks_[IndexOf(name)].push_back(std::move(hook));
}

void Config::SetRewriteSource(std::string_view directive, RewriteSource source) {
  rewrite_sources_[std::string(directive)] = std::move(source);
}

Status Config::Rewrite() const {
  if (config_file_.empty()) {
    return Status::InvalidArgument("ERR The server is running without a config file");
  }
  std::vector<RewriteItem> items;
  for (const Directive& d : AllDirectives()) {
    if (d.kind == Kind::kFileOnly) continue;
    items.push_back({std::string(d.name), RewriteLines(d, values_[IndexOfDirective(d)])});
  }
  for (const auto& [name, source] : rewrite_sources_) {
    RewriteItem item{name, {}};
    for (std::string& line : source()) item.lines.push_back({std::move(line), true});
    items.push_back(std::move(item));
  }
  return RewriteConfigFile(config_file_, items);
}

}  // namespace tandem::config
