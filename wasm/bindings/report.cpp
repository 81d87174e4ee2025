#include "report.hpp"

#include <bytewise/allocation.hpp>
#include <bytewise/diagram.hpp>
#include <bytewise/diff.hpp>

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

val ranked_to_js(const snapshot& snap, const std::vector<ranked_object>& list) {
  val out = val::array();
  for (const ranked_object& r : list) {
    val o = object_to_js(snap, r.node);
    o.set("bytes", num(r.bytes));
    o.set("exact", r.exact);
    out.call<void>("push", o);
  }
  return out;
}

val platform_to_js(const platform_info& p) {
  val platform = val::object();
  platform.set("implementation", p.implementation);
  platform.set("version", std::to_string(p.python_major) + "." + std::to_string(p.python_minor) + "." +
                              std::to_string(p.python_micro));
  platform.set("pythonVersion", p.python_version);
  platform.set("pointerSize", p.pointer_size);
  platform.set("runtime", p.runtime);
  platform.set("machine", p.machine);
  platform.set("freeThreaded", p.free_threaded);
  platform.set("description", describe_platform(p));
  return platform;
}

val capture_to_js(const capture_info& c) {
  val capture = val::object();
  capture.set("truncated", c.truncated);
  capture.set("objectCap", c.object_cap);
  capture.set("smallIntsProbed", c.small_ints_probed);
  capture.set("smallIntMin", c.small_int_min);
  capture.set("smallIntMax", c.small_int_max);
  capture.set("internedKnown", c.interned_known);
  capture.set("staticKnown", c.static_known);
  return capture;
}

val policy_to_js(const traversal_policy& p) {
  val policy = val::object();
  policy.set("includeInterpreterShared", p.include_interpreter_shared);
  policy.set("followTypes", p.follow_types);
  policy.set("followModules", p.follow_modules);
  policy.set("followGlobals", p.follow_globals);
  policy.set("followCode", p.follow_code);
  return policy;
}

// The bytes the allocator reserved for root `index`: its own blocks (the root object's
// allocation, block by block) and its deep total over the same objects as deep.
val allocated_to_js(const snapshot& snap, const allocated_sizes& sizes, std::size_t index, const root_size& counted) {
  const std::uint32_t node = snap.roots[index].node;
  const allocation own = predict_allocation(snap, node, sizes.target);
  const bool sized = own.status != prediction_status::not_modelled && counted.node != no_node;
  val out = val::object();
  out.set("platform", target_name(sizes.target));
  out.set("allocator", std::string(allocator_of(sizes.target).name));
  out.set("shallow", sized ? val(num(own.reserved())) : val::null());
  out.set("requested", sized ? val(num(own.requested())) : val::null());
  out.set("status", std::string(to_string(own.status)));
  out.set("rule", std::string(own.rule));
  out.set("static", own.is_static);
  val blocks = val::array();
  for (std::uint8_t i = 0; sized && i < own.count; ++i) {
    val block = val::object();
    block.set("role", std::string(to_string(own.blocks[i].role)));
    block.set("requested", num(own.blocks[i].request));
    block.set("reserved", num(own.blocks[i].reserved));
    blocks.call<void>("push", block);
  }
  out.set("blocks", blocks);
  const bool deep_sized = sized && sizes.unmodelled[index] == 0;
  out.set("deep", deep_sized ? val(num(sizes.sizes.roots[index].deep)) : val::null());
  out.set("modelledDeep", num(sizes.sizes.roots[index].deep));
  out.set("unmodelledObjects", num(sizes.unmodelled[index]));
  out.set("assumedObjects", num(sizes.assumed[index]));
  return out;
}

val allocated_total_to_js(const allocated_sizes& sizes) {
  val out = val::object();
  out.set("platform", target_name(sizes.target));
  out.set("allocator", std::string(allocator_of(sizes.target).name));
  out.set("deep", sizes.total_unmodelled == 0 ? val(num(sizes.sizes.total_deep)) : val::null());
  out.set("modelledDeep", num(sizes.sizes.total_deep));
  out.set("unmodelledObjects", num(sizes.total_unmodelled));
  out.set("assumedObjects", num(sizes.total_assumed));
  return out;
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

analysis_options options_from_js(const val& options, std::vector<diagnostic>& errors) {
  analysis_options out;
  if (options.isUndefined() || options.isNull()) return out;
  if (options.typeOf().as<std::string>() != "object") {
    errors.push_back(
        {"api.bad_options", std::nullopt, "Analysis options must be an object such as { followTypes: true }."});
    return out;
  }
  struct flag {
    const char* name;
    bool* target;
  };
  const flag flags[] = {
      {"includeInterpreterShared", &out.policy.include_interpreter_shared},
      {"followTypes", &out.policy.follow_types},
      {"followModules", &out.policy.follow_modules},
      {"followGlobals", &out.policy.follow_globals},
      {"followCode", &out.policy.follow_code},
      {"retained", &out.retained},
      {"allocated", &out.allocated},
  };
  val keys = val::global("Object").call<val>("keys", options);
  const unsigned length = keys["length"].as<unsigned>();
  for (unsigned i = 0; i < length; ++i) {
    std::string key = keys[i].as<std::string>();
    val value = options[key];
    bool known = false;
    for (const flag& f : flags) {
      if (key != f.name) continue;
      known = true;
      if (value.typeOf().as<std::string>() != "boolean") {
        errors.push_back({"api.bad_option", std::nullopt, "Option " + key + " must be true or false."});
      } else {
        *f.target = value.as<bool>();
      }
    }
    if (key == "comparePlatform") {
      known = true;
      if (value.isNull()) {
        out.compare_with.reset();
      } else {
        std::optional<cpython_target> t;
        if (value.typeOf().as<std::string>() == "string") t = parse_target(value.as<std::string>());
        if (!t) {
          std::string names;
          for (const cpython_target& m : modelled_targets()) names += (names.empty() ? "" : ", ") + target_name(m);
          errors.push_back(
              {"api.bad_option", std::nullopt, "Option comparePlatform must be null or one of: " + names + "."});
        } else {
          out.compare_with = t;
        }
      }
    }
    if (key == "topN") {
      known = true;
      double n = value.typeOf().as<std::string>() == "number" ? value.as<double>() : -1;
      if (!(n >= 0 && n <= 10000 && n == static_cast<double>(static_cast<std::uint32_t>(n)))) {
        errors.push_back({"api.bad_option", std::nullopt, "Option topN must be a whole number from 0 to 10000."});
      } else {
        out.top_n = static_cast<std::uint32_t>(n);
      }
    }
    if (!known) {
      errors.push_back({"api.unknown_option", std::nullopt,
                        "Unknown analysis option " + key +
                            "; known ones: includeInterpreterShared, followTypes, followModules, "
                            "followGlobals, followCode, topN, retained, allocated, comparePlatform."});
    }
  }
  return out;
}

val report_to_js(const snapshot& snap, const analysis& a) {
  const object_graph& g = snap.graph;
  val out = val::object();
  out.set("ok", true);
  out.set("platform", platform_to_js(snap.platform));
  out.set("capture", capture_to_js(snap.capture));
  out.set("policy", policy_to_js(a.policy));
  out.set("nodeCount", g.node_count());
  out.set("edgeCount", g.edge_count());

  const bool have_dom = !a.dom.root_retained.empty() || snap.roots.empty();
  val roots = val::array();
  for (std::size_t i = 0; i < snap.roots.size(); ++i) {
    const root& r = snap.roots[i];
    const root_size& s = a.sizes.roots[i];
    val item = object_to_js(snap, r.node);
    item.set("name", std::string(snap.strings.at(r.name)));
    item.set("counted", s.node != no_node);
    item.set("shallow", num(s.shallow));
    item.set("deep", num(s.deep));
    item.set("objects", num(s.objects));
    item.set("naive", num(s.naive));
    item.set("sharedBytes", num(s.shared_bytes));
    item.set("sharedObjects", num(s.shared_objects));
    item.set("retained", have_dom ? val(num(a.dom.root_retained[i])) : val::null());
    item.set("allocated", a.allocated ? allocated_to_js(snap, *a.allocated, i, s) : val::null());
    if (a.compared) {
      const comparison& c = *a.compared;
      const prediction& p = c.per_node[r.node];
      val predicted = val::object();
      const bool sized = p.status != prediction_status::not_modelled && s.node != no_node;
      predicted.set("shallow", sized ? val(num(p.size)) : val::null());
      predicted.set("status", std::string(to_string(p.status)));
      predicted.set("rule", std::string(p.rule));
      predicted.set("deep", sized && c.unmodelled[i] == 0 ? val(num(c.sizes.roots[i].deep)) : val::null());
      predicted.set("modelledDeep", num(c.sizes.roots[i].deep));
      predicted.set("unmodelledObjects", num(c.unmodelled[i]));
      predicted.set("assumedObjects", num(c.assumed[i]));
      predicted.set("allocated", c.allocated ? allocated_to_js(snap, *c.allocated, i, s) : val::null());
      item.set("predicted", predicted);
    }
    roots.call<void>("push", item);
  }
  out.set("roots", roots);

  val total = val::object();
  total.set("deep", num(a.sizes.total_deep));
  total.set("objects", num(a.sizes.total_objects));
  total.set("naive", num(a.sizes.total_naive));
  total.set("sharedObjects", num(a.sizes.shared_objects));
  total.set("sharedBytes", num(a.sizes.shared_bytes));
  total.set("repeatedObjects", num(a.sizes.repeated_objects));
  total.set("allocated", a.allocated ? allocated_total_to_js(*a.allocated) : val::null());
  out.set("total", total);

  if (a.compared) {
    const comparison& c = *a.compared;
    val compared = val::object();
    compared.set("platform", target_name(c.target));
    compared.set("description", describe_target(c.target));
    compared.set("totalDeep", c.total_unmodelled == 0 ? val(num(c.sizes.total_deep)) : val::null());
    compared.set("modelledTotalDeep", num(c.sizes.total_deep));
    compared.set("unmodelledObjects", num(c.total_unmodelled));
    compared.set("assumedObjects", num(c.total_assumed));
    compared.set("allocated", c.allocated ? allocated_total_to_js(*c.allocated) : val::null());
    out.set("compared", compared);
  } else {
    out.set("compared", val::null());
  }

  val types = val::array();
  for (const type_total& t : a.types) {
    val item = val::object();
    item.set("type", t.type);
    item.set("objects", num(t.objects));
    item.set("bytes", num(t.bytes));
    types.call<void>("push", item);
  }
  out.set("types", types);

  val cycles = val::array();
  for (const cycle& c : a.cycles) {
    val item = val::object();
    item.set("objects", c.objects);
    item.set("bytes", num(c.bytes));
    val members = val::array();
    for (std::uint32_t i = a.comps.offsets[c.component];
         i < a.comps.offsets[c.component + 1] && i < a.comps.offsets[c.component] + 8; ++i) {
      members.call<void>("push", a.comps.nodes[i]);
    }
    item.set("firstNodes", members);
    cycles.call<void>("push", item);
  }
  out.set("cycles", cycles);

  val repeated = val::array();
  for (const repeated_object& r : a.sizes.repeated) {
    val item = object_to_js(snap, r.node);
    item.set("times", num(r.times));
    item.set("extraBytes", num((r.times - 1) * g.shallow[r.node]));
    repeated.call<void>("push", item);
  }
  out.set("repeated", repeated);

  val diagnostics = val::array();
  for (const capture_diagnostic& d : snap.diagnostics) {
    val item = val::object();
    item.set("code", std::string(snap.strings.at(d.code)));
    item.set("message", std::string(snap.strings.at(d.message)));
    if (d.node != no_string) item.set("object", object_to_js(snap, d.node));
    diagnostics.call<void>("push", item);
  }
  out.set("diagnostics", diagnostics);

  val top = val::object();
  top.set("shallow", ranked_to_js(snap, a.top_shallow));
  top.set("deep", ranked_to_js(snap, a.top_deep));
  top.set("retained", have_dom ? ranked_to_js(snap, a.top_retained) : val::null());
  out.set("top", top);
  return out;
}

val analyze_bytes(std::uintptr_t address, std::size_t size, const val& options, snapshot* kept,
                  analysis* kept_analysis) {
  std::vector<diagnostic> errors;
  analysis_options opts = options_from_js(options, errors);
  if (!errors.empty()) return failure_to_js(errors);
  auto snap = read_snapshot({reinterpret_cast<const std::uint8_t*>(address), size});
  if (!snap) return failure_to_js(snap.errors());
  analysis a = analyze(snap.value(), opts);
  val report = report_to_js(snap.value(), a);
  if (kept_analysis) *kept_analysis = std::move(a);
  if (kept) *kept = std::move(snap.value());
  return report;
}

val predict_root_bytes(std::uintptr_t address, std::size_t size, std::uint32_t root_index,
                       const std::string& list_hint) {
  static constexpr std::pair<std::string_view, list_construction> hints[] = {
      {"inferred", list_construction::inferred}, {"appends", list_construction::appends},
      {"exact", list_construction::exact},       {"from_iterable", list_construction::from_iterable},
      {"literal", list_construction::literal},   {"kept", list_construction::kept},
  };
  prediction_hints how;
  bool known = false;
  for (const auto& [name, value] : hints) {
    if (name == list_hint) how.list = value, known = true;
  }
  if (!known) {
    return failure_to_js({{"api.bad_argument", std::nullopt,
                           "Unknown list construction " + list_hint +
                               "; use inferred, appends, exact, from_iterable, literal or kept."}});
  }
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

val platforms_to_js() {
  val out = val::array();
  for (const cpython_target& t : modelled_targets()) {
    val item = val::object();
    item.set("name", target_name(t));
    item.set("description", describe_target(t));
    out.call<void>("push", item);
  }
  return out;
}

val diff_bytes(std::uintptr_t before, std::size_t before_size, std::uintptr_t after, std::size_t after_size,
               const val& options) {
  std::vector<diagnostic> errors;
  analysis_options opts = options_from_js(options, errors);
  if (!errors.empty()) return failure_to_js(errors);
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
