#include "server/store/entry.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace tandem::store {
namespace {

// A non-string value that records its destruction.
class FakeSet final : public Object {
 public:
  explicit FakeSet(int* destroyed) : destroyed_(destroyed) {}
  ~FakeSet() override { ++*destroyed_; }
  ValueType type() const override { return ValueType::kSet; }
  std::string_view encoding() const override { return "intset"; }
  std::unique_ptr<Object> Clone() const override { return std::make_unique<FakeSet>(destroyed_); }

 private:
  int* destroyed_;
};

// Frees the entry at the end of a test.
struct EntryDeleter {
  void operator()(Entry* e) const { Entry::Destroy(e); }
};
using EntryPtr = std::unique_ptr<Entry, EntryDeleter>;

const char* BlockStart(const Entry* e) { return reinterpret_cast<const char*>(e); }

TEST(EntryTest, StringLayoutIsHeaderThenKeyThenValue) {
  EntryPtr e(Entry::NewString("key", "value", false));
  EXPECT_EQ(e->key(), "key");
  EXPECT_EQ(e->string_value(), "value");
  EXPECT_TRUE(e->is_string());
  EXPECT_FALSE(e->has_expire());
  EXPECT_EQ(e->key().data(), BlockStart(e.get()) + sizeof(Entry));
  EXPECT_EQ(e->string_value().data(), e->key().data() + 3);

  EntryPtr v(Entry::NewString("key", "value", true));
  EXPECT_TRUE(v->has_expire());
  EXPECT_EQ(v->expire_ms(), 0);
  EXPECT_EQ(v->key().data(), BlockStart(v.get()) + sizeof(Entry) + 8);
  EXPECT_EQ(v->string_value(), "value");
}

TEST(EntryTest, SmallKeyAndValueFitOneSmallBlock) {
  EntryPtr e(Entry::NewString(std::string(16, 'k'), std::string(16, 'v'), false));
  EXPECT_GE(e->block_size(), sizeof(Entry) + 32);
  EXPECT_LT(e->block_size(), 64u);  // one 64-byte malloc chunk, header included
}

TEST(EntryTest, BinaryKeysAndValues) {
  std::string key("a\0b\r\n", 5), value("\0\0x\0", 4);
  EntryPtr e(Entry::NewString(key, value, false));
  EXPECT_EQ(e->key(), key);
  EXPECT_EQ(e->string_value(), value);
}

TEST(EntryTest, EncodingOfNewStrings) {
  EXPECT_EQ(EncodingForNewString("123"), StringEncoding::kInt);
  EXPECT_EQ(EncodingForNewString("-9223372036854775808"), StringEncoding::kInt);
  EXPECT_EQ(EncodingForNewString("9223372036854775808"), StringEncoding::kEmbstr);
  EXPECT_EQ(EncodingForNewString("0123"), StringEncoding::kEmbstr);
  EXPECT_EQ(EncodingForNewString(""), StringEncoding::kEmbstr);
  EXPECT_EQ(EncodingForNewString(std::string(44, 'x')), StringEncoding::kEmbstr);
  EXPECT_EQ(EncodingForNewString(std::string(45, 'x')), StringEncoding::kRaw);
  EntryPtr e(Entry::NewString("k", "42", false));
  EXPECT_EQ(e->string_encoding(), StringEncoding::kInt);
  e->set_raw_encoding();
  EXPECT_EQ(e->string_encoding(), StringEncoding::kRaw);
  e->set_string_encoding(StringEncoding::kEmbstr);
  EXPECT_EQ(e->string_encoding(), StringEncoding::kEmbstr);
}

TEST(EntryTest, ObjectEntryOwnsItsObject) {
  int destroyed = 0;
  auto obj = std::make_unique<FakeSet>(&destroyed);
  Object* raw = obj.get();
  Entry* e = Entry::NewObject("s", std::move(obj), false);
  EXPECT_EQ(e->type(), ValueType::kSet);
  EXPECT_FALSE(e->is_string());
  EXPECT_EQ(e->object(), raw);
  EXPECT_EQ(e->key(), "s");
  Entry::Destroy(e);
  EXPECT_EQ(destroyed, 1);
}

TEST(EntryTest, AddingAndRemovingTheExpireSlotKeepsKeyAndValue) {
  std::string value(100, 'v');
  Entry* e = Entry::NewString("some-key", value, false);
  e->set_access(1234);
  e = Entry::AddExpireSlot(e);
  ASSERT_TRUE(e->has_expire());
  e->set_expire_ms(1'700'000'000'123);
  EXPECT_EQ(e->key(), "some-key");
  EXPECT_EQ(e->string_value(), value);
  EXPECT_EQ(e->expire_ms(), 1'700'000'000'123);
  EXPECT_EQ(e->access(), 1234u);
  EXPECT_EQ(Entry::AddExpireSlot(e), e);  // already there: nothing to do

  e = Entry::RemoveExpireSlot(e);
  EXPECT_FALSE(e->has_expire());
  EXPECT_EQ(e->key(), "some-key");
  EXPECT_EQ(e->string_value(), value);
  EXPECT_EQ(e->access(), 1234u);
  Entry::Destroy(e);
}

TEST(EntryTest, ExpireSlotOnAnObjectEntryKeepsTheObject) {
  int destroyed = 0;
  auto obj = std::make_unique<FakeSet>(&destroyed);
  Object* raw = obj.get();
  Entry* e = Entry::AddExpireSlot(Entry::NewObject("s", std::move(obj), false));
  e->set_expire_ms(77);
  EXPECT_EQ(e->object(), raw);
  EXPECT_EQ(e->key(), "s");
  e = Entry::RemoveExpireSlot(e);
  EXPECT_EQ(e->object(), raw);
  EXPECT_EQ(destroyed, 0);
  Entry::Destroy(e);
  EXPECT_EQ(destroyed, 1);
}

TEST(EntryTest, ResizeStringKeepsBytesAndAmortisesGrowth) {
  Entry* e = Entry::NewString("k", "abc", true);
  e->set_expire_ms(99);
  e = Entry::ResizeString(e, 1000);
  ASSERT_EQ(e->string_value().size(), 1000u);
  EXPECT_EQ(e->string_value().substr(0, 3), "abc");
  EXPECT_EQ(e->expire_ms(), 99);
  EXPECT_EQ(e->key(), "k");
  // Growth leaves room: the next few appends do not move the block.
  size_t block = e->block_size();
  EXPECT_GE(block, sizeof(Entry) + 8 + 1 + 2000);
  Entry* same = Entry::ResizeString(e, 1500);
  EXPECT_EQ(same, e);
  EXPECT_EQ(same->block_size(), block);
  // Shrinking only sets the length.
  e = Entry::ResizeString(e, 2);
  EXPECT_EQ(e->string_value(), "ab");
  Entry::Destroy(e);
}

TEST(EntryTest, AssignStringReusesAFittingBlockOnly) {
  Entry* e = Entry::NewString("k", std::string(40, 'a'), true);
  e->set_expire_ms(5);
  e->set_access(7);
  e->volatile_index = 3;
  Entry* same = Entry::AssignString(e, "12");
  EXPECT_EQ(same, e);
  EXPECT_EQ(same->string_value(), "12");
  EXPECT_EQ(same->string_encoding(), StringEncoding::kInt);

  Entry* big = Entry::AssignString(same, std::string(1000, 'b'));
  EXPECT_EQ(big->string_value(), std::string(1000, 'b'));
  // A much smaller value gets a new block rather than keeping the large one.
  Entry* small = Entry::AssignString(big, "x");
  EXPECT_NE(small, big);
  EXPECT_LT(small->block_size(), 100u);
  EXPECT_EQ(small->string_value(), "x");
  EXPECT_EQ(small->key(), "k");
  EXPECT_EQ(small->expire_ms(), 5);
  EXPECT_EQ(small->access(), 7u);
  EXPECT_EQ(small->volatile_index, 3u);
  Entry::Destroy(small);
}

TEST(EntryTest, AssignStringReplacesAnObject) {
  int destroyed = 0;
  Entry* e = Entry::NewObject("k", std::make_unique<FakeSet>(&destroyed), false);
  e = Entry::AssignString(e, "v");
  EXPECT_EQ(destroyed, 1);
  EXPECT_TRUE(e->is_string());
  EXPECT_EQ(e->string_value(), "v");
  Entry::Destroy(e);
}

TEST(EntryTest, CloneAsCopiesValueExpiryAndAccess) {
  int destroyed = 0;
  Entry* s = Entry::NewString("a", "hello", true);
  s->set_expire_ms(42);
  s->set_access(9);
  s->set_raw_encoding();
  EntryPtr copy(Entry::CloneAs(s, "b"));
  EXPECT_EQ(copy->key(), "b");
  EXPECT_EQ(copy->string_value(), "hello");
  EXPECT_EQ(copy->expire_ms(), 42);
  EXPECT_EQ(copy->access(), 9u);
  EXPECT_EQ(copy->string_encoding(), StringEncoding::kRaw);
  Entry::Destroy(s);

  Entry* o = Entry::NewObject("o", std::make_unique<FakeSet>(&destroyed), false);
  EntryPtr clone(Entry::CloneAs(o, "p"));
  EXPECT_NE(clone->object(), o->object());  // a deep copy
  EXPECT_EQ(clone->type(), ValueType::kSet);
  Entry::Destroy(o);
  EXPECT_EQ(destroyed, 1);
}

TEST(EntryTest, RekeyMovesTheObjectWithoutACopy) {
  int destroyed = 0;
  Entry* e = Entry::NewObject("old", std::make_unique<FakeSet>(&destroyed), true);
  e->set_expire_ms(11);
  e->set_access(22);
  Object* raw = e->object();
  Entry* moved = Entry::Rekey(e, "a-much-longer-new-key");
  EXPECT_EQ(destroyed, 0);
  EXPECT_EQ(moved->object(), raw);
  EXPECT_EQ(moved->key(), "a-much-longer-new-key");
  EXPECT_EQ(moved->expire_ms(), 11);
  EXPECT_EQ(moved->access(), 22u);
  Entry::Destroy(moved);
  EXPECT_EQ(destroyed, 1);

  Entry* s = Entry::Rekey(Entry::NewString("x", "value", false), "y");
  EXPECT_EQ(s->key(), "y");
  EXPECT_EQ(s->string_value(), "value");
  Entry::Destroy(s);
}

TEST(EntryTest, AccessDataIs24Bits) {
  EntryPtr e(Entry::NewString("k", "v", false));
  e->set_access(0x1FFFFFF);
  EXPECT_EQ(e->access(), 0xFFFFFFu);
}

}  // namespace
}  // namespace tandem::store
