// Acl's persistent forms: the config file's "user" directive and the ACL file (ACL LOAD/SAVE),
// both in Redis 7.0's format.

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "server/commands/acl.h"

namespace tandem::commands {
namespace {

std::string_view Trim(std::string_view s, std::string_view blanks) {
  size_t begin = s.find_first_not_of(blanks);
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(blanks);
  return s.substr(begin, end - begin + 1);
}

// Splits on every single space, as Redis's sdssplitlen does: "a  b" gives "a", "", "b".
std::vector<std::string_view> SplitOnSpaces(std::string_view line) {
  std::vector<std::string_view> parts;
  while (true) {
    size_t space = line.find(' ');
    parts.push_back(line.substr(0, space));
    if (space == std::string_view::npos) return parts;
    line.remove_prefix(space + 1);
  }
}

bool HasSpaces(std::string_view s) {
  for (unsigned char c : s) {
    if (std::isspace(c) || c == 0) return true;
  }
  return false;
}

base::Status DeclarationError(std::string_view subject, std::string_view reason) {
  return base::Status::InvalidArgument("Error in user declaration '" + std::string(subject) +
                                       "': " + std::string(reason));
}

}  // namespace

base::Status Acl::LoadUserDirective(std::span<const std::string> args) {
  if (args.empty()) return base::Status::InvalidArgument("wrong number of arguments");
  const std::string& name = args[0];
  if (HasSpaces(name)) return DeclarationError(name, "Spaces not allowed in ACL usernames");
  if (std::find(declared_users_.begin(), declared_users_.end(), name) != declared_users_.end()) {
    return DeclarationError(
        name, "Duplicate user found. A user can only be defined once in config files");
  }
  std::vector<std::string_view> rules(args.begin() + 1, args.end());
  std::vector<std::string> merged;
  size_t unclosed = 0;
  if (!MergeSelectorRules(rules, &merged, &unclosed)) {
    return DeclarationError(rules[unclosed], "Unmatched parenthesis in selector definition");
  }
  // Declaring "default" replaces its rules (and so requirepass's password) entirely.
  const AclUser* existing = Find(name);
  AclUser user = NewUser(name);
  if (existing != nullptr) {
    user = *existing;
    base::Status reset = ApplyRule(user, "reset");
    (void)reset;  // always applies
  }
  for (const std::string& rule : merged) {
    base::Status status = ApplyRule(user, rule);
    if (!status.ok()) return DeclarationError(rule, status.message());
  }
  Store(std::move(user));
  declared_users_.push_back(name);
  return base::Status::Ok();
}

base::Status Acl::LoadAclFile(const std::string& path, const UserRemovedFn& on_removed) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return base::Status::IoError("Error loading ACLs, opening file '" + path +
                                 "': " + std::strerror(errno));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  std::string text = buffer.str();

  // Every line is checked, and every problem reported, before anything changes.
  std::string problems;
  std::map<std::string, AclUser, std::less<>> loaded;
  std::string_view rest = text;
  for (int line_number = 1; !rest.empty(); ++line_number) {
    size_t newline = rest.find('\n');
    std::string_view line = Trim(rest.substr(0, newline), " \t\r\n");
    rest = newline == std::string_view::npos ? std::string_view() : rest.substr(newline + 1);
    if (line.empty()) continue;
    std::string where = path + ":" + std::to_string(line_number);
    std::vector<std::string_view> argv = SplitOnSpaces(line);
    if (argv.size() < 2 || argv[0] != "user") {
      problems += where + " should start with user keyword followed by the username. ";
      continue;
    }
    std::string_view name = argv[1];
    if (HasSpaces(name)) {
      problems +=
          "'" + where + ": username '" + std::string(name) + "' contains invalid characters. ";
      continue;
    }
    if (loaded.find(name) != loaded.end()) {
      problems += "WARNING: Duplicate user '" + std::string(name) + "' found on line " +
                  std::to_string(line_number) + ". ";
      continue;
    }
    AclUser& user = loaded.emplace(std::string(name), NewUser(std::string(name))).first->second;
    std::vector<std::string> merged;
    size_t unclosed = 0;
    if (!MergeSelectorRules(std::span(argv).subspan(2), &merged, &unclosed)) {
      problems += where + ": Unmatched parenthesis in selector definition.";
      continue;
    }
    for (const std::string& rule : merged) {
      base::Status status = ApplyRule(user, Trim(rule, "\t\r\n"));
      if (!status.ok()) problems += where + ": " + status.message() + ". ";
    }
  }
  if (!problems.empty()) {
    return base::Status::InvalidArgument(
        problems +
        "WARNING: ACL errors detected, no change to the previously active ACL rules was "
        "performed");
  }

  // The default user object stays (clients point at it) and takes the file's rules, or the
  // initial ones when the file has no default user. Every other old user goes.
  auto new_default = loaded.find("default");
  if (new_default == loaded.end()) {
    new_default = loaded.emplace("default", NewDefaultUser()).first;
  }
  for (auto& [name, user] : users_) {
    if (name != "default" && on_removed) on_removed(*user);
  }
  std::unique_ptr<AclUser> default_user = std::move(users_.at("default"));
  *default_user = std::move(new_default->second);
  loaded.erase(new_default);
  users_.clear();
  users_.emplace("default", std::move(default_user));
  for (auto& [name, user] : loaded) {
    users_.emplace(name, std::make_unique<AclUser>(std::move(user)));
  }
  return base::Status::Ok();
}

base::Status Acl::SaveAclFile(const std::string& path) const {
  std::string content;
  for (const auto& [name, user] : users_) {
    content += Describe(*user);
    content += '\n';
  }
  std::string temp = path + ".tmp-" + std::to_string(getpid());
  FILE* file = std::fopen(temp.c_str(), "w");
  if (file == nullptr) {
    return base::Status::IoError("Opening temp ACL file for ACL SAVE: " +
                                 std::string(std::strerror(errno)));
  }
  bool written = std::fwrite(content.data(), 1, content.size(), file) == content.size();
  int write_errno = errno;
  if (std::fclose(file) != 0 && written) {
    written = false;
    write_errno = errno;
  }
  if (!written) {
    std::remove(temp.c_str());
    return base::Status::IoError("Writing ACL file for ACL SAVE: " +
                                 std::string(std::strerror(write_errno)));
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    int rename_errno = errno;
    std::remove(temp.c_str());
    return base::Status::IoError("Renaming ACL file for ACL SAVE: " +
                                 std::string(std::strerror(rename_errno)));
  }
  return base::Status::Ok();
}

}  // namespace tandem::commands
