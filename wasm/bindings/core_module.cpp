// bytewise-core: the analysis-only module (no ImGui), for Node, the CLI and workers.
//
//   const core = await createBytewiseCore({ wasmBinary });
//   const ptr = core._malloc(bytes.length); core.HEAPU8.set(bytes, ptr);
//   const report = core.analyze(ptr, bytes.length, { followTypes: false }); core._free(ptr);
//   core.formatConstants()   // { SNAPSHOT_MAGIC: "BYTEWISE", EDGE_KIND_DICT_KEY: 1, ... }
//
// web/core-bridge.js wraps exactly that; use it rather than calling analyze directly.
#include "report.hpp"
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

emscripten::val analyze(std::uintptr_t address, std::size_t size, emscripten::val options) {
  return bytewise::wasm::analyze_bytes(address, size, options);
}

emscripten::val diff(std::uintptr_t before, std::size_t before_size, std::uintptr_t after, std::size_t after_size,
                     emscripten::val options) {
  return bytewise::wasm::diff_bytes(before, before_size, after, after_size, options);
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_core) {
  emscripten::function("analyze", &analyze);
  emscripten::function("diff", &diff);
  emscripten::function("formatConstants", &format_constants);
  emscripten::function("platforms", &bytewise::wasm::platforms_to_js);
  emscripten::function("predictRoot", &bytewise::wasm::predict_root_bytes);
  emscripten::function("xraySubject", &bytewise::wasm::xray_subject_bytes);
  emscripten::function("xray", &bytewise::wasm::xray_to_js);
}
