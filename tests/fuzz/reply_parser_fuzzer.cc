// libFuzzer target for resp::ReplyParser (see docs/fuzzing.md): replies from a primary or a peer
// are network input too. Checks, besides the sanitizers' own: consumed stays within the input,
// needed() never promises too little or too much, and every proper prefix of a parsed reply needs
// more.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "server/resp/reply_parser.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using tandem::resp::ParseResult;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  tandem::resp::ReplyParser parser;
  tandem::resp::Reply reply;
  size_t consumed = 0;
  const ParseResult result = parser.Parse(input, &consumed, &reply);
  if (result == ParseResult::kNeedMore) {
    Check(consumed == 0);
    Check(parser.needed() == 0 || parser.needed() > size);
    return 0;
  }
  if (result == ParseResult::kError) return 0;
  Check(consumed > 0 && consumed <= size);
  // A prefix of the reply must not parse as a complete reply; sampled to keep runs fast.
  const size_t step = consumed / 8 + 1;
  for (size_t k = 0; k < consumed; k += step) {
    size_t prefix_consumed = 0;
    const ParseResult prefix = parser.Parse(input.substr(0, k), &prefix_consumed, &reply);
    Check(prefix == ParseResult::kNeedMore);
    Check(parser.needed() == 0 || (parser.needed() > k && parser.needed() <= consumed));
  }
  return 0;
}
