#include "server/persistence/fork_child.h"

namespace tandem::persistence {

ForkChild::~ForkChild() = default;

base::Status ForkChild::Start(ChildKind, std::function<bool()>) {
  return base::Status::IoError("not implemented");
}

std::optional<ChildExit> ForkChild::Poll() { return std::nullopt; }

void ForkChild::Kill() {}

}  // namespace tandem::persistence
