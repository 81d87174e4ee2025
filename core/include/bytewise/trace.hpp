// bytewise/trace.hpp: a program recorded line by line, turned into its timeline and its
// memory by line (the trace report, bytewise.trace/1, docs/trace-report.schema.json).
//
//   std::vector<bytewise::trace_step> steps = ...;   // one per recorded step, in order
//   std::string json = bytewise::trace_json(steps, source, run, {.truncated = false}, options);
//
// A step is what web/py/_bytewise/stepping.py records: the line about to run (none for the
// last step, when the program has ended), the program's frames outermost first with their
// variables in order, tracemalloc's current and peak, the output printed since the step
// before, and a snapshot whose roots are those variables, named "<frame index>/<name>".
// For each step the trace gives every variable's shallow and deep size and whether it is
// new, changed or the same as at the step before, each frame's deep size (its variables
// together, each object once),
// the program's total, and what changed since the step before: objects that appeared, were
// freed, grew or shrank (matched by id and type, diff.hpp). Memory by line, like
// memory_profiler's table: for each line that ran, the program's objects and tracemalloc's
// current after its last run, the increment summed over its runs, and how often it ran.
//
// Every step is checked (its description against its snapshot); a bad step is a
// diagnostic naming it, and the steps before it still make a trace.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/report.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bytewise {

// One recorded step as the recorder hands it over.
struct trace_step {
  // {"line", "frames": [{"function", "line", "variables"}], "traced_current", "traced_peak",
  //  "output": [{"stream": "stdout" | "stderr", "text"}] printed since the step before}
  std::string meta_json;
  std::span<const std::uint8_t> snapshot;  // must outlive the call
};

// What the host knows of the recording as a whole.
struct trace_run {
  bool truncated = false;      // the step cap ended recording; the program ran on
  std::uint32_t step_cap = 0;  // the cap that applied
  // Why the program did not end by itself (the time limit, a crash): shown as diagnostics;
  // the steps recorded until then are the trace.
  std::vector<diagnostic> stopped;
};

// The trace report as JSON. `source`: the program's text (for each line's text). Options:
// the policy decides what deep sizes count, as in a measurement.
std::string trace_json(std::span<const trace_step> steps, std::string_view source, const run_facts& run,
                       const trace_run& info, const analysis_options& options);

// trace_json for a host that holds every step's snapshot in one buffer (web/trace.js):
// `index_json` = {"steps": [{"meta": {...}, "offset": n, "length": n}, ...],
// "truncated": bool, "stopped": [{"code", "message"}]}; `options_json`: the measure
// options (parse_measure_options: the policy and stepCap); `run_json`: the run's facts
// (read_run_facts). Anything that cannot be read is a diagnostic in the report.
std::string trace_report_json(std::span<const std::uint8_t> buffer, std::string_view index_json,
                              std::string_view source, std::string_view run_json, std::string_view options_json);

}  // namespace bytewise
