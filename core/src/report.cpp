// The public report (bytewise.measure/1). Index:
//   [SECTION] Reading the runner's facts
//   [SECTION] Objects, platforms and models
//   [SECTION] The report
#include <bytewise/allocation.hpp>
#include <bytewise/diagram.hpp>
#include <bytewise/report.hpp>

#include "report_parts.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <utility>

namespace bytewise {

namespace {

using json = nlohmann::ordered_json;  // one JSON type: each instantiation costs wasm bytes
using ordered = nlohmann::ordered_json;

std::string dump(const ordered& value) { return value.dump(-1, ' ', false, json::error_handler_t::replace); }

//-----------------------------------------------------------------------------
// [SECTION] Reading the runner's facts
//-----------------------------------------------------------------------------

// Reads fields of one JSON object, collecting a diagnostic per bad field.
class fields {
 public:
  fields(const json& object, std::string path, std::vector<diagnostic>& errors)
      : object_(object), path_(std::move(path)), errors_(errors) {
    if (!object_.is_object()) fail("", "an object");
  }

  std::string text(const char* name) {
    const json* v = find(name);
    if (!v) return {};
    if (!v->is_string()) return fail(name, "a string"), std::string();
    return v->get<std::string>();
  }
  std::optional<std::string> optional_text(const char* name) {
    if (!has(name) || object_[name].is_null()) return std::nullopt;
    return text(name);
  }
  std::int64_t integer(const char* name) {
    const json* v = find(name);
    if (!v) return 0;
    if (!v->is_number_integer()) return fail(name, "a whole number"), 0;
    return v->get<std::int64_t>();
  }
  std::uint64_t count(const char* name) {
    const json* v = find(name);
    if (!v) return 0;
    if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<std::int64_t>() >= 0)) {
      return fail(name, "a whole number of 0 or more"), 0;
    }
    return v->get<std::uint64_t>();
  }
  std::optional<std::uint64_t> optional_count(const char* name) {
    if (!has(name) || object_[name].is_null()) return std::nullopt;
    return count(name);
  }
  double milliseconds(const char* name) {
    const json* v = find(name);
    if (!v) return 0;
    if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < 0) {
      return fail(name, "a number of milliseconds"), 0;
    }
    return v->get<double>();
  }
  // A list of objects, each read by `read(fields&)`.
  template <typename T, typename Read>
  std::vector<T> list(const char* name, Read&& read) {
    std::vector<T> out;
    const json* v = find(name);
    if (!v) return out;
    if (!v->is_array()) return fail(name, "a list"), out;
    for (std::size_t i = 0; i < v->size(); ++i) {
      fields item((*v)[i], path_ + "." + name + "[" + std::to_string(i) + "]", errors_);
      out.push_back(read(item));
    }
    return out;
  }
  // A diagnostic for a field that is there but not what it must be.
  void fail_with(const char* name, const char* wants) { fail(name, wants); }
  // False (and a diagnostic) when the field is missing.
  bool require(const char* name) { return find(name) != nullptr; }
  bool has(const char* name) const { return object_.is_object() && object_.contains(name); }
  bool is_string(const char* name) const { return has(name) && object_[name].is_string(); }
  bool is_null(const char* name) const { return has(name) && object_[name].is_null(); }
  fields nested(const char* name) {
    return fields(object_.is_object() ? object_[name] : object_, path_ + "." + name, errors_);
  }

 private:
  const json* find(const char* name) {
    if (!object_.is_object()) return nullptr;
    if (!object_.contains(name)) return fail(name, "present"), nullptr;
    return &object_[name];
  }
  void fail(const std::string& name, const char* wants) {
    const std::string where = name.empty() ? path_ : path_ + "." + name;
    errors_.push_back({"run.bad_facts", std::nullopt, "The run's " + where + " must be " + wants + "."});
  }

  const json& object_;
  std::string path_;
  std::vector<diagnostic>& errors_;
};

traced_line read_line(fields& f) {
  return {f.integer("line"), f.integer("bytes"), f.integer("blocks"), f.text("text")};
}

traced_memory read_traced(fields& f) {
  traced_memory out;
  out.current = f.optional_count("current");
  out.peak = f.optional_count("peak");
  out.top_lines = f.list<traced_line>("top_lines", read_line);
  out.regions = f.list<traced_region>("regions", [](fields& r) {
    traced_region region;
    region.label = r.text("label");
    region.line = r.integer("line");
    region.before = r.count("before");
    region.after = r.count("after");
    region.change = r.integer("change");
    region.peak = r.count("peak");
    region.top_lines = r.list<traced_line>("top_lines", read_line);
    return region;
  });
  return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Objects, platforms and models
//-----------------------------------------------------------------------------

ordered error_json(const std::optional<python_error>& e) {
  if (!e) return nullptr;
  ordered out;
  out["type"] = e->type;
  out["message"] = e->message;
  out["traceback"] = e->traceback;
  if (e->hint) out["hint"] = *e->hint;
  return out;
}

ordered lines_json(const std::vector<traced_line>& lines) {
  ordered out = ordered::array();
  for (const traced_line& l : lines) {
    out.push_back({{"line", l.line}, {"bytes", l.bytes}, {"blocks", l.blocks}, {"text", l.text}});
  }
  return out;
}

ordered traced_json(const std::optional<traced_memory>& t) {
  if (!t) return nullptr;
  ordered out;
  out["current"] = t->current ? ordered(*t->current) : ordered(nullptr);
  out["peak"] = t->peak ? ordered(*t->peak) : ordered(nullptr);
  out["top_lines"] = lines_json(t->top_lines);
  ordered regions = ordered::array();
  for (const traced_region& r : t->regions) {
    ordered item;
    item["label"] = r.label;
    item["line"] = r.line;
    item["before"] = r.before;
    item["after"] = r.after;
    item["change"] = r.change;
    item["peak"] = r.peak;
    item["top_lines"] = lines_json(r.top_lines);
    regions.push_back(std::move(item));
  }
  out["regions"] = std::move(regions);
  return out;
}

double hundredths(double ms) { return std::round(ms * 100) / 100; }

}  // namespace

void write_run_output(ordered& out, const run_facts& run) {
  out["error"] = error_json(run.error);
  out["stdout"] = stream_text(run, output_stream::stdout_);
  out["stderr"] = stream_text(run, output_stream::stderr_);
  json chunks = json::array();
  for (const output_chunk& c : run.output) {
    chunks.push_back({{"stream", c.stream == output_stream::stdout_ ? "stdout" : "stderr"}, {"text", c.text}});
  }
  out["output"] = std::move(chunks);
}

namespace {

// The fields every report has, whatever became of the capture.
ordered run_part(const run_facts& run, double analyze_ms) {
  ordered out;
  out["schema"] = report_schema;
  write_run_output(out, run);
  out["tracemalloc"] = traced_json(run.tracemalloc);
  out["timings"] = {{"run_ms", hundredths(run.run_ms)},
                    {"capture_ms", hundredths(run.capture_ms)},
                    {"analyze_ms", hundredths(analyze_ms)}};
  if (run.capture) {
    out["capture"] = {{"method", run.capture->method},
                      {"reason", run.capture->reason ? json(*run.capture->reason) : json(nullptr)}};
  } else {
    out["capture"] = nullptr;
  }
  return out;
}

// { type, id, label? }: how the report names an object.
void name_object(ordered& out, const snapshot& snap, std::uint32_t node) {
  const object_graph& g = snap.graph;
  out["type"] = snap.strings.get(g.type[node], "?");
  out["id"] = g.address[node];
  if (g.label[node] != no_string) out["label"] = snap.strings.at(g.label[node]);
}

ordered object_ref(const snapshot& snap, std::uint32_t node) {
  ordered out;
  name_object(out, snap, node);
  return out;
}

ordered ranked_json(const snapshot& snap, const std::vector<ranked_object>& list) {
  ordered out = ordered::array();
  for (const ranked_object& r : list) {
    ordered item = object_ref(snap, r.node);
    item["bytes"] = r.bytes;
    item["exact"] = r.exact;
    out.push_back(std::move(item));
  }
  return out;
}

template <typename T>
ordered or_null(const std::optional<T>& v) {
  return v ? ordered(*v) : ordered(nullptr);
}

// The bytes the allocator reserved for root `index` on sizes.target: the root object's own
// blocks, and its deep total over the same objects as deep.
ordered allocated_json(const snapshot& snap, const allocated_sizes& sizes, std::size_t index, bool counted) {
  const std::uint32_t node = snap.roots[index].node;
  const allocation own = predict_allocation(snap, node, sizes.target, {}, &sizes.instance_dicts.added[node]);
  const bool sized = own.status != prediction_status::not_modelled && counted;
  ordered out;
  out["platform"] = target_name(sizes.target);
  out["allocator"] = allocator_of(sizes.target).name;
  out["shallow"] = sized ? ordered(own.reserved()) : ordered(nullptr);
  out["requested"] = sized ? ordered(own.requested()) : ordered(nullptr);
  out["status"] = to_string(own.status);
  out["rule"] = own.rule;
  out["static"] = own.is_static;
  ordered blocks = ordered::array();
  for (std::uint8_t i = 0; sized && i < own.count; ++i) {
    blocks.push_back({{"role", to_string(own.blocks[i].role)},
                      {"requested", own.blocks[i].request},
                      {"reserved", own.blocks[i].reserved}});
  }
  out["blocks"] = std::move(blocks);
  out["deep"] = or_null(sizes.root_deep(index));
  out["unmodelled_objects"] = sizes.unmodelled[index];
  out["assumed_objects"] = sizes.assumed[index];
  return out;
}

ordered predicted_json(const snapshot& snap, const comparison& c, std::size_t index, bool counted) {
  const prediction& p = c.per_node[snap.roots[index].node];
  const bool sized = p.status != prediction_status::not_modelled && counted;
  ordered out;
  out["shallow"] = sized ? ordered(p.size) : ordered(nullptr);
  out["status"] = to_string(p.status);
  out["rule"] = p.rule;
  out["deep"] = or_null(c.root_deep(index));
  out["unmodelled_objects"] = c.unmodelled[index];
  out["assumed_objects"] = c.assumed[index];
  out["allocated"] = c.allocated ? allocated_json(snap, *c.allocated, index, counted) : ordered(nullptr);
  return out;
}

ordered platform_json(const snapshot& snap) {
  const platform_info& p = snap.platform;
  ordered out;
  out["implementation"] = p.implementation;
  out["python"] =
      std::to_string(p.python_major) + "." + std::to_string(p.python_minor) + "." + std::to_string(p.python_micro);
  out["pointer_size"] = p.pointer_size;
  out["pyodide"] = or_null(pyodide_version(p));
  out["machine"] = p.machine;
  out["free_threaded"] = p.free_threaded;
  out["small_int_range"] = snap.capture.small_ints_probed
                               ? ordered::array({snap.capture.small_int_min, snap.capture.small_int_max})
                               : ordered(nullptr);
  out["description"] = describe_platform(p);
  return out;
}

ordered policy_json(const traversal_policy& p) {
  ordered out;
  out["include_interpreter_shared"] = p.include_interpreter_shared;
  out["follow_types"] = p.follow_types;
  out["follow_modules"] = p.follow_modules;
  out["follow_globals"] = p.follow_globals;
  out["follow_code"] = p.follow_code;
  return out;
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] The report
//-----------------------------------------------------------------------------

result<run_facts> read_run_facts(std::string_view text) {
  const json given = json::parse(text, nullptr, false);
  std::vector<diagnostic> errors;
  if (given.is_discarded()) return diagnostic{"run.bad_facts", std::nullopt, "The run's facts are not valid JSON."};
  fields f(given, "facts", errors);
  run_facts out;
  if (f.require("error") && !f.is_null("error")) {
    fields e = f.nested("error");
    out.error = python_error{e.text("type"), e.text("message"), e.text("traceback"), e.optional_text("hint")};
  }
  const std::vector<std::optional<output_chunk>> chunks =
      f.list<std::optional<output_chunk>>("output", [](fields& c) -> std::optional<output_chunk> {
        const std::string stream = c.text("stream");
        std::string text = c.text("text");
        if (stream == "stdout") return output_chunk{output_stream::stdout_, std::move(text)};
        if (stream == "stderr") return output_chunk{output_stream::stderr_, std::move(text)};
        if (c.is_string("stream")) c.fail_with("stream", "\"stdout\" or \"stderr\"");
        return std::nullopt;
      });
  for (const std::optional<output_chunk>& c : chunks) {
    if (!c || c->text.empty()) continue;
    if (!out.output.empty() && out.output.back().stream == c->stream)
      out.output.back().text += c->text;
    else
      out.output.push_back(*c);
  }
  if (f.require("tracemalloc") && !f.is_null("tracemalloc")) {
    fields t = f.nested("tracemalloc");
    out.tracemalloc = read_traced(t);
  }
  out.run_ms = f.milliseconds("run_ms");
  out.capture_ms = f.milliseconds("capture_ms");
  if (f.has("capture") && !f.is_null("capture")) {
    fields c = f.nested("capture");
    capture_method how{c.text("method"), c.optional_text("reason")};
    if (how.method != "native" && how.method != "probe" && c.is_string("method")) {
      c.fail_with("method", "\"native\" or \"probe\"");
    }
    out.capture = std::move(how);
  }
  if (!errors.empty()) return errors;
  return out;
}

ordered platform_fields(const snapshot& snap) { return platform_json(snap); }

std::string stream_text(const run_facts& run, output_stream stream) {
  std::string out;
  for (const output_chunk& c : run.output) {
    if (c.stream == stream) out += c.text;
  }
  return out;
}

std::optional<std::string> pyodide_version(const platform_info& p) {
  constexpr std::string_view prefix = "Pyodide ";
  if (p.runtime.size() <= prefix.size() || p.runtime.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return p.runtime.substr(prefix.size());
}

result<std::string> small_int_report_json(const snapshot& snap, std::string_view ids_json) {
  const json given = json::parse(ids_json, nullptr, false);
  const diagnostic bad{"run.bad_small_ints", std::nullopt,
                       "The small-int ids must be a list of [value, id, id_again] whole numbers."};
  if (given.is_discarded() || !given.is_array()) return bad;
  ordered values = ordered::array();
  std::optional<std::uint64_t> zero, one;
  for (const json& row : given) {
    if (!row.is_array() || row.size() != 3 || !row[0].is_number_integer() || !row[1].is_number_unsigned() ||
        !row[2].is_number_unsigned()) {
      return bad;
    }
    const std::int64_t value = row[0].get<std::int64_t>();
    const std::uint64_t id = row[1].get<std::uint64_t>(), again = row[2].get<std::uint64_t>();
    const bool cached = id == again;
    if (cached && value == 0) zero = id;
    if (cached && value == 1) one = id;
    values.push_back({{"value", value}, {"id", id}, {"id_again", again}, {"cached", cached}});
  }
  ordered out;
  out["platform"] = platform_json(snap);
  out["cached_range"] = out["platform"]["small_int_range"];
  // Cached ints sit in one static array: neighbours' ids differ by one object's size.
  out["stride"] = zero && one && *one > *zero ? ordered(*one - *zero) : ordered(nullptr);
  out["values"] = std::move(values);
  return dump(out);
}

std::string failure_json(std::span<const diagnostic> errors) {
  ordered list = ordered::array();
  for (const diagnostic& d : errors) {
    list.push_back({{"code", d.code}, {"offset", or_null(d.offset)}, {"message", d.message}});
  }
  ordered out;
  out["ok"] = false;
  out["errors"] = std::move(list);
  return dump(out);
}

std::string failed_report_json(std::span<const diagnostic> errors, const run_facts& run, double analyze_ms) {
  ordered out = run_part(run, analyze_ms);
  out["ok"] = false;
  out["platform"] = nullptr;
  out["compared_with"] = nullptr;
  out["roots"] = ordered::array();
  ordered diagnostics = ordered::array();
  for (const diagnostic& d : errors) diagnostics.push_back({{"code", d.code}, {"message", d.message}});
  out["diagnostics"] = std::move(diagnostics);
  return dump(out);
}

std::string report_json(const snapshot& snap, const analysis& a, const run_facts& run, double analyze_ms) {
  const object_graph& g = snap.graph;
  ordered out = run_part(run, analyze_ms);
  out["ok"] = !run.error.has_value();
  out["platform"] = platform_json(snap);
  out["policy"] = policy_json(a.policy);
  out["truncated"] = snap.capture.truncated;
  out["object_cap"] = snap.capture.object_cap;
  out["objects"] = g.node_count();
  out["references"] = g.edge_count();
  if (a.compared) {
    out["compared_with"] = {{"platform", target_name(a.compared->target)},
                            {"short", short_target_name(a.compared->target)},
                            {"description", describe_target(a.compared->target)}};
  } else {
    out["compared_with"] = nullptr;
  }

  const bool have_retained = !a.dom.root_retained.empty() || snap.roots.empty();
  ordered roots = ordered::array();
  for (std::size_t i = 0; i < snap.roots.size(); ++i) {
    const root& r = snap.roots[i];
    const root_size& s = a.sizes.roots[i];
    const bool counted = s.node != no_node;
    ordered item;
    item["name"] = snap.strings.at(r.name);
    name_object(item, snap, r.node);
    if (!g.refcount.empty() && g.refcount[r.node] != refcount_unknown) item["refcount"] = g.refcount[r.node];
    item["counted"] = counted;
    item["shallow"] = s.shallow;
    item["deep"] = s.deep;
    item["naive"] = s.naive;
    item["retained"] = have_retained ? ordered(a.dom.root_retained[i]) : ordered(nullptr);
    item["objects"] = s.objects;
    item["shared_bytes"] = s.shared_bytes;
    item["shared_objects"] = s.shared_objects;
    item["lower_bound"] = s.lower_bound;
    // Nothing left out when the object cap was not reached; past it, only the heap walker says.
    item["unreached"] = i < snap.root_unreached.size() ? ordered(snap.root_unreached[i])
                        : snap.capture.truncated       ? ordered(nullptr)
                                                       : ordered(0);
    item["allocated"] = a.allocated ? allocated_json(snap, *a.allocated, i, counted) : ordered(nullptr);
    item["predicted"] = a.compared ? predicted_json(snap, *a.compared, i, counted) : ordered(nullptr);
    roots.push_back(std::move(item));
  }
  out["roots"] = std::move(roots);

  ordered total;
  total["predicted_deep"] = a.compared ? or_null(a.compared->total_deep()) : ordered(nullptr);
  total["deep"] = a.sizes.total_deep;
  total["naive"] = a.sizes.total_naive;
  total["objects"] = a.sizes.total_objects;
  total["shared_objects"] = a.sizes.shared_objects;
  total["shared_bytes"] = a.sizes.shared_bytes;
  total["repeated_objects"] = a.sizes.repeated_objects;
  total["lower_bound"] = snap.capture.truncated || std::any_of(a.sizes.roots.begin(), a.sizes.roots.end(),
                                                               [](const root_size& s) { return s.lower_bound; });
  total["allocated_deep"] = a.allocated ? or_null(a.allocated->total_deep()) : ordered(nullptr);
  total["predicted_allocated_deep"] =
      a.compared && a.compared->allocated ? or_null(a.compared->allocated->total_deep()) : ordered(nullptr);
  out["total"] = std::move(total);

  ordered types = ordered::array();
  for (const type_total& t : a.types) types.push_back({{"type", t.type}, {"objects", t.objects}, {"bytes", t.bytes}});
  out["types"] = std::move(types);

  ordered cycles = ordered::array();
  for (const cycle& c : a.cycles) cycles.push_back({{"objects", c.objects}, {"bytes", c.bytes}});
  out["cycles"] = std::move(cycles);

  ordered repeated = ordered::array();
  for (const repeated_object& r : a.sizes.repeated) {
    ordered item = object_ref(snap, r.node);
    item["shallow"] = g.shallow[r.node];
    item["times"] = r.times;
    item["extra_bytes"] = (r.times - 1) * g.shallow[r.node];
    repeated.push_back(std::move(item));
  }
  out["repeated"] = std::move(repeated);

  out["top"] = {{"shallow", ranked_json(snap, a.top_shallow)},
                {"deep", ranked_json(snap, a.top_deep)},
                {"retained", have_retained ? ranked_json(snap, a.top_retained) : ordered(nullptr)}};

  ordered diagnostics = ordered::array();
  for (const capture_diagnostic& d : snap.diagnostics) {
    ordered item;
    item["code"] = snap.strings.at(d.code);
    item["message"] = snap.strings.at(d.message);
    if (d.node != no_node) item["object"] = object_ref(snap, d.node);
    diagnostics.push_back(std::move(item));
  }
  out["diagnostics"] = std::move(diagnostics);
  return dump(out);
}

}  // namespace bytewise
