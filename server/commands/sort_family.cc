// SORT and SORT_RO (Redis 7.0): the elements of a list, set or sorted set, ordered numerically (by
// strtod) or with ALPHA by bytes, optionally by weights read from other keys (BY pattern, hash
// fields with "->"), replaced by values read from other keys (GET), cut with LIMIT, and with STORE
// (SORT only) saved as a list.
//
// Patterns: "#" is the element itself; otherwise the first '*' is replaced by the element and the
// result names a string key, or with "->field" after the '*' a hash field. A pattern without '*'
// names nothing (GET replies nil); a BY pattern without '*' ("BY nosort") skips sorting.

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/command_table.h"
#include "server/commands/context.h"
#include "server/commands/errors.h"
#include "server/commands/object_access.h"
#include "server/config/keyspace_events.h"
#include "server/store/hash_object.h"
#include "server/store/list_object.h"
#include "server/store/set_object.h"
#include "server/store/zset_object.h"

namespace tandem::commands {
namespace {

namespace ke = config::keyspace_event;

constexpr std::string_view kNotDouble = "ERR One or more scores can't be converted into double";

struct SortOptions {
  bool desc = false;
  bool alpha = false;
  bool dont_sort = false;  // a BY pattern without '*' was given (sticky, as in Redis)
  int64_t limit_start = 0;
  int64_t limit_count = -1;  // negative: to the end
  std::optional<std::string_view> by;
  std::vector<std::string_view> gets;
  std::optional<std::string_view> store;
};

// One element to sort, with its sort key: a score, or for ALPHA BY the weight's text (nullopt
// when the weight key is missing, which sorts first).
struct SortItem {
  std::string value;
  double score = 0;
  std::optional<std::string> by;
};

// Parses argv[2...]; replies with the error and returns false on bad input. SORT_RO
// (`read_only`) does not know STORE.
bool ParseOptions(Context& ctx, bool read_only, SortOptions* opts) {
  const auto& argv = ctx.argv;
  for (size_t j = 2; j < argv.size(); ++j) {
    std::string_view arg = argv[j];
    size_t left = argv.size() - j - 1;
    if (base::EqualsIgnoreCase(arg, "asc")) {
      opts->desc = false;
    } else if (base::EqualsIgnoreCase(arg, "desc")) {
      opts->desc = true;
    } else if (base::EqualsIgnoreCase(arg, "alpha")) {
      opts->alpha = true;
    } else if (base::EqualsIgnoreCase(arg, "limit") && left >= 2) {
      auto start = base::ParseInt64(argv[j + 1]);
      auto count = start ? base::ParseInt64(argv[j + 2]) : std::nullopt;
      if (!count) {
        ctx.Error(errors::kNotInteger);
        return false;
      }
      opts->limit_start = *start;
      opts->limit_count = *count;
      j += 2;
    } else if (!read_only && base::EqualsIgnoreCase(arg, "store") && left >= 1) {
      opts->store = argv[++j];
    } else if (base::EqualsIgnoreCase(arg, "by") && left >= 1) {
      opts->by = argv[++j];
      if (opts->by->find('*') == std::string_view::npos) opts->dont_sort = true;
    } else if (base::EqualsIgnoreCase(arg, "get") && left >= 1) {
      opts->gets.push_back(argv[++j]);
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  return true;
}

// The value `pattern` names for `element` (see the file comment); nullopt when the key is missing
// or of the wrong type, or the hash lacks the field. Like Redis (which reads the pattern as a C
// string to find '*' and "->"), only the bytes before a NUL are searched. The view is valid until
// the keyspace changes or `buf` (where a hash's integer value is decoded) is reused.
std::optional<std::string_view> LookupByPattern(Context& ctx, std::string_view pattern,
                                                std::string_view element,
                                                store::HashObject::TextBuffer& buf) {
  if (!pattern.empty() && pattern[0] == '#' && (pattern.size() == 1 || pattern[1] == '\0')) {
    return element;
  }
  std::string_view searchable = pattern.substr(0, pattern.find('\0'));
  size_t star = searchable.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  size_t arrow = searchable.find("->", star + 1);
  bool has_field = arrow != std::string_view::npos && arrow + 2 < searchable.size();
  std::string key(pattern.substr(0, star));
  key += element;
  key += has_field ? pattern.substr(star + 1, arrow - star - 1) : pattern.substr(star + 1);

  store::Entry* e = ctx.Lookup(key);
  if (e == nullptr) return std::nullopt;
  if (!has_field) {
    if (!e->is_string()) return std::nullopt;
    return e->string_value();
  }
  if (e->type() != store::ValueType::kHash) return std::nullopt;
  return static_cast<const store::HashObject*>(e->object())->Get(pattern.substr(arrow + 2), buf);
}

// Reads `text` as Redis's SORT does: strtod must consume it all (an empty text reads as 0), and
// an out-of-range or NaN result fails.
std::optional<double> ParseSortScore(std::string_view text) {
  std::string copy(text);
  char* end = nullptr;
  errno = 0;
  double value = std::strtod(copy.c_str(), &end);
  if (*end != '\0' || errno == ERANGE || std::isnan(value)) return std::nullopt;
  return value;
}

// memcmp order, a prefix first.
int BinaryCompare(std::string_view a, std::string_view b) { return a.compare(b); }
// strcoll in the C locale, as Redis compares ALPHA replies: bytes up to the first NUL.
int CollateCompare(std::string_view a, std::string_view b) {
  return BinaryCompare(a.substr(0, a.find('\0')), b.substr(0, b.find('\0')));
}

// Redis's sort comparison: numeric by score with ties ordered by the elements' bytes; ALPHA by the
// weights (missing first; no tie-break) or by the elements. With STORE, ALPHA compares whole
// byte strings; without, C strings.
int CompareItems(const SortOptions& opts, const SortItem& a, const SortItem& b) {
  int cmp;
  if (!opts.alpha) {
    cmp = a.score > b.score ? 1 : a.score < b.score ? -1 : BinaryCompare(a.value, b.value);
  } else if (opts.by) {
    if (!a.by || !b.by) {
      cmp = a.by.has_value() == b.by.has_value() ? 0 : a.by ? 1 : -1;
    } else {
      cmp = opts.store ? BinaryCompare(*a.by, *b.by) : CollateCompare(*a.by, *b.by);
    }
  } else {
    cmp = opts.store ? BinaryCompare(a.value, b.value) : CollateCompare(a.value, b.value);
  }
  return opts.desc ? -cmp : cmp;
}

// Loads the sort keys (scores or ALPHA weights) of `items`; false when one cannot be read as a
// number.
bool LoadSortKeys(Context& ctx, const SortOptions& opts, std::vector<SortItem>* items) {
  store::HashObject::TextBuffer buf;
  for (SortItem& item : *items) {
    std::optional<std::string_view> key = item.value;
    if (opts.by) {
      key = LookupByPattern(ctx, *opts.by, item.value, buf);
      if (!key) continue;  // a missing weight: score 0, or first under ALPHA
    }
    if (opts.alpha) {
      if (opts.by) item.by = std::string(*key);
      continue;
    }
    auto score = ParseSortScore(*key);
    if (!score) return false;
    item.score = *score;
  }
  return true;
}

// The input's elements, in input order. When `range_only` (a list or sorted set under BY nosort),
// only ranks [start, start + n) counted from the `desc` end.
std::vector<SortItem> LoadElements(store::Entry* e, bool range_only, bool desc, int64_t start,
                                   int64_t n) {
  std::vector<SortItem> items;
  auto add = [&](std::string_view value) {
    items.push_back({std::string(value), 0, std::nullopt});
  };
  switch (e->type()) {
    case store::ValueType::kList: {
      const auto* list = static_cast<const store::ListObject*>(e->object());
      if (!range_only) {
        start = 0;
        n = static_cast<int64_t>(list->size());
        desc = false;
      }
      items.reserve(static_cast<size_t>(n));
      auto pos = list->Seek(desc ? -start - 1 : start);
      for (int64_t i = 0; i < n && !pos.done(); ++i) {
        add(list->Get(pos));
        if (desc) {
          list->Prev(&pos);
        } else {
          list->Next(&pos);
        }
      }
      break;
    }
    case store::ValueType::kZSet: {
      auto* zset = static_cast<store::ZSetObject*>(e->object());
      // Redis 7.0 converts every sorted set it sorts.
      if (zset->is_listpack()) zset->ConvertToSkiplist();
      size_t size = zset->size();
      store::RankRange ranks{0, size};
      if (range_only) {
        auto first = static_cast<size_t>(start), count = static_cast<size_t>(n);
        ranks = desc ? store::RankRange{size - first - count, size - first}
                     : store::RankRange{first, first + count};
      }
      items.reserve(ranks.size());
      zset->Visit(ranks, range_only && desc, [&](std::string_view member, double) {
        add(member);
        return true;
      });
      break;
    }
    case store::ValueType::kSet: {
      const auto* set = static_cast<const store::SetObject*>(e->object());
      items.reserve(set->size());
      set->ForEach(add);
      break;
    }
    default:
      break;
  }
  return items;
}

size_t InputSize(const store::Entry* e) {
  switch (e->type()) {
    case store::ValueType::kList:
      return static_cast<const store::ListObject*>(e->object())->size();
    case store::ValueType::kZSet:
      return static_cast<const store::ZSetObject*>(e->object())->size();
    case store::ValueType::kSet:
      return static_cast<const store::SetObject*>(e->object())->size();
    default:
      return 0;
  }
}

// Saves `items` (or their GET values, "" for missing ones) as a list under `dst`, replacing any
// value; an empty result deletes `dst`. Replies with the number of elements stored.
void StoreResult(Context& ctx, const SortOptions& opts, std::span<const SortItem> items,
                 std::string_view dst) {
  int fill = static_cast<int>(ctx.server.config.GetInt("list-max-listpack-size"));
  auto list = std::make_unique<store::ListObject>(fill);
  store::HashObject::TextBuffer buf;
  for (const SortItem& item : items) {
    if (opts.gets.empty()) list->Push(store::ListEnd::kTail, item.value);
    for (std::string_view get : opts.gets) {
      list->Push(store::ListEnd::kTail, LookupByPattern(ctx, get, item.value, buf).value_or(""));
    }
  }
  size_t stored = list->size();
  store::Entry* old = ctx.Find(dst);
  if (stored > 0) {
    if (old != nullptr) ctx.db().Delete(old);
    AddObject(ctx, dst, std::move(list));
    ctx.Touched(dst);
    ctx.Notify(ke::kList, "sortstore", dst);
    ctx.Dirty(stored);
  } else if (old != nullptr) {
    ctx.db().Delete(old);
    ctx.Touched(dst);
    ctx.Notify(ke::kGeneric, "del", dst);
    ctx.Dirty();
  }
  ctx.reply().Integer(static_cast<int64_t>(stored));
}

void SortGeneric(Context& ctx, bool read_only) {
  SortOptions opts;
  if (!ParseOptions(ctx, read_only, &opts)) return;
  store::Entry* e = ctx.Lookup(ctx.argv[1]);
  if (e != nullptr && e->type() != store::ValueType::kList && e->type() != store::ValueType::kSet &&
      e->type() != store::ValueType::kZSet) {
    return ctx.Error(errors::kWrongType);
  }
  // Sets have no order of their own: what STORE saves must not depend on it (replicas, AOF).
  if (e != nullptr && opts.dont_sort && e->type() == store::ValueType::kSet && opts.store) {
    opts.dont_sort = false;
    opts.alpha = true;
    opts.by.reset();
  }

  // LIMIT as Redis clamps it: [start, end] within the input, empty when start is past the end.
  auto len = static_cast<int64_t>(e == nullptr ? 0 : InputSize(e));
  int64_t start = std::max<int64_t>(opts.limit_start, 0);
  int64_t end = len - 1;
  if (opts.limit_count >= 0) {
    end = opts.limit_count > std::numeric_limits<int64_t>::max() - start
              ? std::numeric_limits<int64_t>::max()
              : start + opts.limit_count - 1;
  }
  if (start >= len) {
    start = len;
    end = len - 1;
  }
  end = std::min(end, len - 1);
  int64_t count = std::max<int64_t>(end - start + 1, 0);

  // A list or sorted set under BY nosort is already in order: load only the range.
  bool range_only = e != nullptr && opts.dont_sort && e->type() != store::ValueType::kSet;
  std::vector<SortItem> items;
  if (e != nullptr) items = LoadElements(e, range_only, opts.desc, start, count);
  if (range_only) start = 0;

  if (!opts.dont_sort) {
    if (!LoadSortKeys(ctx, opts, &items)) return ctx.Error(kNotDouble);
    // Stable, as glibc's qsort (a merge sort) is: ALPHA BY ties keep the input order.
    std::stable_sort(items.begin(), items.end(), [&](const SortItem& a, const SortItem& b) {
      return CompareItems(opts, a, b) < 0;
    });
  }
  auto selected = std::span<const SortItem>(items).subspan(static_cast<size_t>(start),
                                                           static_cast<size_t>(count));
  if (opts.store) return StoreResult(ctx, opts, selected, *opts.store);

  resp::ReplyBuilder& r = ctx.reply();
  r.ArrayHeader(selected.size() * std::max<size_t>(opts.gets.size(), 1));
  store::HashObject::TextBuffer buf;
  for (const SortItem& item : selected) {
    if (opts.gets.empty()) r.Bulk(item.value);
    for (std::string_view get : opts.gets) {
      auto value = LookupByPattern(ctx, get, item.value, buf);
      if (value) {
        r.Bulk(*value);
      } else {
        r.Null();
      }
    }
  }
}

void Sort(Context& ctx) { SortGeneric(ctx, false); }
void SortRo(Context& ctx) { SortGeneric(ctx, true); }

// SORT's keys as Redis's sortGetKeys finds them: the sorted key, and the key after the last
// STORE. Arguments of LIMIT (two), GET and BY (one) are skipped, the STORE key itself is not.
void SortKeys(std::span<const std::string_view> argv, std::vector<int>* keys) {
  keys->push_back(1);
  int store = 0;
  int argc = static_cast<int>(argv.size());
  for (int i = 2; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (base::EqualsIgnoreCase(arg, "limit")) {
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "get") || base::EqualsIgnoreCase(arg, "by")) {
      i += 1;
    } else if (base::EqualsIgnoreCase(arg, "store") && i + 1 < argc) {
      store = i + 1;
    }
  }
  if (store > 0) keys->push_back(store);
}

// SORT_RO reads only its first key; a finder still marks it "movablekeys" as in Redis (BY and
// GET patterns name keys that only the data reveals).
void SortRoKeys(std::span<const std::string_view>, std::vector<int>* keys) { keys->push_back(1); }

}  // namespace

void RegisterSortCommands(CommandTable& table) {
  constexpr uint64_t kAcl = kAclSet | kAclSortedSet | kAclList | kAclDangerous;
  constexpr std::string_view kGroup = "generic";
  table.Register({
      {.name = "sort",
       .arity = -2,
       .flags = kWrite | kDenyOom,
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = kAcl,
       .handler = Sort,
       .group = kGroup,
       .summary = "Sort the elements in a list, set or sorted set",
       .since = "1.0.0",
       .key_flags = "RO ACCESS",
       .key_finder = SortKeys},
      {.name = "sort_ro",
       .arity = -2,
       .flags = kReadonly,
       .first_key = 1,
       .last_key = 1,
       .step = 1,
       .acl = kAcl,
       .handler = SortRo,
       .group = kGroup,
       .summary = "Sort the elements in a list, set or sorted set. Read-only variant of SORT.",
       .since = "7.0.0",
       .key_flags = "RO ACCESS",
       .key_finder = SortRoKeys},
  });
}

}  // namespace tandem::commands
