#include "server/commands/client_info.h"

#include <cstdio>

#include "server/commands/acl.h"

namespace tandem::commands {
namespace {

// The "flags" letters, in Redis's order; "N" when none applies.
std::string FlagLetters(const Client& c) {
  std::string letters;
  if (c.flags & kClientMonitor) {
    letters += 'O';
  } else if (c.flags & kClientReplica) {
    letters += 'S';
  }
  if (c.flags & kClientMaster) letters += 'M';
  if (c.subscribed()) letters += 'P';
  if (c.multi) letters += 'x';
  if (c.blocked) letters += 'b';
  if (c.flags & kClientCloseASAP) letters += 'A';
  if (c.flags & kClientNoEvict) letters += 'e';
  if (letters.empty()) letters = "N";
  return letters;
}

}  // namespace

size_t ArgvBytes(std::span<const std::string_view> argv) {
  size_t n = 0;
  for (std::string_view arg : argv) n += arg.size();
  return n;
}

bool IsValidClientName(std::string_view name) {
  for (unsigned char c : name) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

std::string ClientInfoForLog(Client& c, int64_t now_ms, std::string_view full_name,
                             std::span<const std::string_view> argv) {
  std::string info;
  RunningCommand running{full_name, ArgvBytes(argv)};
  AppendClientInfo(c, now_ms, &running, &info);
  info.pop_back();
  return info;
}

void AppendClientInfo(Client& c, int64_t now_ms, const RunningCommand* running, std::string* out) {
  ClientConnection& conn = c.connection();
  size_t argv_mem = running != nullptr ? running->argv_mem : 0;
  size_t qbuf = conn.QueryBufferSize();
  size_t qbuf_free = conn.QueryBufferFree();
  size_t obl = conn.OutputBufferSize();
  size_t tot_mem = sizeof(Client) + c.name.size() + qbuf + qbuf_free + obl + argv_mem;
  std::string_view cmd = running != nullptr ? running->full_name : c.last_command;
  std::string_view user = c.user != nullptr ? std::string_view(c.user->name()) : "default";

  long long multi = c.multi ? static_cast<long long>(c.multi->commands.size()) : -1;
  size_t multi_mem = 0;
  if (c.multi) {
    for (const auto& queued : c.multi->commands) {
      for (const std::string& arg : queued) multi_mem += arg.size();
    }
  }
  tot_mem += multi_mem;

  char numbers[400];
  std::snprintf(numbers, sizeof(numbers),
                " age=%lld idle=%lld flags=%s db=%d sub=%zu psub=%zu ssub=%zu multi=%lld "
                "qbuf=%zu qbuf-free=%zu argv-mem=%zu multi-mem=%zu rbs=0 rbp=0 obl=%zu oll=0 omem=0 "
                "tot-mem=%zu events=%s cmd=",
                static_cast<long long>((now_ms - c.created_ms()) / 1000),
                static_cast<long long>((now_ms - c.last_interaction_ms()) / 1000),
                FlagLetters(c).c_str(), c.db, c.pubsub_channels, c.pubsub_patterns,
                c.pubsub_shard_channels, multi, qbuf, qbuf_free, argv_mem, multi_mem, obl, tot_mem,
                obl > 0 ? "rw" : "r");
  out->append("id=");
  out->append(std::to_string(c.id()));
  out->append(" addr=");
  out->append(conn.PeerAddress());
  out->append(" laddr=");
  out->append(conn.LocalAddress());
  out->append(" fd=");
  out->append(std::to_string(conn.Fd()));
  out->append(" name=");
  out->append(c.name);
  out->append(numbers);
  out->append(cmd);
  out->append(" user=");
  out->append(user);
  out->append(" redir=-1 resp=");
  out->append(std::to_string(c.resp_version()));
  out->push_back('\n');
}

}  // namespace tandem::commands
