// Pieces of the measurement report that other reports write the same way (trace.cpp).
#pragma once

#include <bytewise/report.hpp>

#include <nlohmann/json.hpp>

namespace bytewise {

// The run's error and what it printed: "error", "stdout", "stderr" and "output" (the two
// streams' chunks in the order printed), as the measurement report has them.
void write_run_output(nlohmann::ordered_json& out, const run_facts& run);

// The "platform" object of a report: the interpreter that made the snapshot.
nlohmann::ordered_json platform_fields(const snapshot& snap);

}  // namespace bytewise
