// The analyses the wasm modules export besides the public report (measure.hpp): sizes of
// one object on every platform, and the difference between two captures.
#include "analyses.hpp"

#include <bytewise/allocation.hpp>
#include <bytewise/diff.hpp>
#include <bytewise/layout_model.hpp>
#include <bytewise/options.hpp>

#include <string>
#include <utility>

namespace bytewise::wasm {

using emscripten::val;

namespace {

double num(std::uint64_t v) { return static_cast<double>(v); }

val object_to_js(const snapshot& snap, std::uint32_t node) {
  const object_graph& g = snap.graph;
  val o = val::object();
  o.set("node", node);
  o.set("type", std::string(snap.strings.get(g.type[node], "?")));
  o.set("address", num(g.address[node]));
  o.set("shallow", num(g.shallow[node]));
  if (g.label[node] != no_string) o.set("label", std::string(snap.strings.at(g.label[node])));
  if (!g.refcount.empty() && g.refcount[node] != refcount_unknown) o.set("refcount", g.refcount[node]);
  return o;
}

}  // namespace

val failure_to_js(const std::vector<diagnostic>& errors) {
  val out = val::object();
  out.set("ok", false);
  val list = val::array();
  for (const diagnostic& d : errors) {
    val item = val::object();
    item.set("code", d.code);
    item.set("offset", d.offset ? val(num(*d.offset)) : val::null());
    item.set("message", d.message);
    list.call<void>("push", item);
  }
  out.set("errors", list);
  return out;
}

val predict_root_bytes(std::uintptr_t address, std::size_t size, std::uint32_t root_index,
                       const std::string& list_hint) {
  const std::optional<prediction_hints> parsed = parse_hint(list_hint);
  if (!parsed) {
    return failure_to_js({{"api.bad_argument", std::nullopt,
                           "Unknown construction " + list_hint +
                               "; use inferred, a list's (appends, exact, from_iterable, literal, kept, iterated, "
                               "unsized, from_set, display, repeated, split), a dict's (dict_grown, dict_called, "
                               "dict_presized) or a set's (set_added, set_merged, set_literal)."}});
  }
  const prediction_hints how = *parsed;
  auto snap = read_snapshot({reinterpret_cast<const std::uint8_t*>(address), size});
  if (!snap) return failure_to_js(snap.errors());
  if (root_index >= snap->roots.size()) {
    return failure_to_js({{"api.bad_argument", std::nullopt,
                           "The snapshot has " + std::to_string(snap->roots.size()) + " roots; there is no root " +
                               std::to_string(root_index) + "."}});
  }
  const std::uint32_t node = snap->roots[root_index].node;
  val out = val::array();
  for (const cpython_target& t : modelled_targets()) {
    const prediction p = predict_getsizeof(snap.value(), node, t, how);
    val item = val::object();
    item.set("platform", target_name(t));
    item.set("description", describe_target(t));
    item.set("status", std::string(to_string(p.status)));
    item.set("size", p.status == prediction_status::not_modelled ? val::null() : val(num(p.size)));
    item.set("rule", std::string(p.rule));
    const allocation a = predict_allocation(snap.value(), node, t, how);
    const bool sized = a.status != prediction_status::not_modelled;
    item.set("allocated", sized ? val(num(a.reserved())) : val::null());
    item.set("allocatedStatus", std::string(to_string(a.status)));
    item.set("allocatedRule", std::string(a.rule));
    out.call<void>("push", item);
  }
  return out;
}

val diff_bytes(std::uintptr_t before, std::size_t before_size, std::uintptr_t after, std::size_t after_size,
               const std::string& options_json) {
  const result<measure_options> parsed = parse_measure_options(options_json);
  if (!parsed) return failure_to_js(parsed.errors());
  const analysis_options& opts = parsed->analysis;
  std::vector<diagnostic> errors;
  auto a = read_snapshot({reinterpret_cast<const std::uint8_t*>(before), before_size});
  auto b = read_snapshot({reinterpret_cast<const std::uint8_t*>(after), after_size});
  for (auto [which, r] : {std::pair{"before", &a}, std::pair{"after", &b}}) {
    if (r->ok()) continue;
    for (diagnostic d : r->errors()) {
      d.message = std::string("In the ") + which + " snapshot: " + d.message;
      errors.push_back(std::move(d));
    }
  }
  if (!errors.empty()) return failure_to_js(errors);
  snapshot_diff d = diff_snapshots(a.value(), b.value(), opts.policy, opts.top_n);
  val out = val::object();
  out.set("ok", true);
  auto total = [](const change_total& t) {
    val o = val::object();
    o.set("objects", num(t.objects));
    o.set("bytes", num(t.bytes));
    return o;
  };
  out.set("appeared", total(d.appeared));
  out.set("freed", total(d.freed));
  out.set("grew", total(d.grew));
  out.set("shrank", total(d.shrank));
  out.set("unchanged", total(d.unchanged));
  out.set("netBytes", static_cast<double>(d.net_bytes));
  static constexpr const char* kinds[] = {"appeared", "freed", "grew", "shrank"};
  val largest = val::array();
  for (const object_change& c : d.largest) {
    const bool gone = c.kind == change_kind::freed;
    val item = object_to_js(gone ? a.value() : b.value(), gone ? c.before : c.after);
    item.set("kind", kinds[static_cast<int>(c.kind)]);
    item.set("beforeBytes", num(c.before_bytes));
    item.set("afterBytes", num(c.after_bytes));
    largest.call<void>("push", item);
  }
  out.set("largest", largest);
  return out;
}

}  // namespace bytewise::wasm
