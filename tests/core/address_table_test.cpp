// Tests for the heap walker's address index (core/src/address_table.hpp): every key added
// is found with its value, a key is added once, keys that collide (same low 32 bits, or
// 0) stay apart, and growing keeps everything.
#include "address_table.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace bytewise::detail {
namespace {

struct keyed {
  std::vector<std::uint64_t> keys;
  address_index index;
  // Adds `key` if it is new; returns its value (its position in keys).
  std::uint32_t add(std::uint64_t key) {
    const auto [value, added] =
        index.find_or_add(key, static_cast<std::uint32_t>(keys.size()), [&](std::uint32_t v) { return keys[v]; });
    if (added) keys.push_back(key);
    return value;
  }
  std::uint32_t find(std::uint64_t key) const {
    return index.find(key, [&](std::uint32_t v) { return keys[v]; });
  }
};

TEST(address_index, finds_every_key_it_was_given_across_growth) {
  keyed t;
  for (std::uint64_t i = 0; i < 100'000; ++i) EXPECT_EQ(t.add(0x10000 + 24 * i), i);
  EXPECT_EQ(t.index.size(), 100'000u);
  for (std::uint64_t i = 0; i < 100'000; ++i) ASSERT_EQ(t.find(0x10000 + 24 * i), i);
  EXPECT_EQ(t.find(0x10000 + 24 * 100'000), address_index::none);
  EXPECT_EQ(t.find(8), address_index::none);
}

TEST(address_index, adds_a_key_once) {
  keyed t;
  EXPECT_EQ(t.add(0x1008), 0u);
  EXPECT_EQ(t.add(0x2008), 1u);
  EXPECT_EQ(t.add(0x1008), 0u);
  EXPECT_EQ(t.index.size(), 2u);
}

TEST(address_index, tells_apart_keys_that_share_their_low_bits_and_the_key_zero) {
  keyed t;
  EXPECT_EQ(t.add(0), 0u);
  EXPECT_EQ(t.add(0x1'0000'0000ull), 1u);  // low 32 bits 0, as the key 0's
  EXPECT_EQ(t.add(0x2'0000'0000ull), 2u);
  EXPECT_EQ(t.find(0), 0u);
  EXPECT_EQ(t.find(0x1'0000'0000ull), 1u);
  EXPECT_EQ(t.find(0x2'0000'0000ull), 2u);
  EXPECT_EQ(t.find(0x3'0000'0000ull), address_index::none);
}

TEST(address_index, keeps_its_entries_when_reserved_ahead) {
  keyed t;
  t.index.reserve(1000);
  for (std::uint64_t i = 1; i <= 1000; ++i) t.add(i << 40);
  for (std::uint64_t i = 1; i <= 1000; ++i) ASSERT_EQ(t.find(i << 40), i - 1);
}

TEST(address_index, keeps_its_entries_when_a_filled_table_is_reserved_for_more) {
  keyed t;
  for (std::uint64_t i = 1; i <= 100; ++i) t.add(i * 8);
  t.index.reserve(100'000, [&](std::uint32_t v) { return t.keys[v]; });
  for (std::uint64_t i = 1; i <= 100; ++i) ASSERT_EQ(t.find(i * 8), i - 1);
  EXPECT_EQ(t.find(101 * 8), address_index::none);
  for (std::uint64_t i = 101; i <= 100'000; ++i) t.add(i * 8);
  for (std::uint64_t i = 1; i <= 100'000; ++i) ASSERT_EQ(t.find(i * 8), i - 1);
  EXPECT_EQ(t.index.size(), 100'000u);
}

}  // namespace
}  // namespace bytewise::detail
