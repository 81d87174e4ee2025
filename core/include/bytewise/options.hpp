// bytewise/options.hpp: every option of a measurement, in one table, and the one parser
// that checks them.
//
// The table is the single source of an option's name, type, range, default and help
// text: the JavaScript API, the command line's flags and help, and the page's controls are
// built from it (the wasm modules export it as JSON, see option_table_json). A new
// option is one row here plus the code that reads its field.
//
//   auto parsed = bytewise::parse_measure_options(R"({"objectCap": 1000, "followTypes": true})");
//   if (!parsed) show(parsed.errors());          // each names the option and the fix
//   parsed->probe.object_cap, parsed->analysis.policy.follow_types ...
//
// Options arrive as a JSON object with the API's camelCase names. Missing options take
// their defaults; unknown names, wrong types and values out of range are errors, never
// silently ignored.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/result.hpp>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace bytewise {

// Who reads an option: the probe (Python, while capturing), the core (while analysing),
// or the sandbox that runs the program. An option can have several readers.
namespace option_owner {
inline constexpr std::uint8_t probe = 1u << 0;
inline constexpr std::uint8_t core = 1u << 1;
inline constexpr std::uint8_t sandbox = 1u << 2;
}  // namespace option_owner

enum class option_kind : std::uint8_t {
  boolean,       // true or false
  whole_number,  // an integer in [low, high]
  platform,      // a platform name from the layout model (platform_table), or null
  expressions,   // a non-empty list of Python expressions, or null
};
std::string_view to_string(option_kind kind);

struct option_spec {
  std::string_view name;  // the API's name, "objectCap"
  std::uint8_t owners;    // option_owner bits
  option_kind kind;
  std::int64_t low = 0, high = 0;  // whole numbers: the accepted range, inclusive
  std::string_view default_json;   // the default as JSON: "true", "12000000", "null"; platforms: the
                                   // layout model's default_target (option_table_json gives it)
  std::string_view flag;           // the command line's flag without "--" ("object-cap")
  bool flag_inverts = false;       // the flag sets a boolean to false ("leave-out-shared")
  std::string_view help;           // one sentence for people, shown in help texts and tooltips
};

// Every option, in the order help texts list them.
std::span<const option_spec> option_table();

// What the probe reads, with the Python runner's names (see probe_options_json).
struct probe_options {
  std::uint32_t object_cap = 0;
  std::uint32_t edge_cap = 0;
  std::uint32_t step_cap = 0;      // trace's recorder: steps recorded at most
  std::vector<std::string> roots;  // empty: the program's own variables
  bool follow_types = false, follow_modules = false, follow_globals = false, follow_code = false;
  bool tracemalloc = false;
};

// What the host that runs the program reads (web/sandbox.js, web/node-runner.js).
struct sandbox_options {
  std::uint32_t time_limit_seconds = 0;  // 0: no limit
};

struct measure_options {
  probe_options probe;
  analysis_options analysis;
  sandbox_options sandbox;
};

// Checks a JSON object of options against the table; every problem is reported, each with
// the code "api.unknown_option", "api.bad_option" or "api.bad_options" and a sentence that
// names the option and what it accepts.
result<measure_options> parse_measure_options(std::string_view json);

// parse_measure_options for JavaScript: {"ok": true, "probe": <probe_options_json>,
// "sandbox": {"time_limit_seconds": n}} or {"ok": false, "errors": [{"code", "message"}, ...]}.
std::string checked_options_json(std::string_view json);

// The probe's part as the Python runner takes it: {"object_cap": ..., "edge_cap": ...,
// "roots": [...] or null, "follow_types": ..., ..., "tracemalloc": ...}.
std::string probe_options_json(const probe_options& options);

// The parameters of the experiments beside measure(): the small-int explorer (which ints
// come back as one cached object) and footprints over N (every way of holding N values).
struct experiment_limits {
  std::int64_t small_int_low = -10, small_int_high = 300;                         // the explorer's range by default
  std::int64_t small_int_bound = 1'000'000;                                       // |low| and |high| at most this
  std::int64_t small_int_span = 10'000;                                           // high - low at most this
  std::array<std::uint32_t, 5> footprint_sizes{10, 100, 1'000, 10'000, 100'000};  // N by default
  std::uint32_t footprint_max_sizes = 8;                                          // values of N at most
  std::uint32_t footprint_max_n = 1'000'000;
};
inline constexpr experiment_limits experiments{};
// As JSON: { smallInts: { low, high, bound, span }, footprints: { sizes, maxSizes, maxN } }.
std::string experiment_table_json();

// The table as JSON, for JavaScript: [{ name, owners: ["probe", ...], kind, low, high,
// default, flag, flagInverts, help }], and the platforms the model covers:
// [{ name, short, description, default }].
std::string option_table_json();
std::string platform_table_json();

}  // namespace bytewise
