// The pointer diagram's layout (see bytewise/diagram.hpp).
//
// Index:
//   [SECTION] Number and text formats
//   [SECTION] Which objects get boxes, and their rows
//   [SECTION] Numbers on boxes
//   [SECTION] Order and coordinates
//   [SECTION] Arrows
//   [SECTION] Entry point
#include <bytewise/diagram.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <span>
#include <unordered_map>
#include <unordered_set>

namespace bytewise {

//-----------------------------------------------------------------------------
// [SECTION] Number and text formats
//-----------------------------------------------------------------------------

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
  std::snprintf(buf, sizeof buf,
                value >= 99.95   ? "%.0f %s"
                : value >= 9.995 ? "%.1f %s"
                                 : "%.2f %s",
                value, units[unit]);
  return buf;
}

std::string describe_platform(const platform_info& p) {
  std::string out = p.implementation.empty() ? "Python" : p.implementation;
  out += " " + std::to_string(p.python_major) + "." + std::to_string(p.python_minor) + "." +
         std::to_string(p.python_micro);
  if (p.release_level != release_level::final) {
    out += p.release_level == release_level::alpha ? "a" : p.release_level == release_level::beta ? "b" : "rc";
    out += std::to_string(p.release_serial);
  }
  bool wasm = p.machine.find("wasm") != std::string::npos;
  out += ", " + std::to_string(p.pointer_size * 8) + "-bit";
  if (wasm) out += " wasm";
  if (p.free_threaded) out += " free-threaded";
  if (!p.runtime.empty() && p.runtime != "native") out += " (" + p.runtime + ")";
  return out;
}

namespace {

namespace dm = diagram_metrics;

// Characters as the canvas draws them: one per code point.
std::size_t text_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// At most `max` characters, the last one "..." when cut (never inside a UTF-8 sequence).
std::string clip(std::string_view s, std::size_t max = dm::max_text) {
  if (text_width(s) <= max) return std::string(s);
  std::size_t kept = 0, end = 0;
  while (end < s.size()) {
    std::size_t next = end + 1;
    while (next < s.size() && (static_cast<unsigned char>(s[next]) & 0xC0) == 0x80) ++next;
    if (kept + 1 > max - 1) break;
    ++kept;
    end = next;
  }
  return std::string(s.substr(0, end)) + "\xE2\x80\xA6";  // U+2026
}

std::string hex_address(std::uint64_t address) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(address));
  return buf;
}

//-----------------------------------------------------------------------------
// [SECTION] Which objects get boxes, and their rows
//-----------------------------------------------------------------------------

class builder {
 public:
  builder(const snapshot& snap, const analysis& a, const diagram_options& options)
      : snap_(snap),
        g_(snap.graph),
        a_(a),
        options_(options),
        expanded_(options.expanded.begin(), options.expanded.end()) {}

  diagram run() {
    for (std::uint32_t r = 0; r < snap_.roots.size(); ++r) add_band(r);
    for (diagram_box& box : d_.boxes) size_box(box);
    order_and_place();
    route_arrows();
    for (const diagram_box& box : d_.boxes) {
      d_.width = std::max(d_.width, box.x + box.w);
      d_.height = std::max(d_.height, box.y + box.h);
    }
    for (const diagram_arrow& arrow : d_.arrows) {
      for (const diagram_point& p : arrow.path) {
        d_.width = std::max(d_.width, p.x);
        d_.height = std::max(d_.height, p.y);
      }
    }
    return std::move(d_);
  }

 private:
  const snapshot& snap_;
  const object_graph& g_;
  const analysis& a_;
  const diagram_options& options_;
  std::unordered_set<std::uint32_t> expanded_;
  diagram d_;
  std::unordered_map<std::uint32_t, std::uint32_t> box_of_;  // node -> its object box
  std::vector<std::uint32_t> queue_;                         // boxes whose rows are pending
  std::vector<float> column_x_, column_w_;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> members_;  // aggregate box -> objects

  // Small values the interpreter shares (None, True, cached ints, interned names), drawn
  // inside the row that holds them when the options say so.
  bool drawn_inline(std::uint32_t node) const {
    return options_.inline_shared && g_.label[node] != no_string && shared_with_interpreter(g_, node);
  }

  std::string title_of(std::uint32_t node) const {
    std::string title(snap_.strings.get(g_.type[node], "?"));
    if (g_.label[node] != no_string) title += " " + std::string(snap_.strings.at(g_.label[node]));
    return clip(title, dm::max_text + 6);
  }

  std::string subtitle_of(std::uint32_t node) const {
    if (g_.label[node] != no_string || !(g_.flags[node] & node_flag::has_length)) return {};
    const std::uint64_t n = g_.length[node];
    if (n == 0) return "empty";
    return format_count(n) + (n == 1 ? " item" : " items");
  }

  std::string row_label(std::uint32_t e) const {
    const std::uint32_t label = g_.edge_label[e];
    switch (g_.edge_kinds[e]) {
      case edge_kind::index: return "[" + std::to_string(label) + "]";
      case edge_kind::set_member: return "\xC2\xB7";  // a middle dot: members have no key
      case edge_kind::type: return "type";
      case edge_kind::globals: return "globals";
      case edge_kind::code: return "code";
      case edge_kind::definition: return "function";
      default: return clip(snap_.strings.get(label), 20);
    }
  }

  // The box of `node` in `column` of `band`, made (and queued for its rows) if new.
  std::uint32_t box_for(std::uint32_t node, std::uint32_t column, std::uint32_t band) {
    if (auto it = box_of_.find(node); it != box_of_.end()) return it->second;
    if (d_.boxes.size() >= options_.max_boxes || column > options_.max_depth) {
      d_.limited = true;
      return no_box;
    }
    diagram_box box;
    box.kind = box_kind::object;
    box.node = node;
    box.column = column;
    box.band = band;
    box.title = title_of(node);
    box.subtitle = subtitle_of(node);
    box.flags = flags_of(node);
    const std::uint32_t index = static_cast<std::uint32_t>(d_.boxes.size());
    d_.boxes.push_back(std::move(box));
    box_of_.emplace(node, index);
    queue_.push_back(index);
    return index;
  }

  std::uint8_t flags_of(std::uint32_t node) const {
    std::uint8_t f = 0;
    // Shared: reached from two places, or twice from one ([x] * 3).
    if (node < a_.sizes.referrers.size() && (a_.sizes.referrers[node] > 1 || a_.sizes.references[node] > 1)) {
      f |= box_flag::shared;
    }
    if (a_.comps.of[node] != no_node && a_.comps.cyclic[a_.comps.of[node]]) f |= box_flag::cycle;
    if (shared_with_interpreter(g_, node)) f |= box_flag::interpreter;
    if (g_.flags[node] & node_flag::truncated) f |= box_flag::truncated;
    return f;
  }

  // One variable: its slot, then breadth-first every object it reaches that no earlier
  // variable did.
  void add_band(std::uint32_t r) {
    const root& named = snap_.roots[r];
    diagram_box var;
    var.kind = box_kind::variable;
    var.node = named.node;
    var.root = r;
    var.band = r;
    var.title = clip(snap_.strings.get(named.name), dm::max_text);
    const std::uint32_t index = static_cast<std::uint32_t>(d_.boxes.size());
    d_.boxes.push_back(std::move(var));
    diagram_row slot;
    slot.target = named.node;
    if (drawn_inline(named.node)) {
      slot.value = std::string(snap_.strings.at(g_.label[named.node]));
    } else {
      slot.box = box_for(named.node, 1, r);
      if (slot.box == no_box) slot.value = hex_address(g_.address[named.node]);
    }
    d_.boxes[index].rows.push_back(std::move(slot));
    for (std::size_t i = 0; i < queue_.size(); ++i) fill_rows(queue_[i]);
    queue_.clear();
  }

  void fill_rows(std::uint32_t b) {
    const std::uint32_t node = d_.boxes[b].node;
    const std::uint32_t column = d_.boxes[b].column, band = d_.boxes[b].band;
    const traversal_policy& policy = a_.policy;
    if (!enters_category(policy, g_.category(node)) || (g_.flags[node] & node_flag::not_followed)) {
      d_.boxes[b].flags |= box_flag::leaf;
      return;
    }
    // Dict keys are drawn as the label of their value's row.
    std::vector<std::uint32_t> edges;
    for (std::uint32_t e = g_.first_edge(node); e < g_.end_edge(node); ++e) {
      const edge_kind kind = g_.edge_kinds[e];
      if (kind != edge_kind::dict_key && follows_kind(policy, kind)) edges.push_back(e);
    }
    const std::size_t limit = expanded_.count(node) ? options_.expanded_rows : options_.max_rows;
    const std::size_t shown = edges.size() <= limit ? edges.size() : limit;
    std::vector<diagram_row> rows;
    rows.reserve(shown + 1);
    for (std::size_t i = 0; i < shown; ++i) {
      const std::uint32_t e = edges[i];
      diagram_row row;
      row.label = row_label(e);
      row.edge = e;
      row.target = g_.edge_target[e];
      if (drawn_inline(row.target)) {
        row.value = std::string(snap_.strings.at(g_.label[row.target]));
      } else {
        row.box = box_for(row.target, column + 1, band);
        if (row.box == no_box) row.value = hex_address(g_.address[row.target]);
      }
      rows.push_back(std::move(row));
    }
    if (shown < edges.size()) {
      diagram_row more;
      more.hidden = edges.size() - shown;
      more.label = "\xE2\x80\xA6 " + format_count(more.hidden) + " more";  // "... N more"
      more.box = aggregate_of(std::span(edges).subspan(shown), column + 1, band);
      rows.push_back(std::move(more));
    }
    d_.boxes[b].rows = std::move(rows);
  }

  // One box for many references, when they all lead to objects of one type: "996 x float,
  // 16 B each". Otherwise no box (the row says how many).
  std::uint32_t aggregate_of(std::span<const std::uint32_t> edges, std::uint32_t column, std::uint32_t band) {
    const std::uint32_t type = g_.type[g_.edge_target[edges.front()]];
    std::unordered_set<std::uint32_t> distinct;
    for (std::uint32_t e : edges) {
      const std::uint32_t t = g_.edge_target[e];
      if (g_.type[t] != type) return no_box;
      distinct.insert(t);
    }
    if (d_.boxes.size() >= options_.max_boxes || column > options_.max_depth) {
      d_.limited = true;
      return no_box;
    }
    std::vector<std::uint32_t> members(distinct.begin(), distinct.end());
    std::sort(members.begin(), members.end());
    diagram_box box;
    box.kind = box_kind::aggregate;
    box.node = members.front();
    box.column = column;
    box.band = band;
    box.title = format_count(members.size()) + " \xC3\x97 " + clip(snap_.strings.get(type, "?"), 20);  // "N x type"
    bool uniform = true;
    box_numbers& n = box.numbers;
    n.objects = members.size();
    std::uint64_t allocated = 0, predicted = 0;
    bool allocated_known = a_.allocated.has_value(), predicted_known = a_.compared.has_value();
    for (std::uint32_t m : members) {
      n.shallow += g_.shallow[m];
      uniform &= g_.shallow[m] == g_.shallow[members.front()];
      box.flags |= flags_of(m) & (box_flag::interpreter | box_flag::shared);
      if (allocated_known) {
        allocated_known = a_.allocated->status[m] != prediction_status::not_modelled;
        allocated += a_.allocated->per_node[m];
      }
      if (predicted_known) {
        predicted_known = a_.compared->per_node[m].status != prediction_status::not_modelled;
        predicted += a_.compared->per_node[m].size;
      }
    }
    if (allocated_known) n.allocated = allocated;
    if (predicted_known) n.predicted = predicted;
    box.subtitle = uniform ? format_bytes(g_.shallow[members.front()]) + " each" : format_bytes(n.shallow) + " in all";
    const std::uint32_t index = static_cast<std::uint32_t>(d_.boxes.size());
    d_.boxes.push_back(std::move(box));
    members_.emplace(index, std::move(members));
    return index;
  }

  //---------------------------------------------------------------------------
  // [SECTION] Numbers on boxes
  //---------------------------------------------------------------------------

 public:
  // Fills every box's numbers; object boxes' deep sizes by walks sharing one work budget.
  void number_boxes(diagram& d) const {
    const std::uint32_t n = g_.node_count();
    std::uint64_t budget = options_.deep_work ? options_.deep_work : 8 * (std::uint64_t{n} + g_.edge_count());
    std::vector<std::uint32_t> stamp(n, 0);
    std::vector<std::uint32_t> stack;
    std::uint32_t walk = 0;
    for (std::uint32_t b = 0; b < d.boxes.size(); ++b) {
      diagram_box& box = d.boxes[b];
      box_numbers& num = box.numbers;
      const std::uint32_t node = box.node;
      if (box.kind == box_kind::variable) {
        const root_size& s = a_.sizes.roots[box.root];
        num.shallow = s.shallow;
        num.deep = s.deep;
        num.deep_exact = !s.lower_bound;
        num.objects = s.objects;
        if (!a_.dom.root_retained.empty()) num.retained = a_.dom.root_retained[box.root];
        if (a_.allocated) {
          num.allocated = a_.allocated->root_deep(box.root);
          num.allocated_status = a_.allocated->root_status(box.root);
        }
        if (a_.compared) {
          num.predicted = a_.compared->root_deep(box.root);
          num.predicted_status = a_.compared->root_status(box.root);
        }
        continue;
      }
      std::span<const std::uint32_t> starts(&box.node, 1);
      if (box.kind == box_kind::aggregate) {
        starts = members_.at(b);  // the other numbers were filled when it was made
      } else {
        num.shallow = g_.shallow[node];
        if (!a_.dom.retained.empty()) num.retained = a_.dom.retained[node];
        if (a_.allocated && a_.allocated->status[node] != prediction_status::not_modelled) {
          num.allocated = a_.allocated->per_node[node];
          num.allocated_status = a_.allocated->status[node];
        }
        if (a_.compared) {
          const prediction& p = a_.compared->per_node[node];
          num.predicted_status = p.status;
          if (p.status != prediction_status::not_modelled) num.predicted = p.size;
        }
      }
      // Deep: a walk over the followed references, cut off when the budget runs out.
      ++walk;
      num.deep = 0;
      std::uint64_t objects = 0;
      stack.clear();
      for (std::uint32_t s : starts) {
        if (!a_.graph.counted[s]) {
          num.deep += g_.shallow[s];  // left out by the policy: itself only
          ++objects;
        } else if (stamp[s] != walk) {
          stamp[s] = walk;
          stack.push_back(s);
        }
      }
      while (!stack.empty()) {
        if (budget == 0) {
          num.deep_exact = false;
          break;
        }
        --budget;
        const std::uint32_t v = stack.back();
        stack.pop_back();
        num.deep += g_.shallow[v];
        ++objects;
        // The capture cut this object's references (object or edge cap): at least this.
        if (g_.flags[v] & node_flag::truncated) num.deep_exact = false;
        for (std::uint32_t i = a_.graph.offsets[v]; i < a_.graph.offsets[v + 1]; ++i) {
          const std::uint32_t t = a_.graph.targets[i];
          if (stamp[t] != walk) {
            stamp[t] = walk;
            stack.push_back(t);
          }
        }
      }
      if (box.kind == box_kind::object) num.objects = objects;
    }
  }

 private:
  //---------------------------------------------------------------------------
  // [SECTION] Order and coordinates
  //---------------------------------------------------------------------------

  std::size_t header_lines() const { return a_.compared ? 3 : 2; }

  void size_box(diagram_box& box) const {
    const float cw = dm::char_width;
    std::size_t chars = text_width(box.title) + (box.subtitle.empty() ? 0 : 2 + text_width(box.subtitle));
    if (a_.compared) chars = std::max<std::size_t>(chars, 24);  // "~1,234 B on 64-bit 3.12"
    float w = chars * cw + 2 * dm::padding;
    if (box.kind == box_kind::variable) {
      const diagram_row& slot = box.rows.front();
      w += dm::pointer_width + 8 + (slot.value.empty() ? 0 : text_width(slot.value) * cw);
      box.rows_y = dm::padding / 2;  // the slot sits on the name's line
      box.h = dm::padding + header_lines() * dm::line_height;
    } else {
      std::size_t label = 0, value = 0;
      for (const diagram_row& row : box.rows) {
        label = std::max(label, text_width(row.label));
        value = std::max(value, text_width(row.value));
      }
      const float slot = std::max(dm::pointer_width, value * cw);
      if (!box.rows.empty()) w = std::max(w, label * cw + 12 + slot + 2 * dm::padding);
      box.rows_y = dm::padding / 2 + header_lines() * dm::line_height + (box.rows.empty() ? 0 : 4);
      box.h = box.rows_y + box.rows.size() * dm::line_height + dm::padding / 2;
    }
    box.w = std::clamp(w, dm::min_box_width, dm::max_box_width);
  }

  // Where row `r` of `box` holds its pointer: the slot's centre.
  static diagram_point slot_point(const diagram_box& box, std::size_t r) {
    return {box.x + box.w - dm::padding - dm::pointer_width / 2,
            box.y + box.rows_y + (box.kind == box_kind::variable ? 0 : r * dm::line_height) + dm::line_height / 2};
  }

  void order_and_place() {
    std::uint32_t columns = 1, bands = 0;
    for (const diagram_box& box : d_.boxes) {
      columns = std::max(columns, box.column + 1);
      bands = std::max(bands, box.band + 1);
    }
    column_w_.assign(columns, 0);
    for (const diagram_box& box : d_.boxes) column_w_[box.column] = std::max(column_w_[box.column], box.w);
    column_x_.assign(columns, 0);
    for (std::uint32_t c = 1; c < columns; ++c) column_x_[c] = column_x_[c - 1] + column_w_[c - 1] + dm::column_gap;

    // Boxes per band and column, in the order they were made (breadth-first).
    std::vector<std::vector<std::vector<std::uint32_t>>> cells(bands, std::vector<std::vector<std::uint32_t>>(columns));
    for (std::uint32_t b = 0; b < d_.boxes.size(); ++b) cells[d_.boxes[b].band][d_.boxes[b].column].push_back(b);

    // Who points at each box from the column before it, in the same band: (box, row).
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> parents(d_.boxes.size());
    for (std::uint32_t b = 0; b < d_.boxes.size(); ++b) {
      const diagram_box& from = d_.boxes[b];
      for (std::uint32_t r = 0; r < from.rows.size(); ++r) {
        const std::uint32_t to = from.rows[r].box;
        if (to != no_box && d_.boxes[to].band == from.band && d_.boxes[to].column == from.column + 1) {
          parents[to].push_back({b, r});
        }
      }
    }

    float band_top = 0;
    std::vector<float> position(d_.boxes.size(), 0);  // index within its cell, for barycenters
    for (std::uint32_t band = 0; band < bands; ++band) {
      float bottom = band_top;
      for (std::uint32_t c = 0; c < columns; ++c) {
        std::vector<std::uint32_t>& cell = cells[band][c];
        if (c >= 2) {
          // Barycenter of the rows pointing in from the previous column; boxes with none
          // keep their breadth-first place after the others.
          std::vector<double> key(cell.size());
          for (std::size_t i = 0; i < cell.size(); ++i) {
            const auto& from = parents[cell[i]];
            if (from.empty()) {
              key[i] = std::numeric_limits<double>::max();
              continue;
            }
            double sum = 0;
            for (const auto& [b, r] : from) sum += position[b] * 4096.0 + r;
            key[i] = sum / static_cast<double>(from.size());
          }
          std::vector<std::size_t> order(cell.size());
          for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
          std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return key[x] < key[y]; });
          std::vector<std::uint32_t> sorted;
          for (std::size_t i : order) sorted.push_back(cell[i]);
          cell = std::move(sorted);
        }
        float cursor = band_top;
        for (std::size_t i = 0; i < cell.size(); ++i) {
          diagram_box& box = d_.boxes[cell[i]];
          position[cell[i]] = static_cast<float>(i);
          box.x = column_x_[c];
          // Level with the first row that points here, when there is room.
          float wanted = cursor;
          for (const auto& [b, r] : parents[cell[i]]) {
            const diagram_box& from = d_.boxes[b];
            wanted = std::max(cursor, slot_point(from, r).y - dm::padding / 2 - dm::line_height / 2);
            break;
          }
          box.y = wanted;
          cursor = box.y + box.h + dm::box_gap;
          bottom = std::max(bottom, box.y + box.h);
        }
      }
      band_top = bottom + dm::band_gap;
    }
  }

  //---------------------------------------------------------------------------
  // [SECTION] Arrows
  //---------------------------------------------------------------------------

  // A height in column `c` where a line can cross it between boxes, near `y`.
  float free_y(std::uint32_t c, float y) const {
    const float margin = dm::box_gap / 2;
    std::vector<std::pair<float, float>> taken;
    for (const diagram_box& box : d_.boxes) {
      if (box.column == c) taken.push_back({box.y - margin, box.y + box.h + margin});
    }
    for (const auto& [top, bottom] : taken) {
      if (y > top && y < bottom) {
        // Inside a box: try just above and just below it, nearest first, unless that is
        // inside another box too.
        float best = y;
        float best_distance = std::numeric_limits<float>::max();
        for (float candidate : {top, bottom}) {
          bool clear = true;
          for (const auto& [t2, b2] : taken) clear &= !(candidate > t2 && candidate < b2);
          if (clear && std::abs(candidate - y) < best_distance) {
            best = candidate;
            best_distance = std::abs(candidate - y);
          }
        }
        return best;
      }
    }
    return y;
  }

  void route_arrows() {
    for (std::uint32_t b = 0; b < d_.boxes.size(); ++b) {
      const diagram_box& from = d_.boxes[b];
      for (std::uint32_t r = 0; r < from.rows.size(); ++r) {
        const std::uint32_t t = from.rows[r].box;
        if (t == no_box) continue;
        const diagram_box& to = d_.boxes[t];
        diagram_arrow arrow;
        arrow.from = b;
        arrow.row = r;
        arrow.to = t;
        const diagram_point start = slot_point(from, r);
        arrow.path.push_back(start);
        const float right = from.x + from.w;
        if (to.column > from.column) {
          const diagram_point end{to.x, to.y + dm::padding / 2 + dm::line_height / 2};
          const float span = end.x - right;
          for (std::uint32_t c = from.column + 1; c < to.column; ++c) {
            const float fraction = (column_x_[c] - right) / std::max(span, 1.0f);
            const float y = free_y(c, start.y + (end.y - start.y) * fraction);
            arrow.path.push_back({column_x_[c] - dm::column_gap / 3, y});
            arrow.path.push_back({column_x_[c] + column_w_[c] + dm::column_gap / 3, y});
          }
          arrow.path.push_back(end);
        } else {
          // Back to an earlier column or the same one: out to the right, up or down along
          // the gap, and into the target's top.
          arrow.back = true;
          const float gap_x = right + dm::column_gap / 2;
          const float corridor = to.y - dm::box_gap / 2;
          const float entry = to.x + to.w - 3 * dm::padding;
          arrow.path.push_back({gap_x, start.y});
          arrow.path.push_back({gap_x, corridor});
          arrow.path.push_back({entry, corridor});
          arrow.path.push_back({entry, to.y});
        }
        d_.arrows.push_back(std::move(arrow));
      }
    }
  }
};

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Entry point
//-----------------------------------------------------------------------------

diagram layout_diagram(const snapshot& snap, const analysis& a, const diagram_options& options) {
  builder b(snap, a, options);
  diagram d = b.run();
  b.number_boxes(d);
  return d;
}

}  // namespace bytewise
