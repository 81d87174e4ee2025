// bytewise/diff.hpp: what changed between two snapshots of the same program.
//
// Objects are matched by id and type name: an id reused by an object of another type is
// one object freed and another appeared. Only objects the policy counts take part: those a
// root reaches through references the policy follows, less the interpreter's shared ones
// unless the policy includes them.
#pragma once

#include <bytewise/policy.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <vector>

namespace bytewise {

enum class change_kind : std::uint8_t { appeared, freed, grew, shrank };

struct object_change {
  change_kind kind = change_kind::appeared;
  std::uint32_t before = no_node;  // node in the first snapshot (no_node if appeared)
  std::uint32_t after = no_node;   // node in the second snapshot (no_node if freed)
  std::uint64_t before_bytes = 0;
  std::uint64_t after_bytes = 0;
};

struct change_total {
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;  // appeared/freed: their sizes; grew/shrank: the size change
};

struct snapshot_diff {
  change_total appeared, freed, grew, shrank, unchanged;
  std::int64_t net_bytes = 0;          // after minus before, over counted objects
  std::vector<object_change> largest;  // the top_n changes by bytes changed
};

snapshot_diff diff_snapshots(const snapshot& before, const snapshot& after, const traversal_policy& policy = {},
                             std::uint32_t top_n = 20);

}  // namespace bytewise
