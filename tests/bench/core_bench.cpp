// Native benchmark of the core on the synthetic 1M-object heap (Google Benchmark).
// Run through `npm run bench:core`, which also runs core_bench_wasm and prints budgets.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string_view>

#include "core_workload.hpp"

namespace {

using namespace bytewise;

// The budget workload; BYTEWISE_BENCH_GRAPH=random selects the stress graph instead.
const snapshot& heap() {
  static const snapshot s = [] {
    const char* which = std::getenv("BYTEWISE_BENCH_GRAPH");
    return which && std::string_view(which) == "random" ? bench::random_heap() : bench::python_like_heap();
  }();  // built once, outside timing
  return s;
}

const std::vector<std::uint8_t>& heap_bytes() {
  static const std::vector<std::uint8_t> b = write_snapshot(heap());
  return b;
}

void objects_per_second(benchmark::State& state) {
  state.counters["objects/s"] =
      benchmark::Counter(static_cast<double>(heap().graph.node_count()), benchmark::Counter::kIsIterationInvariantRate);
}

// Only builds the heap (once) and its bytes: callgrind subtracts this from each step.
void setup_only(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(heap_bytes().size());
}

void baseline_walk(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(bench::baseline_walk(heap()));
  objects_per_second(state);
}

void load_and_validate(benchmark::State& state) {
  for (auto _ : state) {
    auto s = read_snapshot(heap_bytes());
    if (!s) state.SkipWithError("the synthetic snapshot did not validate");
    benchmark::DoNotOptimize(s);
  }
  objects_per_second(state);
}

void deep_shared_per_type(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(bench::sizes_step(heap()));
  objects_per_second(state);
}

void dominators_only(benchmark::State& state) {
  followed_graph g = follow(heap(), {});
  for (auto _ : state) benchmark::DoNotOptimize(bench::dominators_step(heap(), g));
  objects_per_second(state);
}

void largest_by_deep_20(benchmark::State& state) {
  followed_graph g = follow(heap(), {});
  components c = strongly_connected(g);
  for (auto _ : state) benchmark::DoNotOptimize(largest_by_deep(heap(), g, c, 20));
  objects_per_second(state);
}

void analyze_all(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(analyze(heap()).sizes.total_deep);
  objects_per_second(state);
}

void layout_and_allocation_models(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(bench::models_step(heap()));
  objects_per_second(state);
}

}  // namespace

BENCHMARK(setup_only)->Unit(benchmark::kMillisecond);
BENCHMARK(baseline_walk)->Unit(benchmark::kMillisecond);
BENCHMARK(load_and_validate)->Unit(benchmark::kMillisecond);
BENCHMARK(deep_shared_per_type)->Unit(benchmark::kMillisecond);
BENCHMARK(dominators_only)->Unit(benchmark::kMillisecond);
BENCHMARK(largest_by_deep_20)->Unit(benchmark::kMillisecond);
BENCHMARK(analyze_all)->Unit(benchmark::kMillisecond);
BENCHMARK(layout_and_allocation_models)->Unit(benchmark::kMillisecond);
BENCHMARK_MAIN();
