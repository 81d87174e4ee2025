// libFuzzer target: the JSON that crosses into the core from JavaScript. measure() options
// come from API callers and share links; a run's facts and the small-int explorer's ids
// come from the worker, where user code runs. Whatever the text, each reader must return a
// value or diagnostics, and whatever it accepts must give a report that is valid JSON.
//
//   tools/test.mjs fuzz   (builds with clang++-14 -fsanitize=fuzzer,address,undefined)
#include <bytewise/options.hpp>
#include <bytewise/report.hpp>
#include <bytewise/snapshot.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

// A small capture to write reports about: x = [1, "hello"].
const bytewise::snapshot& sample() {
  static const bytewise::snapshot snap = [] {
    bytewise::platform_info p;
    p.implementation = "CPython";
    p.python_major = 3;
    p.python_minor = 14;
    p.pointer_size = 4;
    p.runtime = "Pyodide 314.0.7";
    bytewise::snapshot_builder b(p);
    auto list = b.add_node("list", 36, 0x1000, bytewise::node_flag::gc_tracked);
    auto one = b.add_node("int", 16, 0x2000, bytewise::node_flag::small_int);
    auto text = b.add_node("str", 26, 0x3000);
    b.add_edge(list, one, bytewise::edge_kind::index, 0u);
    b.add_edge(list, text, bytewise::edge_kind::index, 1u);
    b.add_root("x", list);
    return std::move(b).build();
  }();
  return snap;
}

void require_json(const std::string& text) {
  if (nlohmann::json::parse(text, nullptr, false).is_discarded()) std::abort();
}

void require_diagnostics(const std::vector<bytewise::diagnostic>& errors) {
  if (errors.empty()) std::abort();
  for (const auto& d : errors) {
    if (d.code.empty() || d.message.empty()) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto options = bytewise::parse_measure_options(text);
  if (options) {
    require_json(bytewise::probe_options_json(options->probe));
    const bytewise::analysis a = bytewise::analyze(sample(), options->analysis);
    require_json(bytewise::report_json(sample(), a, {}, 0));
  } else {
    require_diagnostics(options.errors());
  }
  require_json(bytewise::checked_options_json(text));

  auto run = bytewise::read_run_facts(text);
  if (run) {
    require_json(bytewise::report_json(sample(), bytewise::analyze(sample()), run.value(), 1.5));
    require_json(bytewise::failed_report_json({}, run.value(), 0));
  } else {
    require_diagnostics(run.errors());
  }

  auto ints = bytewise::small_int_report_json(sample(), text);
  if (ints) {
    require_json(ints.value());
  } else {
    require_diagnostics(ints.errors());
  }
  return 0;
}
