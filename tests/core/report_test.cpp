// bytewise/report.hpp: the public report and the runner's facts it carries.
#include <bytewise/report.hpp>

#include "snapshot_fixture.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace bytewise {
namespace {

using json = nlohmann::ordered_json;

constexpr const char* quiet_run = R"({"error": null, "output": [], "tracemalloc": null,
                                      "run_ms": 1.234, "capture_ms": 2})";

run_facts facts(const char* text) {
  auto r = read_run_facts(text);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : to_string(r.errors()[0]));
  return r.ok() ? r.value() : run_facts{};
}

json report_of(const snapshot& snap, const analysis_options& options, const char* run = quiet_run) {
  return json::parse(report_json(snap, analyze(snap, options), facts(run), 0.5));
}

TEST(report, carries_the_schema_platform_and_every_size_of_a_variable) {
  const snapshot snap = testing::small_snapshot();
  const json r = report_of(snap, {.compare_with = default_target, .allocated = true});
  EXPECT_EQ(r["schema"], "bytewise.measure/1");
  EXPECT_EQ(r["ok"], true);
  EXPECT_EQ(r["platform"]["python"], "3.14.2");
  EXPECT_EQ(r["platform"]["pyodide"], "314.0.7");
  EXPECT_EQ(r["platform"]["pointer_size"], 4);
  EXPECT_EQ(r["platform"]["small_int_range"], json::array({-5, 256}));
  EXPECT_EQ(r["objects"], 3);
  EXPECT_EQ(r["references"], 3);
  EXPECT_EQ(r["compared_with"]["platform"], "cpython-3.12-64");
  ASSERT_EQ(r["roots"].size(), 1u);
  const json& x = r["roots"][0];
  EXPECT_EQ(x["name"], "x");
  EXPECT_EQ(x["type"], "list");
  EXPECT_EQ(x["id"], 0x1000);
  EXPECT_FALSE(x.contains("label"));
  EXPECT_EQ(x["shallow"], 44);
  EXPECT_EQ(x["deep"], 44 + 16 + 26);
  EXPECT_EQ(x["naive"], 44 + 16 + 26 + 16);  // the int is referenced twice
  EXPECT_EQ(x["objects"], 3);
  EXPECT_EQ(x["retained"], 44 + 26);  // the int is the interpreter's (immortal): del x does not free it
  EXPECT_EQ(r["total"]["deep"], 86);
  EXPECT_EQ(r["repeated"][0]["label"], "1");
  EXPECT_EQ(r["repeated"][0]["times"], 2);
  EXPECT_EQ(r["repeated"][0]["extra_bytes"], 16);
  EXPECT_EQ(r["timings"]["run_ms"], 1.23);
  EXPECT_EQ(r["timings"]["analyze_ms"], 0.5);
}

TEST(report, a_modelled_deep_size_exists_only_when_every_object_is_modelled) {
  snapshot_builder b(testing::small_snapshot().platform);
  auto list = b.add_node("list", 36, 0x1000, node_flag::gc_tracked);
  b.set_shape(list, static_cast<std::uint64_t>(shape_family::list));
  b.set_length(list, 2);
  auto odd = b.add_node("Mystery", 99, 0x2000);  // no shape: the model cannot size it
  b.add_edge(list, odd, edge_kind::index, 0u);
  b.add_root("x", list);
  b.add_root("m", odd);
  const snapshot snap = std::move(b).build();
  const json r = report_of(snap, {.compare_with = cpython_target{12, 8}, .allocated = true});
  const json& x = r["roots"][0]["predicted"];
  EXPECT_EQ(x["deep"], nullptr);
  EXPECT_EQ(x["unmodelled_objects"], 1);
  EXPECT_EQ(r["roots"][1]["predicted"]["shallow"], nullptr);
  EXPECT_EQ(r["roots"][1]["predicted"]["status"], "not modelled");
  EXPECT_EQ(r["total"]["predicted_deep"], nullptr);
  EXPECT_EQ(r["roots"][0]["allocated"]["deep"], nullptr);
  EXPECT_EQ(r["total"]["allocated_deep"], nullptr);
}

TEST(report, without_comparison_or_retained_sizes_those_fields_are_null) {
  const json r = report_of(testing::small_snapshot(), {.retained = false});
  EXPECT_EQ(r["compared_with"], nullptr);
  EXPECT_EQ(r["roots"][0]["predicted"], nullptr);
  EXPECT_EQ(r["roots"][0]["allocated"], nullptr);
  EXPECT_EQ(r["roots"][0]["retained"], nullptr);
  EXPECT_EQ(r["top"]["retained"], nullptr);
  EXPECT_EQ(r["total"]["predicted_deep"], nullptr);
}

TEST(report, carries_the_run_s_error_output_and_tracemalloc) {
  const char* run = R"({"error": {"type": "KeyError", "message": "'k'", "traceback": "Traceback...\n", "hint": "h"},
    "output": [{"stream": "stdout", "text": "out\n"}, {"stream": "stderr", "text": "err\n"},
               {"stream": "stdout", "text": "more"}, {"stream": "stdout", "text": " out\n"}],
    "tracemalloc": {"current": 10, "peak": 20, "top_lines": [{"line": 3, "bytes": 5, "blocks": 1, "text": "x = 1"}],
                    "regions": [{"label": "r", "line": 2, "before": 1, "after": 4, "change": 3, "peak": 6,
                                 "top_lines": [{"line": 3, "bytes": -4000, "blocks": -1, "text": "del t"}]}]},
    "run_ms": 3, "capture_ms": 4})";
  const json r = report_of(testing::small_snapshot(), {}, run);
  EXPECT_EQ(r["ok"], false);  // the program raised
  EXPECT_EQ(r["error"]["type"], "KeyError");
  EXPECT_EQ(r["error"]["hint"], "h");
  EXPECT_EQ(r["stdout"], "out\nmore out\n");
  EXPECT_EQ(r["stderr"], "err\n");
  // In the order printed, one chunk per change of stream.
  EXPECT_EQ(r["output"], json::parse(R"([{"stream": "stdout", "text": "out\n"}, {"stream": "stderr", "text": "err\n"},
                                         {"stream": "stdout", "text": "more out\n"}])"));
  EXPECT_EQ(r["tracemalloc"]["peak"], 20);
  EXPECT_EQ(r["tracemalloc"]["top_lines"][0]["text"], "x = 1");
  EXPECT_EQ(r["tracemalloc"]["regions"][0]["change"], 3);
  EXPECT_EQ(r["tracemalloc"]["regions"][0]["top_lines"][0]["bytes"], -4000);  // freed inside the region
}

TEST(report, names_the_object_a_capture_diagnostic_concerns) {
  snapshot snap = testing::small_snapshot();
  const std::uint32_t code = snap.strings.add("probe.sizeof_failed");
  const std::uint32_t message = snap.strings.add("It raised.");
  snap.diagnostics.push_back({2, code, message});
  snap.diagnostics.push_back({no_node, code, message});
  const json r = report_of(snap, {});
  ASSERT_EQ(r["diagnostics"].size(), 2u);
  EXPECT_EQ(r["diagnostics"][0]["object"]["label"], "hello");
  EXPECT_FALSE(r["diagnostics"][1].contains("object"));
}

TEST(report, a_failed_capture_keeps_the_run_s_output) {
  const std::vector<diagnostic> errors{{"snapshot.bad_magic", 0, "Not a snapshot."}};
  const json r = json::parse(failed_report_json(errors, facts(quiet_run), 0));
  EXPECT_EQ(r["ok"], false);
  EXPECT_EQ(r["platform"], nullptr);
  EXPECT_EQ(r["roots"], json::array());
  EXPECT_EQ(r["diagnostics"][0]["code"], "snapshot.bad_magic");
  EXPECT_EQ(r["stdout"], "");
}

TEST(report, text_that_is_not_utf8_is_replaced_not_passed_on) {
  run_facts run = facts(quiet_run);
  run.output.push_back({output_stream::stdout_, "caf\xc3"});  // cut inside a character
  const std::string text = failed_report_json({}, run, 0);
  EXPECT_EQ(json::parse(text)["stdout"], "caf\xef\xbf\xbd");
  EXPECT_EQ(json::parse(text)["output"][0]["text"], "caf\xef\xbf\xbd");
}

TEST(run_facts, every_bad_field_is_named) {
  auto r = read_run_facts(R"({"error": 3, "output": [{"stream": "stdin", "text": ""}, {"text": 1}],
    "tracemalloc": {"current": -1, "peak": null,
    "top_lines": [{"line": 1, "bytes": 2, "blocks": 3}], "regions": []}, "run_ms": "fast"})");
  ASSERT_FALSE(r.ok());
  std::vector<std::string> messages;
  for (const diagnostic& d : r.errors()) messages.push_back(d.message);
  EXPECT_EQ(messages, (std::vector<std::string>{
                          "The run's facts.error must be an object.",  // once, not once per field
                          "The run's facts.output[0].stream must be \"stdout\" or \"stderr\".",
                          "The run's facts.output[1].stream must be present.",
                          "The run's facts.output[1].text must be a string.",
                          "The run's facts.tracemalloc.current must be a whole number of 0 or more.",
                          "The run's facts.tracemalloc.top_lines[0].text must be present.",
                          "The run's facts.run_ms must be a number of milliseconds.",
                          "The run's facts.capture_ms must be present.",
                      }));
}

TEST(run_facts, text_that_is_not_json_is_one_error) {
  auto r = read_run_facts("{not json");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.errors()[0].code, "run.bad_facts");
  EXPECT_FALSE(read_run_facts("[]").ok());
}

TEST(small_int_report, marks_values_made_twice_as_one_object_and_measures_the_stride) {
  const auto r = small_int_report_json(testing::small_snapshot(),
                                       "[[-6, 900, 932], [0, 5000, 5000], [1, 5016, 5016], [257, 9000, 9040]]");
  ASSERT_TRUE(r.ok());
  const json j = json::parse(r.value());
  EXPECT_EQ(j["cached_range"], json::array({-5, 256}));  // as the capture probed it
  EXPECT_EQ(j["stride"], 16);
  EXPECT_EQ(j["values"][0]["cached"], false);
  EXPECT_EQ(j["values"][1]["cached"], true);
  EXPECT_EQ(j["values"][3]["id_again"], 9040);
  EXPECT_EQ(j["platform"]["description"], "CPython 3.14.2, 32-bit wasm (Pyodide 314.0.7)");
}

TEST(small_int_report, without_both_zero_and_one_cached_there_is_no_stride) {
  const auto r = small_int_report_json(testing::small_snapshot(), "[[0, 5000, 5000], [1, 6000, 6100]]");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json::parse(r.value())["stride"], nullptr);
}

TEST(small_int_report, refuses_ids_of_another_shape) {
  for (const char* bad : {"{}", "[[1, 2]]", "[[1, -2, 3]]", "[[\"1\", 2, 3]]", "nope"}) {
    const auto r = small_int_report_json(testing::small_snapshot(), bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.errors()[0].code, "run.bad_small_ints");
  }
}

TEST(report, names_the_pyodide_version_only_for_pyodide) {
  platform_info p;
  p.runtime = "Pyodide 314.0.7";
  EXPECT_EQ(pyodide_version(p), "314.0.7");
  p.runtime = "native";
  EXPECT_EQ(pyodide_version(p), std::nullopt);
  p.runtime = "Pyodide ";
  EXPECT_EQ(pyodide_version(p), std::nullopt);
}

}  // namespace
}  // namespace bytewise
