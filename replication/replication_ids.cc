#include "replication/replication_ids.h"

namespace tandem::replication {

namespace {
constexpr std::string_view kNoReplid = "0000000000000000000000000000000000000000";
}  // namespace

std::string RandomReplicationId(std::mt19937_64& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id(40, '0');
  for (size_t i = 0; i < id.size(); i += 16) {
    uint64_t bits = rng();
    for (size_t j = i; j < i + 16 && j < id.size(); ++j, bits >>= 4) id[j] = kHex[bits & 15];
  }
  return id;
}

ReplicationIds ReplicationIds::Fresh(std::mt19937_64& rng) {
  ReplicationIds ids;
  ids.replid = RandomReplicationId(rng);
  ids.ClearSecond();
  return ids;
}

void ReplicationIds::Shift(int64_t master_offset, std::mt19937_64& rng) {
  replid2 = replid;
  second_offset = master_offset + 1;
  replid = RandomReplicationId(rng);
}

void ReplicationIds::ClearSecond() {
  replid2 = std::string(kNoReplid);
  second_offset = -1;
}

PsyncVerdict DecidePsync(const ReplicationIds& ids, const Backlog* backlog,
                         std::string_view requested_replid, int64_t requested_offset) {
  if (requested_replid == "?" || requested_offset == -1) {
    return {PsyncDecision::kFullResync, "full sync requested"};
  }
  bool ours = requested_replid == ids.replid;
  bool previous = !ours && requested_replid == ids.replid2 && ids.second_offset != -1 &&
                  requested_offset <= ids.second_offset;
  if (!ours && !previous) {
    if (requested_replid == ids.replid2) {
      return {PsyncDecision::kFullResync, "requested offset is past the previous history's end"};
    }
    return {PsyncDecision::kFullResync, "replication ID mismatch"};
  }
  if (backlog == nullptr) return {PsyncDecision::kFullResync, "no backlog"};
  if (!backlog->Contains(requested_offset)) {
    return {PsyncDecision::kFullResync, "requested offset is out of the backlog's range"};
  }
  return {PsyncDecision::kContinue, ""};
}

}  // namespace tandem::replication
