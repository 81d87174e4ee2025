// An open-addressing hash index from object addresses to 32-bit values (node numbers,
// indices into a side table), for the heap walker's "have I seen this object?" over
// millions of objects with no allocation per entry.
//
//   std::vector<std::uint64_t> addresses;                 // addresses[v]: the key of value v
//   auto key_of = [&](std::uint32_t v) { return addresses[v]; };
//   detail::address_index seen;
//   auto [v, added] = seen.find_or_add(address, next, key_of);  // one probe sequence for both
//   if (added) addresses.push_back(address);
//
// The index keeps values only, with the low 32 bits of their key beside them: the full key
// lives with the caller (the snapshot's address column, a type's record), so an entry costs
// 8 bytes a bucket, about 11 bytes with the buckets kept at most 3/4 full. Linear probing
// over a power-of-two bucket count; multiplicative hashing spreads 8-aligned neighbours.
// Growing rehashes into twice the buckets. Any 64-bit key works (0 too).
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace bytewise::detail {

class address_index {
 public:
  static constexpr std::uint32_t none = 0xFFFF'FFFFu;

  std::uint32_t size() const { return count_; }

  // Room for `n` entries without growing, in an empty table.
  void reserve(std::uint64_t n) {
    if (buckets_.empty()) rehash(buckets_for(n));
  }
  // Room for `n` entries without growing, rehashing the entries there are (one rehash
  // instead of the doublings that would reach the same size).
  template <typename KeyOf>
  void reserve(std::uint64_t n, KeyOf&& key_of) {
    const std::uint64_t buckets = buckets_for(n);
    if (buckets > buckets_.size()) grow(buckets, key_of);
  }

  // The value stored under `key`, or none. `key_of(value)` gives a stored value's key.
  template <typename KeyOf>
  std::uint32_t find(std::uint64_t key, KeyOf&& key_of) const {
    if (buckets_.empty()) return none;
    const auto low = static_cast<std::uint32_t>(key);
    for (std::uint64_t i = bucket(key);; i = (i + 1) & mask_) {
      const slot& s = buckets_[i];
      if (s.value == none) return none;
      if (s.key_low == low && key_of(s.value) == key) return s.value;
    }
  }

  // The value stored under `key`, or `value` newly stored there: {value, true when added}.
  // Precondition: value != none, and key_of(value) will be `key` when it is added.
  template <typename KeyOf>
  std::pair<std::uint32_t, bool> find_or_add(std::uint64_t key, std::uint32_t value, KeyOf&& key_of) {
    if (4 * (static_cast<std::uint64_t>(count_) + 1) > 3 * buckets_.size()) {
      grow(key_of);
    }
    const auto low = static_cast<std::uint32_t>(key);
    for (std::uint64_t i = bucket(key);; i = (i + 1) & mask_) {
      slot& s = buckets_[i];
      if (s.value == none) {
        s = {low, value};
        ++count_;
        return {value, true};
      }
      if (s.key_low == low && key_of(s.value) == key) return {s.value, false};
    }
  }

 private:
  struct slot {
    std::uint32_t key_low = 0;
    std::uint32_t value = none;
  };

  std::uint64_t bucket(std::uint64_t key) const { return (key * 0x9E3779B97F4A7C15ull) >> shift_; }

  static std::uint64_t buckets_for(std::uint64_t n) {
    std::uint64_t buckets = 16;
    while (buckets * 3 < n * 4) buckets <<= 1;
    return buckets;
  }

  template <typename KeyOf>
  void grow(KeyOf&& key_of) {
    grow(buckets_.empty() ? 16 : 2 * buckets_.size(), key_of);
  }
  template <typename KeyOf>
  void grow(std::uint64_t buckets, KeyOf&& key_of) {
    std::vector<slot> old;
    old.swap(buckets_);
    rehash(buckets);
    for (const slot& s : old) {
      if (s.value == none) continue;
      std::uint64_t i = bucket(key_of(s.value));
      while (buckets_[i].value != none) i = (i + 1) & mask_;
      buckets_[i] = s;
    }
  }

  // An empty table of `buckets` (a power of two); callers move entries in.
  void rehash(std::uint64_t buckets) {
    if (!buckets_.empty()) {
      // reserve() on a filled table: its entries' keys are not known here, so it keeps
      // the table it has (grow() rehashes with keys).
      return;
    }
    buckets_.assign(buckets, slot{});
    mask_ = buckets - 1;
    unsigned bits = 0;
    while ((std::uint64_t{1} << bits) < buckets) ++bits;
    shift_ = 64 - bits;
  }

  std::vector<slot> buckets_;
  std::uint64_t mask_ = 0;
  unsigned shift_ = 64;
  std::uint32_t count_ = 0;
};

}  // namespace bytewise::detail
