// Exports of both wasm modules (compiled into each): the option and platform tables, the
// option checker, the public report and the small-int explorer's table, all as JSON text (web/analyser.js reads them).
#include "measure.hpp"

#include <bytewise/options.hpp>
#include <bytewise/report.hpp>
#include <bytewise/trace.hpp>

#include <emscripten/bind.h>

namespace {

std::string check_options(const std::string& json) { return bytewise::checked_options_json(json); }

std::string report(std::uintptr_t address, std::size_t size, const std::string& options_json,
                   const std::string& run_json) {
  return bytewise::wasm::report_bytes(address, size, options_json, run_json);
}

std::string small_ints(std::uintptr_t address, std::size_t size, const std::string& ids_json) {
  return bytewise::wasm::small_ints_bytes(address, size, ids_json);
}

// The report of a run that ended without a capture (stopped at its time limit, or its
// interpreter died): ok false, one diagnostic, and the run's facts (what it printed).
std::string stopped_report(const std::string& code, const std::string& message, const std::string& run_json) {
  const bytewise::result<bytewise::run_facts> run = bytewise::read_run_facts(run_json);
  const std::vector<bytewise::diagnostic> errors{{code, std::nullopt, message}};
  return bytewise::failed_report_json(errors, run ? run.value() : bytewise::run_facts{}, 0);
}

// The trace report: every step's snapshot in one block of the module's memory.
std::string trace(std::uintptr_t address, std::size_t size, const std::string& index_json, const std::string& source,
                  const std::string& run_json, const std::string& options_json) {
  return bytewise::trace_report_json({reinterpret_cast<const std::uint8_t*>(address), size}, index_json, source,
                                     run_json, options_json);
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_measure) {
  emscripten::function("optionTable", &bytewise::option_table_json);
  emscripten::function("platformTable", &bytewise::platform_table_json);
  emscripten::function("checkOptions", &check_options);
  emscripten::function("experimentTable", &bytewise::experiment_table_json);
  emscripten::function("report", &report);
  emscripten::function("smallInts", &small_ints);
  emscripten::function("stoppedReport", &stopped_report);
  emscripten::function("trace", &trace);
}
