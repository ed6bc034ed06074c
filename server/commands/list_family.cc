// List commands: pushes and pops at both ends, index access and ranges, LINSERT, LREM, LTRIM, LPOS,
// and moves between lists (LMOVE, RPOPLPUSH, LMPOP). The blocking variants (BLPOP, BLMOVE, ...)
// reuse the pop and move routines of the "Reusable pops and moves" section.

#include <algorithm>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/blocking_command.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/object_access.h"
#include "server/config/keyspace_events.h"
#include "server/store/list_object.h"

namespace tandem::commands {
namespace {

using store::ListEnd;
using store::ListObject;

constexpr int kListEvent = config::keyspace_event::kList;

ListObject* LookupList(Context& ctx, std::string_view key) {
  return LookupObject<ListObject>(ctx, key, store::ValueType::kList);
}

ListObject* FindListForUpdate(Context& ctx, std::string_view key) {
  return FindObjectForUpdate<ListObject>(ctx, key, store::ValueType::kList);
}

// Adds an empty list under `key` (absent), with the node size list-max-listpack-size sets now.
ListObject* AddList(Context& ctx, std::string_view key) {
  int fill = static_cast<int>(ctx.server.config.GetInt("list-max-listpack-size"));
  return AddObject(ctx, key, std::make_unique<ListObject>(fill));
}

std::string_view PushEvent(ListEnd end) { return end == ListEnd::kHead ? "lpush" : "rpush"; }
std::string_view PopEvent(ListEnd end) { return end == ListEnd::kHead ? "lpop" : "rpop"; }

// LEFT or RIGHT (any case); replies with the syntax error otherwise.
bool ParseListEnd(Context& ctx, std::string_view arg, ListEnd* end) {
  if (base::EqualsIgnoreCase(arg, "left")) {
    *end = ListEnd::kHead;
  } else if (base::EqualsIgnoreCase(arg, "right")) {
    *end = ListEnd::kTail;
  } else {
    ctx.Error(errors::kSyntax);
    return false;
  }
  return true;
}

// An integer argument as Redis's getLongFromObjectOrReply reads it.
bool ParseIndex(Context& ctx, std::string_view arg, int64_t* value) {
  auto parsed = base::ParseInt64(arg);
  if (!parsed) {
    ctx.Error(errors::kNotInteger);
    return false;
  }
  *value = *parsed;
  return true;
}

// A count that must be at least `min`, else the error `message` (also for a non-integer).
bool ParseCount(Context& ctx, std::string_view arg, int64_t min, std::string_view message,
                int64_t* value) {
  auto parsed = base::ParseInt64(arg);
  if (!parsed || *parsed < min) {
    ctx.Error(message);
    return false;
  }
  *value = *parsed;
  return true;
}

// ---- Reusable pops and moves --------------------------------------------------------------------

// What follows the removal of `count` elements from `end` of the list under `key`, in Redis's
// order: the pop event, the deletion of an emptied key ("del"), the touch and the dirty count.
void ListElementsRemoved(Context& ctx, std::string_view key, ListEnd end, const ListObject* list,
                         size_t count) {
  ctx.Notify(kListEvent, PopEvent(end), key);
  if (list->empty()) DeleteEmptyKey(ctx, key);
  ctx.Touched(key);
  ctx.Dirty(count);
}

// How a pop that names its key replies: BLPOP/BRPOP send [key, element], LMPOP/BLMPOP send
// [key, [element...]].
enum class PopReplyShape { kKeyAndElement, kKeyAndArray };

// Pops up to `count` elements from `end` of the non-empty `list` under `key` and replies with them
// as an array (LPOP/RPOP with a count), or `with_key` as [key, [elements]].
void PopRangeAndReply(Context& ctx, std::string_view key, ListObject* list, ListEnd end,
                      size_t count, bool with_key) {
  count = std::min(count, list->size());
  if (with_key) {
    ctx.reply().ArrayHeader(2);
    ctx.reply().Bulk(key);
  }
  ctx.reply().ArrayHeader(count);
  for (size_t i = 0; i < count; ++i) ctx.reply().Bulk(list->Pop(end));
  ListElementsRemoved(ctx, key, end, list, count);
}

// Pops from the first of `keys` that holds a list (LMPOP; BLPOP, BRPOP and BLMPOP before they
// block): one element as [key, element], or up to `count` as [key, [elements]]. Returns true once
// it replied (served, or an error: a key of another type met first replies WRONGTYPE); false, with
// no reply, when every key is missing.
bool PopFromFirstNonEmpty(Context& ctx, std::span<const std::string_view> keys, ListEnd end,
                          size_t count, PopReplyShape shape) {
  for (std::string_view key : keys) {
    ListObject* list = FindListForUpdate(ctx, key);
    if (ctx.failed) return true;
    if (list == nullptr) continue;
    if (shape == PopReplyShape::kKeyAndArray) {
      PopRangeAndReply(ctx, key, list, end, count, true);
    } else {
      ctx.reply().ArrayHeader(2);
      ctx.reply().Bulk(key);
      ctx.reply().Bulk(list->Pop(end));
      ListElementsRemoved(ctx, key, end, list, 1);
    }
    return true;
  }
  return false;
}

enum class MoveResult {
  kMoved,        // the element was moved and sent as a bulk reply
  kSourceEmpty,  // the source key is missing; nothing was replied
  kFailed,       // an error was replied (WRONGTYPE on either key)
};

// Moves the element at `from` of the list under `source` to `to` of the list under `destination`
// (created when missing; it may be the source itself, which then rotates) and replies with it:
// LMOVE, RPOPLPUSH, and BLMOVE/BRPOPLPUSH before they block. Events as Redis 7.0 sends them: the
// push on the destination, then the pop (and "del" when emptied) on the source.
MoveResult MoveAndReply(Context& ctx, std::string_view source, std::string_view destination,
                        ListEnd from, ListEnd to) {
  ListObject* src = FindListForUpdate(ctx, source);
  if (ctx.failed) return MoveResult::kFailed;
  if (src == nullptr) return MoveResult::kSourceEmpty;
  ListObject* dst = FindListForUpdate(ctx, destination);
  if (ctx.failed) return MoveResult::kFailed;
  std::string value = src->Pop(from);
  if (dst == nullptr) dst = AddList(ctx, destination);
  ctx.Touched(destination);
  dst->Push(to, value);
  ctx.Notify(kListEvent, PushEvent(to), destination);
  ctx.reply().Bulk(value);
  ListElementsRemoved(ctx, source, from, src, 1);
  return MoveResult::kMoved;
}

// ---- Push ---------------------------------------------------------------------------------------

// LPUSH, RPUSH, and with `only_existing` LPUSHX and RPUSHX.
void PushGeneric(Context& ctx, ListEnd end, bool only_existing) {
  std::string_view key = ctx.argv[1];
  ListObject* list = FindListForUpdate(ctx, key);
  if (ctx.failed) return;
  if (list == nullptr) {
    if (only_existing) return ctx.reply().Integer(0);
    list = AddList(ctx, key);
  }
  for (size_t i = 2; i < ctx.argv.size(); ++i) list->Push(end, ctx.argv[i]);
  ctx.reply().Integer(static_cast<int64_t>(list->size()));
  ctx.Touched(key);
  ctx.Notify(kListEvent, PushEvent(end), key);
  ctx.Dirty(ctx.argv.size() - 2);
}

void LPush(Context& ctx) { PushGeneric(ctx, ListEnd::kHead, false); }
void RPush(Context& ctx) { PushGeneric(ctx, ListEnd::kTail, false); }
void LPushX(Context& ctx) { PushGeneric(ctx, ListEnd::kHead, true); }
void RPushX(Context& ctx) { PushGeneric(ctx, ListEnd::kTail, true); }

// ---- Pop ----------------------------------------------------------------------------------------

// LPOP/RPOP key [count]: one element as a bulk, or with a count an array (empty for count 0); a
// missing key is a null bulk, or with a count a null array.
void PopGeneric(Context& ctx, ListEnd end) {
  if (ctx.argv.size() > 3) return ctx.Error(errors::WrongArity(ctx.spec.full_name));
  bool has_count = ctx.argv.size() == 3;
  int64_t count = 1;
  if (has_count &&
      !ParseCount(ctx, ctx.argv[2], 0, "ERR value is out of range, must be positive", &count)) {
    return;
  }
  std::string_view key = ctx.argv[1];
  ListObject* list = FindListForUpdate(ctx, key);
  if (ctx.failed) return;
  if (list == nullptr) return has_count ? ctx.reply().NullArray() : ctx.reply().Null();
  if (!has_count) {
    ctx.reply().Bulk(list->Pop(end));
    return ListElementsRemoved(ctx, key, end, list, 1);
  }
  if (count == 0) return ctx.reply().ArrayHeader(0);
  PopRangeAndReply(ctx, key, list, end, static_cast<size_t>(count), false);
}

void LPop(Context& ctx) { PopGeneric(ctx, ListEnd::kHead); }
void RPop(Context& ctx) { PopGeneric(ctx, ListEnd::kTail); }

// The arguments of LMPOP and BLMPOP from argv[numkeys_index]: numkeys key [key ...] LEFT|RIGHT
// [COUNT count]. False after the error reply.
struct MPopArgs {
  std::span<const std::string_view> keys;
  ListEnd end;
  int64_t count = 1;
};
bool ParseMPop(Context& ctx, size_t numkeys_index, MPopArgs* args) {
  constexpr std::string_view kNumkeys = "ERR numkeys should be greater than 0";
  int64_t numkeys;
  if (!ParseCount(ctx, ctx.argv[numkeys_index], 1, kNumkeys, &numkeys)) return false;
  size_t where = numkeys_index + 1 + static_cast<size_t>(numkeys);
  if (numkeys > static_cast<int64_t>(ctx.argv.size()) || where >= ctx.argv.size()) {
    ctx.Error(errors::kSyntax);
    return false;
  }
  if (!ParseListEnd(ctx, ctx.argv[where], &args->end)) return false;
  bool counted = false;
  for (size_t i = where + 1; i < ctx.argv.size(); ++i) {
    if (!counted && base::EqualsIgnoreCase(ctx.argv[i], "count") && i + 1 < ctx.argv.size()) {
      if (!ParseCount(ctx, ctx.argv[++i], 1, "ERR count should be greater than 0", &args->count))
        return false;
      counted = true;
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  args->keys = ctx.argv.subspan(numkeys_index + 1, static_cast<size_t>(numkeys));
  return true;
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
void LMPop(Context& ctx) {
  MPopArgs args;
  if (!ParseMPop(ctx, 1, &args)) return;
  if (!PopFromFirstNonEmpty(ctx, args.keys, args.end, static_cast<size_t>(args.count),
                            PopReplyShape::kKeyAndArray)) {
    ctx.reply().NullArray();
  }
}

// The keys of LMPOP (numkeys at argv[1]) and BLMPOP (at argv[2]); none when numkeys is not a
// valid count.
void MPopKeys(std::span<const std::string_view> argv, size_t numkeys_index,
              std::vector<int>* keys) {
  if (argv.size() <= numkeys_index) return;
  auto numkeys = base::ParseInt64(argv[numkeys_index]);
  int64_t available = static_cast<int64_t>(argv.size() - numkeys_index) - 1;
  if (!numkeys || *numkeys < 1 || *numkeys > available) return;
  for (int i = 0; i < *numkeys; ++i) keys->push_back(static_cast<int>(numkeys_index) + 1 + i);
}
void LMPopKeys(std::span<const std::string_view> argv, std::vector<int>* keys) {
  MPopKeys(argv, 1, keys);
}
void BLMPopKeys(std::span<const std::string_view> argv, std::vector<int>* keys) {
  MPopKeys(argv, 2, keys);
}

// ---- Moves --------------------------------------------------------------------------------------

void LMove(Context& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(ctx, ctx.argv[3], &from) || !ParseListEnd(ctx, ctx.argv[4], &to)) return;
  if (MoveAndReply(ctx, ctx.argv[1], ctx.argv[2], from, to) == MoveResult::kSourceEmpty) {
    ctx.reply().Null();
  }
}

void RPopLPush(Context& ctx) {
  if (MoveAndReply(ctx, ctx.argv[1], ctx.argv[2], ListEnd::kTail, ListEnd::kHead) ==
      MoveResult::kSourceEmpty) {
    ctx.reply().Null();
  }
}

// ---- Blocking forms
// ------------------------------------------------------------------------------

// BLPOP / BRPOP key [key ...] timeout
void BlockingPop(Context& ctx, ListEnd end) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, ctx.argv.back(), &deadline)) return;
  ServeOrBlock(ctx, ctx.argv.subspan(1, ctx.argv.size() - 2), deadline, store::ValueType::kList,
               [&](std::span<const std::string_view> keys) {
                 return PopFromFirstNonEmpty(ctx, keys, end, 1, PopReplyShape::kKeyAndElement);
               });
}
void BLPop(Context& ctx) { BlockingPop(ctx, ListEnd::kHead); }
void BRPop(Context& ctx) { BlockingPop(ctx, ListEnd::kTail); }

// BLMOVE and BRPOPLPUSH: wait on the source only.
void BlockingMove(Context& ctx, ListEnd from, ListEnd to, std::string_view timeout) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, timeout, &deadline)) return;
  ServeOrBlock(ctx, ctx.argv.subspan(1, 1), deadline, store::ValueType::kList,
               [&](std::span<const std::string_view> keys) {
                 return !keys.empty() && MoveAndReply(ctx, keys[0], ctx.argv[2], from, to) !=
                                             MoveResult::kSourceEmpty;
               });
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
void BLMove(Context& ctx) {
  ListEnd from, to;
  if (!ParseListEnd(ctx, ctx.argv[3], &from) || !ParseListEnd(ctx, ctx.argv[4], &to)) return;
  BlockingMove(ctx, from, to, ctx.argv[5]);
}

void BRPopLPush(Context& ctx) { BlockingMove(ctx, ListEnd::kTail, ListEnd::kHead, ctx.argv[3]); }

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
void BLMPop(Context& ctx) {
  int64_t deadline;
  if (!ParseBlockTimeout(ctx, ctx.argv[1], &deadline)) return;
  MPopArgs args;
  if (!ParseMPop(ctx, 2, &args)) return;
  ServeOrBlock(ctx, args.keys, deadline, store::ValueType::kList,
               [&](std::span<const std::string_view> keys) {
                 return PopFromFirstNonEmpty(ctx, keys, args.end, static_cast<size_t>(args.count),
                                             PopReplyShape::kKeyAndArray);
               });
}

// ---- Reads --------------------------------------------------------------------------------------

void LLen(Context& ctx) {
  ListObject* list = LookupList(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  ctx.reply().Integer(list == nullptr ? 0 : static_cast<int64_t>(list->size()));
}

// Clamps LRANGE/LTRIM's start and stop to the list; false when the range is empty.
bool NormalizeRange(int64_t size, int64_t* start, int64_t* stop) {
  if (*start < 0) *start += size;
  if (*stop < 0) *stop += size;
  if (*start < 0) *start = 0;
  if (*start > *stop || *start >= size) return false;
  if (*stop >= size) *stop = size - 1;
  return true;
}

void LRange(Context& ctx) {
  int64_t start, stop;
  if (!ParseIndex(ctx, ctx.argv[2], &start) || !ParseIndex(ctx, ctx.argv[3], &stop)) return;
  ListObject* list = LookupList(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (list == nullptr || !NormalizeRange(static_cast<int64_t>(list->size()), &start, &stop)) {
    return ctx.reply().ArrayHeader(0);
  }
  ctx.reply().ArrayHeader(static_cast<size_t>(stop - start + 1));
  ListObject::Position pos = list->Seek(start);
  for (int64_t i = start; i <= stop; ++i, list->Next(&pos)) ctx.reply().Bulk(list->Get(pos));
}

void LIndex(Context& ctx) {
  ListObject* list = LookupList(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (list == nullptr) return ctx.reply().Null();
  int64_t index;
  if (!ParseIndex(ctx, ctx.argv[2], &index)) return;
  ListObject::Position pos = list->Seek(index);
  if (pos.done()) return ctx.reply().Null();
  ctx.reply().Bulk(list->Get(pos));
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void LPos(Context& ctx) {
  int64_t rank = 1, count = 0, maxlen = 0;
  bool has_count = false;
  for (size_t i = 3; i < ctx.argv.size(); ++i) {
    std::string_view opt = ctx.argv[i];
    if (i + 1 >= ctx.argv.size()) return ctx.Error(errors::kSyntax);
    std::string_view arg = ctx.argv[++i];
    if (base::EqualsIgnoreCase(opt, "rank")) {
      if (!ParseIndex(ctx, arg, &rank)) return;
      if (rank == 0) {
        return ctx.Error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
    } else if (base::EqualsIgnoreCase(opt, "count")) {
      if (!ParseIndex(ctx, arg, &count)) return;
      if (count < 0) return ctx.Error("ERR COUNT can't be negative");
      has_count = true;
    } else if (base::EqualsIgnoreCase(opt, "maxlen")) {
      if (!ParseIndex(ctx, arg, &maxlen)) return;
      if (maxlen < 0) return ctx.Error("ERR MAXLEN can't be negative");
    } else {
      return ctx.Error(errors::kSyntax);
    }
  }
  ListObject* list = LookupList(ctx, ctx.argv[1]);
  if (ctx.failed) return;
  if (list == nullptr) return has_count ? ctx.reply().ArrayHeader(0) : ctx.reply().Null();

  bool forward = rank > 0;
  // Matches to skip before the first one reported. Redis 7.0 treats INT64_MIN as -1 (its negation
  // overflows); so does this.
  uint64_t skip = rank == INT64_MIN ? 0 : static_cast<uint64_t>(forward ? rank : -rank) - 1;
  uint64_t wanted = has_count && count > 0 ? static_cast<uint64_t>(count) : (has_count ? 0 : 1);
  std::string_view element = ctx.argv[2];
  int64_t size = static_cast<int64_t>(list->size());
  std::vector<int64_t> found;
  ListObject::Position pos = forward ? list->Front() : list->Back();
  for (int64_t scanned = 0; !pos.done() && (maxlen == 0 || scanned < maxlen); ++scanned) {
    if (list->Get(pos) == element) {
      if (skip > 0) {
        --skip;
      } else {
        found.push_back(forward ? scanned : size - 1 - scanned);
        if (wanted != 0 && found.size() == wanted) break;
      }
    }
    forward ? list->Next(&pos) : list->Prev(&pos);
  }
  if (!has_count) {
    return found.empty() ? ctx.reply().Null() : ctx.reply().Integer(found.front());
  }
  ctx.reply().ArrayHeader(found.size());
  for (int64_t index : found) ctx.reply().Integer(index);
}

// ---- In-place changes ---------------------------------------------------------------------------

void LSet(Context& ctx) {
  std::string_view key = ctx.argv[1];
  ListObject* list = FindListForUpdate(ctx, key);
  if (ctx.failed) return;
  if (list == nullptr) return ctx.Error(errors::kNoSuchKey);
  int64_t index;
  if (!ParseIndex(ctx, ctx.argv[2], &index)) return;
  ListObject::Position pos = list->Seek(index);
  if (pos.done()) return ctx.Error("ERR index out of range");
  list->Replace(pos, ctx.argv[3]);
  ctx.reply().SimpleString("OK");
  ctx.Touched(key);
  ctx.Notify(kListEvent, "lset", key);
  ctx.Dirty();
}

// LINSERT key BEFORE|AFTER pivot element: the new length, -1 without the pivot, 0 without the key.
void LInsert(Context& ctx) {
  bool after;
  if (base::EqualsIgnoreCase(ctx.argv[2], "after")) {
    after = true;
  } else if (base::EqualsIgnoreCase(ctx.argv[2], "before")) {
    after = false;
  } else {
    return ctx.Error(errors::kSyntax);
  }
  std::string_view key = ctx.argv[1];
  ListObject* list = FindListForUpdate(ctx, key);
  if (ctx.failed) return;
  if (list == nullptr) return ctx.reply().Integer(0);
  ListObject::Position pos = list->Front();
  while (!pos.done() && list->Get(pos) != ctx.argv[3]) list->Next(&pos);
  if (pos.done()) return ctx.reply().Integer(-1);
  list->Insert(pos, ctx.argv[4], after);
  ctx.Touched(key);
  ctx.Notify(kListEvent, "linsert", key);
  ctx.Dirty();
  ctx.reply().Integer(static_cast<int64_t>(list->size()));
}

// LREM key count element: count > 0 removes from the head, < 0 from the tail, 0 all.
void LRem(Context& ctx) {
  int64_t count;
  if (!ParseIndex(ctx, ctx.argv[2], &count)) return;
  std::string_view key = ctx.argv[1];
  ListObject* list = FindListForUpdate(ctx, key);
  if (ctx.failed) return;
  if (list == nullptr) return ctx.reply().Integer(0);
  bool forward = count >= 0;
  // How many to remove at most (0: all); the magnitude of INT64_MIN does not fit an int64_t.
  uint64_t limit =
      count == INT64_MIN ? uint64_t{1} << 63 : static_cast<uint64_t>(forward ? count : -count);
  if (limit == 0) limit = UINT64_MAX;
  std::string_view element = ctx.argv[3];
  uint64_t removed = 0;
  ListObject::Position pos = forward ? list->Front() : list->Back();
  while (!pos.done() && removed < limit) {
    if (list->Get(pos) == element) {
      pos = list->Erase(pos, forward);
      ++removed;
    } else {
      forward ? list->Next(&pos) : list->Prev(&pos);
    }
  }
  if (removed > 0) {
    ctx.Notify(kListEvent, "lrem", key);
    if (list->empty()) DeleteEmptyKey(ctx, key);
    ctx.Touched(key);
    ctx.Dirty(removed);
  }
  ctx.reply().Integer(static_cast<int64_t>(removed));
}

// LTRIM key start stop: always notifies "ltrim", even when nothing was removed (as Redis does).
void LTrim(Context& ctx) {
  int64_t start, stop;
  if (!ParseIndex(ctx, ctx.argv[2], &start) || !ParseIndex(ctx, ctx.argv[3], &stop)) return;
  std::string_view key = ctx.argv[1];
  ListObject* list = FindListForUpdate(ctx, key);
  if (ctx.failed) return;
  if (list == nullptr) return ctx.reply().SimpleString("OK");
  int64_t size = static_cast<int64_t>(list->size());
  int64_t keep_from = size, keep_to = size - 1;  // nothing kept unless the range is not empty
  if (NormalizeRange(size, &start, &stop)) {
    keep_from = start;
    keep_to = stop;
  }
  size_t removed_tail = static_cast<size_t>(size - 1 - keep_to);
  size_t removed_head = static_cast<size_t>(keep_from);
  list->EraseRange(static_cast<size_t>(keep_to + 1), removed_tail);
  list->EraseRange(0, removed_head);
  ctx.Notify(kListEvent, "ltrim", key);
  if (list->empty()) DeleteEmptyKey(ctx, key);
  ctx.Touched(key);
  ctx.Dirty(removed_head + removed_tail);
  ctx.reply().SimpleString("OK");
}

}  // namespace

void RegisterListCommands(CommandTable& table) {
  constexpr std::string_view kList = "list";
  table.Register({
      {"lpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclList, LPush, kList,
       "Prepend one or multiple elements to a list", "1.0.0", "RW INSERT"},
      {"rpush", -3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclList, RPush, kList,
       "Append one or multiple elements to a list", "1.0.0", "RW INSERT"},
      {"lpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclList, LPushX, kList,
       "Prepend an element to a list, only if the list exists", "2.2.0", "RW INSERT"},
      {"rpushx", -3, kWrite | kDenyOom | kFast, 1, 1, 1, kAclList, RPushX, kList,
       "Append an element to a list, only if the list exists", "2.2.0", "RW INSERT"},
      {"lpop", -2, kWrite | kFast, 1, 1, 1, kAclList, LPop, kList,
       "Remove and get the first elements in a list", "1.0.0", "RW ACCESS DELETE"},
      {"rpop", -2, kWrite | kFast, 1, 1, 1, kAclList, RPop, kList,
       "Remove and get the last elements in a list", "1.0.0", "RW ACCESS DELETE"},
      {"lmpop", -4, kWrite, 0, 0, 0, kAclList, LMPop, kList, "Pop elements from a list", "7.0.0",
       "RW ACCESS DELETE", LMPopKeys},
      {"blpop", -3, kWrite | kNoScript | kBlocking, 1, -2, 1, kAclList, BLPop, kList,
       "Remove and get the first element in a list, or block until one is available", "2.0.0",
       "RW ACCESS DELETE"},
      {"brpop", -3, kWrite | kNoScript | kBlocking, 1, -2, 1, kAclList, BRPop, kList,
       "Remove and get the last element in a list, or block until one is available", "2.0.0",
       "RW ACCESS DELETE"},
      {"brpoplpush", 4, kWrite | kDenyOom | kNoScript | kBlocking, 1, 2, 1, kAclList, BRPopLPush,
       kList,
       "Pop an element from a list, push it to another list and return it; or block until one "
       "is available",
       "2.2.0", "RW ACCESS DELETE"},
      {"blmove", 6, kWrite | kDenyOom | kNoScript | kBlocking, 1, 2, 1, kAclList, BLMove, kList,
       "Pop an element from a list, push it to another list and return it; or block until one "
       "is available",
       "6.2.0", "RW ACCESS DELETE"},
      {"blmpop", -5, kWrite | kBlocking, 0, 0, 0, kAclList, BLMPop, kList,
       "Pop elements from a list, or block until one is available", "7.0.0", "RW ACCESS DELETE",
       BLMPopKeys},
      {"lmove", 5, kWrite | kDenyOom, 1, 2, 1, kAclList, LMove, kList,
       "Pop an element from a list, push it to another list and return it", "6.2.0",
       "RW ACCESS DELETE"},
      {"rpoplpush", 3, kWrite | kDenyOom, 1, 2, 1, kAclList, RPopLPush, kList,
       "Remove the last element in a list, prepend it to another list and return it", "1.2.0",
       "RW ACCESS DELETE"},
      {"llen", 2, kReadonly | kFast, 1, 1, 1, kAclList, LLen, kList, "Get the length of a list",
       "1.0.0", "RO"},
      {"lrange", 4, kReadonly, 1, 1, 1, kAclList, LRange, kList,
       "Get a range of elements from a list", "1.0.0", "RO ACCESS"},
      {"lindex", 3, kReadonly, 1, 1, 1, kAclList, LIndex, kList,
       "Get an element from a list by its index", "1.0.0", "RO ACCESS"},
      {"lpos", -3, kReadonly, 1, 1, 1, kAclList, LPos, kList,
       "Return the index of matching elements on a list", "6.0.6", "RO ACCESS"},
      {"lset", 4, kWrite | kDenyOom, 1, 1, 1, kAclList, LSet, kList,
       "Set the value of an element in a list by its index", "1.0.0", "RW UPDATE"},
      {"linsert", 5, kWrite | kDenyOom, 1, 1, 1, kAclList, LInsert, kList,
       "Insert an element before or after another element in a list", "2.2.0", "RW INSERT"},
      {"lrem", 4, kWrite, 1, 1, 1, kAclList, LRem, kList, "Remove elements from a list", "1.0.0",
       "RW DELETE"},
      {"ltrim", 4, kWrite, 1, 1, 1, kAclList, LTrim, kList, "Trim a list to the specified range",
       "1.0.0", "RW DELETE"},
  });
}

}  // namespace tandem::commands
