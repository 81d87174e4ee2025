// The canvas's windows beside the diagram: sizes table, footprint charts, list
// growth and small-int explorer (see canvas.hpp; the X-ray is a widget of its own,
// xray_widget.hpp). Each is one Show*Window function drawing from canvas_state only.
//
// Index:
//   [SECTION] Helpers: placement, charts
//   [SECTION] Sizes table
//   [SECTION] Footprints over N
//   [SECTION] List growth
//   [SECTION] Small ints
#include "canvas.hpp"

#include <bytewise/options.hpp>

#include <bytewise/layout_model.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <numeric>
#include <string>

namespace bytewise::app {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] Helpers: placement, charts
//-----------------------------------------------------------------------------

// A window's first position and size, as fractions of the display.
void place_window(float x, float y, float w, float h) {
  const ImGuiViewport* v = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(ImVec2(v->Pos.x + v->Size.x * x, v->Pos.y + v->Size.y * y), ImGuiCond_Appearing);
  ImGui::SetNextWindowSize(ImVec2(v->Size.x * w, v->Size.y * h), ImGuiCond_Appearing);
}

constexpr ImU32 series_colors[] = {IM_COL32(36, 87, 197, 255),  IM_COL32(214, 110, 0, 255), IM_COL32(46, 139, 87, 255),
                                   IM_COL32(176, 38, 120, 255), IM_COL32(120, 90, 40, 255), IM_COL32(0, 140, 160, 255),
                                   IM_COL32(200, 40, 40, 255),  IM_COL32(90, 90, 90, 255),  IM_COL32(130, 60, 200, 255),
                                   IM_COL32(170, 150, 0, 255)};

struct axis {
  double lo = 0, hi = 1;
  bool log = false;
  double map(double v, float a, float b) const {
    const double t =
        log ? (std::log10(std::max(v, lo)) - std::log10(lo)) / (std::log10(hi) - std::log10(lo)) : (v - lo) / (hi - lo);
    return a + (b - a) * std::clamp(t, -0.05, 1.05);
  }
};

// A round step for about four intervals up to `hi`: 1, 2 or 5 times a power of ten.
double nice_step(double hi) {
  const double raw = std::max(hi, 1.0) / 4;
  const double power = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * power >= raw) return m * power;
  }
  return 10 * power;
}

axis fit_axis(double lo, double hi, bool log) {
  axis a;
  a.log = log;
  if (log) {
    a.lo = std::pow(10.0, std::floor(std::log10(std::max(lo, 1.0))));
    a.hi = std::pow(10.0, std::ceil(std::log10(std::max(hi, a.lo * 10))));
  } else {
    a.lo = 0;
    a.hi = std::ceil(std::max(hi, 1.0) / nice_step(hi)) * nice_step(hi);
  }
  return a;
}

std::string short_bytes(double v) { return format_bytes(static_cast<std::uint64_t>(std::max(0.0, v))); }
std::string short_count(double v) { return format_count(static_cast<std::uint64_t>(std::max(0.0, v))); }

struct chart_series {
  std::string name;
  std::vector<std::pair<double, double>> points;  // (x, y)
  bool steps = false;                             // a staircase: hold y until the next x
};

// A line chart over the window's width, `height` tall, with a hover read-out and a legend
// that wraps. `bytes`: the y axis counts bytes (else plain numbers).
void draw_chart(const char* id, const std::vector<chart_series>& series, bool log_x, bool log_y, const char* x_label,
                const char* y_label, float height, bool bytes = true) {
  double x0 = DBL_MAX, x1 = -DBL_MAX, y0 = DBL_MAX, y1 = -DBL_MAX;
  for (const chart_series& s : series) {
    for (const auto& [x, y] : s.points) {
      x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    }
  }
  if (x0 > x1) {
    ImGui::TextDisabled("No data yet.");
    return;
  }
  const axis ax = log_x ? fit_axis(std::max(x0, 1.0), x1, true) : fit_axis(0, x1, false);
  const axis ay = fit_axis(std::max(y0, 1.0), y1, log_y);
  const ImVec2 size(ImGui::GetContentRegionAvail().x, height);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float font = ImGui::GetFontSize();
  const float left = p0.x + font * 5.5f, right = p0.x + size.x - font * 2.5f, top = p0.y + font * 0.5f,
              bottom = p0.y + size.y - font * 1.8f;
  const ImU32 grid = IM_COL32(210, 214, 224, 255), ink = ImGui::GetColorU32(ImGuiCol_Text);
  dl->AddRect(ImVec2(left, top), ImVec2(right, bottom), grid);
  // Grid lines and labels: powers of ten on log axes, quarters on linear ones.
  auto ticks = [](const axis& a) {
    std::vector<double> t;
    if (a.log) {
      for (double v = a.lo; v <= a.hi * 1.0001; v *= 10) t.push_back(v);
    } else {
      const double step = nice_step(a.hi);
      for (double v = a.lo; v <= a.hi + step / 2; v += step) t.push_back(v);
    }
    return t;
  };
  for (double v : ticks(ay)) {
    const float y = static_cast<float>(ay.map(v, bottom, top));
    dl->AddLine(ImVec2(left, y), ImVec2(right, y), grid);
    const std::string text = bytes ? short_bytes(v) : short_count(v);
    dl->AddText(ImVec2(left - ImGui::CalcTextSize(text.c_str()).x - font * 0.3f, y - font / 2), ink, text.c_str());
  }
  for (double v : ticks(ax)) {
    const float x = static_cast<float>(ax.map(v, left, right));
    dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), grid);
    const std::string text = format_count(static_cast<std::uint64_t>(v));
    dl->AddText(ImVec2(x - ImGui::CalcTextSize(text.c_str()).x / 2, bottom + font * 0.2f), ink, text.c_str());
  }
  dl->AddText(ImVec2(right - ImGui::CalcTextSize(x_label).x, bottom + font), ink, x_label);
  dl->AddText(ImVec2(left + font * 0.3f, top), ink, y_label);
  for (std::size_t i = 0; i < series.size(); ++i) {
    const ImU32 color = series_colors[i % std::size(series_colors)];
    const auto& pts = series[i].points;
    for (std::size_t j = 0; j < pts.size(); ++j) {
      const ImVec2 a(static_cast<float>(ax.map(pts[j].first, left, right)),
                     static_cast<float>(ay.map(pts[j].second, bottom, top)));
      if (j + 1 < pts.size()) {
        const ImVec2 b(static_cast<float>(ax.map(pts[j + 1].first, left, right)),
                       static_cast<float>(ay.map(pts[j + 1].second, bottom, top)));
        if (series[i].steps) {
          dl->AddLine(a, ImVec2(b.x, a.y), color, 2.0f);
          dl->AddLine(ImVec2(b.x, a.y), b, color, 2.0f);
        } else {
          dl->AddLine(a, b, color, 2.0f);
        }
      }
      if (!series[i].steps) dl->AddCircleFilled(a, 3.0f, color);
    }
  }
  // Hover: the nearest x and every series' value there.
  if (hovered && !series.empty()) {
    const float mx = ImGui::GetIO().MousePos.x;
    double best_x = 0;
    float best_d = FLT_MAX;
    for (const chart_series& s : series) {
      for (const auto& [x, y] : s.points) {
        const float d = std::abs(static_cast<float>(ax.map(x, left, right)) - mx);
        if (d < best_d) best_d = d, best_x = x;
      }
    }
    const float x = static_cast<float>(ax.map(best_x, left, right));
    dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), IM_COL32(120, 120, 120, 200));
    ImGui::BeginTooltip();
    ImGui::Text("%s = %s", x_label, format_count(static_cast<std::uint64_t>(best_x)).c_str());
    for (std::size_t i = 0; i < series.size(); ++i) {
      double value = -1;
      for (const auto& [px, py] : series[i].points) {
        if (px == best_x || (series[i].steps && px <= best_x)) value = py;
      }
      if (value < 0) continue;
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(series_colors[i % std::size(series_colors)]), "%s: %s",
                         series[i].name.c_str(), format_count(static_cast<std::uint64_t>(value)).c_str());
    }
    ImGui::EndTooltip();
  }
  // Legend, wrapping to the next line when the window is narrow.
  const float right_edge = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const std::string text = "\xE2\x97\x8F " + series[i].name;  // U+25CF
    if (i) {
      ImGui::SameLine();
      if (ImGui::GetCursorScreenPos().x + ImGui::CalcTextSize(text.c_str()).x > right_edge) ImGui::NewLine();
    }
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(series_colors[i % std::size(series_colors)]), "%s", text.c_str());
  }
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Sizes table
//-----------------------------------------------------------------------------

void ShowSizesWindow(canvas_state* state) {
  canvas_state& s = *state;
  place_window(0.05f, 0.1f, 0.7f, 0.5f);
  if (!ImGui::Begin("Sizes", &s.show_sizes, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  if (!s.snap) {
    ImGui::TextDisabled("Run a program first.");
    ImGui::End();
    return;
  }
  const snapshot& snap = *s.snap;
  const analysis& a = s.result;
  struct row {
    std::string name, type;
    double shallow, deep, retained, allocated, predicted, objects;
  };
  std::vector<row> rows;
  for (std::size_t i = 0; i < snap.roots.size(); ++i) {
    const root& r = snap.roots[i];
    const root_size& z = a.sizes.roots[i];
    row out{std::string(snap.strings.get(r.name)),
            std::string(snap.strings.get(snap.graph.type[r.node], "?")),
            static_cast<double>(z.shallow),
            static_cast<double>(z.deep),
            -1,
            -1,
            -1,
            static_cast<double>(z.objects)};
    if (!a.dom.root_retained.empty()) out.retained = static_cast<double>(a.dom.root_retained[i]);
    if (a.allocated) {
      if (const auto deep = a.allocated->root_deep(i)) out.allocated = static_cast<double>(*deep);
    }
    if (a.compared) {
      if (const auto deep = a.compared->root_deep(i)) out.predicted = static_cast<double>(*deep);
    }
    rows.push_back(std::move(out));
  }
  const std::string there = a.compared ? "deep on " + short_target_name(a.compared->target) : "compared";
  const char* headers[] = {"variable", "type", "shallow", "deep", "retained", "allocated", there.c_str(), "objects"};
  const ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_Borders |
                                ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable;
  if (ImGui::BeginTable("sizes", 8, flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (int i = 0; i < 8; ++i) {
      ImGuiTableColumnFlags f =
          i == 3 ? ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending : 0;
      if (i >= 2) f |= ImGuiTableColumnFlags_PreferSortDescending;
      ImGui::TableSetupColumn(headers[i], f);
    }
    ImGui::TableHeadersRow();
    if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsCount > 0) {
      s.sizes_sort_column = specs->Specs[0].ColumnIndex;
      s.sizes_sort_direction = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending ? 1 : -1;
    }
    std::vector<std::size_t> order(rows.size());
    std::iota(order.begin(), order.end(), 0);
    auto key = [&](const row& r) -> double {
      switch (s.sizes_sort_column) {
        case 2: return r.shallow;
        case 3: return r.deep;
        case 4: return r.retained;
        case 5: return r.allocated;
        case 6: return r.predicted;
        case 7: return r.objects;
        default: return 0;
      }
    };
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
      if (s.sizes_sort_column <= 1) {
        const std::string& a1 = s.sizes_sort_column == 0 ? rows[x].name : rows[x].type;
        const std::string& b1 = s.sizes_sort_column == 0 ? rows[y].name : rows[y].type;
        return s.sizes_sort_direction > 0 ? a1 < b1 : a1 > b1;
      }
      return s.sizes_sort_direction > 0 ? key(rows[x]) < key(rows[y]) : key(rows[x]) > key(rows[y]);
    });
    for (std::size_t i : order) {
      const row& r = rows[i];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.type.c_str());
      for (double v : {r.shallow, r.deep, r.retained, r.allocated, r.predicted, r.objects}) {
        ImGui::TableNextColumn();
        if (v < 0) {
          ImGui::TextDisabled("\xE2\x80\x94");  // an em dash: not computed or not modelled
        } else {
          ImGui::TextUnformatted(format_count(static_cast<std::uint64_t>(v)).c_str());
        }
      }
    }
    ImGui::EndTable();
  }
  ImGui::End();
}

//-----------------------------------------------------------------------------
// [SECTION] Footprints over N
//-----------------------------------------------------------------------------

void ShowFootprintsWindow(canvas_state* state) {
  canvas_state& s = *state;
  place_window(0.08f, 0.08f, 0.8f, 0.8f);
  if (!ImGui::Begin("Footprints over N", &s.show_footprints, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  if (!s.footprints) {
    const auto& sizes = experiments.footprint_sizes;
    ImGui::TextDisabled("Measuring in Python: each structure is built for N = %s ... %s and captured.",
                        format_count(sizes.front()).c_str(), format_count(sizes.back()).c_str());
    ImGui::End();
    return;
  }
  const footprints_data& f = *s.footprints;
  ImGui::TextWrapped(
      "Holding N values in different ways, measured in %s. A generator holds no values at all; "
      "array.array keeps raw numbers instead of pointers to int objects.",
      f.platform.c_str());
  static constexpr const char* metrics[] = {"shallow (getsizeof)", "deep (everything reachable)",
                                            "tracemalloc peak while building"};
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  ImGui::Combo("measure", &s.footprint_metric, metrics, 3);
  ImGui::SameLine();
  ImGui::Checkbox("log scale", &s.footprints_log);
  std::vector<chart_series> series;
  for (const footprint_series& fs : f.structures) {
    chart_series cs{fs.name, {}, false};
    for (const footprint_point& p : fs.points) {
      const double y = s.footprint_metric == 0 ? p.shallow : s.footprint_metric == 1 ? p.deep : p.peak;
      cs.points.push_back({p.n, y});
    }
    series.push_back(std::move(cs));
  }
  const float height = std::max(ImGui::GetContentRegionAvail().y * 0.62f, ImGui::GetFontSize() * 12);
  draw_chart("structures", series, true, s.footprints_log, "N", "bytes", height);
  ImGui::Separator();
  ImGui::TextUnformatted("Peak memory while computing (tracemalloc):");
  std::vector<chart_series> peaks;
  for (const footprint_series& fs : f.peaks) {
    chart_series cs{fs.name, {}, false};
    for (const footprint_point& p : fs.points) cs.points.push_back({p.n, p.peak});
    peaks.push_back(std::move(cs));
  }
  draw_chart("peaks", peaks, true, s.footprints_log, "N", "bytes",
             std::max(ImGui::GetContentRegionAvail().y - ImGui::GetFontSize() * 2.5f, ImGui::GetFontSize() * 8));
  ImGui::End();
}

//-----------------------------------------------------------------------------
// [SECTION] List growth
//-----------------------------------------------------------------------------

void ShowGrowthWindow(canvas_state* state) {
  canvas_state& s = *state;
  place_window(0.12f, 0.12f, 0.7f, 0.7f);
  if (!ImGui::Begin("List growth", &s.show_growth, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  const std::vector<cpython_target>& targets = modelled_targets();
  if (s.growth_platform < 0 || s.growth_platform >= static_cast<int>(targets.size())) {
    const cpython_target wanted = s.result.compared ? s.result.compared->target : default_target;
    s.growth_platform = static_cast<int>(std::find(targets.begin(), targets.end(), wanted) - targets.begin());
  }
  const cpython_target t = targets[static_cast<std::size_t>(s.growth_platform)];
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 16);
  if (ImGui::BeginCombo("platform", describe_target(t).c_str())) {
    for (int i = 0; i < static_cast<int>(targets.size()); ++i) {
      if (ImGui::Selectable(describe_target(targets[i]).c_str(), i == s.growth_platform)) s.growth_platform = i;
    }
    ImGui::EndCombo();
  }
  ImGui::TextWrapped(
      "Slots a list has for n items: appending one at a time over-allocates in steps "
      "(this version's growth rule), [x] * n and list(iterable) allocate about exactly. "
      "sys.getsizeof(list) = %u + %u x slots.",
      static_cast<unsigned>(list_getsizeof(t, 0)), static_cast<unsigned>(t.pointer_size));
  std::vector<chart_series> series;
  const std::pair<list_construction, const char*> ways[] = {
      {list_construction::appends, "append() n times"},
      {list_construction::exact, "[x] * n"},
      {list_construction::from_iterable, "list(range(n))"},
  };
  for (const auto& [way, name] : ways) {
    chart_series cs{name, {}, true};
    for (std::uint64_t n = 0; n <= 64; ++n)
      cs.points.push_back({static_cast<double>(n), static_cast<double>(list_capacity(t, way, n))});
    series.push_back(std::move(cs));
  }
  draw_chart("growth", series, false, false, "n items", "slots",
             std::max(ImGui::GetContentRegionAvail().y - ImGui::GetFontSize() * 2.5f, ImGui::GetFontSize() * 10),
             false);
  ImGui::End();
}

//-----------------------------------------------------------------------------
// [SECTION] Small ints
//-----------------------------------------------------------------------------

void ShowSmallIntsWindow(canvas_state* state) {
  canvas_state& s = *state;
  place_window(0.1f, 0.1f, 0.75f, 0.75f);
  if (!ImGui::Begin("Small ints", &s.show_small_ints, ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  if (!s.small_ints) {
    ImGui::TextDisabled("Asking Python: each value from %lld to %lld is made twice ...",
                        static_cast<long long>(experiments.small_int_low),
                        static_cast<long long>(experiments.small_int_high));
    ImGui::End();
    return;
  }
  const small_ints_data& d = *s.small_ints;
  if (d.cached_range) {
    ImGui::TextWrapped(
        "Each value was made twice from its text, int(str(n)). From %lld to %lld both came back as "
        "the "
        "same object (same id): CPython keeps one of each, made at start-up. Outside that range "
        "every "
        "int is a new object, so `is` tells them apart while == does not.",
        static_cast<long long>(d.cached_range->first), static_cast<long long>(d.cached_range->second));
  }
  if (d.stride) {
    ImGui::TextWrapped(
        "The cached ints sit side by side in one array: their ids step by %.0f bytes, the size of "
        "one int object here.",
        *d.stride);
  }
  const canvas_colors& c = colors(s);
  const float cell = ImGui::GetFontSize() * 3.2f;
  const int per_row = std::max(4, static_cast<int>(ImGui::GetContentRegionAvail().x / cell));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  int i = 0;
  for (const small_int_cell& v : d.values) {
    if (i % per_row) ImGui::SameLine(0, 0);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(("##v" + std::to_string(v.value)).c_str(), ImVec2(cell, cell * 0.7f));
    const ImU32 fill = v.cached ? IM_COL32(214, 234, 214, 255) : IM_COL32(250, 226, 222, 255);
    dl->AddRectFilled(ImVec2(p.x + 1, p.y + 1), ImVec2(p.x + cell - 1, p.y + cell * 0.7f - 1), fill, 3);
    const std::string text = std::to_string(v.value);
    const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
    dl->AddText(ImVec2(p.x + (cell - ts.x) / 2, p.y + (cell * 0.7f - ts.y) / 2), c.text, text.c_str());
    if (ImGui::IsItemHovered()) {
      ImGui::BeginTooltip();
      ImGui::Text("%lld", static_cast<long long>(v.value));
      ImGui::Text("first id   0x%llx", static_cast<unsigned long long>(v.id));
      ImGui::Text("second id  0x%llx", static_cast<unsigned long long>(v.id_again));
      ImGui::TextUnformatted(v.cached ? "the same object: cached" : "two different objects");
      ImGui::EndTooltip();
    }
    ++i;
  }
  ImGui::TextDisabled("green: the same object both times (cached); red: two objects. Measured in %s.",
                      d.platform.c_str());
  ImGui::End();
}

}  // namespace bytewise::app
