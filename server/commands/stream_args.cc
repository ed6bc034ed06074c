#include "server/commands/stream_args.h"

#include <limits>
#include <memory>

#include "server/base/ascii_case.h"
#include "server/base/number_parse.h"
#include "server/commands/errors.h"
#include "server/commands/object_access.h"

namespace tandem::commands {

using store::StreamId;

store::Stream* LookupStream(Context& ctx, std::string_view key) {
  return LookupObject<store::Stream>(ctx, key, store::ValueType::kStream);
}

store::Stream* FindStreamForUpdate(Context& ctx, std::string_view key) {
  return FindObjectForUpdate<store::Stream>(ctx, key, store::ValueType::kStream);
}

store::Stream* AddStream(Context& ctx, std::string_view key) {
  return AddObject(ctx, key, std::make_unique<store::Stream>());
}

store::StreamLimits StreamLimitsFromConfig(Context& ctx) {
  store::StreamLimits limits;
  limits.node_max_bytes = static_cast<size_t>(ctx.server.config.GetInt("stream-node-max-bytes"));
  limits.node_max_entries =
      static_cast<size_t>(ctx.server.config.GetInt("stream-node-max-entries"));
  return limits;
}

bool ParseStreamIdArg(Context& ctx, std::string_view text, store::MissingSeq missing, bool strict,
                      StreamId* id) {
  std::optional<StreamId> parsed =
      strict ? store::ParseStrictStreamId(text, missing) : store::ParseStreamId(text, missing);
  if (!parsed) {
    ctx.Error(errors::kInvalidStreamId);
    return false;
  }
  *id = *parsed;
  return true;
}

namespace {

bool ParseBound(Context& ctx, std::string_view text, store::RangeBound bound, StreamId* id) {
  store::ParsedStreamId parsed = store::ParseRangeBound(text, bound);
  if (parsed.ok()) {
    *id = parsed.id;
    return true;
  }
  switch (*parsed.error) {
    case store::StreamIdError::kInvalid:
      ctx.Error(errors::kInvalidStreamId);
      break;
    case store::StreamIdError::kNoStartAfter:
      ctx.Error(errors::kInvalidStartId);
      break;
    case store::StreamIdError::kNoEndBefore:
      ctx.Error(errors::kInvalidEndId);
      break;
  }
  return false;
}

// A non-negative integer option value; `negative` is the error for a value below zero.
bool ParseNonNegative(Context& ctx, std::string_view text, std::string_view negative,
                      int64_t* value) {
  auto parsed = base::ParseInt64(text);
  if (!parsed) {
    ctx.Error(errors::kNotInteger);
    return false;
  }
  if (*parsed < 0) {
    ctx.Error(negative);
    return false;
  }
  *value = *parsed;
  return true;
}

// BLOCK's milliseconds: an absolute deadline (0: forever), saturated rather than overflowing.
bool ParseBlockMs(Context& ctx, std::string_view text, int64_t* deadline_ms) {
  auto ms = base::ParseInt64(text);
  if (!ms) {
    ctx.Error(errors::kTimeoutNotInteger);
    return false;
  }
  if (*ms < 0) {
    ctx.Error(errors::kTimeoutNegative);
    return false;
  }
  if (*ms == 0) {
    *deadline_ms = 0;
  } else if (*ms > std::numeric_limits<int64_t>::max() - ctx.now_ms) {
    *deadline_ms = std::numeric_limits<int64_t>::max();
  } else {
    *deadline_ms = ctx.now_ms + *ms;
  }
  return true;
}

}  // namespace

bool ParseRangeArgs(Context& ctx, std::string_view start, std::string_view end, StreamId* low,
                    StreamId* high) {
  return ParseBound(ctx, start, store::RangeBound::kStart, low) &&
         ParseBound(ctx, end, store::RangeBound::kEnd, high);
}

bool ParseAddOrTrimArgs(Context& ctx, bool xadd, AddOrTrimArgs* args) {
  auto argv = ctx.argv;
  bool limit_given = false;
  int64_t limit = 0;
  bool approx = false;
  std::optional<store::TrimStrategy> strategy;
  int64_t max_len = 0;
  StreamId min_id;
  size_t i = 2;
  args->id = store::XAddId{{}, true, false};  // "*" unless an explicit ID comes
  for (; i < argv.size(); ++i) {
    size_t more = argv.size() - 1 - i;
    std::string_view opt = argv[i];
    if (xadd && opt == "*") break;
    bool maxlen = base::EqualsIgnoreCase(opt, "maxlen");
    if ((maxlen || base::EqualsIgnoreCase(opt, "minid")) && more > 0) {
      if (strategy) {
        ctx.Error(errors::kMaxlenAndMinid);
        return false;
      }
      approx = false;
      if (more >= 2 && (argv[i + 1] == "~" || argv[i + 1] == "=")) {
        approx = argv[i + 1] == "~";
        ++i;
      }
      if (maxlen) {
        if (!ParseNonNegative(ctx, argv[i + 1], errors::kMaxlenNegative, &max_len)) return false;
        strategy = store::TrimStrategy::kMaxLen;
      } else {
        if (!ParseStreamIdArg(ctx, argv[i + 1], store::MissingSeq::kZero, true, &min_id)) {
          return false;
        }
        strategy = store::TrimStrategy::kMinId;
      }
      args->threshold_index = ++i;
    } else if (base::EqualsIgnoreCase(opt, "limit") && more > 0) {
      if (!ParseNonNegative(ctx, argv[i + 1], errors::kStreamLimitNegative, &limit)) return false;
      limit_given = true;
      ++i;
    } else if (xadd && base::EqualsIgnoreCase(opt, "nomkstream")) {
      args->nomkstream = true;
    } else if (xadd) {
      std::optional<store::XAddId> id = store::ParseXAddId(opt);
      if (!id) {
        ctx.Error(errors::kInvalidStreamId);
        return false;
      }
      args->id = *id;
      break;
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  if (limit != 0 && !strategy) {
    ctx.Error(errors::kLimitWithoutStrategy);
    return false;
  }
  if (!xadd && !strategy) {
    ctx.Error(errors::kXTrimWithoutStrategy);
    return false;
  }
  if (limit_given && !approx) {
    ctx.Error(errors::kLimitWithoutApprox);
    return false;
  }
  if (strategy) {
    store::TrimSpec spec;
    spec.strategy = *strategy;
    spec.max_len = static_cast<uint64_t>(max_len);
    spec.min_id = min_id;
    spec.approx = approx;
    // Without LIMIT, "~" does at most 100 nodes' worth of work; "=" is never limited.
    if (limit_given) {
      spec.limit = static_cast<uint64_t>(limit);
    } else if (approx) {
      spec.limit = 100 * static_cast<uint64_t>(ctx.server.config.GetInt("stream-node-max-entries"));
    }
    args->trim = spec;
  }
  args->fields_index = i + 1;
  return true;
}

std::string ExactTrimThreshold(const store::Stream& s, store::TrimStrategy strategy) {
  if (strategy == store::TrimStrategy::kMaxLen) return std::to_string(s.length());
  std::optional<store::StreamEntry> first = s.FirstEntry();
  return (first ? first->id() : StreamId::Max()).ToString();
}

std::vector<std::string_view> RewriteAddOrTrim(std::span<const std::string_view> argv,
                                               const AddOrTrimArgs& args, bool xadd,
                                               std::string_view id, std::string_view threshold) {
  std::vector<std::string_view> out(argv.begin(), argv.end());
  // XADD's options end at its ID; XTRIM's at the end.
  size_t options_end = xadd ? args.fields_index - 1 : argv.size();
  if (xadd && !id.empty()) out[options_end] = id;
  if (threshold.empty()) return out;
  out[args.threshold_index - 1] = "=";  // an approximate trim always has its "~" there
  out[args.threshold_index] = threshold;
  // Option values are numbers or IDs, so a "LIMIT" here is always the option.
  for (size_t i = options_end; i-- > 2;) {
    if (base::EqualsIgnoreCase(argv[i], "limit")) out.erase(out.begin() + i, out.begin() + i + 2);
  }
  return out;
}

bool ParseReadArgs(Context& ctx, bool group_form, ReadArgs* args) {
  auto argv = ctx.argv;
  for (size_t i = 1; i < argv.size(); ++i) {
    size_t more = argv.size() - 1 - i;
    std::string_view opt = argv[i];
    if (base::EqualsIgnoreCase(opt, "block") && more > 0) {
      if (!ParseBlockMs(ctx, argv[++i], &args->deadline_ms)) return false;
      args->block = true;
    } else if (base::EqualsIgnoreCase(opt, "count") && more > 0) {
      auto count = base::ParseInt64(argv[++i]);
      if (!count) {
        ctx.Error(errors::kNotInteger);
        return false;
      }
      args->count = *count > 0 ? static_cast<size_t>(*count) : 0;
    } else if (base::EqualsIgnoreCase(opt, "streams") && more > 0) {
      args->streams_index = i + 1;
      size_t rest = argv.size() - args->streams_index;
      if (rest % 2 != 0) {
        ctx.Error(errors::kUnbalancedStreams);
        return false;
      }
      args->stream_count = rest / 2;
      break;
    } else if (base::EqualsIgnoreCase(opt, "group") && more >= 2) {
      if (!group_form) {
        ctx.Error(errors::kGroupOptionInXRead);
        return false;
      }
      args->group = argv[i + 1];
      args->consumer = argv[i + 2];
      i += 2;
    } else if (base::EqualsIgnoreCase(opt, "noack")) {
      if (!group_form) {
        ctx.Error(errors::kNoAckOptionInXRead);
        return false;
      }
      args->noack = true;
    } else {
      ctx.Error(errors::kSyntax);
      return false;
    }
  }
  if (args->streams_index == 0) {
    ctx.Error(errors::kSyntax);
    return false;
  }
  if (group_form && args->group.data() == nullptr) {
    ctx.Error(errors::kMissingGroupOption);
    return false;
  }
  return true;
}

void StreamsKeys(std::span<const std::string_view> argv, std::vector<int>* keys) {
  size_t streams = 0;
  for (size_t i = 1; i < argv.size() && streams == 0; ++i) {
    std::string_view arg = argv[i];
    if (base::EqualsIgnoreCase(arg, "block") || base::EqualsIgnoreCase(arg, "count")) {
      ++i;
    } else if (base::EqualsIgnoreCase(arg, "group")) {
      i += 2;
    } else if (base::EqualsIgnoreCase(arg, "streams")) {
      streams = i;
    } else if (!base::EqualsIgnoreCase(arg, "noack")) {
      return;
    }
  }
  if (streams == 0) return;
  size_t rest = argv.size() - streams - 1;
  if (rest == 0 || rest % 2 != 0) return;
  for (size_t k = 0; k < rest / 2; ++k) keys->push_back(static_cast<int>(streams + 1 + k));
}

void ReplyStreamId(resp::ReplyBuilder& reply, StreamId id) {
  char buf[StreamId::kMaxText];
  reply.Bulk(id.Format(buf));
}

void ReplyStreamEntry(resp::ReplyBuilder& reply, const store::StreamEntry& entry) {
  reply.ArrayHeader(2);
  ReplyStreamId(reply, entry.id());
  reply.ArrayHeader(entry.field_count() * 2);
  entry.ForEachField([&](std::string_view field, std::string_view value) {
    reply.Bulk(field);
    reply.Bulk(value);
  });
}

void ReplyStreamsHeader(resp::ReplyBuilder& reply, size_t n) {
  if (reply.protocol() == 3) {
    reply.MapHeader(n);
  } else {
    reply.ArrayHeader(n);
  }
}

void ReplyStreamKey(resp::ReplyBuilder& reply, std::string_view key) {
  if (reply.protocol() != 3) reply.ArrayHeader(2);
  reply.Bulk(key);
}

}  // namespace tandem::commands
