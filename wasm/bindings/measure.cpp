#include "measure.hpp"

#include <bytewise/options.hpp>
#include <bytewise/report.hpp>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <span>
#include <utility>

namespace bytewise::wasm {

namespace {

double milliseconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::string report_bytes(std::uintptr_t address, std::size_t size, const std::string& options_json,
                         const std::string& run_json, std::optional<measured>* kept) {
  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<std::uint8_t, decltype(&std::free)> bytes(reinterpret_cast<std::uint8_t*>(address), &std::free);
  const result<run_facts> run = read_run_facts(run_json);
  if (!run) return failed_report_json(run.errors(), run_facts{}, milliseconds_since(started));
  const result<measure_options> options = parse_measure_options(options_json);
  if (!options) return failed_report_json(options.errors(), run.value(), milliseconds_since(started));
  result<snapshot> snap = read_snapshot({bytes.get(), size});
  bytes.reset();
  if (!snap) return failed_report_json(snap.errors(), run.value(), milliseconds_since(started));
  analysis a = analyze(snap.value(), options->analysis);
  const std::string report = report_json(snap.value(), a, run.value(), milliseconds_since(started));
  if (kept) kept->emplace(measured{std::move(snap.value()), std::move(a)});
  return report;
}

std::string small_ints_bytes(std::uintptr_t address, std::size_t size, const std::string& ids_json) {
  const result<snapshot> snap = read_snapshot({reinterpret_cast<const std::uint8_t*>(address), size});
  if (!snap) return failure_json(snap.errors());
  result<std::string> table = small_int_report_json(snap.value(), ids_json);
  if (!table) return failure_json(table.errors());
  return std::move(table.value());
}

}  // namespace bytewise::wasm
