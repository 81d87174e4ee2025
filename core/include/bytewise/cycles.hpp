// bytewise/cycles.hpp: strongly connected components of the followed graph, and the
// reference cycles among them.
//
// A reference cycle (a = []; a.append(a), or two objects pointing at each other) is a
// strongly connected component with more than one object, or one object that refers to
// itself. Reference counting alone never frees a cycle; CPython's cycle collector does.
#pragma once

#include <bytewise/policy.hpp>

#include <cstdint>
#include <vector>

namespace bytewise {

struct components {
  // Per node: its component, or no_node when no root reaches it.
  std::vector<std::uint32_t> of;
  // Component c holds nodes[offsets[c] .. offsets[c + 1]).
  std::vector<std::uint32_t> offsets{0};
  std::vector<std::uint32_t> nodes;
  // Per component: 1 if it is a reference cycle (two or more objects, or a self-reference).
  std::vector<std::uint8_t> cyclic;
  // The condensation: component c points to components succ[succ_offsets[c] ..
  // succ_offsets[c + 1]), each once, all numbered below c.
  std::vector<std::uint32_t> succ_offsets{0};
  std::vector<std::uint32_t> succ;

  // Components are numbered sinks first: every followed edge between two components goes
  // from a higher number to a lower one, so walking 0, 1, 2, ... visits each component
  // after everything it reaches.
  std::uint32_t count() const { return static_cast<std::uint32_t>(cyclic.size()); }
  std::uint32_t size(std::uint32_t c) const { return offsets[c + 1] - offsets[c]; }
};

// Components of the nodes reachable from the graph's roots (Pearce's space-efficient form
// of Tarjan's algorithm, iterative: no recursion depth limit), plus the condensation.
// Cost: O(nodes + edges).
components strongly_connected(const followed_graph& g);

struct cycle {
  std::uint32_t component = 0;
  std::uint32_t objects = 0;
  std::uint64_t bytes = 0;  // sum of shallow sizes of its objects
};

// The reference cycles, largest (bytes) first; ties keep component order.
std::vector<cycle> find_cycles(const components& comps, const object_graph& g);

}  // namespace bytewise
