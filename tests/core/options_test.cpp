// bytewise/options.hpp: the option table and its parser.
#include <bytewise/options.hpp>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <set>
#include <string>

namespace bytewise {
namespace {

using json = nlohmann::ordered_json;

measure_options parsed(const std::string& text) {
  auto r = parse_measure_options(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : to_string(r.errors()[0]));
  return r.ok() ? r.value() : measure_options{};
}

std::string first_error(const std::string& text) {
  auto r = parse_measure_options(text);
  EXPECT_FALSE(r.ok());
  return r.ok() ? "" : r.errors()[0].code + ": " + r.errors()[0].message;
}

TEST(options, an_empty_object_gives_every_default_from_the_table) {
  const measure_options o = parsed("{}");
  EXPECT_EQ(o.probe.object_cap, 12'000'000u);
  EXPECT_EQ(o.probe.edge_cap, 20'000'000u);
  EXPECT_TRUE(o.probe.roots.empty());
  EXPECT_FALSE(o.probe.tracemalloc);
  EXPECT_FALSE(o.probe.follow_types);
  EXPECT_TRUE(o.analysis.policy.include_interpreter_shared);
  EXPECT_FALSE(o.analysis.policy.follow_code);
  EXPECT_TRUE(o.analysis.retained);
  EXPECT_TRUE(o.analysis.allocated);
  EXPECT_EQ(o.analysis.top_n, 20u);
  ASSERT_TRUE(o.analysis.compare_with.has_value());
  EXPECT_EQ(*o.analysis.compare_with, default_target);
  EXPECT_EQ(o.sandbox.time_limit_seconds, 30u);
}

TEST(options, the_time_limit_is_the_sandbox_s_and_zero_means_none) {
  EXPECT_EQ(parsed(R"({"timeLimit": 0})").sandbox.time_limit_seconds, 0u);
  EXPECT_EQ(parsed(R"({"timeLimit": 5})").sandbox.time_limit_seconds, 5u);
  EXPECT_EQ(first_error(R"({"timeLimit": -5})"),
            "api.bad_option: Option timeLimit must be a whole number from 0 to 3,600, not -5.");
  EXPECT_EQ(json::parse(checked_options_json(R"({"timeLimit": 7})"))["sandbox"]["time_limit_seconds"], 7);
}

TEST(options, follow_switches_reach_both_the_probe_and_the_core) {
  const measure_options o = parsed(R"({"followTypes": true, "followGlobals": true})");
  EXPECT_TRUE(o.probe.follow_types);
  EXPECT_TRUE(o.analysis.policy.follow_types);
  EXPECT_TRUE(o.probe.follow_globals);
  EXPECT_TRUE(o.analysis.policy.follow_globals);
  EXPECT_FALSE(o.probe.follow_modules);
}

TEST(options, reads_numbers_platforms_and_roots) {
  const measure_options o = parsed(
      R"({"objectCap": 1e6, "edgeCap": 5, "topN": 0, "comparePlatform": "cpython-3.8-64", "roots": ["x", "c.cache"]})");
  EXPECT_EQ(o.probe.object_cap, 1'000'000u);  // JavaScript's 1e6 is a whole number
  EXPECT_EQ(o.probe.edge_cap, 5u);
  EXPECT_EQ(o.analysis.top_n, 0u);
  EXPECT_EQ(*o.analysis.compare_with, (cpython_target{8, 8}));
  EXPECT_EQ(o.probe.roots, (std::vector<std::string>{"x", "c.cache"}));
}

TEST(options, a_whole_number_far_beyond_the_range_is_refused_like_any_other) {
  // Beyond int64 as a double (a fuzzer's find): refused, not cast.
  EXPECT_EQ(first_error(R"({"objectCap": 101111111111111111100})").rfind("api.bad_option: Option objectCap", 0), 0u);
  EXPECT_EQ(first_error(R"({"objectCap": -1e300})").rfind("api.bad_option: Option objectCap", 0), 0u);
  EXPECT_EQ(first_error(R"({"objectCap": 2.5})").rfind("api.bad_option: Option objectCap", 0), 0u);
}

TEST(options, null_compares_with_nothing_and_null_roots_mean_the_program_s_variables) {
  const measure_options o = parsed(R"({"comparePlatform": null, "roots": null})");
  EXPECT_FALSE(o.analysis.compare_with.has_value());
  EXPECT_TRUE(o.probe.roots.empty());
}

TEST(options, an_unknown_option_names_every_known_one) {
  EXPECT_EQ(first_error(R"({"objectcap": 5})"),
            "api.unknown_option: Unknown option objectcap; known options: objectCap, edgeCap, roots, followTypes, "
            "followModules, followGlobals, followCode, tracemalloc, includeInterpreterShared, retained, allocated, "
            "topN, timeLimit, stepCap, comparePlatform.");
}

TEST(options, wrong_types_and_ranges_say_what_is_accepted) {
  EXPECT_EQ(first_error(R"({"followTypes": "yes"})"),
            "api.bad_option: Option followTypes must be true or false, not \"yes\".");
  EXPECT_EQ(first_error(R"({"objectCap": 0})"),
            "api.bad_option: Option objectCap must be a whole number from 1 to 50,000,000, not 0.");
  EXPECT_EQ(first_error(R"({"objectCap": 2.5})"),
            "api.bad_option: Option objectCap must be a whole number from 1 to 50,000,000, not 2.5.");
  EXPECT_EQ(first_error(R"({"topN": -1})"),
            "api.bad_option: Option topN must be a whole number from 0 to 10,000, not -1.");
  EXPECT_EQ(first_error(R"({"roots": []})"),
            "api.bad_option: Option roots must be null or a non-empty list of Python expressions, such as [\"x\", "
            "\"cache.items\"], not [].");
  EXPECT_EQ(first_error(R"({"roots": ["x", "  "]})").substr(0, 34), "api.bad_option: Option roots must ");
  EXPECT_EQ(first_error(R"({"comparePlatform": "cpython-2.7-64"})").substr(0, 63),
            "api.bad_option: Option comparePlatform must be null or one of: ");
}

TEST(options, every_problem_is_reported_not_just_the_first) {
  auto r = parse_measure_options(R"({"a": 1, "topN": "x", "retained": 3})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors().size(), 3u);
}

TEST(options, input_that_is_not_an_object_is_one_clear_error) {
  for (const char* text : {"", "[]", "3", "{", "null"}) {
    auto r = parse_measure_options(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.errors()[0].code, "api.bad_options");
  }
}

TEST(options, the_probe_gets_the_runner_s_names) {
  const measure_options o = parsed(R"({"objectCap": 7, "roots": ["a"], "tracemalloc": true})");
  EXPECT_EQ(probe_options_json(o.probe),
            R"({"object_cap":7,"edge_cap":20000000,"step_cap":10000,"roots":["a"],"follow_types":false,)"
            R"("follow_modules":false,)"
            R"("follow_globals":false,"follow_code":false,"tracemalloc":true})");
  EXPECT_EQ(json::parse(probe_options_json(parsed("{}").probe))["roots"], nullptr);
}

TEST(options, the_checked_form_for_javascript_carries_the_probe_part_or_the_errors) {
  EXPECT_EQ(json::parse(checked_options_json("{}"))["ok"], true);
  EXPECT_EQ(json::parse(checked_options_json("{}"))["probe"]["object_cap"], 12000000);
  const json bad = json::parse(checked_options_json(R"({"x": 1})"));
  EXPECT_EQ(bad["ok"], false);
  EXPECT_EQ(bad["errors"][0]["code"], "api.unknown_option");
}

TEST(options, the_exported_table_has_one_row_per_option_with_its_default) {
  const json table = json::parse(option_table_json());
  ASSERT_EQ(table.size(), option_table().size());
  std::set<std::string> names, flags;
  for (const json& row : table) {
    names.insert(row["name"].get<std::string>());
    flags.insert(row["flag"].get<std::string>());
    EXPECT_FALSE(row["help"].get<std::string>().empty()) << row["name"];
    EXPECT_FALSE(row["owners"].empty()) << row["name"];
  }
  EXPECT_EQ(names.size(), table.size());  // no name twice
  EXPECT_EQ(flags.size(), table.size());  // no flag twice
  EXPECT_EQ(table[0]["name"], "objectCap");
  EXPECT_EQ(table[0]["default"], 12000000);
  EXPECT_EQ(table[0]["low"], 1);
  EXPECT_EQ(table[0]["high"], 50000000);
  EXPECT_EQ(table.back()["name"], "comparePlatform");
  EXPECT_EQ(table.back()["default"], "cpython-3.12-64");
  EXPECT_EQ(table.back()["low"], nullptr);
}

TEST(options, the_exported_platforms_follow_the_layout_model_with_one_default) {
  const json platforms = json::parse(platform_table_json());
  ASSERT_EQ(platforms.size(), modelled_targets().size());
  int defaults = 0;
  for (const json& p : platforms) defaults += p["default"].get<bool>();
  EXPECT_EQ(defaults, 1);
  EXPECT_EQ(platforms[0]["name"], "cpython-3.8-64");
  EXPECT_EQ(platforms[0]["short"], "64-bit 3.8");
  EXPECT_EQ(platforms[0]["description"], "64-bit CPython 3.8");
  EXPECT_EQ(platforms.back()["name"], "cpython-3.14-wasm32");
  EXPECT_EQ(platforms.back()["short"], "wasm32 3.14");
}

TEST(options, the_experiments_defaults_are_exported_with_their_bounds) {
  const json table = json::parse(experiment_table_json());
  EXPECT_EQ(table["smallInts"]["low"], -10);
  EXPECT_EQ(table["smallInts"]["high"], 300);
  EXPECT_EQ(table["smallInts"]["span"], 10000);
  EXPECT_EQ(table["footprints"]["sizes"], json::array({10, 100, 1000, 10000, 100000}));
  EXPECT_EQ(table["footprints"]["maxN"], 1000000);
}

}  // namespace
}  // namespace bytewise
