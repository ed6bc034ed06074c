// Failure detection: SDOWN of each instance from its own PING replies, ODOWN of a primary from
// the other sentinels' answers to SENTINEL is-master-down-by-addr, and this sentinel's answers to
// theirs (which double as its votes in leader elections).

#include <spdlog/spdlog.h>

#include "sentinel/instance_link.h"
#include "sentinel/sentinel.h"
#include "server/base/number_parse.h"

namespace tandem::sentinel {
namespace {

// Redis asks once a second; until ODOWN is reached Tandem asks four times as often, which takes
// up to most of a second off detection at little cost (a few bytes per sentinel pair).
constexpr int64_t kAskPeriodMs = 1'000;
constexpr int64_t kAskUntilOdownPeriodMs = 250;
// A sentinel that has this many questions unanswered is not asked more.
constexpr size_t kMaxPendingAsks = 8;

VoteTarget TargetOf(const MonitoredMaster& master) {
  return VoteTarget{master.self.host, master.self.port, master.config_epoch};
}

}  // namespace

void Sentinel::CheckSubjectivelyDown(MonitoredMaster& master, Instance& instance, int64_t now) {
  bool down = instance.detector.IsSubjectivelyDown(now, master.config.down_after_ms);
  if (down == instance.sdown) return;
  instance.sdown = down;
  if (down) {
    instance.sdown_since_ms = now;
    Event("+sdown", &instance, master, "");
  } else {
    Event("-sdown", &instance, master, "");
  }
}

void Sentinel::CheckObjectivelyDown(MonitoredMaster& master, int64_t now) {
  // As in Redis, an answer older than the votes' validity no longer shows as master_down.
  for (const auto& sentinel : master.sentinels) {
    if (now - sentinel->master_down_reply_ms > DownVoteTally::kDefaultVoteValidityMs) {
      sentinel->says_master_down = false;
    }
  }
  VoteTarget target = TargetOf(master);
  bool odown =
      master.down_votes.IsObjectivelyDown(master.self.sdown, target, master.config.quorum, now);
  if (odown == master.odown) return;
  master.odown = odown;
  if (odown) {
    master.odown_since_ms = now;
    size_t agreeing = 1 + master.down_votes.CountDown(target, now);
    Event("+odown", &master.self, master,
          "#quorum " + std::to_string(agreeing) + "/" + std::to_string(master.config.quorum));
  } else {
    Event("-odown", &master.self, master, "");
  }
}

void Sentinel::AskOtherSentinels(MonitoredMaster& master, int64_t now, bool force) {
  if (!master.self.sdown) return;
  int64_t period = master.odown ? kAskPeriodMs : kAskUntilOdownPeriodMs;
  if (!force && now - master.last_vote_request_ms < period) return;
  master.last_vote_request_ms = now;
  // During its own failover attempt the request carries this sentinel's run id: a vote request.
  bool asking_vote = master.failover_state != FailoverState::kNone;
  std::string epoch = std::to_string(epochs_.current());
  std::string port = std::to_string(master.self.port);
  VoteTarget target = TargetOf(master);
  for (const auto& sentinel_ptr : master.sentinels) {
    Instance& sentinel = *sentinel_ptr;
    if (!sentinel.link || !sentinel.link->cmd_ready || sentinel.run_id.empty() ||
        sentinel.link->pending_commands() > kMaxPendingAsks) {
      continue;
    }
    sentinel.link->cmd->Send({"SENTINEL", "is-master-down-by-addr", master.self.host, port, epoch,
                              asking_vote ? std::string_view(my_id_) : std::string_view("*")},
                             [this, &master, &sentinel, target](base::StatusOr<resp::Reply> reply) {
                               if (!reply.ok() || reply->type != resp::Reply::Type::kArray ||
                                   reply->elements.size() != 3 ||
                                   reply->elements[0].type != resp::Reply::Type::kInteger ||
                                   reply->elements[2].type != resp::Reply::Type::kInteger) {
                                 return;
                               }
                               int64_t at = Now();
                               bool down = reply->elements[0].integer == 1;
                               sentinel.says_master_down = down;
                               sentinel.master_down_reply_ms = at;
                               master.down_votes.Record(sentinel.run_id, target, down, at);
                               const std::string& leader = reply->elements[1].str;
                               if (leader != "*") {
                                 sentinel.voted_leader = leader;
                                 sentinel.voted_leader_epoch =
                                     static_cast<uint64_t>(reply->elements[2].integer);
                               }
                             });
  }
}

void Sentinel::IsMasterDownByAddr(std::span<const std::string_view> args, resp::ReplyBuilder& out) {
  // args: ip port current-epoch runid
  std::optional<int64_t> port = base::ParseInt64(args[1]);
  std::optional<int64_t> epoch = base::ParseInt64(args[2]);
  if (!port || !epoch || *epoch < 0) {
    out.Error("ERR value is not an integer or out of range");
    return;
  }
  MonitoredMaster* master = nullptr;
  for (const auto& m : masters_) {
    if (m->self.host == args[0] && m->self.port == *port) master = m.get();
  }
  bool down = master && master->self.sdown && !in_tilt_;
  std::string leader = "*";
  uint64_t leader_epoch = 0;
  if (master && args[3] != "*") {
    Election::VoteReply vote = master->election.Vote(static_cast<uint64_t>(*epoch), args[3], Now());
    if (vote.epoch_raised) {
      Publish("+new-epoch", std::to_string(epochs_.current()));
    }
    if (vote.voted) {
      Publish("+vote-for-leader", vote.leader + " " + std::to_string(vote.leader_epoch));
    }
    // The vote is on disk before the candidate hears of it.
    if (vote.epoch_raised || vote.voted) SaveStateOrLog();
    leader = vote.leader.empty() ? "*" : vote.leader;
    leader_epoch = vote.leader_epoch;
  }
  out.ArrayHeader(3);
  out.Integer(down ? 1 : 0);
  out.Bulk(leader);
  out.Integer(static_cast<int64_t>(leader_epoch));
}

}  // namespace tandem::sentinel
