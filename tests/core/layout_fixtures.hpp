// The layout corpus's fixtures (tools/layouts/corpus.py, tools/measure-layouts.mjs), shared
// by the layout model's and the allocation model's tests.
#pragma once

#include <bytewise/layout_model.hpp>
#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include "graph_helpers.hpp"

#include <fstream>
#include <initializer_list>
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

// How each corpus container was built, as its key says (corpus.py: "list <way> <n>",
// "dict <way> <n>", "set <way> <n>"; "new ..." keys are the allocation corpus's). Values
// whose history is no single named way (pops, deletes, merges) get no hint.
inline prediction_hints hints_for(std::string key) {
  prediction_hints h;
  if (key.rfind("new ", 0) == 0) key = key.substr(4);
  auto starts = [&](std::initializer_list<const char*> prefixes) {
    for (const char* prefix : prefixes) {
      if (key.rfind(prefix, 0) == 0) return true;
    }
    return false;
  };
  using L = list_construction;
  if (starts({"list append ", "list appended", "list comprehension", "list insert "})) {
    h.list = L::appends;
  } else if (starts({"list [None]*", "list display", "list a+b ", "list copy ", "list [:] ", "list slice of 100 "}) ||
             key == "list []" || key == "list()") {
    h.list = L::exact;
  } else if (starts({"list(range(", "list from ", "list list(tuple) ", "list list(list) ", "list list(str) "})) {
    h.list = L::from_iterable;
  } else if (starts({"list literal", "list negative literal "})) {
    h.list = L::literal;
  } else if (starts({"list names display "})) {
    h.list = L::display;
  } else if (starts({"list list(iter) ", "list list(reversed) ", "list sorted ", "list [*range] ", "list [*tuple] ",
                     "list extend tuple ", "list += tuple "})) {
    h.list = L::iterated;
  } else if (starts({"list list(genexpr) ", "list list(map) ", "list list(filter) "})) {
    h.list = L::unsized;
  } else if (starts({"list list(set) ", "list list(dict) "})) {
    h.list = L::from_set;
  } else if (starts({"list *= "})) {
    h.list = L::repeated;
  } else if (starts({"list split "})) {
    h.list = L::split;
  }
  using D = dict_construction;
  if (starts({"dict zip ", "dict keywords ", "dict fromkeys list ", "dict dict(d) ", "dict(zip) "})) {
    h.dict = D::called;
  } else if (starts({"dict fromkeys dict ", "dict fromkeys set "})) {
    h.dict = D::presized;
  } else if (starts({"dict copy after delete "})) {
    h.dict = D::inferred;
  } else if (starts({"dict str keys ", "dict int keys ", "dict display ", "dict inserted ", "dict comprehension ",
                     "dict copy ", "dict {**a} ", "dict update empty ", "dict setdefault ", "dict literal ",
                     "dict {}"})) {
    h.dict = D::grown;
  }
  using S = set_construction;
  if (starts({"set display ", "set 3"})) {
    h.set = S::literal;
  } else if (starts({"set set(set) ", "set copy ", "set frozenset(set) ", "set frozenset display ", "set dict "})) {
    h.set = S::merged;
  } else if (starts({"set add ", "set range ", "set names display ", "set list ", "set comprehension ", "set(range(",
                     "frozenset(range(", "set()", "frozenset()"})) {
    h.set = S::added;
  }
  return h;
}

// Whether a key names its construction (hints_for gives it a hint).
inline bool named_construction(const std::string& key) {
  const prediction_hints h = hints_for(key);
  return h.list != list_construction::inferred || h.dict != dict_construction::inferred ||
         h.set != set_construction::inferred;
}

// A test name for a platform parameter: "cpython_3_12_64".
inline std::string platform_test_name(const ::testing::TestParamInfo<cpython_target>& info) {
  std::string name = target_name(info.param);
  for (char& c : name) {
    if (c == '-' || c == '.') c = '_';
  }
  return name;
}

// The modelled platforms that have measured fixtures: all but 64-bit CPython 3.14 and 3.15,
// which no interpreter here runs (their values are derived from the sources and tested in
// layout_model_test's derived_3_14_values_come_from_the_sources and cpython_3_15 tests).
inline std::vector<cpython_target> measured_targets() {
  std::vector<cpython_target> out;
  for (const cpython_target& t : modelled_targets()) {
    if (!(t == cpython_target{14, 8}) && measured_platform(t)) out.push_back(t);
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
