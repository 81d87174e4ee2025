// bytewise-core: the analysis-only module (no ImGui), for Node and the CLI.
//
//   const core = await createBytewiseCore({ wasmBinary });
//   const analyser = createAnalyser(core);   // web/analyser.js: options, reports
//   core.formatConstants()   // { SNAPSHOT_MAGIC: "BYTEWISE", EDGE_KIND_DICT_KEY: 1, ... }
//
// Besides measure_exports.cpp (the option table and the public report, which the app
// module exports too) it has what only Node uses: predictions per platform, snapshot
// diffs, the X-ray decoder with in-process memory, the format's constants.
#include "analyses.hpp"
#include "xray.hpp"

#include <bytewise/format_constants.hpp>

#include <emscripten/bind.h>

#include <string>

namespace {

// The snapshot format's constants by name (bytewise/format_constants.hpp): numbers, and
// strings for the magic and the section tags.
emscripten::val format_constants() {
  emscripten::val out = emscripten::val::object();
  for (const bytewise::named_constant& c : bytewise::format_constants()) {
    out.set(std::string(c.name),
            c.is_text() ? emscripten::val(std::string(c.text)) : emscripten::val(static_cast<double>(c.value)));
  }
  return out;
}

emscripten::val diff(std::uintptr_t before, std::size_t before_size, std::uintptr_t after, std::size_t after_size,
                     std::string options_json) {
  return bytewise::wasm::diff_bytes(before, before_size, after, after_size, options_json);
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_core) {
  emscripten::function("diff", &diff);
  emscripten::function("formatConstants", &format_constants);
  emscripten::function("predictRoot", &bytewise::wasm::predict_root_bytes);
  emscripten::function("xraySubject", &bytewise::wasm::xray_subject_bytes);
  emscripten::function("xray", &bytewise::wasm::xray_to_js);
}
