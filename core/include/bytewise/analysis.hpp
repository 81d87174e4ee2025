// bytewise/analysis.hpp: every analysis of one snapshot under one policy, in one call.
//
// This is what the page, the Node API and the tests read their numbers from:
//   auto a = bytewise::analyze(snap, {.policy = {...}, .top_n = 20});
//   a.sizes.roots[i].deep, a.dom.root_retained[i], a.types, a.cycles, a.top_deep ...
// Cost: O(nodes + edges) for everything but the dominators (near-linear) and
// largest_by_deep (bounded search, see breakdown.hpp).
#pragma once

#include <bytewise/allocation.hpp>
#include <bytewise/breakdown.hpp>
#include <bytewise/cycles.hpp>
#include <bytewise/dominators.hpp>
#include <bytewise/layout_model.hpp>
#include <bytewise/policy.hpp>
#include <bytewise/sizes.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <optional>
#include <vector>

namespace bytewise {

struct analysis_options {
  traversal_policy policy;
  std::uint32_t top_n = 20;  // length of the top lists and of sizes.repeated
  bool retained = true;      // compute dominators (the most expensive step)
  // Also predict every size on this platform (the layout model).
  std::optional<cpython_target> compare_with;
  // Also give the bytes the allocator reserved per object and per root (allocation.hpp), on
  // the snapshot's platform and on compare_with.
  bool allocated = false;
};

// Sizes from a model (the layout model's getsizeof on another platform, or the allocator's
// reserved bytes), summed per root like deep sizes, with how many objects the model could
// not size or sized on an assumption. The accessors hold the one rule for showing them:
// a root's (or the total's) modelled deep size exists only when the policy counts the root
// and every object in it is modelled; otherwise there is no number, only the counts.
struct model_totals {
  // Per root: node, shallow (the root object's modelled size) and deep (the modelled sizes
  // of its objects, 0 where not modelled); total_deep. Nothing else of root_sizes is filled
  // (no per-object columns).
  root_sizes sizes;
  std::vector<std::uint64_t> unmodelled, assumed;  // per root: objects not sized, sized on an assumption
  std::uint64_t total_unmodelled = 0, total_assumed = 0;

  // Precondition: root < sizes.roots.size().
  std::optional<std::uint64_t> root_deep(std::size_t root) const {
    if (sizes.roots[root].node == no_node || unmodelled[root] != 0) return std::nullopt;
    return sizes.roots[root].deep;
  }
  std::optional<std::uint64_t> total_deep() const {
    if (total_unmodelled != 0) return std::nullopt;
    return sizes.total_deep;
  }
  // exact or assumed for a root_deep that exists; not_modelled otherwise.
  prediction_status root_status(std::size_t root) const {
    if (!root_deep(root)) return prediction_status::not_modelled;
    return assumed[root] != 0 ? prediction_status::assumed : prediction_status::exact;
  }
};

// Bytes the allocator reserved for each object (its blocks, rounded by the allocator;
// 0 for the interpreter's static objects), and per root over the same objects as deep.
struct allocated_sizes : model_totals {
  cpython_target target;
  std::vector<std::uint64_t> per_node;       // 0 where not modelled
  std::vector<prediction_status> status;     // per object
  instance_dict_predictions instance_dicts;  // on target: the added ones are part of an instance's blocks
};

// The snapshot's sizes as they would be on another platform.
struct comparison : model_totals {
  cpython_target target;
  prediction_column per_node;  // sys.getsizeof there, per object
  // Instances' __dict__s there (predict_instance_dicts): the ones only the target makes
  // (3.8-3.10) are counted in the deep sizes, not in per_node; the source's own are in
  // per_node, predicted as instance dicts.
  instance_dict_predictions instance_dicts;
  std::optional<allocated_sizes> allocated;  // when options.allocated
};

struct analysis {
  traversal_policy policy;
  followed_graph graph;
  components comps;
  root_sizes sizes;
  dominator_tree dom;  // empty when options.retained is false
  std::vector<cycle> cycles;
  std::vector<type_total> types;
  std::vector<ranked_object> top_shallow, top_deep, top_retained;
  std::optional<comparison> compared;
  // On the snapshot's own platform, when options.allocated and the platform is modelled.
  std::optional<allocated_sizes> allocated;
};

analysis analyze(const snapshot& snap, const analysis_options& options = {});

}  // namespace bytewise
