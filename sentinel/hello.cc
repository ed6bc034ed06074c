#include "sentinel/hello.h"

#include "sentinel/run_id.h"

namespace tandem::sentinel {
namespace {

base::Status Invalid(std::string_view why) {
  return base::Status::InvalidArgument("invalid sentinel hello: " + std::string(why));
}

bool IsPort(uint32_t port) { return port >= 1 && port <= 65535; }

}  // namespace

std::string EncodeHello(const proto::Hello& hello) {
  proto::Hello stamped = hello;
  stamped.set_version(kHelloVersion);
  return stamped.SerializeAsString();
}

base::StatusOr<proto::Hello> DecodeHello(std::string_view payload) {
  if (payload.empty()) return Invalid("empty payload");
  if (payload.size() > kMaxHelloSize) return Invalid("payload too large");
  proto::Hello hello;
  if (!hello.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return Invalid("not a protobuf Hello");
  }
  if (hello.version() == 0) return Invalid("no version field");
  if (hello.version() != kHelloVersion) {
    return Invalid("unsupported version " + std::to_string(hello.version()) +
                   " (this build reads " + std::to_string(kHelloVersion) + ")");
  }
  if (hello.sentinel_ip().empty() || !IsPort(hello.sentinel_port())) {
    return Invalid("bad sentinel address");
  }
  if (!IsRunId(hello.sentinel_run_id())) return Invalid("bad sentinel run id");
  if (hello.master_name().empty()) return Invalid("empty master name");
  if (hello.master_ip().empty() || !IsPort(hello.master_port())) {
    return Invalid("bad master address");
  }
  return hello;
}

}  // namespace tandem::sentinel
