// bytewise-core: the analysis-only module (no ImGui), for Node, the CLI and workers.
//
//   const core = await createBytewiseCore({ wasmBinary });
//   const ptr = core._malloc(bytes.length); core.HEAPU8.set(bytes, ptr);
//   const report = core.analyze(ptr, bytes.length); core._free(ptr);
//
// web/core-bridge.js wraps exactly that; use it rather than calling analyze directly.
#include "report.hpp"

#include <bytewise/sizes.hpp>
#include <bytewise/snapshot.hpp>

#include <emscripten/bind.h>

namespace {

emscripten::val analyze(std::uintptr_t address, std::size_t size) {
  auto snap = bytewise::read_snapshot(bytewise::wasm::bytes_at(address, size));
  if (!snap) return bytewise::wasm::failure_to_js(snap.errors());
  return bytewise::wasm::report_to_js(snap.value(), bytewise::measure_roots(snap.value()));
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_core) {
  emscripten::function("analyze", &analyze);
}
