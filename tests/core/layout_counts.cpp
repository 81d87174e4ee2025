// layout_counts: how the layout and allocation models' labels stand against every measured
// fixture (tests/fixtures/layouts), per platform. tools/layout-counts.mjs builds and runs it:
//
//   node tools/layout-counts.mjs
//
// For each platform and each kind of fixture it prints how many predictions are exact,
// assumed and not modelled, and how many of them are wrong (not the measured value), with
// how many of those were labelled exact (which the tests keep at 0):
//   getsizeof   every corpus value (NAME.tsv), as the page predicts it (no hint of how a
//               container was built) and as `bytewise size` does (the hint its key gives)
//   deep        the instance-heavy programs' deep sizes (NAME.deep.tsv)
//   blocks      the allocator blocks of each fresh object (NAME.alloc.tsv)
// Platforms with no measured interpreter (64-bit 3.14 and 3.15) get label counts only.
#include "layout_fixtures.hpp"

#include <bytewise/allocation.hpp>
#include <bytewise/analysis.hpp>

#include <algorithm>
#include <cstdio>
#include <sstream>

namespace bytewise {
namespace {

struct counts {
  int exact = 0, assumed = 0, not_modelled = 0, wrong = 0, wrong_exact = 0;
  void add(prediction_status status, bool known, bool right) {
    if (status == prediction_status::not_modelled) {
      ++not_modelled;
      return;
    }
    const bool sure = status == prediction_status::exact || status == prediction_status::measured;
    ++(sure ? exact : assumed);
    if (known && !right) {
      ++wrong;
      wrong_exact += sure;
    }
  }
};

void print(const char* platform, const char* what, const counts& c, bool measured) {
  std::printf("%-20s %-22s %6d exact  %6d assumed  %5d not modelled  ", platform, what, c.exact, c.assumed,
              c.not_modelled);
  if (measured) {
    std::printf("%5d wrong (%d labelled exact)\n", c.wrong, c.wrong_exact);
  } else {
    std::printf("(no interpreter measured)\n");
  }
}

std::map<std::string, std::vector<std::uint64_t>> load_blocks(const std::string& name) {
  std::ifstream in(fixtures + name + ".alloc.tsv");
  std::map<std::string, std::vector<std::uint64_t>> out;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("block\t", 0) != 0) continue;
    std::istringstream cells(line.substr(6));
    std::string key, sizes;
    std::getline(cells, key, '\t');
    std::getline(cells, sizes);
    std::istringstream numbers(sizes);
    for (std::uint64_t n; numbers >> n;) out[key].push_back(n);
    out[key];
  }
  return out;
}

int run() {
  const auto roots = roots_by_name();
  if (roots.empty()) return 1;
  std::map<std::string, std::size_t> root_index;
  for (std::size_t r = 0; r < source().roots.size(); ++r) {
    root_index[std::string(source().strings.at(source().roots[r].name))] = r;
  }
  // The source snapshot's corpus keys (the getsizeof fixtures' keys on every platform).
  const auto source_values = load_fixture("cpython-3.14-wasm32");
  int wrong_exact = 0;
  for (const cpython_target& t : modelled_targets()) {
    const std::string name = target_name(t);
    const bool measured = measured_platform(t) && !(t == cpython_target{14, 8});
    const auto sizes = measured ? load_fixture(name) : source_values;
    for (bool hinted : {false, true}) {
      counts c;
      for (const auto& [key, size] : sizes) {
        const prediction p =
            predict_getsizeof(source(), roots.at(key), t, hinted ? hints_for(key) : prediction_hints{});
        c.add(p.status, measured, p.size == size);
      }
      print(name.c_str(), hinted ? "getsizeof, told how" : "getsizeof, inferred", c, measured);
      wrong_exact += c.wrong_exact;
    }
    analysis_options options;
    options.compare_with = t;
    options.retained = false;
    const analysis a = analyze(source(), options);
    counts deep;
    const auto deep_sizes = measured ? load_fixture(name + ".deep") : load_fixture("cpython-3.14-wasm32.deep");
    for (const auto& [key, size] : deep_sizes) {
      const std::size_t r = root_index.at(key);
      const std::optional<std::uint64_t> predicted = a.compared->root_deep(r);
      deep.add(a.compared->root_status(r), measured, predicted == size);
    }
    print(name.c_str(), "deep", deep, measured);
    wrong_exact += deep.wrong_exact;
    counts blocks;
    const instance_dict_predictions dicts = predict_instance_dicts(source(), t);
    for (const auto& [key, requested] : load_blocks(measured ? name : "cpython-3.14-wasm32")) {
      const std::uint32_t node = roots.at(key);
      const allocation al = predict_allocation(source(), node, t, hints_for(key), &dicts.added[node]);
      std::vector<std::uint64_t> predicted;
      for (std::uint8_t i = 0; i < al.count; ++i) predicted.push_back(al.blocks[i].request);
      std::sort(predicted.begin(), predicted.end());
      blocks.add(al.status, measured, predicted == requested);
    }
    print(name.c_str(), "allocation blocks", blocks, measured);
    wrong_exact += blocks.wrong_exact;
  }
  if (wrong_exact != 0) std::printf("%d values labelled exact are wrong\n", wrong_exact);
  return wrong_exact == 0 ? 0 : 1;
}

}  // namespace
}  // namespace bytewise

int main() { return bytewise::run(); }
