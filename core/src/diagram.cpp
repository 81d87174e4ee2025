// The overview layout: three columns (variables, their objects, direct referents).
// Deterministic: boxes are placed in root order, then in edge order.
#include <bytewise/diagram.hpp>

#include <algorithm>
#include <cstdio>
#include <unordered_map>

namespace bytewise {
namespace {

constexpr float variable_w = 120, variable_h = 30;
constexpr float object_w = 210, object_h = 48;
constexpr float gap_y = 14;
constexpr float column_x[3] = {0, 180, 470};

std::string edge_text(const snapshot& snap, std::uint32_t e) {
  const object_graph& g = snap.graph;
  std::uint32_t label = g.edge_label[e];
  switch (g.edge_kinds[e]) {
    case edge_kind::index: return "[" + std::to_string(label) + "]";
    case edge_kind::dict_key: return "key " + std::string(snap.strings.get(label));
    case edge_kind::dict_value: return "[" + std::string(snap.strings.get(label)) + "]";
    case edge_kind::attribute:
    case edge_kind::slot: return "." + std::string(snap.strings.get(label));
    default: return std::string(snap.strings.get(label));
  }
}

std::string object_title(const snapshot& snap, std::uint32_t node) {
  const object_graph& g = snap.graph;
  std::string title(snap.strings.get(g.type[node], "?"));
  if (g.label[node] != no_string) {
    title += " " + std::string(snap.strings.get(g.label[node]));
  } else if (g.flags[node] & node_flag::has_length) {
    std::uint64_t n = g.length[node];
    title += ", " + format_count(n) + (n == 1 ? " item" : " items");
  }
  return title;
}

}  // namespace

std::string format_count(std::uint64_t n) {
  std::string digits = std::to_string(n);
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i != 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

std::string format_bytes(std::uint64_t bytes) {
  if (bytes < 100000) return format_count(bytes) + " B";
  static constexpr const char* units[] = {"kB", "MB", "GB", "TB", "PB", "EB"};
  double value = static_cast<double>(bytes) / 1000.0;
  int unit = 0;
  while (value >= 999.5 && unit < 5) {
    value /= 1000.0;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, value >= 99.95 ? "%.0f %s" : value >= 9.995 ? "%.1f %s" : "%.2f %s",
                value, units[unit]);
  return buf;
}

std::string describe_platform(const platform_info& p) {
  std::string out = p.implementation.empty() ? "Python" : p.implementation;
  out += " " + std::to_string(p.python_major) + "." + std::to_string(p.python_minor) + "." +
         std::to_string(p.python_micro);
  if (p.release_level != 0xF) {
    out += p.release_level == 0xA ? "a" : p.release_level == 0xB ? "b" : "rc";
    out += std::to_string(p.release_serial);
  }
  bool wasm = p.machine.find("wasm") != std::string::npos;
  out += ", " + std::to_string(p.pointer_size * 8) + "-bit";
  if (wasm) out += " wasm";
  if (p.free_threaded) out += " free-threaded";
  if (!p.runtime.empty() && p.runtime != "native") out += " (" + p.runtime + ")";
  return out;
}

diagram layout_overview(const snapshot& snap, const analysis& a, const diagram_options& options) {
  const root_sizes& sizes = a.sizes;
  const object_graph& g = snap.graph;
  diagram d;
  const float compared_h = a.compared ? object_h + 16 : object_h;  // room for a third line
  std::unordered_map<std::uint32_t, std::uint32_t> object_box;  // node -> box index
  float next_y[3] = {0, 0, 0};

  auto place = [&](int column, diagram_box box) {
    box.x = column_x[column];
    box.y = next_y[column];
    next_y[column] += box.h + gap_y;
    d.boxes.push_back(std::move(box));
    return static_cast<std::uint32_t>(d.boxes.size() - 1);
  };
  auto object_detail = [&](std::uint32_t node, const root_size* measured) {
    std::string detail = format_bytes(g.shallow[node]) + " shallow";
    if (measured) detail += ", " + format_bytes(measured->deep) + " deep";
    return detail;
  };
  // "88 B on 64-bit CPython 3.12", "~88 B ..." when assumed, "not modelled on ..." when not.
  auto compared = [&](std::uint32_t node) -> std::string {
    if (!a.compared) return {};
    const prediction& p = a.compared->per_node[node];
    const std::string where = " on " + describe_target(a.compared->target);
    if (p.status == prediction_status::not_modelled) return "not modelled" + where;
    return (p.status == prediction_status::assumed ? "~" : "") + format_bytes(p.size) + where;
  };

  // Column 1: the objects the roots name, one box per distinct object.
  std::vector<std::uint32_t> variable_targets;
  for (std::size_t i = 0; i < snap.roots.size(); ++i) {
    std::uint32_t node = snap.roots[i].node;
    auto [it, fresh] = object_box.try_emplace(node, 0);
    if (fresh) {
      diagram_box box{box_kind::object, node, 0, 0, object_w, compared_h,
                      object_title(snap, node), object_detail(node, &sizes.roots[i]), compared(node)};
      it->second = place(1, std::move(box));
    }
    variable_targets.push_back(it->second);
  }
  // Column 0: variables, each level with the first row of its object where possible.
  for (std::size_t i = 0; i < snap.roots.size(); ++i) {
    const diagram_box& target = d.boxes[variable_targets[i]];
    next_y[0] = std::max(next_y[0], target.y + (target.h - variable_h) / 2);
    diagram_box box{box_kind::variable, snap.roots[i].node, 0, 0, variable_w, variable_h,
                    std::string(snap.strings.get(snap.roots[i].name)), {}, {}};
    std::uint32_t index = place(0, std::move(box));
    d.arrows.push_back({index, variable_targets[i], {}});
  }
  // Column 2: direct referents of the root objects. Several references from one object
  // to the same target (words = [w] * 3) become one arrow labelled with all of them.
  std::size_t root_boxes = d.boxes.size();
  for (std::uint32_t b = 0; b < root_boxes; ++b) {
    if (d.boxes[b].kind != box_kind::object) continue;
    std::uint32_t node = d.boxes[b].node;
    next_y[2] = std::max(next_y[2], d.boxes[b].y);
    std::uint32_t drawn = 0, hidden = 0;
    std::unordered_map<std::uint32_t, std::size_t> arrow_to;  // target box -> arrow index
    std::vector<std::uint32_t> references;                     // per arrow, parallel count
    for (std::uint32_t e = g.first_edge(node); e < g.end_edge(node); ++e) {
      std::uint32_t target = g.edge_target[e];
      auto it = object_box.find(target);
      if (it == object_box.end()) {
        if (drawn >= options.max_referents) {
          ++hidden;
          continue;
        }
        ++drawn;
        diagram_box box{box_kind::object, target, 0, 0, object_w, compared_h,
                        object_title(snap, target), object_detail(target, nullptr), compared(target)};
        it = object_box.emplace(target, place(2, std::move(box))).first;
      }
      auto [arrow, fresh] = arrow_to.try_emplace(it->second, d.arrows.size());
      if (fresh) {
        d.arrows.push_back({b, it->second, edge_text(snap, e)});
        references.push_back(1);
        continue;
      }
      std::uint32_t& count = references[arrow->second - (d.arrows.size() - references.size())];
      if (++count <= 3) d.arrows[arrow->second].label += " " + edge_text(snap, e);
    }
    for (std::size_t i = 0; i < references.size(); ++i) {
      if (references[i] > 3) {
        d.arrows[d.arrows.size() - references.size() + i].label +=
            " ... (" + format_count(references[i]) + " references)";
      }
    }
    if (hidden != 0) {
      diagram_box box{box_kind::more, node, 0, 0, object_w, variable_h,
                      "... " + format_count(hidden) + " more references", {}, {}};
      std::uint32_t more = place(2, std::move(box));
      d.arrows.push_back({b, more, {}});
    }
  }
  for (const diagram_box& box : d.boxes) {
    d.width = std::max(d.width, box.x + box.w);
    d.height = std::max(d.height, box.y + box.h);
  }
  return d;
}

}  // namespace bytewise
