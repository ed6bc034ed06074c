#include <array>

#include "server/commands/command_spec.h"

namespace tandem::commands {

std::span<const AclCategoryName> AclCategoryNames() {
  // Redis 7.0's order (ACL CAT, COMMAND INFO).
  static constexpr std::array<AclCategoryName, 21> kNames{{
      {"keyspace", kAclKeyspace},
      {"read", kAclRead},
      {"write", kAclWrite},
      {"set", kAclSet},
      {"sortedset", kAclSortedSet},
      {"list", kAclList},
      {"hash", kAclHash},
      {"string", kAclString},
      {"bitmap", kAclBitmap},
      {"hyperloglog", kAclHyperLogLog},
      {"geo", kAclGeo},
      {"stream", kAclStream},
      {"pubsub", kAclPubsub},
      {"admin", kAclAdmin},
      {"fast", kAclFast},
      {"slow", kAclSlow},
      {"blocking", kAclBlocking},
      {"dangerous", kAclDangerous},
      {"connection", kAclConnection},
      {"transaction", kAclTransaction},
      {"scripting", kAclScripting},
  }};
  return kNames;
}

uint64_t EffectiveAclCategories(const CommandSpec& spec) {
  uint64_t bits = spec.acl;
  if (spec.flags & kWrite) bits |= kAclWrite;
  if (spec.flags & kReadonly) bits |= kAclRead;
  if (spec.flags & kAdmin) bits |= kAclAdmin | kAclDangerous;
  if (spec.flags & kPubsub) bits |= kAclPubsub;
  if (spec.flags & kBlocking) bits |= kAclBlocking;
  bits |= (spec.flags & kFast) ? kAclFast : kAclSlow;
  return bits;
}

}  // namespace tandem::commands
