#include "server/config/keyspace_events.h"

#include <utility>

namespace tandem::config {
namespace {

namespace ke = keyspace_event;

// Class letters in the order Redis prints them.
constexpr std::pair<char, int> kClassLetters[] = {
    {'g', ke::kGeneric}, {'$', ke::kString}, {'l', ke::kList},    {'s', ke::kSet},
    {'h', ke::kHash},    {'z', ke::kZset},   {'x', ke::kExpired}, {'e', ke::kEvicted},
    {'t', ke::kStream},  {'d', ke::kModule}, {'n', ke::kNewKey}};
constexpr std::pair<char, int> kTargetLetters[] = {
    {'K', ke::kKeyspace}, {'E', ke::kKeyevent}, {'m', ke::kKeyMiss}};

}  // namespace

std::optional<int> ParseKeyspaceEvents(std::string_view text) {
  int flags = 0;
  for (const char c : text) {
    if (c == 'A') {
      flags |= ke::kAll;
      continue;
    }
    int found = 0;
    for (const auto& [letter, flag] : kClassLetters) {
      if (letter == c) found = flag;
    }
    for (const auto& [letter, flag] : kTargetLetters) {
      if (letter == c) found = flag;
    }
    if (found == 0) return std::nullopt;
    flags |= found;
  }
  return flags;
}

std::string FormatKeyspaceEvents(int flags) {
  std::string text;
  if ((flags & ke::kAll) == ke::kAll) {
    text += 'A';
  } else {
    for (const auto& [letter, flag] : kClassLetters) {
      if (flags & flag) text += letter;
    }
  }
  for (const auto& [letter, flag] : kTargetLetters) {
    if (flags & flag) text += letter;
  }
  return text;
}

}  // namespace tandem::config
