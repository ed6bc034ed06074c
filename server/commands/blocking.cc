#include "server/commands/blocking.h"

#include <algorithm>

#include "server/commands/db_key.h"

namespace tandem::commands {

void BlockingRegistry::Block(Client& client, int db, std::span<const std::string_view> keys,
                             int64_t deadline_ms, std::span<const std::string_view> argv) {
  if (IsBlocked(client)) return;
  Waiter w{db, {}, deadline_ms, {argv.begin(), argv.end()}};
  for (std::string_view key : keys) {
    std::string id = DbKeyId(db, key);
    std::deque<Client*>& queue = by_key_[id];
    if (std::find(queue.begin(), queue.end(), &client) != queue.end()) continue;  // key repeated
    queue.push_back(&client);
    w.keys.emplace_back(key);
  }
  waiters_.emplace(&client, std::move(w));
  client.blocked = true;
}

void BlockingRegistry::KeyTouched(int db, std::string_view key) {
  if (by_key_.empty()) return;
  std::string id = DbKeyId(db, key);
  if (by_key_.count(id) == 0) return;
  if (std::find(ready_.begin(), ready_.end(), id) == ready_.end()) ready_.push_back(std::move(id));
}

void BlockingRegistry::DbFlushed(int db) {
  std::string prefix = db < 0 ? std::string() : DbKeyId(db, "");
  for (const auto& [id, queue] : by_key_) {
    if (!id.starts_with(prefix)) continue;
    if (std::find(ready_.begin(), ready_.end(), id) == ready_.end()) ready_.push_back(id);
  }
}

void BlockingRegistry::ServeReadyKeys(const Rerun& rerun) {
  if (serving_) return;  // a re-run's own writes are picked up by the loop below
  serving_ = true;
  while (!ready_.empty()) {
    std::vector<std::string> ready;
    ready.swap(ready_);
    for (const std::string& id : ready) {
      auto it = by_key_.find(id);
      if (it == by_key_.end()) continue;
      // Snapshot: serving a client changes the queue.
      std::vector<Client*> queue(it->second.begin(), it->second.end());
      for (Client* client : queue) {
        auto w = waiters_.find(client);
        if (w == waiters_.end()) continue;
        std::vector<std::string> argv = w->second.argv;
        std::vector<std::string_view> views(argv.begin(), argv.end());
        if (rerun(*client, views)) Release(*client);
      }
    }
  }
  serving_ = false;
}

void BlockingRegistry::ExpireTimeouts(int64_t now_ms) {
  std::vector<Client*> due;
  for (auto& [client, w] : waiters_) {
    if (w.deadline_ms != 0 && w.deadline_ms <= now_ms) due.push_back(const_cast<Client*>(client));
  }
  for (Client* client : due) Unblock(*client, {});
}

bool BlockingRegistry::Unblock(Client& client, std::string_view error) {
  auto w = waiters_.find(&client);
  if (w == waiters_.end()) return false;
  if (!error.empty()) {
    client.reply().Error(error);
  } else {
    client.reply().NullArray();
  }
  Release(client);
  return true;
}

void BlockingRegistry::Remove(Client& client) { Forget(client); }

void BlockingRegistry::Forget(Client& client) {
  auto w = waiters_.find(&client);
  if (w == waiters_.end()) return;
  for (const std::string& key : w->second.keys) {
    std::string id = DbKeyId(w->second.db, key);
    auto it = by_key_.find(id);
    if (it == by_key_.end()) continue;
    std::erase(it->second, &client);
    if (it->second.empty()) by_key_.erase(it);
  }
  waiters_.erase(w);
  client.blocked = false;
}

void BlockingRegistry::Release(Client& client) {
  Forget(client);
  client.connection().Flush();
  client.connection().ResumeServed();
}

}  // namespace tandem::commands
