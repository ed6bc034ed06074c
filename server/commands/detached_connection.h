#pragma once
// The transport of a client that has no socket (the Lua script client, the AOF loader): nothing
// to resume, flush or close, and its replies stay in the client's buffer for whoever reads them.

#include <string>

#include "server/commands/client.h"

namespace tandem::commands {

class DetachedConnection final : public ClientConnection {
 public:
  // `peer` is what CLIENT LIST and MONITOR show as its address ("lua" for scripts).
  explicit DetachedConnection(std::string peer = "") : peer_(std::move(peer)) {}
  void CloseAfterReply() override {}
  void Resume() override {}
  void ResumeServed() override {}
  void Flush() override {}
  std::string PeerAddress() const override { return peer_; }
  std::string LocalAddress() const override { return ""; }
  int Fd() const override { return -1; }
  size_t QueryBufferSize() const override { return 0; }
  size_t QueryBufferFree() const override { return 0; }
  size_t OutputBufferSize() const override { return 0; }
  void SetAuthenticated(bool) override {}

 private:
  std::string peer_;
};

}  // namespace tandem::commands
