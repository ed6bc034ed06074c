#include "sentinel/instance.h"

namespace tandem::sentinel {

std::string Instance::Address() const {
  // An IPv6 address is bracketed, as Redis names replicas ("[::1]:6380").
  if (host.find(':') != std::string::npos) {
    return "[" + host + "]:" + std::to_string(port);
  }
  return host + ":" + std::to_string(port);
}

}  // namespace tandem::sentinel
