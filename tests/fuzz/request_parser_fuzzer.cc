// libFuzzer target for resp::RequestParser (see docs/fuzzing.md).
//
// Input layout: byte 0 picks the limits, byte 1 the read size, the rest is what a client sends.
// Checks, besides the sanitizers' own: consumed stays within the input, multibulk arguments point
// into it, needed() never promises too little, and the outcome does not depend on how the bytes are
// split into reads.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "server/resp/request_parser.h"

namespace {

using tandem::resp::ParseResult;
using tandem::resp::ParserLimits;
using tandem::resp::RequestParser;

// Past this many pending bytes the "too big" errors depend on read sizes, as in Redis.
constexpr size_t kSplitInvariantMaxSize = 64 * 1024;

struct Outcome {
  ParseResult result;
  size_t consumed;
  std::vector<std::string> argv;
  std::string error;
  bool operator==(const Outcome&) const = default;
};

void Check(bool condition) {
  if (!condition) std::abort();
}

// Parses `input` as if it arrived `read_size` bytes at a time (everything at once when 0). Every
// call gets a freshly allocated copy of the unconsumed bytes, so a view kept into an old buffer
// shows up as a use-after-free.
std::vector<Outcome> Run(std::string_view input, const ParserLimits& limits, size_t read_size) {
  RequestParser parser;
  parser.set_limits(limits);
  std::vector<Outcome> outcomes;
  std::vector<std::string_view> argv;
  size_t offset = 0;
  size_t received = read_size == 0 ? input.size() : 0;
  size_t needed = 0;
  while (true) {
    const size_t size = received - offset;
    auto buffer = std::make_unique<char[]>(size + 1);
    input.copy(buffer.get(), size, offset);
    const std::string_view view(buffer.get(), size);
    size_t consumed = 0;
    const ParseResult result = parser.Parse(view, &consumed, &argv);
    if (needed > size) Check(result == ParseResult::kNeedMore);
    if (result == ParseResult::kNeedMore) {
      Check(consumed == 0);
      needed = parser.needed();
      Check(needed == 0 || needed > size);
      if (received == input.size()) return outcomes;
      received = std::min(input.size(), received + read_size);
      continue;
    }
    needed = 0;
    if (result == ParseResult::kError) {
      Check(!parser.error().empty());
      outcomes.push_back({result, 0, {}, parser.error()});
      return outcomes;
    }
    Check(consumed > 0 && consumed <= size);
    Outcome outcome{result, consumed, {}, {}};
    for (std::string_view arg : argv) {
      if (view[0] == '*') {
        Check(arg.data() >= view.data() && arg.data() + arg.size() <= view.data() + consumed);
      }
      outcome.argv.emplace_back(arg);
    }
    outcomes.push_back(std::move(outcome));
    offset += consumed;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  ParserLimits limits;
  limits.authenticated = (data[0] & 1) == 0;
  limits.from_primary = (data[0] & 2) != 0;
  if ((data[0] & 4) != 0) limits.proto_max_bulk_len = data[0] >> 3;
  const size_t read_size = 1 + data[1] % 16;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  const std::vector<Outcome> whole = Run(input, limits, 0);
  if (input.size() <= kSplitInvariantMaxSize) Check(Run(input, limits, read_size) == whole);
  return 0;
}
