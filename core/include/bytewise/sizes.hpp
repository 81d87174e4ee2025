// bytewise/sizes.hpp: shallow and deep sizes of a snapshot's roots.
//
// Definitions (shown in the UI's help too):
//   shallow  sys.getsizeof(o): the object's own block, not what it points to.
//   deep     the sum of shallow sizes over every distinct object reachable from the root
//            through the snapshot's edges, each object counted once however many
//            references lead to it, cycles included.
// All walks are iterative: a list nested 100,000 deep costs memory, not stack.
#pragma once

#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <vector>

namespace bytewise {

struct root_size {
  std::uint32_t node = 0;
  std::uint64_t shallow = 0;  // bytes
  std::uint64_t deep = 0;     // bytes
  std::uint64_t objects = 0;  // distinct objects reachable, the root included
};

struct root_sizes {
  std::vector<root_size> roots;  // parallel to snapshot::roots
  std::uint64_t total_deep = 0;     // deep size of all roots together (shared counted once)
  std::uint64_t total_objects = 0;  // distinct objects reachable from any root
};

// Precondition: `snap` was accepted by read_snapshot (or built by snapshot_builder).
// Cost: O(roots x reachable) time, O(nodes) extra memory.
root_sizes measure_roots(const snapshot& snap);

}  // namespace bytewise
