// bytewise/dominators.hpp: retained sizes, from the dominator tree.
//
//   retained  the bytes that deleting this object alone would free: its own size plus
//             every object that can only be reached through it. For a variable: what
//             `del name` would free.
//
// Object A dominates B when every path from the roots to B passes through A. The graph
// gets one virtual node per root variable (so `a = b = x` makes neither variable retain x)
// and one virtual super-root above them, which also points at every object the
// interpreter holds for good (immortal objects, cached small ints): deleting a variable
// never frees those, so no variable or object retains them. Retained(A) is the sum of shallow sizes
// in A's dominator subtree. Computed with the semi-NCA algorithm (Georgiadis, Tarjan), iterative.
// Cost: O((nodes + edges) log nodes) worst case, near-linear in practice.
#pragma once

#include <bytewise/policy.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <vector>

namespace bytewise {

struct dominator_tree {
  // Per object: its immediate dominator, an object index, or one of the markers below;
  // no_node when no root reaches it.
  std::vector<std::uint32_t> idom;
  std::vector<std::uint64_t> retained;       // per object, bytes (0 where unreachable)
  std::vector<std::uint64_t> root_retained;  // per root variable: what `del name` frees

  // idom value for objects dominated by a single root variable only (not by any object):
  // root_marker + r for variable r, or super_root when several variables share them.
  static constexpr std::uint32_t super_root = 0xFFFF'FFFEu;
  static constexpr std::uint32_t root_marker = 0x8000'0000u;
};

// Precondition: g = follow(snap, policy). Object counts up to 2^31 - 2.
dominator_tree dominators(const snapshot& snap, const followed_graph& g);

}  // namespace bytewise
