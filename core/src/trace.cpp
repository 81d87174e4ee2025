// The trace report (bytewise.trace/1): steps, their sizes and changes, memory by line.
// Index:
//   [SECTION] Reading a step
//   [SECTION] Sizing a step
//   [SECTION] The report
#include <bytewise/diff.hpp>
#include <bytewise/options.hpp>
#include <bytewise/trace.hpp>

#include "report_parts.hpp"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <utility>

namespace bytewise {

namespace {

using json = nlohmann::ordered_json;

constexpr const char* trace_schema = "bytewise.trace/1";

//-----------------------------------------------------------------------------
// [SECTION] Reading a step
//-----------------------------------------------------------------------------

struct frame_meta {
  std::string function;
  std::optional<std::int64_t> line;
  std::vector<std::string> variables;
};

struct step_meta {
  std::optional<std::int64_t> line;  // none: the program has ended
  std::vector<frame_meta> frames;
  std::uint64_t traced_current = 0, traced_peak = 0;
  json output = json::array();  // [{"stream", "text"}] printed since the step before, checked
};

std::optional<std::int64_t> line_of(const json& v, bool& ok) {
  if (v.is_null()) return std::nullopt;
  if (!v.is_number_integer() || v.get<std::int64_t>() < 0) ok = false;
  return ok ? std::optional<std::int64_t>(v.get<std::int64_t>()) : std::nullopt;
}

std::uint64_t bytes_of(const json& v, bool& ok) {
  if (!v.is_number_unsigned()) return ok = false, 0;
  return v.get<std::uint64_t>();
}

// The step's description, or why it cannot be read ("what is wrong, at step N").
result<step_meta> read_meta(std::string_view text, std::size_t index) {
  const std::string where = "step " + std::to_string(index);
  auto bad = [&](const std::string& what) {
    return diagnostic{"trace.bad_step", std::nullopt, "The trace's " + where + " " + what + "."};
  };
  const json given = json::parse(text, nullptr, false);
  if (given.is_discarded() || !given.is_object()) return bad("is not a JSON object");
  for (const char* name : {"line", "frames", "traced_current", "traced_peak", "output"}) {
    if (!given.contains(name)) return bad(std::string("has no \"") + name + "\"");
  }
  step_meta out;
  bool ok = true;
  out.line = line_of(given["line"], ok);
  out.traced_current = bytes_of(given["traced_current"], ok);
  out.traced_peak = bytes_of(given["traced_peak"], ok);
  if (!ok) return bad("has a line or a tracemalloc figure that is not a whole number of 0 or more");
  const json& frames = given["frames"];
  if (!frames.is_array() || frames.empty()) return bad("has no frames (the module's comes first)");
  for (const json& f : frames) {
    if (!f.is_object() || !f.contains("function") || !f["function"].is_string() || !f.contains("variables") ||
        !f["variables"].is_array() || !f.contains("line")) {
      return bad("has a frame without its function, line and variables");
    }
    frame_meta frame{f["function"].get<std::string>(), line_of(f["line"], ok), {}};
    for (const json& v : f["variables"]) {
      if (!v.is_string()) return bad("names a variable with something other than a string");
      frame.variables.push_back(v.get<std::string>());
    }
    if (!ok) return bad("has a frame whose line is not a whole number");
    out.frames.push_back(std::move(frame));
  }
  if (!given["output"].is_array()) return bad("has output that is not a list of chunks");
  for (const json& chunk : given["output"]) {
    const bool stream_ok =
        chunk.is_object() && chunk.contains("stream") && (chunk["stream"] == "stdout" || chunk["stream"] == "stderr");
    if (!stream_ok || !chunk.contains("text") || !chunk["text"].is_string() || chunk.size() != 2) {
      return bad("has output that is not a list of {\"stream\": \"stdout\" or \"stderr\", \"text\": ...}");
    }
    if (!chunk["text"].get_ref<const std::string&>().empty()) out.output.push_back(chunk);
  }
  return out;
}

// The snapshot's roots must be the frames' variables, in order, named "<frame>/<name>".
std::optional<diagnostic> check_roots(const step_meta& meta, const snapshot& snap, std::size_t index) {
  std::size_t root = 0;
  for (std::size_t f = 0; f < meta.frames.size(); ++f) {
    for (const std::string& name : meta.frames[f].variables) {
      const std::string wanted = std::to_string(f) + "/" + name;
      if (root >= snap.roots.size() || snap.strings.at(snap.roots[root].name) != wanted) {
        return diagnostic{"trace.bad_step", std::nullopt,
                          "The trace's step " + std::to_string(index) + " describes variable \"" + wanted +
                              "\" that its snapshot does not hold in that place."};
      }
      ++root;
    }
  }
  if (root != snap.roots.size()) {
    return diagnostic{"trace.bad_step", std::nullopt,
                      "The trace's step " + std::to_string(index) + " has more roots in its snapshot than variables."};
  }
  return std::nullopt;
}

//-----------------------------------------------------------------------------
// [SECTION] Sizing a step
//-----------------------------------------------------------------------------

// Deep size of a set of roots together, each object once: a walk over the followed graph,
// `seen` stamped with `stamp` (distinct per call) so it needs no clearing.
std::pair<std::uint64_t, std::uint64_t> deep_of(const snapshot& snap, const analysis& a,
                                                std::span<const std::uint32_t> roots, std::vector<std::uint32_t>& seen,
                                                std::uint32_t stamp) {
  std::uint64_t bytes = 0, objects = 0;
  std::vector<std::uint32_t> stack;
  for (std::uint32_t r : roots) {
    if (r == no_node || seen[r] == stamp) continue;
    seen[r] = stamp;
    stack.push_back(r);
  }
  while (!stack.empty()) {
    const std::uint32_t n = stack.back();
    stack.pop_back();
    bytes += snap.graph.shallow[n];
    ++objects;
    for (std::uint32_t e = a.graph.offsets[n]; e < a.graph.offsets[n + 1]; ++e) {
      const std::uint32_t t = a.graph.targets[e];
      if (seen[t] != stamp && a.graph.counted[t]) {
        seen[t] = stamp;
        stack.push_back(t);
      }
    }
  }
  return {bytes, objects};
}

json change_json(const change_total& t) { return {{"objects", t.objects}, {"bytes", t.bytes}}; }

struct sized_step {
  json out;
  std::uint64_t total_deep = 0;
  std::uint64_t traced_current = 0;
  std::optional<std::int64_t> line;
};

sized_step size_step(const step_meta& meta, const snapshot& snap, const snapshot* before,
                     const analysis_options& options, std::size_t index) {
  const analysis a = analyze(snap, options);
  std::vector<std::uint32_t> seen(snap.graph.node_count(), 0);
  sized_step s;
  s.line = meta.line;
  s.total_deep = a.sizes.total_deep;
  s.traced_current = meta.traced_current;
  json& out = s.out;
  out["index"] = index;
  out["line"] = meta.line ? json(*meta.line) : json(nullptr);
  json frames = json::array();
  std::size_t root = 0;
  for (std::size_t f = 0; f < meta.frames.size(); ++f) {
    const frame_meta& fm = meta.frames[f];
    json variables = json::array();
    std::vector<std::uint32_t> frame_roots;
    for (const std::string& name : fm.variables) {
      const root_size& r = a.sizes.roots[root];
      const std::uint32_t node = snap.roots[root].node;
      json v;
      v["name"] = name;
      v["type"] = snap.strings.get(snap.graph.type[node], "?");
      v["id"] = snap.graph.address[node];
      v["counted"] = r.node != no_node;
      v["shallow"] = snap.graph.shallow[node];
      v["deep"] = r.node != no_node ? json(r.deep) : json(nullptr);
      v["objects"] = r.objects;
      variables.push_back(std::move(v));
      frame_roots.push_back(r.node);
      ++root;
    }
    const auto [deep, objects] = deep_of(snap, a, frame_roots, seen, static_cast<std::uint32_t>(f + 1));
    json frame;
    frame["function"] = fm.function;
    frame["line"] = fm.line ? json(*fm.line) : json(nullptr);
    frame["deep"] = deep;
    frame["objects"] = objects;
    frame["variables"] = std::move(variables);
    frames.push_back(std::move(frame));
  }
  out["frames"] = std::move(frames);
  out["total"] = {{"deep", a.sizes.total_deep}, {"objects", a.sizes.total_objects}};
  out["traced_current"] = meta.traced_current;
  out["traced_peak"] = meta.traced_peak;
  out["complete"] = !snap.capture.truncated;
  json changes;
  if (before) {
    const snapshot_diff d = diff_snapshots(*before, snap, options.policy, 0);
    changes["appeared"] = change_json(d.appeared);
    changes["freed"] = change_json(d.freed);
    changes["grew"] = change_json(d.grew);
    changes["shrank"] = change_json(d.shrank);
  } else {
    changes["appeared"] = {{"objects", a.sizes.total_objects}, {"bytes", a.sizes.total_deep}};
    for (const char* k : {"freed", "grew", "shrank"}) changes[k] = {{"objects", 0}, {"bytes", 0}};
  }
  out["changes"] = std::move(changes);
  out["output"] = meta.output;
  return s;
}

// Marks each variable of `step` against the step before: "new" when the same frame (the
// one at its place in the stack, running the same function) had no variable of its name,
// "changed" when its object, shallow or deep size or object count differ, else "same".
// A frame with no such counterpart (a call just made) has only new variables.
void mark_variables(json& step, const json* before) {
  json& frames = step["frames"];
  for (std::size_t f = 0; f < frames.size(); ++f) {
    const json* old_frame = nullptr;
    if (before && f < (*before)["frames"].size() && (*before)["frames"][f]["function"] == frames[f]["function"]) {
      old_frame = &(*before)["frames"][f];
    }
    std::map<std::string, const json*> old_variables;
    if (old_frame) {
      for (const json& v : (*old_frame)["variables"]) old_variables[v["name"].get<std::string>()] = &v;
    }
    for (json& v : frames[f]["variables"]) {
      const auto found = old_variables.find(v["name"].get<std::string>());
      if (found == old_variables.end()) {
        v["status"] = "new";
        continue;
      }
      const json& o = *found->second;
      const bool same = o["id"] == v["id"] && o["shallow"] == v["shallow"] && o["deep"] == v["deep"] &&
                        o["objects"] == v["objects"] && o["type"] == v["type"];
      v["status"] = same ? "same" : "changed";
    }
  }
}

//-----------------------------------------------------------------------------
// [SECTION] The report
//-----------------------------------------------------------------------------

std::vector<std::string_view> source_lines(std::string_view source) {
  std::vector<std::string_view> out;
  while (!source.empty()) {
    const std::size_t end = source.find('\n');
    std::string_view line = source.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    if (end == std::string_view::npos) break;
    source.remove_prefix(end + 1);
  }
  return out;
}

struct line_row {
  std::uint64_t after = 0, peak_after = 0, traced_after = 0;
  std::int64_t increment = 0, traced_increment = 0;
  std::uint64_t occurrences = 0;
};

}  // namespace

std::string trace_json(std::span<const trace_step> steps, std::string_view source, const run_facts& run,
                       const trace_run& info, const analysis_options& given) {
  analysis_options options = given;
  options.retained = false;
  options.allocated = false;
  options.compare_with.reset();
  options.top_n = 0;

  json out;
  out["schema"] = trace_schema;
  write_run_output(out, run);
  std::vector<diagnostic> problems = info.stopped;
  json steps_out = json::array();
  std::vector<sized_step> sized;
  std::optional<snapshot> before;
  json platform = nullptr;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    result<step_meta> meta = read_meta(steps[i].meta_json, i);
    if (!meta) {
      problems.insert(problems.end(), meta.errors().begin(), meta.errors().end());
      break;
    }
    result<snapshot> snap = read_snapshot(steps[i].snapshot);
    if (!snap) {
      problems.push_back({"trace.bad_step", std::nullopt,
                          "The trace's step " + std::to_string(i) +
                              " has a snapshot that cannot be read: " + snap.errors().front().message});
      break;
    }
    if (std::optional<diagnostic> d = check_roots(meta.value(), snap.value(), i)) {
      problems.push_back(*d);
      break;
    }
    if (platform.is_null()) platform = platform_fields(snap.value());
    sized_step s = size_step(meta.value(), snap.value(), before ? &*before : nullptr, options, i);
    mark_variables(s.out, steps_out.empty() ? nullptr : &steps_out.back());
    steps_out.push_back(std::move(s.out));
    s.out = nullptr;
    sized.push_back(std::move(s));
    before = std::move(snap.value());
  }
  // Memory by line: what stepping over a line changed is charged to it (a call's line
  // up to its callee's first line, then the callee's own lines).
  std::map<std::int64_t, line_row> rows;
  for (std::size_t i = 0; i + 1 < sized.size(); ++i) {
    if (!sized[i].line) continue;
    line_row& r = rows[*sized[i].line];
    const sized_step& next = sized[i + 1];
    r.after = next.total_deep;
    r.peak_after = std::max(r.peak_after, next.total_deep);
    r.traced_after = next.traced_current;
    r.increment += static_cast<std::int64_t>(next.total_deep) - static_cast<std::int64_t>(sized[i].total_deep);
    r.traced_increment +=
        static_cast<std::int64_t>(next.traced_current) - static_cast<std::int64_t>(sized[i].traced_current);
    ++r.occurrences;
  }
  const std::vector<std::string_view> text = source_lines(source);
  json lines = json::array();
  for (const auto& [line, r] : rows) {
    json row;
    row["line"] = line;
    row["memory_after"] = r.after;
    row["peak_after"] = r.peak_after;
    row["increment"] = r.increment;
    row["traced_after"] = r.traced_after;
    row["traced_increment"] = r.traced_increment;
    row["occurrences"] = r.occurrences;
    row["text"] = line >= 1 && static_cast<std::size_t>(line) <= text.size() ? std::string(text[line - 1]) : "";
    lines.push_back(std::move(row));
  }
  out["ok"] = !run.error && problems.empty();
  out["platform"] = std::move(platform);
  out["truncated"] = info.truncated;
  out["step_cap"] = info.step_cap;
  out["steps"] = std::move(steps_out);
  out["lines"] = std::move(lines);
  json diagnostics = json::array();
  for (const diagnostic& d : problems) diagnostics.push_back({{"code", d.code}, {"message", d.message}});
  out["diagnostics"] = std::move(diagnostics);
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string trace_report_json(std::span<const std::uint8_t> buffer, std::string_view index_json,
                              std::string_view source, std::string_view run_json, std::string_view options_json) {
  trace_run info;
  run_facts run;
  if (result<run_facts> r = read_run_facts(run_json)) {
    run = std::move(r.value());
  } else {
    info.stopped.insert(info.stopped.end(), r.errors().begin(), r.errors().end());
  }
  analysis_options options;
  if (result<measure_options> o = parse_measure_options(options_json)) {
    options = o->analysis;
    info.step_cap = o->probe.step_cap;
  } else {
    info.stopped.insert(info.stopped.end(), o.errors().begin(), o.errors().end());
  }
  std::vector<std::string> metas;
  std::vector<trace_step> steps;
  const json index = json::parse(index_json, nullptr, false);
  auto bad_index = [&](const std::string& what) {
    info.stopped.push_back({"trace.bad_index", std::nullopt, "The trace's index " + what + "."});
  };
  if (index.is_discarded() || !index.is_object() || !index.contains("steps") || !index["steps"].is_array()) {
    bad_index("is not an object with a list of steps");
  } else {
    if (index.contains("truncated") && index["truncated"].is_boolean()) info.truncated = index["truncated"].get<bool>();
    if (index.contains("stopped") && index["stopped"].is_array()) {
      for (const json& d : index["stopped"]) {
        if (d.is_object() && d.contains("code") && d["code"].is_string() && d.contains("message") &&
            d["message"].is_string()) {
          info.stopped.push_back({d["code"].get<std::string>(), std::nullopt, d["message"].get<std::string>()});
        }
      }
    }
    for (const json& step : index["steps"]) {
      if (!step.is_object() || !step.contains("meta") || !step.contains("offset") || !step.contains("length") ||
          !step["offset"].is_number_unsigned() || !step["length"].is_number_unsigned()) {
        bad_index("step " + std::to_string(steps.size()) + " has no meta, offset and length");
        break;
      }
      const std::uint64_t offset = step["offset"].get<std::uint64_t>(), length = step["length"].get<std::uint64_t>();
      if (offset > buffer.size() || length > buffer.size() - offset) {
        bad_index("step " + std::to_string(steps.size()) + " lies outside the buffer of snapshots");
        break;
      }
      metas.push_back(step["meta"].dump());
      steps.push_back({{}, buffer.subspan(offset, length)});
    }
    for (std::size_t i = 0; i < steps.size(); ++i) steps[i].meta_json = metas[i];
  }
  return trace_json(steps, source, run, info, options);
}

}  // namespace bytewise
