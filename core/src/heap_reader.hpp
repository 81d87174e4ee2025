// Bounds-checked reads of a copy of another process's memory: the heap walker's only way
// to look at an object (see bytewise/heap_walk.hpp).
#pragma once

#include <bytewise/heap_walk.hpp>

#include "object_offsets.hpp"

#include <bit>
#include <cstdint>
#include <cstring>
#include <optional>

namespace bytewise::detail {

// Every read of the walk goes through here: a bounds check against the copy (and, for a
// copy filled as it is read, a look at its page bits) and a load, inlined (no call per read). Little-endian, as
// CPython's memory on wasm32 is.
class heap_reader {
 public:
  heap_reader(const copied_heap& heap, unsigned pointer_size)
      : data_(heap.span().data()),
        base_(heap.base()),
        size_(heap.span().size()),
        pages_(heap.pages()),
        pointer_size_(pointer_size) {}

  [[gnu::always_inline]] const std::uint8_t* bytes(std::uint64_t address, std::uint64_t length) const {
    if (length == 0) length = 1;
    if (address < base_ || length > size_ || address - base_ > size_ - length) return nullptr;
    if (pages_ && !pages_->ensure(address - base_, length)) return nullptr;
    read_ += length;
    return data_ + (address - base_);
  }

  // The little-endian number of `size` bytes (at most 8) at `address`.
  [[gnu::always_inline]] std::optional<std::uint64_t> number(std::uint64_t address, unsigned size) const {
    const std::uint8_t* p = size >= 1 && size <= 8 ? bytes(address, size) : nullptr;
    if (!p) return std::nullopt;
    switch (size) {
      case 1: return *p;
      case 2: return load<std::uint16_t>(p);
      case 4: return load<std::uint32_t>(p);
      case 8: return load<std::uint64_t>(p);
      default: break;
    }
    std::uint64_t v = 0;
    for (unsigned i = size; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }
  [[gnu::always_inline]] std::optional<std::uint64_t> field(std::uint64_t object, field_at f) const {
    if (!f.present()) return std::nullopt;
    return number(object + static_cast<std::uint64_t>(static_cast<std::int64_t>(f.offset)), f.size);
  }
  // A signed field (Py_ssize_t offsets such as tp_dictoffset).
  std::optional<std::int64_t> signed_field(std::uint64_t object, field_at f) const {
    const auto v = field(object, f);
    if (!v) return std::nullopt;
    const unsigned bits = 8u * f.size;
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    return bits == 64 ? static_cast<std::int64_t>(*v) : static_cast<std::int64_t>((*v ^ sign) - sign);
  }
  [[gnu::always_inline]] std::optional<std::uint64_t> pointer(std::uint64_t address) const {
    return number(address, pointer_size_);
  }
  // The pointer-sized little-endian number at p (bytes already checked).
  [[gnu::always_inline]] std::uint64_t pointer_at(const std::uint8_t* p) const {
    return pointer_size_ == 4 ? load<std::uint32_t>(p) : load<std::uint64_t>(p);
  }
  std::optional<double> real(std::uint64_t address) const {
    const std::uint8_t* p = bytes(address, sizeof(double));
    if (!p) return std::nullopt;
    double v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  unsigned pointer_size() const { return pointer_size_; }
  std::uint64_t bytes_read() const { return read_; }

 private:
  template <typename T>
  static std::uint64_t load(const std::uint8_t* p) {
    static_assert(std::endian::native == std::endian::little, "the walker reads little-endian memory natively");
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  const std::uint8_t* data_;
  std::uint64_t base_;
  std::uint64_t size_;
  heap_pages* pages_;  // null: the copy is whole
  unsigned pointer_size_;
  mutable std::uint64_t read_ = 0;
};

}  // namespace bytewise::detail
