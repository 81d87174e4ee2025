// libFuzzer target: the heap walker on mutated memory. The fuzzer's bytes overwrite the
// start of a small CPython 3.14 wasm32 heap image (tests/core/heap_image.hpp: type objects,
// a list, a float, a str), so every header, size, pointer and string can be any value:
// whatever the memory says, the walk must return (no crash, no hang, no read outside the
// view) and whatever it returns must be a snapshot the reader accepts.
//
//   tools/test.mjs fuzz   (builds with clang++-14 -fsanitize=fuzzer,address,undefined)
#include "../core/heap_image.hpp"

#include <bytewise/heap_walk.hpp>
#include <bytewise/snapshot.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

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
  return 0;
}
