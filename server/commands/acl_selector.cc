#include "server/commands/acl_selector.h"

#include <cctype>
#include <climits>

#include "server/base/ascii_case.h"
#include "server/base/glob.h"
#include "server/commands/command_table.h"

namespace tandem::commands {
namespace {

// Reasons, as Redis words them; Acl prefixes the rule that failed.
constexpr std::string_view kSyntaxError = "Syntax error";
constexpr std::string_view kUnknownName = "Unknown command or category name in ACL";
constexpr std::string_view kKeyAfterAll =
    "Adding a pattern after the * pattern (or the 'allkeys' flag) is not valid and does not have "
    "any effect. Try 'resetkeys' to start with an empty list of patterns";
constexpr std::string_view kChannelAfterAll =
    "Adding a pattern after the * pattern (or the 'allchannels' flag) is not valid and does not "
    "have any effect. Try 'resetchannels' to start with an empty list of channels";
constexpr std::string_view kSubcommandFirstArg =
    "Allowing first-arg of a subcommand is not supported";

base::Status Fail(std::string_view reason) {
  return base::Status::InvalidArgument(std::string(reason));
}

// Patterns must not contain blanks or NULs, so that ACL LIST lines split back into the same rules.
bool HasSpaces(std::string_view s) {
  for (unsigned char c : s) {
    if (std::isspace(c) || c == 0) return true;
  }
  return false;
}

// "get" or "config|get" (any case); null when unknown or nested deeper.
const CommandSpec* LookupCommand(const CommandTable& table, std::string_view name) {
  size_t bar = name.find('|');
  if (bar == std::string_view::npos) return table.Find(name);
  std::string_view sub = name.substr(bar + 1);
  if (sub.find('|') != std::string_view::npos) return nullptr;
  const CommandSpec* container = table.Find(name.substr(0, bar));
  if (container == nullptr || container->subcommands.empty()) return nullptr;
  return table.FindSubcommand(*container, sub);
}

bool IsSubcommand(const CommandSpec& spec) {
  return spec.full_name.find('|') != std::string_view::npos;
}

// The permissions a key needs, from the command's key-spec flags ("RW ACCESS UPDATE").
uint8_t NeededKeyPermissions(std::string_view key_flags) {
  uint8_t needed = 0;
  while (!key_flags.empty()) {
    size_t space = key_flags.find(' ');
    std::string_view word = key_flags.substr(0, space);
    if (word == "ACCESS") needed |= kAclKeyRead;
    if (word == "INSERT" || word == "DELETE" || word == "UPDATE") needed |= kAclKeyWrite;
    key_flags = space == std::string_view::npos ? std::string_view() : key_flags.substr(space + 1);
  }
  return needed;
}

// For the VARIABLE_FLAGS commands the permissions depend on the arguments, as Redis's key finders
// for them decide: SET reads the key only with GET; BITFIELD writes unless it only has GETs.
uint8_t NeededKeyPermissions(const CommandSpec& spec, std::span<const std::string_view> argv) {
  if (spec.full_name == "set") {
    for (size_t i = 3; i < argv.size(); ++i) {
      if (base::EqualsIgnoreCase(argv[i], "get")) return kAclKeyReadWrite;
    }
    return kAclKeyWrite;
  }
  if (spec.full_name == "bitfield") {
    for (size_t i = 2; i < argv.size(); ++i) {
      size_t left = argv.size() - i - 1;
      if (base::EqualsIgnoreCase(argv[i], "get") && left >= 2) {
        i += 2;
      } else if (base::EqualsIgnoreCase(argv[i], "overflow") && left >= 1) {
        i += 1;
      } else {
        return kAclKeyReadWrite;  // a write, or a syntax error: assume a write
      }
    }
    return kAclKeyRead;
  }
  return NeededKeyPermissions(spec.key_flags);
}

void AppendKeyPattern(const AclKeyPattern& p, std::string* out) {
  if (p.permissions == kAclKeyRead) {
    *out += "%R~";
  } else if (p.permissions == kAclKeyWrite) {
    *out += "%W~";
  } else {
    *out += '~';
  }
  *out += p.pattern;
}

std::optional<uint64_t> CategoryBit(std::string_view name) {
  for (const AclCategoryName& c : AclCategoryNames()) {
    if (base::EqualsIgnoreCase(c.name, name)) return c.bit;
  }
  return std::nullopt;
}

}  // namespace

AclSelector::AclSelector(const CommandTable& table, bool all_channels)
    : table_(&table), allowed_(table.id_count(), false), all_channels_(all_channels) {}

base::Status AclSelector::Apply(std::string_view rule) {
  if (base::EqualsIgnoreCase(rule, "allkeys") || rule == "~*") {
    all_keys_ = true;
    key_patterns_.clear();
  } else if (base::EqualsIgnoreCase(rule, "resetkeys")) {
    all_keys_ = false;
    key_patterns_.clear();
  } else if (base::EqualsIgnoreCase(rule, "allchannels") || rule == "&*") {
    all_channels_ = true;
    channel_patterns_.clear();
  } else if (base::EqualsIgnoreCase(rule, "resetchannels")) {
    all_channels_ = false;
    channel_patterns_.clear();
  } else if (base::EqualsIgnoreCase(rule, "allcommands") || base::EqualsIgnoreCase(rule, "+@all")) {
    SetAllCommands(true);
  } else if (base::EqualsIgnoreCase(rule, "nocommands") || base::EqualsIgnoreCase(rule, "-@all")) {
    SetAllCommands(false);
  } else if (rule.starts_with('~') || rule.starts_with('%')) {
    return ApplyKeyPattern(rule);
  } else if (rule.starts_with('&')) {
    return ApplyChannelPattern(rule);
  } else if (rule.starts_with('+') || rule.starts_with('-')) {
    if (rule.size() < 2 || rule[1] != '@') return ApplyCommandRule(rule);
    std::optional<uint64_t> bit = CategoryBit(rule.substr(2));
    if (!bit) return Fail(kUnknownName);
    SetCategory(*bit, rule[0] == '+');
  } else {
    return Fail(kSyntaxError);
  }
  return base::Status::Ok();
}

base::Status AclSelector::ApplyCommandRule(std::string_view rule) {
  bool allow = rule[0] == '+';
  std::string_view name = rule.substr(1);
  size_t bar = name.rfind('|');
  if (!allow || bar == std::string_view::npos) {
    const CommandSpec* spec = LookupCommand(*table_, name);
    if (spec == nullptr) return Fail(kUnknownName);
    ChangePermission(*spec, allow);
    return base::Status::Ok();
  }
  // "+name|arg": a subcommand of a container, or else a first argument allowed for a command that
  // stays otherwise denied ("+select|0").
  const CommandSpec* spec = LookupCommand(*table_, name.substr(0, bar));
  if (spec == nullptr) return Fail(kUnknownName);
  if (IsSubcommand(*spec)) return Fail(kSubcommandFirstArg);
  std::string_view arg = name.substr(bar + 1);
  if (arg.empty()) return Fail(kSyntaxError);
  if (!spec->subcommands.empty()) {
    const CommandSpec* sub = table_->FindSubcommand(*spec, arg);
    if (sub == nullptr) return Fail(kUnknownName);
    ChangePermission(*sub, true);
    return base::Status::Ok();
  }
  std::vector<std::string>& args = first_args_[spec->id];
  for (const std::string& existing : args) {
    if (base::EqualsIgnoreCase(existing, arg)) return base::Status::Ok();
  }
  args.emplace_back(arg);
  return base::Status::Ok();
}

base::Status AclSelector::ApplyKeyPattern(std::string_view rule) {
  if (all_keys_) return Fail(kKeyAfterAll);
  uint8_t permissions = 0;
  size_t offset = 1;
  if (rule[0] == '%') {
    for (; offset < rule.size(); ++offset) {
      char c = static_cast<char>(std::toupper(static_cast<unsigned char>(rule[offset])));
      if (c == 'R' && !(permissions & kAclKeyRead)) {
        permissions |= kAclKeyRead;
      } else if (c == 'W' && !(permissions & kAclKeyWrite)) {
        permissions |= kAclKeyWrite;
      } else if (c == '~' && permissions != 0) {
        ++offset;
        break;
      } else {
        return Fail(kSyntaxError);
      }
    }
    if (permissions == 0) return Fail(kSyntaxError);
  } else {
    permissions = kAclKeyReadWrite;
  }
  std::string_view pattern = rule.substr(offset);
  if (HasSpaces(pattern)) return Fail(kSyntaxError);
  for (AclKeyPattern& existing : key_patterns_) {
    if (existing.pattern == pattern) {
      existing.permissions |= permissions;
      return base::Status::Ok();
    }
  }
  key_patterns_.push_back({std::string(pattern), permissions});
  return base::Status::Ok();
}

base::Status AclSelector::ApplyChannelPattern(std::string_view rule) {
  if (all_channels_) return Fail(kChannelAfterAll);
  std::string_view pattern = rule.substr(1);
  if (HasSpaces(pattern)) return Fail(kSyntaxError);
  for (const std::string& existing : channel_patterns_) {
    if (existing == pattern) return base::Status::Ok();
  }
  channel_patterns_.emplace_back(pattern);
  return base::Status::Ok();
}

void AclSelector::SetBit(int id, bool allow) {
  allowed_[id] = allow;
  if (!allow) all_commands_ = false;
}

void AclSelector::ChangePermission(const CommandSpec& spec, bool allow) {
  SetBit(spec.id, allow);
  first_args_.erase(spec.id);
  for (const CommandSpec& sub : spec.subcommands) SetBit(sub.id, allow);
}

void AclSelector::SetCategory(uint64_t category, bool allow) {
  for (const CommandSpec* spec : table_->all()) {
    if (EffectiveAclCategories(*spec) & category) ChangePermission(*spec, allow);
    for (const CommandSpec& sub : spec->subcommands) {
      if (EffectiveAclCategories(sub) & category) ChangePermission(sub, allow);
    }
  }
}

void AclSelector::SetAllCommands(bool allow) {
  allowed_.assign(allowed_.size(), allow);
  all_commands_ = allow;
  from_all_commands_ = allow;
  first_args_.clear();
}

std::optional<AclDenial> AclSelector::Check(const CommandSpec& spec,
                                            std::span<const std::string_view> argv,
                                            std::optional<std::vector<int>>* keys) const {
  if (!all_commands_ && !(spec.flags & kNoAuth) && !allowed_[spec.id]) {
    auto it = first_args_.find(spec.id);
    bool first_arg_ok = false;
    if (it != first_args_.end() && argv.size() >= 2) {
      for (const std::string& arg : it->second)
        first_arg_ok |= base::EqualsIgnoreCase(arg, argv[1]);
    }
    if (!first_arg_ok) return AclDenial{AclDenialReason::kCommand};
  }
  // NOT_KEY "keys" (the shard pub/sub channels) are checked as channels below.
  bool has_keys = (spec.first_key > 0 && spec.key_flags != "NOT_KEY") || spec.key_finder != nullptr;
  if (!all_keys_ && has_keys) {
    if (!keys->has_value()) *keys = KeyPositions(spec, argv);
    uint8_t needed = NeededKeyPermissions(spec, argv);
    for (int index : **keys) {
      if (!KeyAllowed(argv[index], needed)) return AclDenial{AclDenialReason::kKey, index};
    }
  }
  if (!all_channels_) {
    // Redis checks channels for these commands only; PSUBSCRIBE's patterns must equal an ACL
    // pattern, the others' channels must match one.
    std::string_view name = spec.full_name;
    size_t first = 1, last = 0;
    if (name == "publish" || name == "spublish") {
      last = 1;
    } else if (name == "subscribe" || name == "ssubscribe" || name == "psubscribe") {
      last = argv.size() - 1;
    }
    for (size_t i = first; i <= last && i < argv.size(); ++i) {
      if (!ChannelAllowed(argv[i], name == "psubscribe")) {
        return AclDenial{AclDenialReason::kChannel, static_cast<int>(i)};
      }
    }
  }
  return std::nullopt;
}

bool AclSelector::KeyAllowed(std::string_view key, uint8_t needed) const {
  for (const AclKeyPattern& p : key_patterns_) {
    if ((p.permissions & needed) != needed) continue;
    if (base::GlobMatch(p.pattern, key)) return true;
  }
  return false;
}

bool AclSelector::ChannelAllowed(std::string_view channel, bool literal) const {
  for (const std::string& p : channel_patterns_) {
    if (literal ? p == channel : base::GlobMatch(p, channel)) return true;
  }
  return false;
}

void AclSelector::CountCategory(uint64_t category, int* on, int* off) const {
  *on = *off = 0;
  auto count = [&](const CommandSpec& spec) {
    if (!(EffectiveAclCategories(spec) & category)) return;
    ++(allowed_[spec.id] ? *on : *off);
  };
  for (const CommandSpec* spec : table_->all()) {
    count(*spec);
    for (const CommandSpec& sub : spec->subcommands) count(sub);
  }
}

// Redis's greedy fit: starting from "+@all" (when the rules came from it) or "-@all", repeatedly
// apply the category that shares more commands with the selector than it differs in, fewest
// differences first, then fix the remaining commands one by one. `fake` tracks what the rules
// emitted so far allow; `remaining` has each applied category reversed so it is not counted twice.
std::string AclSelector::DescribeCommands() const {
  bool additive = !from_all_commands_;
  std::string rules = additive ? "-@all " : "+@all ";
  AclSelector fake(*table_, false);
  fake.SetAllCommands(!additive);
  AclSelector remaining = *this;
  std::span<const AclCategoryName> categories = AclCategoryNames();
  std::vector<bool> applied(categories.size(), false);
  while (true) {
    int best = -1, min_diff = INT_MAX, max_same = 0;
    for (size_t j = 0; j < categories.size(); ++j) {
      if (applied[j]) continue;
      int on, off;
      remaining.CountCategory(categories[j].bit, &on, &off);
      int diff = additive ? off : on;
      int same = additive ? on : off;
      if (same > diff && (diff < min_diff || (diff == min_diff && same > max_same))) {
        best = static_cast<int>(j);
        min_diff = diff;
        max_same = same;
      }
    }
    if (best < 0) break;
    fake.SetCategory(categories[best].bit, additive);
    remaining.SetCategory(categories[best].bit, !additive);
    rules += additive ? "+@" : "-@";
    rules += categories[best].name;
    rules += ' ';
    applied[best] = true;
  }
  for (const CommandSpec* spec : table_->all()) AppendSingleCommandRules(*spec, &fake, &rules);
  rules.pop_back();  // the trailing space
  return rules;
}

void AclSelector::AppendSingleCommandRules(const CommandSpec& spec, AclSelector* fake,
                                           std::string* rules) const {
  bool allowed = allowed_[spec.id];
  if (allowed != fake->allowed_[spec.id]) {
    *rules += allowed ? '+' : '-';
    *rules += spec.full_name;
    *rules += ' ';
    fake->ChangePermission(spec, allowed);
  }
  for (const CommandSpec& sub : spec.subcommands) AppendSingleCommandRules(sub, fake, rules);
  auto it = first_args_.find(spec.id);
  if (allowed || it == first_args_.end()) return;
  for (const std::string& arg : it->second) {
    *rules += '+';
    *rules += spec.full_name;
    *rules += '|';
    *rules += arg;
    *rules += ' ';
  }
}

std::string AclSelector::DescribeKeys() const {
  if (all_keys_) return "~*";
  std::string out;
  for (const AclKeyPattern& p : key_patterns_) {
    if (!out.empty()) out += ' ';
    AppendKeyPattern(p, &out);
  }
  return out;
}

std::string AclSelector::DescribeChannels() const {
  if (all_channels_) return "&*";
  std::string out;
  for (const std::string& p : channel_patterns_) {
    if (!out.empty()) out += ' ';
    out += '&';
    out += p;
  }
  return out;
}

std::string AclSelector::Describe() const {
  std::string out;
  if (all_keys_) {
    out += "~* ";
  } else {
    for (const AclKeyPattern& p : key_patterns_) {
      AppendKeyPattern(p, &out);
      out += ' ';
    }
  }
  if (all_channels_) {
    out += "&* ";
  } else {
    out += "resetchannels ";
    for (const std::string& p : channel_patterns_) {
      out += '&';
      out += p;
      out += ' ';
    }
  }
  out += DescribeCommands();
  return out;
}

}  // namespace tandem::commands
