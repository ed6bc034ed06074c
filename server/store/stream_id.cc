#include "server/store/stream_id.h"

namespace tandem::store {

std::optional<StreamId> StreamId::Next() const { return std::nullopt; }
std::optional<StreamId> StreamId::Prev() const { return std::nullopt; }
std::string_view StreamId::Format(char (&buf)[kMaxText]) const { return {buf, 0}; }
std::string StreamId::ToString() const { return {}; }
std::optional<StreamId> ParseStreamId(std::string_view, MissingSeq) { return std::nullopt; }
std::optional<StreamId> ParseStrictStreamId(std::string_view, MissingSeq) { return std::nullopt; }
ParsedStreamId ParseRangeBound(std::string_view, RangeBound) { return {}; }
std::optional<XAddId> ParseXAddId(std::string_view) { return std::nullopt; }

}  // namespace tandem::store
