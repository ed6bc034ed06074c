#include "sentinel/run_id.h"

#include <algorithm>
#include <cctype>

namespace tandem::sentinel {

bool IsRunId(std::string_view text) {
  return text.size() == kRunIdSize && std::all_of(text.begin(), text.end(), [](char c) {
           return std::isxdigit(static_cast<unsigned char>(c)) != 0;
         });
}

}  // namespace tandem::sentinel
