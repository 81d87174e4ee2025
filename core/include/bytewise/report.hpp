// bytewise/report.hpp: the public measurement report, written once.
//
// Every number a person or a script reads about a run comes from here: the page's table
// and canvas, the Node API's measure(), the command line's output and --json. The report
// is JSON with the schema "bytewise.measure/1", specified (and closed: no field it does
// not name) by docs/measure-report.schema.json; docs/schema-versioning.md says how it
// may change.
//
//   auto run = bytewise::read_run_facts(run_json);      // what the runner saw (JSON)
//   auto snap = bytewise::read_snapshot(bytes);
//   bytewise::analysis a = bytewise::analyze(*snap, options.analysis);
//   std::string report = bytewise::report_json(*snap, a, *run, analyze_ms);
//
// A run whose snapshot cannot be read still gets a report (failed_report_json): ok false,
// the reader's diagnostics, and the run's output and error, so nothing the program printed
// is lost.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/result.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bytewise {

inline constexpr std::string_view report_schema = "bytewise.measure/1";

// The program's uncaught exception, as the runner describes it.
struct python_error {
  std::string type;  // "ZeroDivisionError"
  std::string message;
  std::string traceback;            // as CPython prints it, the user's frames only
  std::optional<std::string> hint;  // what it means in this sandbox, where that differs
};

// tracemalloc's view of the run (web/py: the runner's tracing session).
struct traced_line {
  std::int64_t line = 0;
  std::int64_t bytes = 0, blocks = 0;  // a region's lines count what it freed as negative
  std::string text;
};
struct traced_region {
  std::string label;
  std::int64_t line = 0;
  std::uint64_t before = 0, after = 0, peak = 0;
  std::int64_t change = 0;
  std::vector<traced_line> top_lines;
};
struct traced_memory {
  std::optional<std::uint64_t> current, peak;  // absent when only regions were traced
  std::vector<traced_line> top_lines;
  std::vector<traced_region> regions;
};

// A stretch of output on one stream; a run's output is a list of them in the order printed.
enum class output_stream : std::uint8_t { stdout_, stderr_ };
struct output_chunk {
  output_stream stream = output_stream::stdout_;
  std::string text;
};

// What the runner reports about a run besides the snapshot.
// Who captured the run's objects: the core's heap walker reading the interpreter's memory
// ("native"), or the Python probe ("probe"), with the reason the walker did not.
struct capture_method {
  std::string method;                 // "native" or "probe"
  std::optional<std::string> reason;  // why the probe captured; none for "native"
};

struct run_facts {
  std::optional<python_error> error;
  std::vector<output_chunk> output;  // in the order printed, a chunk per change of stream
  std::optional<traced_memory> tracemalloc;
  double run_ms = 0, capture_ms = 0;
  std::optional<capture_method> capture;  // none when no capture was made (a stopped run)
};

// Reads the runner's account of a run: {"error": {...} | null, "output": [{"stream":
// "stdout" | "stderr", "text": "..."}, ...], "tracemalloc": {...} | null, "run_ms": n,
// "capture_ms": n, "capture"?: {"method": "native" | "probe", "reason": "..." | null}}.
// Every field is checked; a problem is a diagnostic "run.bad_facts"
// naming the field. Adjacent chunks of one stream are joined.
result<run_facts> read_run_facts(std::string_view json);

// What was printed on one stream, in order.
std::string stream_text(const run_facts& run, output_stream stream);

// The report of a run whose snapshot was read and analysed (`a` from analyze(snap, ...)).
std::string report_json(const snapshot& snap, const analysis& a, const run_facts& run, double analyze_ms);

// The report of a run whose snapshot could not be read: ok false, `errors` as diagnostics.
std::string failed_report_json(std::span<const diagnostic> errors, const run_facts& run, double analyze_ms);

// The small-int explorer's answer. `ids_json` holds what the probe saw for each value,
// [[value, id, id_again], ...] (two ints made from the value's text, one after the other);
// `snap` is any capture from the same interpreter (its platform and probed cache range).
// JSON: { platform: { description, ... }, cached_range: [low, high] | null, stride: bytes
// between neighbouring cached ints | null, values: [{ value, id, id_again, cached }] },
// or a diagnostic "run.bad_small_ints" when `ids_json` is not that shape.
result<std::string> small_int_report_json(const snapshot& snap, std::string_view ids_json);

// {"ok": false, "errors": [{"code", "offset" (null when none), "message"}]}: how the
// wasm modules answer a call that failed.
std::string failure_json(std::span<const diagnostic> errors);

// "314.0.7" for a snapshot taken in Pyodide 314.0.7 (platform_info::runtime), else nullopt.
std::optional<std::string> pyodide_version(const platform_info& p);

}  // namespace bytewise
