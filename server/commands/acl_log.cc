#include "server/commands/acl_log.h"

#include <algorithm>
#include <cstdlib>

namespace tandem::commands {
namespace {

constexpr size_t kEntriesScannedForGrouping = 10;
constexpr int64_t kGroupingWindowMs = 60000;

}  // namespace

void AclLog::Add(AclDenialReason reason, AclLogContext context, std::string_view object,
                 std::string_view username, std::string client_info, int64_t now_ms) {
  size_t scan = std::min(entries_.size(), kEntriesScannedForGrouping);
  for (size_t i = 0; i < scan; ++i) {
    AclLogEntry& e = entries_[i];
    if (e.reason != reason || e.context != context || e.object != object ||
        e.username != username || std::llabs(e.time_ms - now_ms) > kGroupingWindowMs) {
      continue;
    }
    AclLogEntry updated = std::move(e);
    ++updated.count;
    updated.time_ms = now_ms;
    updated.client_info = std::move(client_info);
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    entries_.push_front(std::move(updated));
    return;
  }
  entries_.push_front(AclLogEntry{1, reason, context, std::string(object), std::string(username),
                                  now_ms, std::move(client_info)});
  while (entries_.size() > max_len_) entries_.pop_back();
}

std::string_view AclDenialReasonName(AclDenialReason reason) {
  switch (reason) {
    case AclDenialReason::kCommand:
      return "command";
    case AclDenialReason::kKey:
      return "key";
    case AclDenialReason::kAuth:
      return "auth";
    case AclDenialReason::kChannel:
      return "channel";
  }
  return "unknown";
}

std::string_view AclLogContextName(AclLogContext context) {
  switch (context) {
    case AclLogContext::kToplevel:
      return "toplevel";
    case AclLogContext::kMulti:
      return "multi";
    case AclLogContext::kLua:
      return "lua";
    case AclLogContext::kModule:
      return "module";
  }
  return "unknown";
}

}  // namespace tandem::commands
