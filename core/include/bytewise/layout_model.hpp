// bytewise/layout_model.hpp: what sys.getsizeof would print for the same object on
// another CPython: 64-bit 3.8 to 3.15, and 32-bit wasm (Pyodide) 3.11 to 3.14.
//
// The model has two parts, kept apart: per-version data tables (core/src/layout_tables.cpp:
// header sizes, what getsizeof adds, growth rules, with the CPython sources they come
// from) and one walk (core/src/layout_model.cpp) that reads an object's facts back from
// the size measured on the source platform and recomputes it for the target.
//
// Every answer says how sure it is:
//   measured      the target is the platform the snapshot was taken on
//   exact         follows from the object's facts on every version
//   assumed       depends on how the object was built or on the bytecode compiler, and the
//                 model assumes the target did what the source shows (the rule says which)
//   not_modelled  no formula covers this object on this target; no number is given
//
// tests/core/layout_model_test.cpp proves the tables against sys.getsizeof measured on
// every interpreter this project's machines carry (tests/fixtures/layouts).
#pragma once

#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bytewise {

struct cpython_target {
  std::uint8_t minor = 12;        // CPython 3.minor
  std::uint8_t pointer_size = 8;  // 8: 64-bit; 4: 32-bit wasm (Pyodide)
  friend bool operator==(const cpython_target&, const cpython_target&) = default;
};

// "cpython-3.12-64", "cpython-3.14-wasm32"
std::string target_name(cpython_target t);
// "64-bit CPython 3.12", "32-bit wasm CPython 3.14 (Pyodide)"
std::string describe_target(cpython_target t);
// "64-bit 3.12", "wasm32 3.14": short enough for a column heading or a box's line.
std::string short_target_name(cpython_target t);
// Accepts the names target_name() gives; nullopt otherwise.
std::optional<cpython_target> parse_target(std::string_view name);
// Every platform the model covers, oldest first, 64-bit before wasm32.
const std::vector<cpython_target>& modelled_targets();
// The target a snapshot was measured on, if the model covers it.
std::optional<cpython_target> source_target(const platform_info& p);
// The default platform to compare against: 64-bit CPython 3.12.
inline constexpr cpython_target default_target{12, 8};

enum class prediction_status : std::uint8_t { measured, exact, assumed, not_modelled };
std::string_view to_string(prediction_status s);

struct prediction {
  prediction_status status = prediction_status::not_modelled;
  std::uint64_t size = 0;  // bytes; meaningless when not_modelled
  std::string_view rule;   // a short reason: "capacity kept", "as if built by appends"...
};

// One prediction per object, stored in 11 bytes instead of a prediction's 24 (wasm32) or
// 32: size, status, and the rule as an index into the few distinct rules (they are string
// literals of the model). A million objects' predictions are 11 MB.
class prediction_column {
 public:
  prediction_column() = default;
  explicit prediction_column(std::uint32_t count) { assign(count); }
  // `count` objects, each not modelled.
  void assign(std::uint32_t count);
  std::uint32_t size() const { return static_cast<std::uint32_t>(sizes_.size()); }
  // Precondition: node < size().
  prediction operator[](std::uint32_t node) const {
    return {static_cast<prediction_status>(status_[node]), sizes_[node], rules_[rule_[node]]};
  }
  void set(std::uint32_t node, const prediction& p);

 private:
  std::uint16_t rule_index(std::string_view rule);
  std::vector<std::uint64_t> sizes_;
  std::vector<std::uint8_t> status_;
  std::vector<std::uint16_t> rule_;
  std::vector<std::string_view> rules_{std::string_view{}};  // 0: no rule
  std::uint16_t last_rule_ = 0;
};

// Predictions for the few objects that have one; every other object has `fallback`.
class sparse_predictions {
 public:
  explicit sparse_predictions(prediction fallback = {}) : fallback_(fallback) {}
  // nullptr when `node` has no prediction of its own.
  const prediction* find(std::uint32_t node) const;
  // Its own prediction, or the fallback.
  const prediction& operator[](std::uint32_t node) const {
    const prediction* p = find(node);
    return p ? *p : fallback_;
  }
  // Nodes may come in any order; after one out of order (or set twice), call finish()
  // before looking up (find() is a linear search until then, and finds the earlier of two).
  // Of a node set twice, finish() keeps the later prediction.
  void set(std::uint32_t node, const prediction& p);
  void finish();
  std::size_t count() const { return entries_.size(); }

 private:
  std::vector<std::pair<std::uint32_t, prediction>> entries_;
  bool sorted_ = true;
  prediction fallback_;
};

// How a list was built, when the caller knows better than the capacity shows. Each way is
// measured for 0..100 items on every platform with fixtures (tools/layouts/corpus.py, the
// "list <way> <n>" series).
enum class list_construction : std::uint8_t {
  inferred,       // from the capacity measured on the source (default)
  appends,        // append() or insert() one at a time, comprehensions
  exact,          // [x] * n, a + b, copies and slices, displays of up to 30 non-constants
  from_iterable,  // list(x) of an object with a length: a list, tuple, range, str
  literal,        // a display of three or more constants: [1, 2, 3]
  kept,           // the measured capacity, whatever the version
  iterated,       // list(iter(x)), list(reversed(x)), sorted(x), [*x], extend() of an empty list
  unsized,        // list() of an iterator with no length hint: generators, map, filter, zip
  from_set,       // list(a set or a dict)
  display,        // a display of non-constant items: [a, b, c]
  repeated,       // [x] then *= n
  split,          // str.split()
};

// How a dict was built, where versions give it different tables.
enum class dict_construction : std::uint8_t {
  inferred,  // from the table measured on the source (default)
  grown,     // a display, insertions, a comprehension, dict(zip(...)), dict(**kw), copies
  called,    // dict() or dict.fromkeys() with nothing in it: 3.8 and 3.9 give it a table
  presized,  // dict.fromkeys(a dict or set), {**a, **b}, a | b: sized once for all items
};

// How a set was built.
enum class set_construction : std::uint8_t {
  inferred,  // from the table measured on the source (default)
  added,     // add() one at a time, set(iterable), comprehensions, displays of non-constants
  merged,    // set(a set), copy(), |: sized once for all items
  literal,   // a display of constants: merged since 3.9, added on 3.8
};

struct prediction_hints {
  list_construction list = list_construction::inferred;
  dict_construction dict = dict_construction::inferred;
  set_construction set = set_construction::inferred;
};

// The hint a name gives ("appends", "dict_presized", "set_literal": the enumerators above,
// dict and set ones prefixed); nullopt for an unknown name. "inferred" leaves all three so.
std::optional<prediction_hints> parse_hint(std::string_view name);

// sys.getsizeof(obj) on `target` for node `node` of a snapshot taken on a modelled
// platform. Precondition: node < node_count().
prediction predict_getsizeof(const snapshot& snap, std::uint32_t node, cpython_target target,
                             prediction_hints hints = {});

// Whether the model's answers for an object of this shape (predict_getsizeof, and
// predict_allocation with no instance dict, both with inferred hints) follow from the
// object's own columns alone: shape, shallow size, length and flags, besides the snapshot's
// platform and capture facts. Objects alike in those have the same answers, which lets an
// analysis of millions of objects ask once per kind (analysis.cpp). False for dicts and
// generators (their references count too), instances that have a __dict__ (their class's
// other instances) and the families the model does not size.
bool answers_from_own_columns(std::uint64_t shape);

// Instances' __dict__s on `target`, which the source may not hold or may hold in another
// form. On 3.8-3.10 an instance that has attributes keeps them in a real dict object, a
// key-sharing one (PEP 412): its getsizeof is the dict with a values array as large as the
// class's shared keys have room for, and those keys grow, while one instance alone uses
// them, as a dict grows by insertion. 3.11+ keep the values in the object or in a values
// array no getsizeof counts, as the 3.14 source does. Where the source made an instance's
// dict (values that did not fit its class's keys: an unlabelled reference from the instance
// to a dict holding its attributes, or one labelled "__dict__"), whether the target makes
// one, and how large, depends on the version and on the instances made before.
struct instance_dict_predictions {
  // Per node: the __dict__ the target makes for this instance and the snapshot does not
  // hold, counted in deep sizes beside the instance's own getsizeof. Exact 0 where the
  // target makes none (not an instance, no attributes, 3.11+, or the snapshot holds it).
  sparse_predictions added{prediction{prediction_status::exact, 0, "no __dict__ object of its own here"}};
  // For a dict that is an instance's __dict__ on the source, the prediction that replaces
  // predict_getsizeof's (which cannot tell an instance's dict from another one); no
  // prediction (find() is nullptr) for every other object.
  sparse_predictions replaced;
};
// Assumed wherever a dict is involved: a history the snapshot does not show (attributes set
// in another order, or deleted, by some instance) turns the dicts made after it into
// ordinary ones on 3.8-3.10, and decides which instances' values fit on 3.11+.
instance_dict_predictions predict_instance_dicts(const snapshot& snap, cpython_target target);

// The rules by themselves, for charts and the CLI.
// Slots a list of n items has on `target` when built by `how` (not inferred or kept).
std::uint64_t list_capacity(cpython_target target, list_construction how, std::uint64_t n);
// sys.getsizeof of a list with `capacity` slots.
std::uint64_t list_getsizeof(cpython_target target, std::uint64_t capacity);
// The small ints CPython caches: -5..256 up to 3.14, -5..1024 from 3.15 (the platform
// table's ints column).
struct small_int_range {
  std::int32_t low, high;
};
small_int_range small_ints(cpython_target target);
// Whether an interpreter of `target` was measured (its fixtures, or for 64-bit 3.14 a build
// from source): false for 64-bit 3.15, whose row comes from its sources alone and whose
// every prediction is therefore assumed.
bool measured_platform(cpython_target target);

}  // namespace bytewise
