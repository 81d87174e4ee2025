// The trace report: steps sized per variable and frame, changes between steps, memory by
// line, and a bad step named.
#include <bytewise/snapshot.hpp>
#include <bytewise/trace.hpp>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace bytewise {
namespace {

using json = nlohmann::ordered_json;

// Step 0: `xs = [1.5]` is about to run (line 1, nothing yet). Step 1: line 2 is about to
// run, xs is a list holding a float. Step 2: the program has ended; xs grew and holds two.
std::vector<std::uint8_t> step_snapshot(int step) {
  snapshot_builder b;
  if (step >= 1) {
    const std::uint32_t list = b.add_node("list", step == 1 ? 32 : 40, 0x100);
    const std::uint32_t f = b.add_node("float", 16, 0x200);
    b.add_edge(list, f, edge_kind::index, "0");
    if (step == 2) {
      const std::uint32_t g = b.add_node("float", 16, 0x300);
      b.add_edge(list, g, edge_kind::index, "1");
    }
    b.add_root("0/xs", list);
  }
  return write_snapshot(std::move(b).build());
}

const char* metas[] = {
    R"({"line": 1, "frames": [{"function": "<module>", "line": 1, "variables": []}], "traced_current": 100, "traced_peak": 100, "output": []})",
    R"({"line": 2, "frames": [{"function": "<module>", "line": 2, "variables": ["xs"]}], "traced_current": 180, "traced_peak": 200, "output": []})",
    R"({"line": null, "frames": [{"function": "<module>", "line": null, "variables": ["xs"]}], "traced_current": 220, "traced_peak": 230,
       "output": [{"stream": "stdout", "text": "grew\n"}, {"stream": "stderr", "text": ""}]})",
};

json trace_of(int steps, const char* source = "xs = [1.5]\nxs.append(2.5)\n") {
  std::vector<std::vector<std::uint8_t>> snaps;
  for (int i = 0; i < steps; ++i) snaps.push_back(step_snapshot(i));
  std::vector<trace_step> list;
  for (int i = 0; i < steps; ++i) list.push_back({metas[i], snaps[i]});
  return json::parse(trace_json(list, source, run_facts{}, {.truncated = false, .step_cap = 10}, {}));
}

TEST(trace, sizes_each_variable_and_frame_at_each_step) {
  const json t = trace_of(3);
  EXPECT_EQ(t["schema"], "bytewise.trace/1");
  EXPECT_EQ(t["ok"], true);
  ASSERT_EQ(t["steps"].size(), 3u);
  EXPECT_EQ(t["steps"][0]["frames"][0]["variables"], json::array());
  const json& xs = t["steps"][1]["frames"][0]["variables"][0];
  EXPECT_EQ(xs["name"], "xs");
  EXPECT_EQ(xs["type"], "list");
  EXPECT_EQ(xs["shallow"], 32);
  EXPECT_EQ(xs["deep"], 48);
  EXPECT_EQ(t["steps"][2]["frames"][0]["deep"], 72);
  EXPECT_EQ(t["steps"][2]["total"]["objects"], 3);
  EXPECT_EQ(t["steps"][2]["line"], nullptr);
}

TEST(trace, says_what_each_step_allocated_freed_and_changed) {
  const json t = trace_of(3);
  EXPECT_EQ(t["steps"][1]["changes"]["appeared"], json::parse(R"({"objects": 2, "bytes": 48})"));
  EXPECT_EQ(t["steps"][2]["changes"]["appeared"], json::parse(R"({"objects": 1, "bytes": 16})"));
  EXPECT_EQ(t["steps"][2]["changes"]["grew"], json::parse(R"({"objects": 1, "bytes": 8})"));
  EXPECT_EQ(t["steps"][2]["changes"]["freed"]["objects"], 0);
}

TEST(trace, marks_each_variable_new_changed_or_the_same_as_at_the_step_before) {
  const json t = trace_of(3);
  EXPECT_EQ(t["steps"][1]["frames"][0]["variables"][0]["status"], "new");
  EXPECT_EQ(t["steps"][2]["frames"][0]["variables"][0]["status"], "changed");
  std::vector<std::vector<std::uint8_t>> snaps{step_snapshot(1), step_snapshot(1)};
  std::vector<trace_step> list{{metas[1], snaps[0]}, {metas[1], snaps[1]}};
  const json again = json::parse(trace_json(list, "", run_facts{}, {}, {}));
  EXPECT_EQ(again["steps"][1]["frames"][0]["variables"][0]["status"], "same");
}

TEST(trace, carries_the_output_printed_since_the_step_before_into_each_step) {
  const json t = trace_of(3);
  EXPECT_EQ(t["steps"][1]["output"], json::array());
  EXPECT_EQ(t["steps"][2]["output"], json::parse(R"([{"stream": "stdout", "text": "grew\n"}])"));
  std::vector<std::vector<std::uint8_t>> snaps{step_snapshot(0)};
  const char* wrong = R"({"line": 1, "frames": [{"function": "<module>", "line": 1, "variables": []}],
    "traced_current": 1, "traced_peak": 1, "output": [{"stream": "stdin", "text": "x"}]})";
  std::vector<trace_step> list{{wrong, snaps[0]}};
  const json bad = json::parse(trace_json(list, "", run_facts{}, {}, {}));
  EXPECT_EQ(bad["steps"].size(), 0u);
  EXPECT_EQ(bad["diagnostics"][0]["message"],
            "The trace's step 0 has output that is not a list of {\"stream\": \"stdout\" or \"stderr\", \"text\": "
            "...}.");
}

TEST(trace, charges_each_line_with_what_stepping_over_it_changed) {
  const json t = trace_of(3);
  ASSERT_EQ(t["lines"].size(), 2u);
  EXPECT_EQ(t["lines"][0], json::parse(R"({"line": 1, "memory_after": 48, "peak_after": 48, "increment": 48,
    "traced_after": 180, "traced_increment": 80, "occurrences": 1, "text": "xs = [1.5]"})"));
  EXPECT_EQ(t["lines"][1]["increment"], 24);
  EXPECT_EQ(t["lines"][1]["text"], "xs.append(2.5)");
}

TEST(trace, names_a_step_whose_snapshot_does_not_match_its_description_and_keeps_the_ones_before) {
  std::vector<std::vector<std::uint8_t>> snaps{step_snapshot(0), step_snapshot(1)};
  const char* wrong = R"({"line": 2, "frames": [{"function": "<module>", "line": 2, "variables": ["ys"]}],
    "traced_current": 1, "traced_peak": 1, "output": []})";
  std::vector<trace_step> list{{metas[0], snaps[0]}, {wrong, snaps[1]}};
  const json t = json::parse(trace_json(list, "", run_facts{}, {}, {}));
  EXPECT_EQ(t["ok"], false);
  EXPECT_EQ(t["steps"].size(), 1u);
  EXPECT_EQ(t["diagnostics"][0]["code"], "trace.bad_step");
  EXPECT_EQ(t["diagnostics"][0]["message"],
            "The trace's step 1 describes variable \"0/ys\" that its snapshot does not hold in that place.");
}

TEST(trace, reads_an_index_of_steps_in_one_buffer_and_refuses_one_outside_it) {
  std::vector<std::uint8_t> buffer = step_snapshot(0);
  const std::string index = std::string(R"({"steps": [{"meta": )") + metas[0] + R"(, "offset": 0, "length": )" +
                            std::to_string(buffer.size()) + R"(}, {"meta": {}, "offset": 0, "length": 999999}]})";
  const json t = json::parse(trace_report_json(buffer, index, "x = 1\n",
                                               R"({"error": null, "output": [], "tracemalloc": null, "run_ms": 1,
                                                   "capture_ms": 0})",
                                               "{}"));
  EXPECT_EQ(t["steps"].size(), 1u);
  EXPECT_EQ(t["step_cap"], 10000);
  EXPECT_EQ(t["diagnostics"][0]["message"], "The trace's index step 1 lies outside the buffer of snapshots.");
}

}  // namespace
}  // namespace bytewise
