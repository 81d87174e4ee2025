// The heap walker's native driver: replays a walk of a real Pyodide heap, natively, so
// that its cost can be measured with a steady clock or counted with callgrind.
//
//   build/native/tests/heap_walk_bench DUMP [runs]
//   valgrind --tool=callgrind build/native/tests/heap_walk_bench DUMP 1
//
// A dump is two files written from Node against a live Pyodide by
// `node tools/bench.mjs capture --runs 1 --dump DIR` (DIR/1M-rows.heap and .json; not
// committed: they are the size of the heap).
// DUMP.heap is a copy of Pyodide's linear memory (HEAPU8, from address 0); DUMP.json is
// the walk's setup as web/native-capture.js hands it to the core (native.setup() of
// web/py/_bytewise/native.py with roots, policy, caps and class facts). Prints one JSON
// line per step (walk, encode, and what the report does after: read, analyze, report_json): best and median
// milliseconds, and objects per second.
#include <bytewise/analysis.hpp>
#include <bytewise/heap_walk.hpp>
#include <bytewise/options.hpp>
#include <bytewise/report.hpp>
#include <bytewise/snapshot.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace {

using json = nlohmann::json;

std::vector<std::uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::uint64_t number(const json& j, const char* key, std::uint64_t fallback = 0) {
  const auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<std::uint64_t>() : fallback;
}

bytewise::walk_setup setup_from_json(const json& j) {
  bytewise::walk_setup s;
  for (std::size_t k = 0; k < bytewise::known_type_count; ++k) {
    s.types[k] =
        number(j["types"], std::string(bytewise::known_type_key(static_cast<bytewise::known_type>(k))).c_str());
  }
  s.small_int_min = j.value("smallIntMin", 0);
  s.small_int_max = j.value("smallIntMax", -1);
  for (const auto& a : j["smallInts"]) s.small_int_addresses.push_back(a.get<std::uint64_t>());
  s.heap_base = number(j, "heapBase");
  s.class_statement = number(j, "classStatement");
  s.policy = static_cast<std::uint32_t>(number(j, "policy"));
  s.object_cap = static_cast<std::uint32_t>(number(j, "objectCap", 200'000));
  s.edge_cap = static_cast<std::uint32_t>(number(j, "edgeCap", 100'000));
  if (j.contains("labelCap")) s.label_cap = static_cast<std::uint32_t>(number(j, "labelCap"));
  const json& p = j["platform"];
  s.platform.pointer_size = static_cast<std::uint8_t>(number(p, "pointerSize"));
  s.platform.python_major = p["version"][0].get<std::uint8_t>();
  s.platform.python_minor = p["version"][1].get<std::uint8_t>();
  s.platform.python_micro = p["version"][2].get<std::uint8_t>();
  s.platform.release_level = p["version"][3].get<std::uint8_t>();
  s.platform.release_serial = p["version"][4].get<std::uint8_t>();
  s.platform.implementation = p.value("implementation", "");
  s.platform.python_version = p.value("pythonVersion", "");
  s.platform.runtime = p.value("runtime", "");
  s.platform.machine = p.value("machine", "");
  for (const auto& r : j["roots"]) s.roots.emplace_back(r[0].get<std::string>(), r[1].get<std::uint64_t>());
  for (const auto& c : j["classes"]) {
    bytewise::class_facts f;
    f.address = number(c, "address");
    f.plain = c.value("plain", false);
    for (const auto& n : c["plainNames"]) f.plain_names.push_back(n.get<std::string>());
    std::sort(f.plain_names.begin(), f.plain_names.end());
    for (const auto& sl : c["slots"]) f.slots.emplace_back(sl[0].get<std::string>(), sl[1].get<std::uint64_t>());
    f.shape = number(c, "shape");
    f.category = static_cast<std::uint8_t>(number(c, "category"));
    f.c_sizeof = c.value("cSizeof", false);
    f.object_layout = c.value("objectLayout", false);
    f.object_sizeof = c.value("objectSizeof", false);
    s.classes.push_back(std::move(f));
  }
  return s;
}

template <typename F>
void time_step(const char* step, std::uint32_t objects, int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf("{\"step\": \"%s\", \"objects\": %u, \"ms\": %.2f, \"median_ms\": %.2f, \"objects_per_s\": %.0f}\n", step,
              objects, ms.front(), ms[ms.size() / 2], objects / (ms[ms.size() / 2] / 1000.0));
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: heap_walk_bench DUMP [runs]   (DUMP.heap and DUMP.json)\n");
    return 2;
  }
  const std::string dump = argv[1];
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const std::vector<std::uint8_t> heap = read_file(dump + ".heap");
  const json j = json::parse(read_file(dump + ".json"), nullptr, false);
  if (heap.empty() || j.is_discarded()) {
    std::fprintf(stderr, "heap_walk_bench: %s.heap or %s.json is missing or unreadable\n", dump.c_str(), dump.c_str());
    return 1;
  }
  const bytewise::walk_setup setup = setup_from_json(j);
  const bytewise::copied_heap view(0, heap);
  std::uint32_t objects = 0;
  {
    auto first = bytewise::walk_heap(view, setup);
    if (!first) {
      for (const auto& d : first.errors()) std::fprintf(stderr, "%s\n", bytewise::to_string(d).c_str());
      return 1;
    }
    objects = first->snap.graph.node_count();
    std::fprintf(stderr, "%u objects, %u edges, %zu handed back, %zu problems\n", objects,
                 first->snap.graph.edge_count(), first->handed_back.size(), first->problems.size());
  }
  std::uint64_t sink = 0;
  time_step("walk", objects, runs, [&] {
    auto walked = bytewise::walk_heap(view, setup);
    sink += walked ? walked->snap.graph.node_count() : 0;
  });
  auto walked = bytewise::walk_heap(view, setup);
  time_step("encode", objects, runs, [&] { sink += bytewise::write_snapshot(walked->snap).size(); });
  // What the page's report does with those bytes (wasm/bindings/measure.cpp report_bytes),
  // with measure()'s default options.
  const std::vector<std::uint8_t> bytes = bytewise::write_snapshot(walked->snap);
  time_step("read", objects, runs, [&] { sink += bytewise::read_snapshot(bytes)->graph.node_count(); });
  const auto options = bytewise::parse_measure_options("{}");
  const auto snap = bytewise::read_snapshot(bytes);
  time_step("analyze", objects, runs,
            [&] { sink += bytewise::analyze(snap.value(), options->analysis).sizes.total_deep; });
  const auto a = bytewise::analyze(snap.value(), options->analysis);
  time_step("report_json", objects, runs,
            [&] { sink += bytewise::report_json(snap.value(), a, bytewise::run_facts{}, 0).size(); });
  return sink == 0 ? 1 : 0;
}
