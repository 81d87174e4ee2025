// libFuzzer target: the heap walker on mutated memory. The fuzzer's bytes overwrite the
// start of a small CPython 3.14 wasm32 heap image (tests/core/heap_image.hpp: type objects,
// a list, a float, a str), so every header, size, pointer and string can be any value:
// whatever the memory says, the walk must return (no crash, no hang, no read outside the
// view) and whatever it returns must be a snapshot the reader accepts. The same memory is
// walked again through a copy filled page by page as it is read (a trace's steps), which
// must give the same snapshot.
//
//   tools/test.mjs fuzz   (builds with clang++-14 -fsanitize=fuzzer,address,undefined)
#include "../core/heap_image.hpp"

#include <bytewise/heap_walk.hpp>
#include <bytewise/snapshot.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  bytewise::test::heap_image img;
  // The first bytes choose where the mutation lands; the rest are written there.
  if (size < 2) return 0;
  const std::size_t at = (static_cast<std::size_t>(data[0]) << 4 | data[1] >> 4) % img.bytes.size();
  const std::size_t n = std::min(size - 2, img.bytes.size() - at);
  std::copy(data + 2, data + 2 + n, img.bytes.begin() + static_cast<std::ptrdiff_t>(at));
  const auto heap = img.view();
  auto walked = bytewise::walk_heap(heap, img.setup);
  if (!walked) std::abort();  // the setup is good: any memory gives a walk
  if (walked->snap.graph.node_count() > img.setup.object_cap) std::abort();
  const auto bytes = bytewise::write_snapshot(walked->snap);
  const auto read = bytewise::read_snapshot(bytes);
  if (!read) {
    for (const auto& d : read.errors()) std::fprintf(stderr, "%s\n", bytewise::to_string(d).c_str());
    std::abort();
  }
  struct source {
    const std::vector<std::uint8_t>& from;
    std::vector<std::uint8_t> block;
  } copy{img.bytes, std::vector<std::uint8_t>(img.bytes.size(), 0xAB)};
  bytewise::heap_pages pages(
      copy.block.size(),
      [](void* self, std::uint64_t offset, std::uint64_t length) {
        auto& c = *static_cast<source*>(self);
        std::copy_n(c.from.begin() + static_cast<std::ptrdiff_t>(offset), length,
                    c.block.begin() + static_cast<std::ptrdiff_t>(offset));
        return true;
      },
      &copy);
  auto paged = bytewise::walk_heap(bytewise::copied_heap(img.base, copy.block, &pages), img.setup);
  if (!paged || bytewise::write_snapshot(paged->snap) != bytes) std::abort();
  return 0;
}
