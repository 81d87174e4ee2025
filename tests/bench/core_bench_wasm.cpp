// The core benchmark's wasm driver: the same workload as core_bench.cpp, timed with a
// steady clock (Google Benchmark is not built for wasm here). Prints one JSON line per
// step: {"step": ..., "ms": best of runs, "median_ms": ..., "objects_per_s": ...}.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

#include "core_workload.hpp"

namespace {

using namespace bytewise;

template <typename F>
void time_step(const char* graph, const char* name, std::uint32_t objects, int runs, F&& f) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    f();
    auto end = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::printf(
      "{\"graph\": \"%s\", \"step\": \"%s\", \"ms\": %.2f, \"median_ms\": %.2f, \"objects_per_s\": "
      "%.0f}\n",
      graph, name, ms.front(), ms[ms.size() / 2], objects / (ms.front() / 1000.0));
  std::fflush(stdout);
}

volatile std::uint64_t sink;

void run(const char* graph, const snapshot& heap, int runs) {
  const std::vector<std::uint8_t> bytes = write_snapshot(heap);
  const std::uint32_t n = heap.graph.node_count();
  time_step(graph, "baseline_walk", n, runs, [&] { sink = bench::baseline_walk(heap); });
  time_step(graph, "load_and_validate", n, runs, [&] {
    auto s = read_snapshot(bytes);
    sink = s ? s->graph.node_count() : 0;
  });
  time_step(graph, "deep_shared_per_type", n, runs, [&] { sink = bench::sizes_step(heap).total_deep; });
  followed_graph g = follow(heap, {});
  time_step(graph, "dominators_only", n, runs, [&] { sink = bench::dominators_step(heap, g); });
  components c = strongly_connected(g);
  time_step(graph, "largest_by_deep_20", n, runs, [&] { sink = largest_by_deep(heap, g, c, 20).size(); });
  time_step(graph, "analyze_all", n, runs, [&] { sink = analyze(heap).sizes.total_deep; });
  time_step(graph, "layout_and_allocation_models", n, runs, [&] { sink = bench::models_step(heap); });
}

}  // namespace

int main() {
  run("python_like", bench::python_like_heap(), 7);
  run("random", bench::random_heap(), 3);
  return 0;
}
