// bytewise/policy.hpp: which objects and references an analysis counts.
//
// Every size Bytewise reports walks "ownership" references. What counts as ownership is a
// policy, visible and switchable in the UI:
//   - objects shared with the interpreter (immortal objects, cached small ints, interned
//     strings) are counted by default and can be left out;
//   - references into type objects, modules and code objects, and from functions to
//     their globals, are not followed by default and can be.
// follow() applies a policy once and gives every analysis the same compact graph.
#pragma once

#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace bytewise {

struct traversal_policy {
  bool include_interpreter_shared = true;  // immortal, cached small ints, interned str
  bool follow_types = false;               // into type objects, object -> type and definition edges
  bool follow_modules = false;             // into module objects
  bool follow_globals = false;             // function -> globals edges
  bool follow_code = false;                // into code objects (and function -> code edges)
};

// True for objects the interpreter shares with every program: immortal objects, cached
// small ints and interned strings.
bool shared_with_interpreter(const object_graph& g, std::uint32_t node);

// Whether the policy follows references of this kind, and into objects of this category.
bool follows_kind(const traversal_policy& p, edge_kind kind);
bool enters_category(const traversal_policy& p, node_category category);

// The snapshot as a policy sees it. Node indices are the snapshot's; nodes the policy
// leaves out have `counted[n] == 0` and no edges in or out.
//
// When the policy filters out nothing, `offsets` and `targets` view the snapshot's own
// edge columns instead of copying them: keep the snapshot alive, and do not modify it,
// while this graph is in use (moving the snapshot is fine; its buffers stay put).
struct followed_graph {
  std::vector<std::uint8_t> counted;       // per node: 1 if the policy counts it
  std::span<const std::uint32_t> offsets;  // node_count + 1, CSR over `targets`
  std::span<const std::uint32_t> targets;  // followed edges' targets
  std::vector<std::uint32_t> root_nodes;   // per snapshot root: its node, or no_node if left out

  std::vector<std::uint32_t> owned_offsets, owned_targets;  // storage when filtered

  std::uint32_t node_count() const { return static_cast<std::uint32_t>(counted.size()); }
  std::uint32_t edge_count() const { return static_cast<std::uint32_t>(targets.size()); }

  followed_graph() = default;
  followed_graph(followed_graph&& other) noexcept { *this = std::move(other); }
  followed_graph& operator=(followed_graph&& other) noexcept;
  followed_graph(const followed_graph&) = delete;
  followed_graph& operator=(const followed_graph&) = delete;
};

// Cost: O(nodes + edges).
followed_graph follow(const snapshot& snap, const traversal_policy& policy);

}  // namespace bytewise
