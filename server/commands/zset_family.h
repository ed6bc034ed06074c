#pragma once
// What the sorted set family's two files share: zset_family.cc (point commands, ranges, pops and
// the command table) and zset_set_ops.cc (set operations, ZRANDMEMBER, ZSCAN). Internal to the
// family.

#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "server/commands/context.h"
#include "server/store/zset_object.h"

namespace tandem::commands::zset {

// The encoding limits from zset-max-listpack-entries / zset-max-listpack-value.
store::ZSetLimits Limits(Context& ctx);
// Limits for a set built only to be replied: always a skiplist (no O(n) listpack inserts).
inline store::ZSetLimits ScratchLimits() { return {0, 0}; }

// The sorted set under `key` for a read; null when absent or after a WRONGTYPE reply.
store::ZSetObject* Lookup(Context& ctx, std::string_view key);

// Replies the members of `ranks` as Redis's range result handler: with scores, flat
// member/score pairs in RESP2 and [member, score] arrays in RESP3.
void ReplyRange(Context& ctx, const store::ZSetObject& zset, store::RankRange ranks, bool reverse,
                bool withscores);

// Stores `result` under `key` as Redis's setKey (any old value and TTL replaced), replies its size
// and notifies `event`; when it is empty, deletes `key` instead and replies 0.
void StoreResult(Context& ctx, std::string_view key, std::unique_ptr<store::ZSetObject> result,
                 std::string_view event);

// Key finder of the STORE forms: "destination numkeys key..." (the others use
// KeysAfterNumkeysAt, command_spec.h).
void DestinationAndKeys(std::span<const std::string_view> argv, std::vector<int>* keys);

// Handlers defined in zset_set_ops.cc.
void ZUnion(Context& ctx);
void ZInter(Context& ctx);
void ZDiff(Context& ctx);
void ZUnionStore(Context& ctx);
void ZInterStore(Context& ctx);
void ZDiffStore(Context& ctx);
void ZInterCard(Context& ctx);
void ZRandMember(Context& ctx);
void ZScan(Context& ctx);

}  // namespace tandem::commands::zset
