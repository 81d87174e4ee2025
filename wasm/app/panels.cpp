// The tools the dock beside the diagram holds: footprint charts, list growth and the
// small-int explorer (see canvas.hpp; the X-ray is a widget of its own, xray_widget.hpp).
// Each is one Draw*Panel function drawing from canvas_state only, inside the dock's tab;
// each fits the tab's width (text wraps, charts take the width given).
//
// Index:
//   [SECTION] Helpers: charts
//   [SECTION] Footprints over N
//   [SECTION] List growth
//   [SECTION] Small ints
#include "canvas.hpp"

#include <bytewise/options.hpp>

#include <bytewise/layout_model.hpp>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

namespace bytewise::app {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] Helpers: charts
//-----------------------------------------------------------------------------

// Series are told apart three ways: colour (Okabe and Ito's palette, distinct for colour-blind
// readers too, its yellow darkened for a white background), marker shape, and a label at the
// line's end.
constexpr ImU32 series_colors[] = {IM_COL32(0, 114, 178, 255),   IM_COL32(213, 94, 0, 255), IM_COL32(0, 158, 115, 255),
                                   IM_COL32(204, 121, 167, 255), IM_COL32(0, 0, 0, 255),    IM_COL32(230, 159, 0, 255),
                                   IM_COL32(86, 180, 233, 255),  IM_COL32(150, 120, 0, 255)};
enum class marker : std::uint8_t { circle, square, triangle, diamond, cross, ring, down, plus };
inline constexpr int marker_count = 8;

ImU32 series_color(std::size_t i) { return series_colors[i % std::size(series_colors)]; }

void draw_marker(ImDrawList* dl, ImVec2 c, float r, std::size_t series, ImU32 color) {
  switch (static_cast<marker>(series % marker_count)) {
    case marker::circle: dl->AddCircleFilled(c, r, color); break;
    case marker::square: dl->AddRectFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), color); break;
    case marker::triangle:
      dl->AddTriangleFilled(ImVec2(c.x, c.y - r * 1.2f), ImVec2(c.x - r * 1.1f, c.y + r * 0.8f),
                            ImVec2(c.x + r * 1.1f, c.y + r * 0.8f), color);
      break;
    case marker::diamond:
      dl->AddQuadFilled(ImVec2(c.x, c.y - r * 1.3f), ImVec2(c.x + r * 1.3f, c.y), ImVec2(c.x, c.y + r * 1.3f),
                        ImVec2(c.x - r * 1.3f, c.y), color);
      break;
    case marker::cross:
      dl->AddLine(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), color, r * 0.6f);
      dl->AddLine(ImVec2(c.x - r, c.y + r), ImVec2(c.x + r, c.y - r), color, r * 0.6f);
      break;
    case marker::ring: dl->AddCircle(c, r, color, 0, r * 0.5f); break;
    case marker::down:
      dl->AddTriangleFilled(ImVec2(c.x, c.y + r * 1.2f), ImVec2(c.x + r * 1.1f, c.y - r * 0.8f),
                            ImVec2(c.x - r * 1.1f, c.y - r * 0.8f), color);
      break;
    case marker::plus:
      dl->AddLine(ImVec2(c.x - r * 1.2f, c.y), ImVec2(c.x + r * 1.2f, c.y), color, r * 0.6f);
      dl->AddLine(ImVec2(c.x, c.y - r * 1.2f), ImVec2(c.x, c.y + r * 1.2f), color, r * 0.6f);
      break;
  }
}

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

std::string short_count(double v) { return format_count(static_cast<std::uint64_t>(std::max(0.0, v))); }
// An axis tick in bytes, in one unit style all along the axis: 100 B, 1 kB, 10 kB, 2.5 MB
// (boxes and tables keep exact counts below 100,000; a tick only marks a scale).
std::string tick_bytes(double v) {
  static constexpr const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int unit = 0;
  v = std::max(0.0, v);
  while (v >= 999.5 && unit < 4) v /= 1000, ++unit;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g %s", v, units[unit]);
  return buf;
}

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
  const float r = std::max(3.0f, font * 0.28f);  // marker radius
  // Room at the right for the direct labels: the longest name, up to a third of the width.
  float label_w = 0;
  for (const chart_series& cs : series) label_w = std::max(label_w, ImGui::CalcTextSize(cs.name.c_str()).x);
  label_w = std::min(label_w + font, size.x / 3);
  const float left = p0.x + font * 5.5f, right = p0.x + size.x - std::max(font * 2.5f, label_w),
              top = p0.y + font * 0.5f, bottom = p0.y + size.y - font * 1.8f;
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
    const std::string text = bytes ? tick_bytes(v) : short_count(v);
    dl->AddText(ImVec2(left - ImGui::CalcTextSize(text.c_str()).x - font * 0.3f, y - font / 2), ink, text.c_str());
  }
  float labels_end = -FLT_MAX;  // x labels that would run into the previous one are left out
  for (double v : ticks(ax)) {
    const float x = static_cast<float>(ax.map(v, left, right));
    dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), grid);
    const std::string text = format_count(static_cast<std::uint64_t>(v));
    const float w = ImGui::CalcTextSize(text.c_str()).x;
    if (x - w / 2 < labels_end + font * 0.5f) continue;
    dl->AddText(ImVec2(x - w / 2, bottom + font * 0.2f), ink, text.c_str());
    labels_end = x + w / 2;
  }
  dl->AddText(ImVec2(right - ImGui::CalcTextSize(x_label).x, bottom + font), ink, x_label);
  dl->AddText(ImVec2(left + font * 0.3f, top), ink, y_label);
  struct end_label {
    float y;
    std::size_t series;
  };
  std::vector<end_label> ends;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const ImU32 color = series_color(i);
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
      if (!series[i].steps || j + 1 == pts.size()) draw_marker(dl, a, r, i, color);
      if (j + 1 == pts.size()) ends.push_back({a.y, i});
    }
  }
  // Direct labels at the lines' ends, nudged apart so none covers another.
  std::sort(ends.begin(), ends.end(), [](const end_label& a, const end_label& b) { return a.y < b.y; });
  float next = top - font;
  for (end_label& e : ends) {
    e.y = std::max(e.y - font / 2, next);
    next = e.y + font;
  }
  for (std::size_t k = ends.size(); k-- > 0;) {  // and back up from the bottom edge
    const float limit = k + 1 < ends.size() ? ends[k + 1].y - font : bottom - font / 2;
    ends[k].y = std::min(ends[k].y, limit);
  }
  const ImVec4 clip(right, p0.y, p0.x + size.x, p0.y + size.y);
  for (const end_label& e : ends) {
    dl->AddText(ImGui::GetFont(), font, ImVec2(right + font * 0.4f, e.y), series_color(e.series),
                series[e.series].name.c_str(), nullptr, 0.0f, &clip);
  }
  // Hover: the nearest x and every series' value there.
  if (hovered && !series.empty()) {
    const float mx = ImGui::GetIO().MousePos.x;
    double best_x = 0;
    float best_d = FLT_MAX;
    for (const chart_series& cs : series) {
      for (const auto& [x, y] : cs.points) {
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
      ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(series_color(i)), "%s: %s", series[i].name.c_str(),
                         format_count(static_cast<std::uint64_t>(value)).c_str());
    }
    ImGui::EndTooltip();
  }
  // Legend with each series' marker, wrapping to the next line when the tab is narrow.
  const float right_edge = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const float w = 3 * r + ImGui::CalcTextSize(series[i].name.c_str()).x;
    if (i) {
      ImGui::SameLine(0, font);
      if (ImGui::GetCursorScreenPos().x + w > right_edge) ImGui::NewLine();
    }
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(3 * r, font));
    draw_marker(dl, ImVec2(at.x + r * 1.2f, at.y + font / 2), r, i, series_color(i));
    ImGui::SameLine(0, 0);
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(series_color(i)), "%s", series[i].name.c_str());
  }
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] Footprints over N
//-----------------------------------------------------------------------------

void DrawFootprintsPanel(canvas_state* state) {
  canvas_state& s = *state;
  if (!s.footprints) {
    const auto& sizes = experiments.footprint_sizes;
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Measuring in Python: each structure is built for N = %s ... %s and captured.",
                       format_count(sizes.front()).c_str(), format_count(sizes.back()).c_str());
    ImGui::PopStyleColor();
    return;
  }
  const footprints_data& f = *s.footprints;
  ImGui::TextWrapped(
      "Holding N values in different ways, measured in %s. A generator holds no values at all; "
      "array.array keeps raw numbers instead of pointers to int objects.",
      f.platform.c_str());
  static constexpr const char* metrics[] = {"shallow (getsizeof)", "deep (everything reachable)",
                                            "tracemalloc peak while building"};
  ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 16, ImGui::GetContentRegionAvail().x * 0.6f));
  ImGui::Combo("measure", &s.footprint_metric, metrics, 3);
  SameLineIfFits(ImGui::GetFrameHeight() + ImGui::CalcTextSize("log scale").x + ImGui::GetStyle().ItemInnerSpacing.x);
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
}

//-----------------------------------------------------------------------------
// [SECTION] List growth
//-----------------------------------------------------------------------------

void DrawGrowthPanel(canvas_state* state) {
  canvas_state& s = *state;
  const std::vector<cpython_target>& targets = modelled_targets();
  if (s.growth_platform < 0 || s.growth_platform >= static_cast<int>(targets.size())) {
    const cpython_target wanted = s.result.compared ? s.result.compared->target : default_target;
    s.growth_platform = static_cast<int>(std::find(targets.begin(), targets.end(), wanted) - targets.begin());
  }
  const cpython_target t = targets[static_cast<std::size_t>(s.growth_platform)];
  ImGui::SetNextItemWidth(std::min(ImGui::GetFontSize() * 16, ImGui::GetContentRegionAvail().x * 0.6f));
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
}

//-----------------------------------------------------------------------------
// [SECTION] Small ints
//-----------------------------------------------------------------------------

void DrawSmallIntsPanel(canvas_state* state) {
  canvas_state& s = *state;
  if (!s.small_ints) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("Asking Python: each value from %lld to %lld is made twice ...",
                       static_cast<long long>(experiments.small_int_low),
                       static_cast<long long>(experiments.small_int_high));
    ImGui::PopStyleColor();
    return;
  }
  const small_ints_data& d = *s.small_ints;
  if (d.cached_range) {
    ImGui::TextWrapped(
        "Each value was made twice from its text, int(str(n)). From %lld to %lld both came back as "
        "the same object (same id): CPython keeps one of each, made at start-up. Outside that range "
        "every int is a new object, so \"a is b\" tells the two apart while \"a == b\" does not.",
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
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("green: the same object both times (cached); red: two objects. Measured in %s.",
                     d.platform.c_str());
  ImGui::PopStyleColor();
  // Versions whose cache differs from the one measured here: their range is the layout
  // model's (the platform table), and for a version no interpreter of which was measured,
  // only its sources say so.
  for (const cpython_target& t : modelled_targets()) {
    const small_int_range r = small_ints(t);
    if (d.cached_range && r.low == d.cached_range->first && r.high == d.cached_range->second) continue;
    ImGui::TextWrapped("%s caches %d to %d: from the layout model, %s.", describe_target(t).c_str(), r.low, r.high,
                       measured_platform(t) ? "tested against that interpreter"
                                            : "read from its sources (assumed: no interpreter of it was measured)");
  }
}

}  // namespace bytewise::app
