// bytewise/sizes.hpp: deep, naive and shared sizes of a snapshot's roots.
//
// Definitions (the UI's help text says the same):
//   shallow  sys.getsizeof(o): the object's own memory block, not what it points to.
//   deep     the sum of shallow sizes over every distinct object reachable from the root
//            through followed references, each object counted once however many
//            references lead to it; cycles included.
//   naive    what summing getsizeof over references gives: the root, plus every object
//            once per reference to it from inside the structure. An object referenced
//            three times is counted three times. (A recursive total_size without a set of
//            seen ids counts per path instead, and never ends on a cycle.)
//   shared   an object reachable from two or more roots, or with two or more referrers
//            (a variable naming an object is one referrer).
//
// All walks are iterative. Cost: O((nodes + edges) x ceil(roots / 64)).
#pragma once

#include <bytewise/cycles.hpp>
#include <bytewise/policy.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace bytewise {

struct root_size {
  std::uint32_t node = no_node;      // no_node if the policy leaves the root's object out
  std::uint64_t shallow = 0;         // bytes
  std::uint64_t deep = 0;            // bytes
  std::uint64_t objects = 0;         // distinct objects in the deep size, the root included
  std::uint64_t naive = 0;           // bytes, double counting (see above)
  std::uint64_t shared_bytes = 0;    // part of `deep` that other roots reach too
  std::uint64_t shared_objects = 0;  // objects of `objects` that other roots reach too
  // The capture cut something this root reaches (an object whose references were not all
  // read: node_flag::truncated, the object or edge cap): deep, objects and naive are at
  // least these, not exactly.
  bool lower_bound = false;
};

// An object the naive sum counts more than once.
struct repeated_object {
  std::uint32_t node = 0;
  std::uint64_t times = 0;  // how often the naive sum counts it
};

struct root_sizes {
  std::vector<root_size> roots;  // parallel to snapshot::roots
  std::uint64_t total_deep = 0;  // all roots together, each object once
  std::uint64_t total_objects = 0;
  std::uint64_t total_naive = 0;  // every root's object plus every reference

  // Per node, over the objects any root reaches (0 elsewhere):
  std::vector<std::uint32_t> references;    // times counted by the naive sum
  std::vector<std::uint32_t> referrers;     // distinct referring objects plus naming roots
  std::vector<std::uint8_t> several_roots;  // 1 if two or more roots reach it

  // Objects counted more than once by the naive sum, most extra bytes first.
  std::vector<repeated_object> repeated;  // at most `top_n` of them
  std::uint64_t repeated_objects = 0;     // how many there are in all
  std::uint64_t shared_objects = 0;       // objects reached by several roots or referrers
  std::uint64_t shared_bytes = 0;
};

// Precondition: `comps` = strongly_connected(g), g = follow(snap, policy).
// `weights` replaces the measured shallow sizes when given (one per node): the layout
// model's predictions for another platform, say.
root_sizes measure_roots(const snapshot& snap, const followed_graph& g, const components& comps,
                         std::uint32_t top_n = 20, std::span<const std::uint64_t> weights = {});

}  // namespace bytewise
