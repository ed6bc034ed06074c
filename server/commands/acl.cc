#include "server/commands/acl.h"

#include <algorithm>
#include <cctype>

#include "server/base/ascii_case.h"
#include "server/commands/command_table.h"
#include "server/commands/errors.h"
#include "server/commands/sha256.h"
#include "server/config/config_file.h"

namespace tandem::commands {
namespace {

constexpr std::string_view kNoSuchPassword =
    "The password you are trying to remove from the user does not exist";
constexpr std::string_view kBadHash =
    "The password hash must be exactly 64 characters and contain only lowercase hexadecimal "
    "characters";

// Compares every byte whatever the first difference, so the time taken says nothing about how
// much of a password hash matched.
bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

bool ValidPasswordHash(std::string_view hash) {
  if (hash.size() != 64) return false;
  for (char c : hash) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

bool AclUser::PasswordMatches(std::string_view password) const {
  if (nopass) return true;
  std::string hash = Sha256Hex(password);
  bool match = false;
  for (const std::string& h : password_hashes) match |= ConstantTimeEquals(h, hash);
  return match;
}

Acl::Acl(const CommandTable& table) : table_(table) { Store(NewDefaultUser()); }

AclUser Acl::NewUser(std::string name) const {
  return AclUser(std::move(name), AclSelector(table_, pubsub_default_all_));
}

AclUser Acl::NewDefaultUser() const {
  AclUser user = NewUser("default");
  for (std::string_view rule : {"+@all", "~*", "&*", "on", "nopass"}) {
    base::Status ok = ApplyRule(user, rule);
    (void)ok;  // fixed rules that always apply
  }
  return user;
}

const AclUser* Acl::Find(std::string_view name) const {
  auto it = users_.find(name);
  return it == users_.end() ? nullptr : it->second.get();
}

const AclUser* Acl::Authenticate(std::string_view name, std::string_view password) const {
  const AclUser* user = Find(name);
  if (user == nullptr || !user->enabled || !user->PasswordMatches(password)) return nullptr;
  return user;
}

bool Acl::DefaultUserNeedsNoAuth() const {
  const AclUser& d = default_user();
  return d.enabled && d.nopass;
}

std::optional<AclDenial> Acl::Evaluate(const AclUser& user, const CommandSpec& spec,
                                       std::span<const std::string_view> argv) const {
  if (user.root.AllowsEverything()) return std::nullopt;
  std::optional<std::vector<int>> keys;
  AclDenial reported{AclDenialReason::kCommand, 0};
  // Redis reports the greatest reason, and for equal reasons the one at the later argument.
  auto allows = [&](const AclSelector& selector) {
    std::optional<AclDenial> denial = selector.Check(spec, argv, &keys);
    if (!denial) return true;
    if (denial->reason > reported.reason ||
        (denial->reason == reported.reason && denial->arg_index > reported.arg_index)) {
      reported = *denial;
    }
    return false;
  };
  if (allows(user.root)) return std::nullopt;
  for (const AclSelector& selector : user.selectors) {
    if (allows(selector)) return std::nullopt;
  }
  return reported;
}

std::optional<std::string> Acl::Check(const AclUser& user, const CommandSpec& spec,
                                      std::span<const std::string_view> argv) const {
  std::optional<AclDenial> denial = Evaluate(user, spec, argv);
  if (!denial) return std::nullopt;
  return DenialError(*denial, spec);
}

std::string Acl::DenialError(const AclDenial& denial, const CommandSpec& spec) {
  switch (denial.reason) {
    case AclDenialReason::kKey:
      return std::string(errors::kNoPermKeys);
    case AclDenialReason::kChannel:
      return std::string(errors::kNoPermChannels);
    case AclDenialReason::kCommand:
    case AclDenialReason::kAuth:
      break;
  }
  return errors::NoPermCommand(spec.full_name);
}

void Acl::SetRequirePass(std::string_view password) {
  AclUser& d = *users_.at("default");
  d.password_hashes.clear();
  d.nopass = password.empty();
  if (!password.empty()) d.password_hashes.push_back(Sha256Hex(password));
}

bool Acl::MergeSelectorRules(std::span<const std::string_view> rules,
                             std::vector<std::string>* merged, size_t* unclosed) {
  merged->clear();
  std::string selector;
  std::optional<size_t> open_at;
  for (size_t i = 0; i < rules.size(); ++i) {
    std::string_view rule = rules[i];
    // As in Redis, a new unclosed '(' restarts the selector even inside another one.
    if (rule.starts_with('(') && !rule.ends_with(')')) {
      selector.assign(rule);
      open_at = i;
      continue;
    }
    if (open_at) {
      selector += ' ';
      selector += rule;
      if (rule.ends_with(')')) {
        merged->push_back(std::move(selector));
        open_at.reset();
      }
      continue;
    }
    merged->emplace_back(rule);
  }
  if (!open_at) return true;
  *unclosed = *open_at;
  return false;
}

base::Status Acl::ApplyRule(AclUser& user, std::string_view rule) const {
  if (rule.empty()) return base::Status::Ok();
  if (base::EqualsIgnoreCase(rule, "on")) {
    user.enabled = true;
  } else if (base::EqualsIgnoreCase(rule, "off")) {
    user.enabled = false;
  } else if (base::EqualsIgnoreCase(rule, "skip-sanitize-payload")) {
    user.sanitize_payload = AclSanitizePayload::kSkip;
  } else if (base::EqualsIgnoreCase(rule, "sanitize-payload")) {
    user.sanitize_payload = AclSanitizePayload::kSanitize;
  } else if (base::EqualsIgnoreCase(rule, "nopass")) {
    user.nopass = true;
    user.password_hashes.clear();
  } else if (base::EqualsIgnoreCase(rule, "resetpass")) {
    user.nopass = false;
    user.password_hashes.clear();
  } else if (rule[0] == '>' || rule[0] == '#') {
    std::string hash;
    if (rule[0] == '>') {
      hash = Sha256Hex(rule.substr(1));
    } else if (ValidPasswordHash(rule.substr(1))) {
      hash = rule.substr(1);
    } else {
      return base::Status::InvalidArgument(std::string(kBadHash));
    }
    if (std::find(user.password_hashes.begin(), user.password_hashes.end(), hash) ==
        user.password_hashes.end()) {
      user.password_hashes.push_back(std::move(hash));
    }
    user.nopass = false;
  } else if (rule[0] == '<' || rule[0] == '!') {
    std::string hash;
    if (rule[0] == '<') {
      hash = Sha256Hex(rule.substr(1));
    } else if (ValidPasswordHash(rule.substr(1))) {
      hash = rule.substr(1);
    } else {
      return base::Status::InvalidArgument(std::string(kBadHash));
    }
    auto it = std::find(user.password_hashes.begin(), user.password_hashes.end(), hash);
    if (it == user.password_hashes.end()) {
      return base::Status::InvalidArgument(std::string(kNoSuchPassword));
    }
    user.password_hashes.erase(it);
  } else if (rule.size() >= 2 && rule.front() == '(' && rule.back() == ')') {
    AclSelector selector(table_, pubsub_default_all_);
    // Unbalanced quotes inside the parentheses leave an empty selector, as in Redis.
    auto inner = config::SplitArgs(rule.substr(1, rule.size() - 2));
    for (const std::string& op : inner.value_or(std::vector<std::string>{})) {
      base::Status status = selector.Apply(op);
      if (!status.ok()) return status;
    }
    user.selectors.push_back(std::move(selector));
  } else if (base::EqualsIgnoreCase(rule, "clearselectors")) {
    user.selectors.clear();
  } else if (base::EqualsIgnoreCase(rule, "reset")) {
    user.nopass = false;
    user.password_hashes.clear();
    user.enabled = false;
    user.sanitize_payload = AclSanitizePayload::kSanitize;
    user.selectors.clear();
    user.root = AclSelector(table_, pubsub_default_all_);
  } else {
    return user.root.Apply(rule);
  }
  return base::Status::Ok();
}

base::StatusOr<AclUser> Acl::StageUser(std::string_view name,
                                       std::span<const std::string_view> rules) const {
  for (unsigned char c : name) {
    if (std::isspace(c) || c == 0) {
      return base::Status::InvalidArgument("ERR Usernames can't contain spaces or null characters");
    }
  }
  std::vector<std::string> merged;
  size_t unclosed = 0;
  if (!MergeSelectorRules(rules, &merged, &unclosed)) {
    return base::Status::InvalidArgument("ERR Unmatched parenthesis in acl selector starting at '" +
                                         std::string(rules[unclosed]) + "'.");
  }
  const AclUser* existing = Find(name);
  AclUser staged = existing != nullptr ? *existing : NewUser(std::string(name));
  for (const std::string& rule : merged) {
    base::Status status = ApplyRule(staged, rule);
    if (!status.ok()) {
      return base::Status::InvalidArgument("ERR Error in ACL SETUSER modifier '" + rule +
                                           "': " + status.message());
    }
  }
  return staged;
}

base::Status Acl::SetUser(std::string_view name, std::span<const std::string_view> rules) {
  base::StatusOr<AclUser> staged = StageUser(name, rules);
  if (!staged.ok()) return staged.status();
  Store(std::move(*staged));
  return base::Status::Ok();
}

void Acl::Store(AclUser user) {
  auto it = users_.find(user.name());
  if (it != users_.end()) {
    *it->second = std::move(user);  // in place: clients keep pointing at it
  } else {
    std::string name = user.name();
    users_.emplace(std::move(name), std::make_unique<AclUser>(std::move(user)));
  }
}

int Acl::DeleteUsers(std::span<const std::string_view> names, const UserRemovedFn& on_removed) {
  int deleted = 0;
  for (std::string_view name : names) {
    if (name == "default") continue;
    auto it = users_.find(name);
    if (it == users_.end()) continue;
    if (on_removed) on_removed(*it->second);
    users_.erase(it);
    ++deleted;
  }
  return deleted;
}

std::string Acl::Describe(const AclUser& user) const {
  std::string out = "user " + user.name() + (user.enabled ? " on " : " off ");
  if (user.nopass) out += "nopass ";
  if (user.sanitize_payload == AclSanitizePayload::kSkip) out += "skip-sanitize-payload ";
  if (user.sanitize_payload == AclSanitizePayload::kSanitize) out += "sanitize-payload ";
  for (const std::string& hash : user.password_hashes) {
    out += '#';
    out += hash;
    out += ' ';
  }
  out += user.root.Describe();
  for (const AclSelector& selector : user.selectors) {
    out += " (";
    out += selector.Describe();
    out += ')';
  }
  return out;
}

}  // namespace tandem::commands
