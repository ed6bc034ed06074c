#pragma once
// The Lua engine (placeholder until the scripting work lands).

namespace tandem::scripting {}  // namespace tandem::scripting
