// The layout corpus's fixtures (tools/layouts/corpus.py, tools/measure-layouts.mjs), shared
// by the layout model's and the allocation model's tests.
#pragma once

#include <bytewise/layout_model.hpp>
#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include "graph_helpers.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

namespace bytewise {

inline const std::string fixtures = BYTEWISE_FIXTURES_DIR "/layouts/";

inline snapshot load_source() {
  std::ifstream in(fixtures + "source-cpython-3.14-wasm32.snap", std::ios::binary);
  std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto read = read_snapshot(bytes);
  if (!read) {
    ADD_FAILURE() << "cannot read the source snapshot: " << (bytes.empty() ? "missing" : to_string(read.errors()[0]));
    return {};
  }
  return std::move(read).value();
}

inline const snapshot& source() {
  static const snapshot s = load_source();
  return s;
}

inline std::map<std::string, std::uint64_t> load_fixture(const std::string& name) {
  std::ifstream in(fixtures + name + ".tsv");
  std::map<std::string, std::uint64_t> out;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    out[line.substr(0, tab)] = std::stoull(line.substr(tab + 1));
  }
  return out;
}

inline std::map<std::string, std::uint32_t> roots_by_name() {
  std::map<std::string, std::uint32_t> out;
  for (const root& r : source().roots) out[std::string(source().strings.at(r.name))] = r.node;
  return out;
}

// How each corpus list was built: its key says (see corpus.py; "new list ..." keys are
// the allocation corpus's).
inline prediction_hints hints_for(std::string key) {
  prediction_hints h;
  if (key.rfind("new ", 0) == 0) key = key.substr(4);
  auto starts = [&](const char* prefix) { return key.rfind(prefix, 0) == 0; };
  if (starts("list append ") || starts("list appended") || starts("list comprehension")) {
    h.list = list_construction::appends;
  } else if (starts("list [None]*") || starts("list display") || key == "list []" || key == "list()") {
    h.list = list_construction::exact;
  } else if (starts("list(range(") || starts("list from ")) {
    h.list = list_construction::from_iterable;
  } else if (starts("list literal")) {
    h.list = list_construction::literal;
  } else if (starts("list popped")) {
    h.list = list_construction::kept;
  }
  return h;
}

// A test name for a platform parameter: "cpython_3_12_64".
inline std::string platform_test_name(const ::testing::TestParamInfo<cpython_target>& info) {
  std::string name = target_name(info.param);
  for (char& c : name) {
    if (c == '-' || c == '.') c = '_';
  }
  return name;
}

// The modelled platforms that have measured fixtures: all but 64-bit CPython 3.14, which no
// interpreter here runs (its values are derived from the sources and tested in
// layout_model_test's derived_3_14_values_come_from_the_sources).
inline std::vector<cpython_target> measured_targets() {
  std::vector<cpython_target> out;
  for (const cpython_target& t : modelled_targets()) {
    if (!(t == cpython_target{14, 8})) out.push_back(t);
  }
  return out;
}

using testing::wasm32_3_14;

// x = [1, 2, ...] as wasm32 3.14 measures it: a list of `length` slots (getsizeof 44, so 4
// slots allocated) holding `small` cached small ints at indexes 0..small-1.
inline std::uint32_t add_small_int_list(snapshot_builder& b, std::uint64_t length, std::uint32_t small) {
  auto list = b.add_node("list", 44, 1);
  b.set_length(list, length);
  b.set_shape(list, static_cast<std::uint64_t>(shape_family::list));
  for (std::uint32_t i = 0; i < small; ++i) {
    auto n = b.add_node("int", 16, 10 + i, node_flag::small_int);
    b.set_shape(n, static_cast<std::uint64_t>(shape_family::int_) | (2ull << 8));
    b.add_edge(list, n, edge_kind::index, i);
  }
  return list;
}

}  // namespace bytewise
