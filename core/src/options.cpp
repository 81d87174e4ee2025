// The option table and its parser. Each row's default is written once, as JSON, and the
// parser reads the defaults from the same rows before it reads the caller's values, so no
// default is repeated anywhere else.
#include <bytewise/layout_model.hpp>
#include <bytewise/options.hpp>

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <limits>
#include <utility>

namespace bytewise {

namespace {

using json = nlohmann::ordered_json;  // one JSON type: each instantiation costs wasm bytes
using ordered_json = nlohmann::ordered_json;
namespace owner = option_owner;
constexpr std::uint8_t capture = owner::probe | owner::core;  // the probe records, the core applies

// The object cap's default: a tutorial's ten million floats and their list, whole, with
// room; the analysis of an object takes about 234 bytes of the page's 4 GiB wasm memory.
// clang-format off
constexpr std::array<option_spec, 15> rows{{
    {"objectCap", owner::probe, option_kind::whole_number, 1, 50'000'000, "12000000", "object-cap", false,
     "Capture at most this many objects; past it every size that depends on the rest is a lower bound (marked \u2265)."},
    {"edgeCap", owner::probe, option_kind::whole_number, 1, 100'000'000, "20000000", "edge-cap", false,
     "Record at most this many references of any one object; past it the capture says which objects lost theirs."},
    {"roots", owner::probe, option_kind::expressions, 0, 0, "null", "roots", false,
     "Measure these Python expressions instead of the program's own variables."},
    {"followTypes", capture, option_kind::boolean, 0, 0, "false", "follow-types", false,
     "Count type objects and what they reference (left out by default: they belong to the class, not the object)."},
    {"followModules", capture, option_kind::boolean, 0, 0, "false", "follow-modules", false,
     "Count modules and what they reference."},
    {"followGlobals", capture, option_kind::boolean, 0, 0, "false", "follow-globals", false,
     "Count the module globals that functions reference."},
    {"followCode", capture, option_kind::boolean, 0, 0, "false", "follow-code", false,
     "Count functions' code objects."},
    {"tracemalloc", owner::probe, option_kind::boolean, 0, 0, "false", "tracemalloc", false,
     "Trace the whole run with tracemalloc: memory by line, current and peak."},
    {"includeInterpreterShared", owner::core, option_kind::boolean, 0, 0, "true", "leave-out-shared", true,
     "Count the objects shared with the interpreter (cached small ints, interned strings, None, True)."},
    {"retained", owner::core, option_kind::boolean, 0, 0, "true", "no-retained", true,
     "Compute retained sizes (what deleting each variable alone would free)."},
    {"allocated", owner::core, option_kind::boolean, 0, 0, "true", "no-allocated", true,
     "Give the bytes the allocator really reserves, on this platform and on the compared one."},
    {"topN", owner::core, option_kind::whole_number, 0, 10'000, "20", "top", false,
     "Length of the lists of largest objects."},
    {"timeLimit", owner::sandbox, option_kind::whole_number, 0, 3'600, "30", "time-limit", false,
     "Stop the program after this many seconds (0: no limit)."},
    {"stepCap", owner::probe, option_kind::whole_number, 1, 1'000'000, "10000", "step-cap", false,
     "trace: record at most this many steps; the program then runs on to its end, unrecorded."},
    // The default platform is the layout model's (default_target), so it is not written here.
    {"comparePlatform", owner::core, option_kind::platform, 0, 0, "", "compare", false,
     "Also predict every size on this platform with the layout model; null compares with nothing."},
}};
// clang-format on

// A row's default as JSON.
json default_of(const option_spec& row) {
  if (row.kind == option_kind::platform) return target_name(default_target);
  return json::parse(row.default_json);
}

std::string known_names() {
  std::string out;
  for (const option_spec& row : rows) out += (out.empty() ? "" : ", ") + std::string(row.name);
  return out;
}

std::string platform_names() {
  std::string out;
  for (const cpython_target& t : modelled_targets()) out += (out.empty() ? "" : ", ") + target_name(t);
  return out;
}

std::string format_count(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

diagnostic bad(const option_spec& row, const json& value) {
  std::string wants;
  switch (row.kind) {
    case option_kind::boolean: wants = "true or false"; break;
    case option_kind::whole_number:
      wants = "a whole number from " + format_count(row.low) + " to " + format_count(row.high);
      break;
    case option_kind::platform: wants = "null or one of: " + platform_names(); break;
    case option_kind::expressions:
      wants = "null or a non-empty list of Python expressions, such as [\"x\", \"cache.items\"]";
      break;
  }
  return {"api.bad_option", std::nullopt,
          "Option " + std::string(row.name) + " must be " + wants + ", not " +
              value.dump(-1, ' ', false, json::error_handler_t::replace) + "."};
}

// Applies one checked value to the parsed options.
void apply(std::string_view name, const json& value, measure_options& out) {
  traversal_policy& policy = out.analysis.policy;
  probe_options& probe = out.probe;
  auto flag = [&](std::string_view n, bool& target) {
    if (name == n) target = value.get<bool>();
  };
  flag("followTypes", policy.follow_types);
  flag("followModules", policy.follow_modules);
  flag("followGlobals", policy.follow_globals);
  flag("followCode", policy.follow_code);
  flag("includeInterpreterShared", policy.include_interpreter_shared);
  flag("retained", out.analysis.retained);
  flag("allocated", out.analysis.allocated);
  flag("tracemalloc", probe.tracemalloc);
  probe.follow_types = policy.follow_types;
  probe.follow_modules = policy.follow_modules;
  probe.follow_globals = policy.follow_globals;
  probe.follow_code = policy.follow_code;
  if (name == "objectCap") probe.object_cap = value.get<std::uint32_t>();
  if (name == "edgeCap") probe.edge_cap = value.get<std::uint32_t>();
  if (name == "stepCap") probe.step_cap = value.get<std::uint32_t>();
  if (name == "topN") out.analysis.top_n = value.get<std::uint32_t>();
  if (name == "timeLimit") out.sandbox.time_limit_seconds = value.get<std::uint32_t>();
  if (name == "roots") {
    probe.roots.clear();
    if (value.is_array()) {
      for (const json& r : value) probe.roots.push_back(r.get<std::string>());
    }
  }
  if (name == "comparePlatform") {
    out.analysis.compare_with.reset();
    if (value.is_string()) out.analysis.compare_with = parse_target(value.get<std::string>());
  }
}

// True if `value` is acceptable for `row`.
bool valid(const option_spec& row, const json& value) {
  switch (row.kind) {
    case option_kind::boolean: return value.is_boolean();
    case option_kind::whole_number: {
      if (value.is_number_unsigned())
        return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(row.high) &&
               value.get<std::uint64_t>() >= static_cast<std::uint64_t>(row.low);
      if (value.is_number_integer())
        return value.get<std::int64_t>() >= row.low && value.get<std::int64_t>() <= row.high;
      if (value.is_number_float()) {
        // JavaScript has one number type: 1e6 arrives as a float and is fine if whole.
        // The range first: casting a double beyond int64's range is undefined.
        const double d = value.get<double>();
        return d >= static_cast<double>(row.low) && d <= static_cast<double>(row.high) && d == std::floor(d);
      }
      return false;
    }
    case option_kind::platform:
      return value.is_null() || (value.is_string() && parse_target(value.get<std::string>()).has_value());
    case option_kind::expressions: {
      if (value.is_null()) return true;
      if (!value.is_array() || value.empty()) return false;
      for (const json& r : value) {
        if (!r.is_string()) return false;
        const std::string& text = r.get_ref<const std::string&>();
        if (text.find_first_not_of(" \t\r\n") == std::string::npos) return false;
      }
      return true;
    }
  }
  return false;
}

json normalised(const option_spec& row, const json& value) {
  if (row.kind == option_kind::whole_number && value.is_number_float()) {
    return static_cast<std::int64_t>(value.get<double>());
  }
  return value;
}

}  // namespace

std::string_view to_string(option_kind kind) {
  switch (kind) {
    case option_kind::boolean: return "boolean";
    case option_kind::whole_number: return "whole number";
    case option_kind::platform: return "platform";
    case option_kind::expressions: return "expressions";
  }
  return "unknown";
}

std::span<const option_spec> option_table() { return rows; }

result<measure_options> parse_measure_options(std::string_view text) {
  measure_options out;
  for (const option_spec& row : rows) apply(row.name, default_of(row), out);
  const json given = json::parse(text, nullptr, false);
  if (given.is_discarded() || !given.is_object()) {
    return diagnostic{"api.bad_options", std::nullopt, "Options must be an object, such as { \"objectCap\": 10000 }."};
  }
  std::vector<diagnostic> errors;
  for (const auto& [key, value] : given.items()) {
    const option_spec* row = nullptr;
    for (const option_spec& r : rows) {
      if (r.name == key) row = &r;
    }
    if (!row) {
      errors.push_back(
          {"api.unknown_option", std::nullopt, "Unknown option " + key + "; known options: " + known_names() + "."});
    } else if (!valid(*row, value)) {
      errors.push_back(bad(*row, value));
    } else {
      apply(row->name, normalised(*row, value), out);
    }
  }
  if (!errors.empty()) return errors;
  return out;
}

std::string probe_options_json(const probe_options& p) {
  ordered_json out;
  out["object_cap"] = p.object_cap;
  out["edge_cap"] = p.edge_cap;
  out["step_cap"] = p.step_cap;
  out["roots"] = p.roots.empty() ? json(nullptr) : json(p.roots);
  out["follow_types"] = p.follow_types;
  out["follow_modules"] = p.follow_modules;
  out["follow_globals"] = p.follow_globals;
  out["follow_code"] = p.follow_code;
  out["tracemalloc"] = p.tracemalloc;
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string checked_options_json(std::string_view text) {
  const result<measure_options> parsed = parse_measure_options(text);
  ordered_json out;
  out["ok"] = parsed.ok();
  if (parsed) {
    out["probe"] = ordered_json::parse(probe_options_json(parsed->probe));
    out["sandbox"] = {{"time_limit_seconds", parsed->sandbox.time_limit_seconds}};
  } else {
    ordered_json errors = ordered_json::array();
    for (const diagnostic& d : parsed.errors()) errors.push_back({{"code", d.code}, {"message", d.message}});
    out["errors"] = std::move(errors);
  }
  return out.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string option_table_json() {
  ordered_json out = ordered_json::array();
  for (const option_spec& row : rows) {
    ordered_json item;
    item["name"] = row.name;
    ordered_json owners = ordered_json::array();
    if (row.owners & owner::probe) owners.push_back("probe");
    if (row.owners & owner::core) owners.push_back("core");
    if (row.owners & owner::sandbox) owners.push_back("sandbox");
    item["owners"] = owners;
    item["kind"] = to_string(row.kind);
    item["low"] = row.kind == option_kind::whole_number ? ordered_json(row.low) : ordered_json(nullptr);
    item["high"] = row.kind == option_kind::whole_number ? ordered_json(row.high) : ordered_json(nullptr);
    item["default"] = default_of(row);
    item["flag"] = row.flag;
    item["flagInverts"] = row.flag_inverts;
    item["help"] = row.help;
    out.push_back(std::move(item));
  }
  return out.dump();
}

std::string experiment_table_json() {
  ordered_json out;
  out["smallInts"] = {{"low", experiments.small_int_low},
                      {"high", experiments.small_int_high},
                      {"bound", experiments.small_int_bound},
                      {"span", experiments.small_int_span}};
  out["footprints"] = {{"sizes", experiments.footprint_sizes},
                       {"maxSizes", experiments.footprint_max_sizes},
                       {"maxN", experiments.footprint_max_n}};
  return out.dump();
}

std::string platform_table_json() {
  ordered_json out = ordered_json::array();
  for (const cpython_target& t : modelled_targets()) {
    ordered_json item;
    item["name"] = target_name(t);
    item["short"] = short_target_name(t);
    item["description"] = describe_target(t);
    item["default"] = t == default_target;
    out.push_back(std::move(item));
  }
  return out.dump();
}

}  // namespace bytewise
