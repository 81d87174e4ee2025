// Exports of both wasm modules (compiled into each): the option and platform tables, the
// option checker and the public report, all as JSON text (web/analyser.js reads them).
#include "measure.hpp"

#include <bytewise/options.hpp>

#include <emscripten/bind.h>

namespace {

std::string check_options(const std::string& json) { return bytewise::checked_options_json(json); }

std::string report(std::uintptr_t address, std::size_t size, const std::string& options_json,
                   const std::string& run_json) {
  return bytewise::wasm::report_bytes(address, size, options_json, run_json);
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_measure) {
  emscripten::function("optionTable", &bytewise::option_table_json);
  emscripten::function("platformTable", &bytewise::platform_table_json);
  emscripten::function("checkOptions", &check_options);
  emscripten::function("report", &report);
}
