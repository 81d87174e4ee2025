// libFuzzer target: snapshot bytes in. Whatever the bytes, the reader must return a value
// or diagnostics without crashing, hanging or leaking; and whatever it accepts, every
// analysis and the diagram layout must handle, and writing it back must read again.
//
//   tools/test.mjs fuzz   (builds with clang++-14 -fsanitize=fuzzer,address,undefined)
#include <bytewise/analysis.hpp>
#include <bytewise/diagram.hpp>
#include <bytewise/diff.hpp>
#include <bytewise/snapshot.hpp>
#include <bytewise/xray.hpp>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto snap = bytewise::read_snapshot({data, size});
  if (!snap) {
    for (const auto& d : snap.errors()) {
      if (d.code.empty() || d.message.empty()) std::abort();
    }
    return 0;
  }
  bytewise::analysis_options everything;
  everything.compare_with = bytewise::cpython_target{8, 8};
  everything.allocated = true;
  everything.policy.follow_types = everything.policy.follow_modules = true;
  everything.policy.follow_globals = everything.policy.follow_code = true;
  bytewise::analysis_options shared_left_out;
  shared_left_out.policy.include_interpreter_shared = false;
  shared_left_out.top_n = 0;
  shared_left_out.retained = false;
  for (const auto& options : {bytewise::analysis_options{}, everything, shared_left_out}) {
    bytewise::analysis a = bytewise::analyze(snap.value(), options);
    if (a.sizes.roots.size() != snap->roots.size()) std::abort();
    for (const auto& r : a.sizes.roots) {
      if (r.deep > a.sizes.total_deep || r.naive < r.shallow) std::abort();
    }
    if (a.allocated && a.allocated->sizes.roots.size() != snap->roots.size()) std::abort();
    bytewise::diagram d = bytewise::layout_diagram(snap.value(), a);
    for (const auto& arrow : d.arrows) {
      if (arrow.from >= d.boxes.size() || arrow.to >= d.boxes.size() || arrow.path.size() < 2) std::abort();
    }
  }
  // The X-ray decoder on the same bytes taken as memory around each root: any garbage it
  // reads must still decode safely, asking only for what it needs.
  for (const auto& r : snap->roots) {
    bytewise::xray_subject subject = bytewise::xray_subject_of(snap.value(), r.node);
    subject.platform.implementation = "CPython";
    subject.platform.python_major = 3;
    subject.platform.python_minor = 14;
    subject.platform.pointer_size = 4;
    std::vector<bytewise::memory_region> memory{
        {subject.address > 64 ? subject.address - 64 : 0, std::vector<std::uint8_t>(data, data + size)}};
    for (int round = 0; round < 4; ++round) {
      bytewise::xray_result x = bytewise::xray(subject, memory);
      if (x.complete()) break;
      for (const auto& want : x.wants) {
        if (want.length > (1u << 16)) std::abort();  // never asks for more than a block
        memory.push_back({want.address, std::vector<std::uint8_t>(want.length, 0x5A)});
      }
    }
  }
  auto again = bytewise::read_snapshot(bytewise::write_snapshot(snap.value()));
  if (!again) std::abort();
  auto diff = bytewise::diff_snapshots(snap.value(), again.value());
  if (diff.appeared.objects != 0 && diff.net_bytes == 0 && diff.freed.objects == 0) std::abort();
  return 0;
}
