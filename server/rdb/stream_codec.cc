#include "server/rdb/stream_codec.h"

namespace tandem::rdb {

void AppendStream(const store::Stream&, bool, std::string*) {}

base::StatusOr<std::unique_ptr<store::Stream>> ReadStream(uint8_t, BufferReader&) {
  return base::Status::Error(base::Status::Code::kCorruption, "stream: not implemented");
}

}  // namespace tandem::rdb
