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
  if (depth_ == 0) return Send(db, argv);
  pending_.push_back({db, args_.size(), argv.size()});
  for (std::string_view arg : argv) {
    args_.emplace_back(arena_.size(), arg.size());
    arena_.append(arg);
  }
}

void Propagation::EndUnit() {
  if (--depth_ > 0 || pending_.empty()) return;
  static constexpr std::string_view kMulti[] = {"MULTI"};
  static constexpr std::string_view kExec[] = {"EXEC"};
  bool wrap = pending_.size() > 1;
  if (wrap) Send(-1, kMulti);
  for (const Command& c : pending_) {
    views_.clear();
    for (size_t i = c.first_arg; i < c.first_arg + c.argc; ++i) {
      views_.emplace_back(arena_.data() + args_[i].first, args_[i].second);
    }
    Send(c.db, views_);
  }
  if (wrap) Send(-1, kExec);
  pending_.clear();
  args_.clear();
  arena_.clear();
  // A unit that wrote a huge value does not keep its memory.
  if (arena_.capacity() > 1024 * 1024) std::string().swap(arena_);
}

void Propagation::Send(int db, std::span<const std::string_view> argv) {
  for (Propagator* p : propagators_) p->Propagate(db, argv);
}

}  // namespace tandem::commands
