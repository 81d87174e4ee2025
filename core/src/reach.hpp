// Which roots reach each component of the condensation, 64 roots at a time: the one
// propagation behind every per-root sum (sizes.cpp's deep sizes, analysis.cpp's modelled
// ones). Components are visited from the highest number down, each pushing its mask of
// "roots of this chunk that reach me" to the components it points to; every condensation
// edge points to a lower number, so a component's mask is complete when it is reached.
#pragma once

#include <bytewise/cycles.hpp>
#include <bytewise/policy.hpp>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace bytewise::detail {

// Calls visit(c, mask) for each component some root of [first, last) reaches (at most 64
// roots: bit i of mask is root first + i). `mask` is scratch of comps.count() words.
template <typename Visit>
void propagate_roots(const followed_graph& g, const components& comps, std::uint32_t first, std::uint32_t last,
                     std::vector<std::uint64_t>& mask, Visit&& visit) {
  const std::uint32_t comp_count = comps.count();
  mask.assign(comp_count, 0);
  for (std::uint32_t r = first; r < last; ++r) {
    if (g.root_nodes[r] != no_node) mask[comps.of[g.root_nodes[r]]] |= std::uint64_t{1} << (r - first);
  }
  for (std::uint32_t c = comp_count; c-- > 0;) {
    const std::uint64_t m = mask[c];
    if (m == 0) continue;
    for (std::uint32_t i = comps.succ_offsets[c]; i < comps.succ_offsets[c + 1]; ++i) mask[comps.succ[i]] |= m;
    visit(c, m);
  }
}

// Calls f(first + i) for each bit i of mask.
template <typename F>
void for_each_bit(std::uint32_t first, std::uint64_t mask, F&& f) {
  for (std::uint64_t rest = mask; rest != 0; rest &= rest - 1) {
    f(first + static_cast<std::uint32_t>(std::countr_zero(rest)));
  }
}

}  // namespace bytewise::detail
