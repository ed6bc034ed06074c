#pragma once
// A Propagator for command tests: keeps what a replica or the AOF would receive.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "server/commands/propagation.h"

namespace tandem::commands::testing {

class RecordingPropagator final : public Propagator {
 public:
  void Propagate(int db, std::span<const std::string_view> argv) override {
    std::string line = std::to_string(db);
    for (std::string_view a : argv) line += " " + std::string(a);
    lines.push_back(line);
    commands.emplace_back(argv.begin(), argv.end());
  }
  std::vector<std::string> lines;                  // "db arg arg ..."
  std::vector<std::vector<std::string>> commands;  // the same, for replay
};

}  // namespace tandem::commands::testing
