// The measurement functions both wasm modules export (bytewise-core for Node, bytewise-app
// for the page): the option and platform tables, the option parser and the public report,
// all as JSON text that web/analyser.js parses. The report is written by
// core/include/bytewise/report.hpp; this file only moves bytes across the boundary.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/snapshot.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace bytewise::wasm {

// What a report call leaves behind for the canvas, when asked to.
struct measured {
  snapshot snap;
  analysis result;
};

// Reads the snapshot at `address` (size bytes of this module's memory, a block of its
// malloc that web/analyser.js handBytes filled), analyses it under `options_json` and
// writes the public report with the run's facts (`run_json`, see report.hpp
// read_run_facts). It takes the block: it is freed as soon as the snapshot is read (or
// refused), so the bytes and the analysis are never in memory together (57 bytes an
// object at format 1.4). Bad options, bad facts or a snapshot that cannot be read give a
// report with ok false and the diagnostics. When `kept` is not null and the snapshot was
// read, the snapshot and its analysis move there.
std::string report_bytes(std::uintptr_t address, std::size_t size, const std::string& options_json,
                         const std::string& run_json, std::optional<measured>* kept = nullptr);

// The small-int explorer's table (report.hpp small_int_report_json) for the capture at
// `address` and the probe's ids, or failure_json.
std::string small_ints_bytes(std::uintptr_t address, std::size_t size, const std::string& ids_json);

}  // namespace bytewise::wasm
