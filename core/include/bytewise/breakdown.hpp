// bytewise/breakdown.hpp: where the bytes are, by type and by object.
#pragma once

#include <bytewise/cycles.hpp>
#include <bytewise/dominators.hpp>
#include <bytewise/policy.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace bytewise {

struct type_total {
  std::string type;
  std::uint64_t objects = 0;
  std::uint64_t bytes = 0;  // sum of shallow sizes
};

// Objects reachable from the roots, grouped by type name, most bytes first (then name).
std::vector<type_total> totals_by_type(const snapshot& snap, const components& comps);

struct ranked_object {
  std::uint32_t node = 0;
  std::uint64_t bytes = 0;
  // False only in largest_by_deep when its work limit stopped it: `bytes` is then an upper
  // bound, not the deep size.
  bool exact = true;
};

// The `n` reachable objects with the largest shallow size (ties: lower node first).
std::vector<ranked_object> largest_by_shallow(const snapshot& snap, const components& comps, std::uint32_t n);

// The `n` reachable objects with the largest retained size.
std::vector<ranked_object> largest_by_retained(const dominator_tree& dom, const components& comps, std::uint32_t n);

// The `n` reachable objects with the largest deep size. Deep sizes of all objects would
// cost O(nodes x edges); instead an upper bound per component (its size plus its
// successors' bounds) orders the candidates and exact walks run until no remaining bound
// can beat the n-th result. `work_limit` caps the walks' total steps (0: 16 x (nodes +
// edges)); past it, remaining entries carry bounds and exact = false.
std::vector<ranked_object> largest_by_deep(const snapshot& snap, const followed_graph& g, const components& comps,
                                           std::uint32_t n, std::uint64_t work_limit = 0);

}  // namespace bytewise
