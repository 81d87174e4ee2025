// Writes the fuzzer's seed corpus: small valid snapshots of every shape the analyses
// care about (empty, shared, diamond, cycles, deep chain, policies' categories, many
// roots). Real captures from Pyodide join them (tests/fuzz/capture-seeds.mjs).
//
//   build/native/tests/make_fuzz_seeds tests/fuzz/corpus/snapshot
#include <bytewise/snapshot.hpp>

#include <cstdio>
#include <fstream>
#include <string>

using namespace bytewise;

namespace {

void save(const std::string& dir, const std::string& name, snapshot s) {
  auto bytes = write_snapshot(s);
  std::ofstream(dir + "/" + name + ".snap", std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fuzz_seeds OUTPUT_DIR\n");
    return 2;
  }
  const std::string dir = argv[1];
  save(dir, "empty", std::move(snapshot_builder()).build());
  {
    snapshot_builder b;
    auto l = b.add_node("list", 40, 1, node_flag::gc_tracked | node_flag::has_length);
    b.set_length(l, 3);
    auto s = b.add_node("str", 27, 2, node_flag::interned | node_flag::immortal);
    b.set_label(s, "'memory'");
    for (std::uint32_t i = 0; i < 3; ++i) b.add_edge(l, s, edge_kind::index, i);
    b.add_root("words", l);
    b.add_root("word", s);
    save(dir, "shared-string", std::move(b).build());
  }
  {
    snapshot_builder b;
    auto top = b.add_node("dict", 104, 1), left = b.add_node("list", 32, 2);
    auto right = b.add_node("tuple", 28, 3), bottom = b.add_node("float", 16, 4);
    b.add_edge(top, left, edge_kind::dict_value, "'left'");
    b.add_edge(top, right, edge_kind::dict_value, "'right'");
    b.add_edge(left, bottom, edge_kind::index, 0u);
    b.add_edge(right, bottom, edge_kind::index, 0u);
    b.add_root("top", top);
    save(dir, "diamond", std::move(b).build());
  }
  {
    snapshot_builder b;
    auto a = b.add_node("list", 44, 1), x = b.add_node("dict", 100, 2), y = b.add_node("dict", 100, 3);
    b.add_edge(a, a, edge_kind::index, 0u);
    b.add_edge(x, y, edge_kind::dict_value, "'peer'");
    b.add_edge(y, x, edge_kind::dict_value, "'peer'");
    b.add_root("a", a);
    b.add_root("x", x);
    save(dir, "cycles", std::move(b).build());
  }
  {
    snapshot_builder b;
    for (std::uint32_t i = 0; i < 200; ++i) b.add_node("list", 32, i + 1);
    for (std::uint32_t i = 0; i + 1 < 200; ++i) b.add_edge(i, i + 1, edge_kind::index, 0u);
    b.add_root("deep", 0);
    save(dir, "chain", std::move(b).build());
  }
  {
    constexpr std::uint32_t type_object = 1u << node_flag::category_shift;
    constexpr std::uint32_t module = 2u << node_flag::category_shift;
    constexpr std::uint32_t function = 3u << node_flag::category_shift;
    constexpr std::uint32_t code = 4u << node_flag::category_shift;
    snapshot_builder b;
    auto p = b.add_node("Point", 48, 1), cls = b.add_node("type", 896, 2, type_object);
    auto f = b.add_node("function", 84, 3, function | node_flag::not_followed);
    auto g = b.add_node("dict", 300, 4), co = b.add_node("code", 120, 5, code);
    auto m = b.add_node("module", 36, 6, module);
    b.add_edge(p, cls, edge_kind::type);
    b.add_edge(p, b.add_node("float", 16, 7), edge_kind::attribute, "x");
    b.add_edge(f, g, edge_kind::globals);
    b.add_edge(f, co, edge_kind::code);
    b.add_edge(g, m, edge_kind::dict_value, "'sys'");
    b.add_root("p", p);
    b.add_root("f", f);
    save(dir, "policies", std::move(b).build());
  }
  {
    snapshot_builder b;
    auto shared = b.add_node("str", 1000, 1);
    for (std::uint32_t i = 0; i < 70; ++i) {
      auto l = b.add_node("list", 36, 100 + i);
      b.add_edge(l, shared, edge_kind::index, 0u);
      b.add_root("v" + std::to_string(i), l);
    }
    b.capture().truncated = true;
    b.capture().object_cap = 71;
    save(dir, "many-roots", std::move(b).build());
  }
  return 0;
}
