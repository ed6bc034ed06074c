#pragma once
// PayloadReceiver: a full sync's RDB payload as a Redis 7.0 master sends it after +FULLRESYNC,
// written to a file (reference §1.4):
//   - any number of "\n" keep-alives (the master is still preparing the snapshot);
//   - a header line: "$<len>\r\n" (disk sync: exactly <len> bytes follow, then the stream), or
//     "$EOF:<40-byte mark>\r\n" (diskless: the payload ends with the mark, which is not part of
//     it; the master sends nothing after the mark before the replica's first REPLCONF ACK, so the
//     end is found, as Redis finds it, when the bytes received so far end with the mark);
//   - an error line ("-ERR ...") instead of the header fails the transfer.
//
// Owner: the master link, for one transfer; server thread only. The file is created by Open and
// removed by the destructor unless the payload was complete.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/base/status.h"

namespace tandem::replication {

class PayloadReceiver {
 public:
  enum class Result {
    kNeedMore,  // everything given was consumed; feed more
    kDone,      // the payload is complete, flushed and closed
    kError,     // error() says why; the transfer is over
  };

  PayloadReceiver() = default;
  PayloadReceiver(const PayloadReceiver&) = delete;
  PayloadReceiver& operator=(const PayloadReceiver&) = delete;
  ~PayloadReceiver();

  // Creates (or truncates) the file the payload goes to.
  base::Status Open(const std::string& path);

  // Takes the next bytes from the master. kDone: *consumed is the number of bytes of `input` that
  // belonged to the payload (the rest is the command stream); otherwise all of it was consumed.
  Result Feed(std::string_view input, size_t* consumed);

  const std::string& error() const { return error_; }
  const std::string& path() const { return path_; }
  // master_sync_total_bytes: -1 until the header arrives, 0 with the EOF framing (the size is not
  // known), else the announced size.
  int64_t total_size() const { return total_; }
  // master_sync_read_bytes: payload bytes received so far (with the EOF framing, including the
  // mark's bytes once they arrive).
  int64_t received() const { return received_; }
  // The header has arrived (the master started sending the payload).
  bool started() const { return total_ >= 0; }

 private:
  Result FeedHeader(std::string_view input, size_t* consumed);
  Result FeedSized(std::string_view input, size_t* consumed);
  Result FeedMarked(std::string_view input, size_t* consumed);
  // Writes payload bytes to the file; false (with error_) on failure.
  bool Write(std::string_view bytes);
  Result Finish();
  Result Fail(std::string message);

  std::string path_;
  int fd_ = -1;
  bool complete_ = false;
  std::string error_;
  std::string line_;  // a header line received in part
  int64_t total_ = -1;
  int64_t received_ = 0;
  std::string mark_;  // the EOF framing's mark (empty: sized framing)
  // EOF framing: the last bytes received, held back from the file because they may be the mark.
  std::string tail_;
  int64_t unsynced_ = 0;  // bytes written since the last fsync
};

}  // namespace tandem::replication
