#include "server/commands/propagation.h"

#include <algorithm>

namespace tandem::commands {

void Propagation::AddPropagator(Propagator* p) {
  if (std::find(propagators_.begin(), propagators_.end(), p) == propagators_.end()) {
    propagators_.push_back(p);
  }
}

void Propagation::RemovePropagator(Propagator* p) { std::erase(propagators_, p); }

void Propagation::Record(int db, std::span<const std::string_view> argv) {
  if (propagators_.empty()) return;
  Command command{db, std::vector<std::string>(argv.begin(), argv.end())};
  if (depth_ == 0) return Send(command.db, command.argv);
  pending_.push_back(std::move(command));
}

void Propagation::EndUnit() {
  if (--depth_ > 0 || pending_.empty()) return;
  if (pending_.size() == 1) {
    Send(pending_[0].db, pending_[0].argv);
  } else {
    Send(-1, {"MULTI"});
    for (const Command& c : pending_) Send(c.db, c.argv);
    Send(-1, {"EXEC"});
  }
  pending_.clear();
}

void Propagation::Send(int db, const std::vector<std::string>& argv) {
  std::vector<std::string_view> views(argv.begin(), argv.end());
  for (Propagator* p : propagators_) p->Propagate(db, views);
}

}  // namespace tandem::commands
