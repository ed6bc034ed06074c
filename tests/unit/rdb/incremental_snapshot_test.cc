#include "server/rdb/incremental_snapshot.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>

#include "server/rdb/crc64.h"
#include "server/rdb/rdb_format.h"
#include "server/store/set_object.h"
#include "server/store/snapshot_cursor.h"

namespace tandem::rdb {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

struct Written {
  std::string bytes;
  std::vector<size_t> chunk_sizes;
};

// Writes `ks` through a SnapshotCursor, `budget` keys per step, with writes between steps.
Written WriteIncrementally(store::Keyspace& ks, size_t budget, bool checksum = true,
                           bool compress = true) {
  Written out;
  SnapshotWriteOptions options;
  options.checksum = checksum;
  options.compress = compress;
  IncrementalSnapshotWriter writer(options, [&](std::string_view chunk) {
    out.bytes.append(chunk);
    out.chunk_sizes.push_back(chunk.size());
    return base::Status::Ok();
  });
  SnapshotAux aux;
  aux.redis_version = "7.0.15";
  writer.Begin({"#!lua name=lib\nredis.register_function('f', function() return 1 end)"}, aux);
  store::SnapshotCursor cursor(ks, [&](int db, const store::Entry& e) { writer.Add(db, e); });
  int round = 0;
  while (!cursor.Step(budget)) {
    // Overwrite a key written or not yet written: the file must keep the old value.
    std::string key = "k" + std::to_string(round++ % 50);
    cursor.Preserve(0, key);
    ks.db(0).SetString(key, "changed", false);
  }
  EXPECT_TRUE(writer.End().ok());
  return out;
}

TEST(IncrementalSnapshotTest, LoadsBackAsTheKeyspaceWasAtTheStart) {
  store::Keyspace source(4, 1);
  for (int i = 0; i < 50; ++i) {
    source.db(0).SetString("k" + std::to_string(i), "v" + std::to_string(i), false);
  }
  store::Entry* e = source.db(2).SetString("ttl", "x", false);
  source.db(2).SetExpire(e, kNow + 60'000);
  auto set = std::make_unique<store::SetObject>();
  set->Add("a", 512);
  set->Add("b", 512);
  source.db(3).Add(store::Entry::NewObject("set", std::move(set), false));

  Written file = WriteIncrementally(source, 3);
  EXPECT_EQ(file.bytes.substr(0, 9), "REDIS0010");
  uint64_t crc = 0;
  for (int i = 0; i < 8; ++i) {
    crc |= static_cast<uint64_t>(static_cast<uint8_t>(file.bytes[file.bytes.size() - 8 + i]))
           << (8 * i);
  }
  EXPECT_EQ(crc, Crc64(0, std::string_view(file.bytes).substr(0, file.bytes.size() - 8)));

  store::Keyspace target(4, 2);
  SnapshotLoadOptions options;
  options.now_ms = kNow;
  base::StatusOr<SnapshotLoadResult> loaded = LoadSnapshot(file.bytes, target, options);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->keys_loaded, 52u);
  ASSERT_EQ(loaded->function_codes.size(), 1u);
  EXPECT_EQ(target.db(0).size(), 50u);
  for (int i = 0; i < 50; ++i) {
    store::Entry* got = target.db(0).Find("k" + std::to_string(i));
    ASSERT_NE(got, nullptr);
    EXPECT_EQ(got->string_value(), "v" + std::to_string(i));
  }
  ASSERT_NE(target.db(2).Find("ttl"), nullptr);
  EXPECT_EQ(target.db(2).Find("ttl")->expire_ms(), kNow + 60'000);
  ASSERT_NE(target.db(3).Find("set"), nullptr);
  EXPECT_EQ(target.db(3).Find("set")->type(), store::ValueType::kSet);
  // The source did change meanwhile.
  EXPECT_EQ(source.db(0).Find("k0")->string_value(), "changed");
}

TEST(IncrementalSnapshotTest, ChunksAreBoundedAndChecksumCanBeOff) {
  store::Keyspace source(1, 1);
  std::string big(1000, 'x');
  for (int i = 0; i < 500; ++i) {
    big[0] = static_cast<char>('a' + i % 26);
    big[1] = static_cast<char>('a' + i / 26);
    source.db(0).SetString("k" + std::to_string(i), big + std::to_string(i * 7919), false);
  }
  // Uncompressed: LZF would shrink these values to a chunk or two.
  Written file = WriteIncrementally(source, 100, /*checksum=*/false, /*compress=*/false);
  EXPECT_GT(file.chunk_sizes.size(), 2u);
  for (size_t size : file.chunk_sizes) EXPECT_LT(size, 2u * 64 * 1024);
  EXPECT_EQ(file.bytes.substr(file.bytes.size() - 8), std::string(8, '\0'));
  store::Keyspace target(1, 2);
  SnapshotLoadOptions options;
  options.now_ms = kNow;
  base::StatusOr<SnapshotLoadResult> loaded = LoadSnapshot(file.bytes, target, options);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(loaded->keys_loaded, 500u);
}

TEST(IncrementalSnapshotTest, ASinkErrorIsKeptAndStopsTheWrites) {
  int calls = 0;
  SnapshotWriteOptions options;
  options.compress = false;
  IncrementalSnapshotWriter writer(options, [&](std::string_view) {
    ++calls;
    return base::Status::IoError("disk full");
  });
  SnapshotAux aux;
  aux.redis_version = "7.0.15";
  writer.Begin({}, aux);
  store::Entry* e = store::Entry::NewString("k", std::string(70'000, 'z'), false);
  writer.Add(0, *e);
  writer.Add(0, *e);
  store::Entry::Destroy(e);
  EXPECT_FALSE(writer.status().ok());
  EXPECT_EQ(writer.End().message(), "disk full");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace tandem::rdb
