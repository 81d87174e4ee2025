// The canvas: draws the core's layout and handles pan, zoom, hover, selection, expanding
// containers and keyboard navigation; lays out the toolbar, the strip under the diagram
// (legend, overview) and the dock of tools, so that nothing covers the diagram (see
// canvas.hpp).
//
// Index:
//   [SECTION] Colours, fonts and number text
//   [SECTION] State changes
//   [SECTION] Drawing: arrows and boxes
//   [SECTION] Tooltips
//   [SECTION] Input: mouse and keyboard
//   [SECTION] The strip under the diagram: legend and overview
//   [SECTION] The dock
//   [SECTION] The window
#include "canvas.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

namespace bytewise::app {

//-----------------------------------------------------------------------------
// [SECTION] Colours, fonts and number text
//-----------------------------------------------------------------------------

namespace {

namespace dm = diagram_metrics;

// background, object, variable, aggregate, interpreter, border, text, muted, arrow, label,
// accent, compared, shared, cycle, hover, selected, frame
constexpr canvas_colors normal_colors{
    IM_COL32(247, 248, 251, 255), IM_COL32(255, 255, 255, 255), IM_COL32(226, 236, 255, 255),
    IM_COL32(240, 241, 246, 255), IM_COL32(236, 238, 243, 255), IM_COL32(98, 106, 128, 255),
    IM_COL32(20, 22, 30, 255),    IM_COL32(84, 90, 110, 255),   IM_COL32(72, 80, 104, 230),
    IM_COL32(120, 60, 20, 255),   IM_COL32(36, 87, 197, 255),   IM_COL32(36, 87, 197, 255),
    IM_COL32(214, 110, 0, 255),   IM_COL32(176, 38, 120, 255),  IM_COL32(230, 120, 20, 255),
    IM_COL32(36, 87, 197, 255),   IM_COL32(232, 235, 243, 255)};
constexpr canvas_colors contrast_colors{
    IM_COL32(255, 255, 255, 255), IM_COL32(255, 255, 255, 255), IM_COL32(210, 226, 255, 255),
    IM_COL32(235, 235, 235, 255), IM_COL32(228, 228, 228, 255), IM_COL32(0, 0, 0, 255),
    IM_COL32(0, 0, 0, 255),       IM_COL32(30, 30, 30, 255),    IM_COL32(0, 0, 0, 255),
    IM_COL32(110, 40, 0, 255),    IM_COL32(0, 50, 170, 255),    IM_COL32(0, 50, 170, 255),
    IM_COL32(190, 80, 0, 255),    IM_COL32(150, 0, 100, 255),   IM_COL32(200, 90, 0, 255),
    IM_COL32(0, 50, 170, 255),    IM_COL32(238, 238, 238, 255)};

// The atlas has each face at three sizes; text is drawn with the smallest one at least as
// big as wanted, so it stays crisp when zoomed in.
ImFont* font_for(const canvas_state& s, bool bold, float pixels) {
  ImFont* best = nullptr;
  for (ImFont* f : s.fonts[bold ? 1 : 0]) {
    if (!f) continue;
    best = f;
    if (f->FontSize >= pixels) break;
  }
  return best ? best : ImGui::GetFont();
}

std::string approximately(prediction_status status) {
  return status == prediction_status::assumed ? "\xE2\x89\x88" : "";  // U+2248
}

}  // namespace

const canvas_colors& colors(const canvas_state& state) { return state.presenter ? contrast_colors : normal_colors; }

ImVec4 canvas_background(const canvas_state& state) { return ImGui::ColorConvertU32ToFloat4(colors(state).background); }

// The byte count a box shows for `m`, without words ("≥ 1,234 B"); empty when there is none.
std::string number_value(const canvas_state& s, const diagram_box& box, measure m) {
  const box_numbers& n = box.numbers;
  const std::string at_least = n.deep_exact ? "" : "\xE2\x89\xA5 ";  // >=
  // A variable's allocated and predicted numbers are deep ones: cut where its deep size is.
  const std::string deep_bound = box.kind == box_kind::variable ? at_least : "";
  switch (m) {
    case measure::shallow:
      if (box.kind != box_kind::variable) return format_bytes(n.shallow);
      [[fallthrough]];  // a variable's box shows its deep size
    case measure::deep: return at_least + format_bytes(n.deep);
    case measure::retained: return n.retained ? format_bytes(*n.retained) : std::string();
    case measure::allocated:
      return n.allocated ? deep_bound + approximately(n.allocated_status) + format_bytes(*n.allocated) : std::string();
    case measure::predicted:
      return s.result.compared && n.predicted
                 ? deep_bound + approximately(n.predicted_status) + format_bytes(*n.predicted)
                 : std::string();
  }
  return {};
}

// The box's number line: the value and what it is ("460 B shallow", "88 B on 64-bit 3.12").
std::string number_text(const canvas_state& s, const diagram_box& box, measure m) {
  const bool variable = box.kind == box_kind::variable;
  const std::string value = number_value(s, box, m);
  switch (m) {
    case measure::shallow:
      return value + (variable ? " deep" : box.kind == box_kind::aggregate ? " in all" : " shallow");
    case measure::deep: return value + " deep";
    case measure::retained:
      return value.empty() ? "retained: not computed" : value + (variable ? " freed by del" : " retained");
    case measure::allocated: return value.empty() ? "allocated: not modelled" : value + " allocated";
    case measure::predicted: {
      if (!s.result.compared) return {};
      const std::string where = " on " + short_target_name(s.result.compared->target);
      return (value.empty() ? "not modelled" : value) + where;
    }
  }
  return {};
}

//-----------------------------------------------------------------------------
// [SECTION] State changes
//-----------------------------------------------------------------------------

namespace {

// Lays the current snapshot out again after an option changed (expanded rows, inline
// values); the selection follows its object. Only between frames: box indices change.
void relayout(canvas_state& s) {
  if (!s.snap) return;
  const std::uint32_t selected_node = s.selected < s.layout.boxes.size() ? s.layout.boxes[s.selected].node : no_node;
  s.layout = layout_diagram(*s.snap, s.result, s.layout_options);
  s.hovered = no_box;
  s.selected = no_box;
  for (std::uint32_t b = 0; b < s.layout.boxes.size(); ++b) {
    if (s.layout.boxes[b].kind == box_kind::object && s.layout.boxes[b].node == selected_node) s.selected = b;
  }
  s.changed = true;
}

// The Fit button's view at the next frame (`all`: the whole diagram, as `0` asks), even
// when a run's opening view is still pending.
void request_fit(canvas_state& s, bool all) {
  s.fit_pending = true;
  s.fit_readable = false;
  s.fit_all = all;
}

// The tooltip waits until the pointer leaves where it is now (a tool just opened).
void hold_tooltip(canvas_state& s) {
  const ImVec2 m = ImGui::GetIO().MousePos;
  s.tooltip_hold = m.x >= 0 ? m : ImVec2(0, 0);
}

// Passes a new request for memory from the X-ray on to the page.
void ask_for_xray_memory(canvas_state& s) {
  if (s.xray.TakeRequest()) s.requests.push_back(canvas_request::xray_memory);
}

// Selects a box and opens its X-ray (variables show the object they name).
void select_box(canvas_state& s, std::uint32_t box) {
  if (box >= s.layout.boxes.size() || s.layout.boxes[box].kind == box_kind::aggregate) box = no_box;
  s.selected = box;
  s.changed = true;
  if (box == no_box) return;
  const diagram_box& b = s.layout.boxes[box];
  if (b.node == no_node || !s.snap) return;
  const std::string title =
      b.kind == box_kind::variable
          ? b.title + " \xE2\x86\x92 " + s.layout.boxes[b.rows[0].box != no_box ? b.rows[0].box : box].title
          : b.title;
  s.xray.Open(xray_subject_of(*s.snap, b.node), title, b.node);
  s.select_tool = static_cast<int>(tool::xray);
  hold_tooltip(s);
  ask_for_xray_memory(s);
}

std::uint32_t find_box(const canvas_state& s, const box_key& key) {
  for (std::uint32_t b = 0; b < s.layout.boxes.size(); ++b) {
    const diagram_box& box = s.layout.boxes[b];
    if (box.kind != key.kind) continue;
    if (key.kind == box_kind::variable ? box.root == key.root : box.node == key.node) return b;
  }
  return no_box;
}

void toggle_expanded(canvas_state& s, std::uint32_t node) {
  auto& list = s.layout_options.expanded;
  auto it = std::find(list.begin(), list.end(), node);
  if (it == list.end()) {
    list.push_back(node);
  } else {
    list.erase(it);
  }
  relayout(s);
}

// Pans so that box `b` is in a view of `size` device pixels.
void reveal(canvas_state& s, std::uint32_t b, ImVec2 size) {
  if (b >= s.layout.boxes.size()) return;
  const diagram_box& box = s.layout.boxes[b];
  const float k = s.zoom * s.ui_scale;
  const float margin = 24 * s.ui_scale;
  const float x0 = s.pan.x + box.x * k, x1 = s.pan.x + (box.x + box.w) * k;
  const float y0 = s.pan.y + box.y * k, y1 = s.pan.y + (box.y + box.h) * k;
  if (x0 < margin)
    s.pan.x += margin - x0;
  else if (x1 > size.x - margin)
    s.pan.x -= x1 - (size.x - margin);
  if (y0 < margin)
    s.pan.y += margin - y0;
  else if (y1 > size.y - margin)
    s.pan.y -= y1 - (size.y - margin);
}

void apply(canvas_state& s, const canvas_event& e) {
  switch (e.kind) {
    case canvas_event_kind::select: {
      const std::uint32_t b = find_box(s, e.box);
      select_box(s, b);
      if (b != no_box && e.flag) reveal(s, b, e.at);
      break;
    }
    case canvas_event_kind::clear_selection:
      s.selected = no_box;
      if (e.flag) s.xray.open = false;
      break;
    case canvas_event_kind::toggle_expanded: toggle_expanded(s, e.node); break;
    case canvas_event_kind::set_inline_shared:
      s.layout_options.inline_shared = e.flag;
      relayout(s);
      break;
    case canvas_event_kind::set_measure: s.shown = e.shown; break;
    case canvas_event_kind::fit: request_fit(s, e.flag); break;
    case canvas_event_kind::zoom: zoom_at(s, e.factor, e.at); break;
    case canvas_event_kind::set_view:
      s.zoom = std::clamp(e.factor, min_zoom, max_zoom);
      s.pan = e.at;
      break;
    case canvas_event_kind::export_png:
      // Without a diagram there is nothing to draw: the click is over, not kept for later.
      if (s.snap && !s.layout.boxes.empty()) s.png_pending = true;
      break;
  }
}

}  // namespace

void set_snapshot(canvas_state& s, snapshot snap, analysis result, bool keep_view) {
  s.snap = std::move(snap);
  s.result = std::move(result);
  s.layout_options.expanded.clear();
  s.selected = no_box;
  relayout(s);
  if (!keep_view) s.fit_pending = s.fit_readable = true;
  if (s.shown == measure::predicted && !s.result.compared) s.shown = measure::shallow;
  s.xray.Close();
}

void set_presenter(canvas_state& s, bool on) {
  s.presenter = on;
  s.fit_pending = s.fit_readable = true;  // the opening view at the new size
  s.changed = true;
}

void open_tool(canvas_state& s, tool t) {
  const int i = static_cast<int>(t);
  if (t != tool::xray) s.show_tool[i] = true;
  if (t == tool::footprints && !s.footprints) s.requests.push_back(canvas_request::footprints);
  if (t == tool::small_ints && !s.small_ints) s.requests.push_back(canvas_request::small_ints);
  s.select_tool = i;
  hold_tooltip(s);
  s.changed = true;
}

void SameLineIfFits(float width) {
  ImGui::SameLine();
  const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
  if (ImGui::GetCursorScreenPos().x + width > right) ImGui::NewLine();
}

void queue(canvas_state& s, canvas_event event) { s.events.push_back(event); }

box_key key_of(const canvas_state& s, std::uint32_t box) {
  if (box >= s.layout.boxes.size()) return {box_kind::aggregate, no_node, 0};  // selects nothing
  const diagram_box& b = s.layout.boxes[box];
  return {b.kind, b.node, b.root};
}

void apply_events(canvas_state& s) {
  if (s.events.empty()) return;
  std::vector<canvas_event> events;
  events.swap(s.events);
  for (const canvas_event& e : events) apply(s, e);
  s.changed = true;
}

void zoom_at(canvas_state& s, float factor, ImVec2 around) {
  const float old = s.zoom;
  s.zoom = std::clamp(s.zoom * factor, min_zoom, max_zoom);
  s.pan.x -= (around.x - s.pan.x) * (s.zoom / old - 1);
  s.pan.y -= (around.y - s.pan.y) * (s.zoom / old - 1);
  s.changed = true;
}

void supply_xray_memory(canvas_state& s, std::uint32_t request, std::vector<memory_region> regions) {
  s.xray.Supply(request, std::move(regions));
  ask_for_xray_memory(s);
  s.changed = true;
}

void fail_xray_memory(canvas_state& s, std::uint32_t request, std::string message) {
  s.xray.Fail(request, std::move(message));
  s.changed = true;
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing: arrows and boxes
//-----------------------------------------------------------------------------

namespace {

struct view {
  ImVec2 origin;
  ImVec2 pan;
  float k;  // device pixels per model unit
  ImVec2 at(float x, float y) const { return ImVec2(origin.x + pan.x + x * k, origin.y + pan.y + y * k); }
  ImVec2 at(diagram_point p) const { return at(p.x, p.y); }
};

// The diagram's bounds in model units, the variables' frame and its label included.
struct bounds {
  float x0, y0, x1, y1;
};
constexpr float frame_margin = 6;
bounds content_bounds(const canvas_state& s) {
  return {-frame_margin, -frame_margin - dm::line_height, std::max(s.layout.width, 1.0f) + frame_margin,
          std::max(s.layout.height, 1.0f) + frame_margin};
}

// The zoom at which box text is `css_px` CSS pixels tall.
float zoom_for_text(float css_px) { return css_px / dm::font_size; }

// Fits the diagram in a view of `size` device pixels, with box text at least `least_px`
// CSS pixels (0: no floor, as for a PNG), or down to `lower_px` where that brings every
// variable into view. What fits is centred; what does not starts at the top left, where
// the first variables and the objects they reach are.
void fit(canvas_state& s, ImVec2 size, float least_px, float lower_px = 0) {
  const float margin = 16.0f * s.ui_scale;
  const bounds b = content_bounds(s);
  const float w = (b.x1 - b.x0) * s.ui_scale, h = (b.y1 - b.y0) * s.ui_scale;
  const float most = s.presenter ? 2.0f : 1.4f;
  float least = least_px > 0 ? std::min(zoom_for_text(least_px), most) : min_zoom;
  if (lower_px > 0 && lower_px < least_px) {
    float variables_bottom = b.y0;
    for (const diagram_box& box : s.layout.boxes) {
      if (box.kind == box_kind::variable) variables_bottom = std::max(variables_bottom, box.y + box.h + frame_margin);
    }
    const float all_variables = (size.y - 2 * margin) / ((variables_bottom - b.y0) * s.ui_scale);
    least = std::clamp(all_variables, zoom_for_text(lower_px), least);
  }
  s.zoom = std::clamp(std::min((size.x - 2 * margin) / w, (size.y - 2 * margin) / h), least, most);
  const float dw = w * s.zoom, dh = h * s.zoom;
  s.pan.x = (dw + 2 * margin <= size.x ? (size.x - dw) / 2 : margin) - b.x0 * s.zoom * s.ui_scale;
  s.pan.y = (dh + 2 * margin <= size.y ? (size.y - dh) / 2 : margin) - b.y0 * s.zoom * s.ui_scale;
}

// A polyline with rounded corners (two points: an S-curve), ending in an arrow head.
void draw_arrow(ImDrawList* dl, const std::vector<ImVec2>& p, ImU32 color, float thickness, float head) {
  if (p.size() < 2) return;
  dl->PathLineTo(p[0]);
  if (p.size() == 2) {
    const float dx = std::max(std::abs(p[1].x - p[0].x) * 0.5f, 3 * head);
    dl->PathBezierCubicCurveTo(ImVec2(p[0].x + dx, p[0].y), ImVec2(p[1].x - dx, p[1].y), p[1]);
  } else {
    for (std::size_t i = 1; i + 1 < p.size(); ++i) {
      // Round each corner with a quadratic curve between points on its two segments.
      const ImVec2 a = p[i - 1], c = p[i], b = p[i + 1];
      const float la = std::hypot(c.x - a.x, c.y - a.y), lb = std::hypot(b.x - c.x, b.y - c.y);
      const float r = std::min({2.5f * head, la / 2, lb / 2});
      const ImVec2 in(c.x + (a.x - c.x) * (la > 0 ? r / la : 0), c.y + (a.y - c.y) * (la > 0 ? r / la : 0));
      const ImVec2 out(c.x + (b.x - c.x) * (lb > 0 ? r / lb : 0), c.y + (b.y - c.y) * (lb > 0 ? r / lb : 0));
      dl->PathLineTo(in);
      dl->PathBezierQuadraticCurveTo(c, out);
    }
    dl->PathLineTo(p.back());
  }
  dl->PathStroke(color, 0, thickness);
  // The head points along the last segment (or straight right for the S-curve).
  ImVec2 from = p.size() == 2 ? ImVec2(p[1].x - 1, p[1].y) : p[p.size() - 2];
  float dx = p.back().x - from.x, dy = p.back().y - from.y;
  const float len = std::hypot(dx, dy);
  if (len <= 0) return;
  dx /= len;
  dy /= len;
  const ImVec2 tip = p.back();
  const ImVec2 base(tip.x - dx * head, tip.y - dy * head);
  dl->AddTriangleFilled(tip, ImVec2(base.x - dy * head * 0.5f, base.y + dx * head * 0.5f),
                        ImVec2(base.x + dy * head * 0.5f, base.y - dx * head * 0.5f), color);
}

bool touches(const canvas_state& s, const diagram_arrow& a) {
  return (s.hovered != no_box && (a.from == s.hovered || a.to == s.hovered)) ||
         (s.selected != no_box && (a.from == s.selected || a.to == s.selected));
}

void draw_arrows(canvas_state& s, ImDrawList* dl, const view& v, bool highlighted_only) {
  const canvas_colors& c = colors(s);
  std::vector<ImVec2> points;
  for (const diagram_arrow& a : s.layout.arrows) {
    const bool lit = touches(s, a);
    if (lit != highlighted_only) continue;
    points.clear();
    for (const diagram_point& p : a.path) points.push_back(v.at(p));
    const float thin = (s.presenter ? 2.0f : 1.4f) * v.k;
    draw_arrow(dl, points, lit ? c.accent : c.arrow, lit ? thin * 1.8f : thin, 7.0f * v.k);
    ++s.arrows_drawn;
  }
}

// The arrows' tails, on top of the boxes: a dot in each address cell.
void draw_tails(const canvas_state& s, ImDrawList* dl, const view& v) {
  const canvas_colors& c = colors(s);
  for (const diagram_arrow& a : s.layout.arrows) {
    dl->AddCircleFilled(v.at(a.path.front()), 2.8f * v.k, touches(s, a) ? c.accent : c.arrow);
  }
}

// Text cut off at `clip_right` (a row's label stops where its address cell starts).
void text_at(ImDrawList* dl, ImFont* font, float size, ImVec2 pos, ImU32 color, const std::string& text,
             float clip_right) {
  const ImVec4 clip(pos.x, pos.y, clip_right, pos.y + size * 2);
  dl->AddText(font, size, pos, color, text.c_str(), nullptr, 0.0f, &clip);
}

void draw_box(canvas_state& s, ImDrawList* dl, const view& v, std::uint32_t index, ImVec2 canvas_min) {
  const canvas_colors& c = colors(s);
  const diagram_box& box = s.layout.boxes[index];
  const ImVec2 p0 = v.at(box.x, box.y), p1 = v.at(box.x + box.w, box.y + box.h);
  const bool variable = box.kind == box_kind::variable;
  ImU32 fill = variable                              ? c.variable
               : box.kind == box_kind::aggregate     ? c.aggregate
               : (box.flags & box_flag::interpreter) ? c.interpreter
                                                     : c.object;
  ImU32 border = c.border;
  float line = (s.presenter ? 1.6f : 1.0f) * v.k;
  if (box.flags & box_flag::cycle)
    border = c.cycle, line *= 2;
  else if ((box.flags & box_flag::shared) && !variable)
    border = c.shared, line *= 2;
  if (index == s.selected)
    border = c.selected, line = 3 * v.k;
  else if (index == s.hovered)
    border = c.hover, line = std::max(line, 2 * v.k);
  const float round = 4 * v.k;
  dl->AddRectFilled(p0, p1, fill, round);
  if (box.kind == box_kind::aggregate) {
    // A stack: two offset outlines behind.
    dl->AddRect(ImVec2(p0.x + 4 * v.k, p0.y - 4 * v.k), ImVec2(p1.x + 4 * v.k, p1.y - 4 * v.k), c.border, round, 0,
                v.k);
  }
  dl->AddRect(p0, p1, border, round, 0, line);

  const float text_px = dm::font_size * v.k;
  drawn_box shown;
  shown.index = index;
  shown.kind = box.kind;
  shown.node = box.node;
  shown.x = (p0.x - canvas_min.x) / s.ui_scale;
  shown.y = (p0.y - canvas_min.y) / s.ui_scale;
  shown.w = (p1.x - p0.x) / s.ui_scale;
  shown.h = (p1.y - p0.y) / s.ui_scale;
  shown.title = box.title;
  shown.subtitle = box.subtitle;
  shown.number = number_text(s, box, s.shown);
  if (s.result.compared && s.shown != measure::predicted) shown.compared = number_text(s, box, measure::predicted);
  shown.flags = box.flags;
  shown.rows = static_cast<std::uint32_t>(box.rows.size());
  if (text_px < 5.0f) {
    // Too small for the rows: one line, the variable's name or the type and the number,
    // in the smallest legible size, when the box is tall enough to hold it.
    const float px = std::min(9.0f * s.ui_scale, (p1.y - p0.y) * 0.6f);
    if (px >= 6.0f * s.ui_scale) {
      shown.text_px = px / s.ui_scale;
      // "24 B Item": the number first, since titles run long ("str 'xxxx...'").
      const std::string bytes = number_value(s, box, s.shown);
      const std::string summary = variable || bytes.empty() ? box.title : bytes + " " + box.title;
      dl->PushClipRect(p0, p1, true);
      dl->AddText(font_for(s, variable, px), px, ImVec2(p0.x + 2 * s.ui_scale, (p0.y + p1.y - px) / 2), c.text,
                  summary.c_str());
      dl->PopClipRect();
    }
    s.drawn.push_back(std::move(shown));
    return;
  }
  ImFont* regular = font_for(s, false, text_px);
  ImFont* bold = font_for(s, true, text_px);
  // Every text drawn in the box goes through here, which keeps the smallest size drawn.
  auto put = [&](ImFont* font, float px, ImVec2 pos, ImU32 color, const std::string& text, float clip_right) {
    if (text.empty()) return;
    text_at(dl, font, px, pos, color, text, clip_right);
    const float css = px / s.ui_scale;
    shown.text_px = shown.text_px > 0 ? std::min(shown.text_px, css) : css;
  };
  dl->PushClipRect(p0, p1, true);
  const float pad = dm::padding * v.k;
  const float lh = dm::line_height * v.k;
  const float baseline = (lh - text_px) / 2;
  float y = p0.y + pad / 2;
  // Title line: type (bold) and subtitle; a variable's slot sits at its right end.
  put(bold, text_px, ImVec2(p0.x + pad, y + baseline), c.text, box.title, p1.x);
  if (!box.subtitle.empty()) {
    const float tw = bold->CalcTextSizeA(text_px, FLT_MAX, 0, box.title.c_str()).x;
    put(regular, text_px, ImVec2(p0.x + pad + tw + dm::char_width * v.k, y + baseline), c.muted, box.subtitle, p1.x);
  }
  y += lh;
  put(regular, text_px, ImVec2(p0.x + pad, y + baseline), c.text, shown.number, p1.x);
  y += lh;
  if (!shown.compared.empty()) {
    put(regular, text_px, ImVec2(p0.x + pad, y + baseline), c.compared, shown.compared, p1.x);
  }
  // Rows: label on the left, the slot on the right (an address cell or a value).
  if (!variable && !box.rows.empty()) {
    const float top = p0.y + box.rows_y * v.k;
    dl->AddLine(ImVec2(p0.x, top - 2 * v.k), ImVec2(p1.x, top - 2 * v.k), c.border, v.k);
  }
  for (std::size_t r = 0; r < box.rows.size(); ++r) {
    const diagram_row& row = box.rows[r];
    const float ry = p0.y + (box.rows_y + (variable ? 0 : r * dm::line_height)) * v.k;
    const float slot_x = p1.x - pad - dm::pointer_width * v.k;
    if (!variable) {
      put(regular, text_px, ImVec2(p0.x + pad, ry + baseline), row.hidden ? c.accent : c.label, row.label, slot_x);
    }
    if (row.box != no_box) {
      // An address cell: a small square holding the arrow's tail.
      const ImVec2 a(slot_x, ry + 3 * v.k), b(p1.x - pad, ry + lh - 3 * v.k);
      dl->AddRect(a, b, c.border, 2 * v.k, 0, v.k);
    } else if (!row.value.empty()) {
      const ImVec2 size = regular->CalcTextSizeA(text_px, FLT_MAX, 0, row.value.c_str());
      put(regular, text_px, ImVec2(p1.x - pad - size.x, ry + baseline), c.text, row.value, p1.x);
    }
  }
  dl->PopClipRect();
  s.drawn.push_back(std::move(shown));
}

//-----------------------------------------------------------------------------
// [SECTION] Tooltips
//-----------------------------------------------------------------------------

void numbers_tooltip(const canvas_state& s, const diagram_box& box) {
  const object_graph& g = s.snap->graph;
  const box_numbers& n = box.numbers;
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(box.kind == box_kind::variable ? ("variable " + box.title).c_str() : box.title.c_str());
  ImGui::Separator();
  if (box.kind == box_kind::object) {
    ImGui::Text("id         0x%llx", static_cast<unsigned long long>(g.address[box.node]));
    if (!g.refcount.empty()) {
      if (g.refcount[box.node] == refcount_unknown) {
        ImGui::TextUnformatted("refcount   immortal (never freed)");
      } else {
        ImGui::Text("refcount   %u", g.refcount[box.node]);
      }
    }
    ImGui::Text("shallow    %s  (sys.getsizeof)", format_count(n.shallow).c_str());
  } else if (box.kind == box_kind::aggregate) {
    ImGui::Text("%s objects, %s bytes together", format_count(n.objects).c_str(), format_count(n.shallow).c_str());
  }
  ImGui::Text("deep       %s%s bytes, %s objects", n.deep_exact ? "" : "at least ", format_count(n.deep).c_str(),
              format_count(n.objects).c_str());
  if (n.retained)
    ImGui::Text("retained   %s bytes%s", format_count(*n.retained).c_str(),
                box.kind == box_kind::variable ? " (what del frees)" : "");
  if (n.allocated) {
    ImGui::Text("allocated  %s%s bytes (%s)", approximately(n.allocated_status).c_str(),
                format_count(*n.allocated).c_str(),
                s.result.allocated ? std::string(allocator_of(s.result.allocated->target).name).c_str() : "");
  } else if (s.result.allocated) {
    ImGui::TextUnformatted("allocated  not modelled for this object");
  }
  if (s.result.compared) {
    const std::string where = describe_target(s.result.compared->target);
    if (n.predicted) {
      ImGui::Text("%s: %s%s bytes%s", where.c_str(), approximately(n.predicted_status).c_str(),
                  format_count(*n.predicted).c_str(), box.kind == box_kind::variable ? " deep" : "");
    } else {
      ImGui::Text("%s: not modelled", where.c_str());
    }
    if (box.kind == box_kind::object) {
      const prediction& p = s.result.compared->per_node[box.node];
      if (!p.rule.empty()) ImGui::TextDisabled("  %.*s", static_cast<int>(p.rule.size()), p.rule.data());
    }
  }
  if (box.kind == box_kind::object) {
    if (box.node < s.result.sizes.referrers.size() && s.result.sizes.referrers[box.node] > 1) {
      ImGui::Text("shared     %s referrers point here", format_count(s.result.sizes.referrers[box.node]).c_str());
    }
    if (box.flags & box_flag::cycle) ImGui::TextUnformatted("cycle      part of a reference cycle");
    if (box.flags & box_flag::interpreter)
      ImGui::TextUnformatted("interpreter  shared with the interpreter (cached or immortal)");
    if (box.flags & box_flag::truncated) ImGui::TextUnformatted("capture    not all its references were recorded");
  }
  ImGui::TextDisabled(box.kind == box_kind::aggregate ? "Click the \xE2\x80\xA6 row to show them one by one."
                                                      : "Click to X-ray its bytes.");
  ImGui::EndTooltip();
}

void slot_tooltip(const canvas_state& s, const diagram_row& row) {
  ImGui::BeginTooltip();
  if (row.hidden) {
    ImGui::Text("%s more references: click to show them", format_count(row.hidden).c_str());
  } else if (row.target != no_node) {
    ImGui::Text("This slot holds an address: 0x%llx",
                static_cast<unsigned long long>(s.snap->graph.address[row.target]));
    ImGui::TextDisabled("(the id() of the object it refers to; %u bytes on this platform)",
                        s.snap->platform.pointer_size);
  }
  ImGui::EndTooltip();
}

//-----------------------------------------------------------------------------
// [SECTION] Input: mouse and keyboard
//-----------------------------------------------------------------------------

// The box and row under a screen point, if any.
struct hit {
  std::uint32_t box = no_box;
  std::uint32_t row = no_row;
  bool slot = false;  // on the row's right end, where the address sits
};

hit hit_test(const canvas_state& s, const view& v, ImVec2 p) {
  hit out;
  for (std::uint32_t b = static_cast<std::uint32_t>(s.layout.boxes.size()); b-- > 0;) {
    const diagram_box& box = s.layout.boxes[b];
    const ImVec2 p0 = v.at(box.x, box.y), p1 = v.at(box.x + box.w, box.y + box.h);
    if (p.x < p0.x || p.x > p1.x || p.y < p0.y || p.y > p1.y) continue;
    out.box = b;
    if (box.kind != box_kind::variable && !box.rows.empty()) {
      const float rel = (p.y - p0.y) / v.k - box.rows_y;
      if (rel >= 0) {
        const auto r = static_cast<std::uint32_t>(rel / dm::line_height);
        if (r < box.rows.size()) {
          out.row = r;
          out.slot = p.x > p1.x - (dm::padding + dm::pointer_width) * v.k;
        }
      }
    } else if (box.kind == box_kind::variable) {
      out.row = 0;
      out.slot = p.x > p1.x - (dm::padding + dm::pointer_width) * v.k;
    }
    return out;
  }
  return out;
}

// The box nearest to `from` in a direction (dx, dy), for arrow-key navigation.
std::uint32_t neighbour(const canvas_state& s, std::uint32_t from, float dx, float dy) {
  const diagram_box& f = s.layout.boxes[from];
  const float fx = f.x + f.w / 2, fy = f.y + f.h / 2;
  std::uint32_t best = from;
  float best_score = FLT_MAX;
  for (std::uint32_t b = 0; b < s.layout.boxes.size(); ++b) {
    if (b == from || s.layout.boxes[b].kind == box_kind::aggregate) continue;
    const diagram_box& t = s.layout.boxes[b];
    const float x = t.x + t.w / 2 - fx, y = t.y + t.h / 2 - fy;
    const float along = x * dx + y * dy;
    if (along <= 1) continue;
    const float across = std::abs(x * dy - y * dx);
    const float score = along + 2 * across;
    if (score < best_score) best_score = score, best = b;
  }
  return best;
}

canvas_event event(canvas_event_kind kind) {
  canvas_event e;
  e.kind = kind;
  return e;
}

canvas_event zoom_event(float factor, ImVec2 around) {
  canvas_event e = event(canvas_event_kind::zoom);
  e.factor = factor;
  e.at = around;
  return e;
}

canvas_event toggle_event(std::uint32_t node) {
  canvas_event e = event(canvas_event_kind::toggle_expanded);
  e.node = node;
  return e;
}

// Keys become events: Tab and the arrows select (and reveal) a box, Esc clears the
// selection and closes the X-ray, Enter expands or folds the selected box, + - zoom, f
// fits (text kept readable), 0 shows the whole diagram.
void keyboard(canvas_state& s, ImVec2 size) {
  const std::uint32_t count = static_cast<std::uint32_t>(s.layout.boxes.size());
  if (count == 0) return;
  std::vector<int> keys;
  keys.swap(s.pressed_keys);
  auto pressed = [&](ImGuiKey key) {
    return std::find(keys.begin(), keys.end(), ImGui::GetKeyIndex(key)) != keys.end();
  };
  std::uint32_t target = s.selected;
  const std::uint32_t start = s.selected == no_box ? 0 : s.selected;
  if (pressed(ImGuiKey_Tab)) {
    const bool back = ImGui::GetIO().KeyShift;
    target = s.selected == no_box ? 0 : (s.selected + (back ? count - 1 : 1)) % count;
    while (s.layout.boxes[target].kind == box_kind::aggregate) target = (target + (back ? count - 1 : 1)) % count;
  } else if (pressed(ImGuiKey_RightArrow)) {
    target = s.selected == no_box ? 0 : neighbour(s, start, 1, 0);
  } else if (pressed(ImGuiKey_LeftArrow)) {
    target = s.selected == no_box ? 0 : neighbour(s, start, -1, 0);
  } else if (pressed(ImGuiKey_DownArrow)) {
    target = s.selected == no_box ? 0 : neighbour(s, start, 0, 1);
  } else if (pressed(ImGuiKey_UpArrow)) {
    target = s.selected == no_box ? 0 : neighbour(s, start, 0, -1);
  } else if (pressed(ImGuiKey_Escape)) {
    canvas_event e = event(canvas_event_kind::clear_selection);
    e.flag = true;
    queue(s, e);
    return;
  } else if (pressed(ImGuiKey_Enter) && s.selected != no_box) {
    // Enter on a box that ends in "... more" draws all its rows (or folds them again).
    const diagram_box& box = s.layout.boxes[s.selected];
    if (!box.rows.empty() && box.rows.back().hidden) queue(s, toggle_event(box.node));
    return;
  }
  if (target != s.selected && target != no_box) {
    canvas_event e = event(canvas_event_kind::select);
    e.box = key_of(s, target);
    e.flag = true;
    e.at = size;
    queue(s, e);
  }
  const ImGuiIO& io = ImGui::GetIO();
  for (unsigned c : io.InputQueueCharacters) {
    if (c == '+' || c == '=') queue(s, zoom_event(1.25f, ImVec2(size.x / 2, size.y / 2)));
    if (c == '-') queue(s, zoom_event(1 / 1.25f, ImVec2(size.x / 2, size.y / 2)));
    if (c == '0' || c == 'f') {
      canvas_event e = event(canvas_event_kind::fit);
      e.flag = c == '0';  // 0: the whole diagram, however small
      queue(s, e);
    }
  }
}

float button_width(const char* label) {
  return ImGui::CalcTextSize(label, nullptr, true).x + 2 * ImGui::GetStyle().FramePadding.x;
}
float checkbox_width(const char* label) {
  return ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x + ImGui::CalcTextSize(label, nullptr, true).x;
}

constexpr const char* tool_labels[] = {"X-ray", "Footprints over N", "List growth", "Small-int explorer"};

// The toolbar's buttons become events too; the Panels menu opens tools in the dock (or asks
// the page to show its sizes table). It wraps onto more lines where the canvas is narrow.
void toolbar(canvas_state& s, bool have) {
  const ImGuiStyle& style = ImGui::GetStyle();
  if (ImGui::Button("Fit")) queue(s, event(canvas_event_kind::fit));
  SameLineIfFits(button_width(" - "));
  if (ImGui::Button(" - ")) queue(s, zoom_event(1 / 1.25f, ImVec2(0, 0)));
  SameLineIfFits(button_width(" + "));
  if (ImGui::Button(" + ")) queue(s, zoom_event(1.25f, ImVec2(0, 0)));
  char zoom_text[16];
  std::snprintf(zoom_text, sizeof zoom_text, "%d%%", static_cast<int>(std::lround(s.zoom * 100)));
  SameLineIfFits(ImGui::CalcTextSize("8888%").x);
  ImGui::TextUnformatted(zoom_text);
  const float combo_w = ImGui::GetFontSize() * 9;
  SameLineIfFits(ImGui::CalcTextSize("Boxes show").x + style.ItemSpacing.x + combo_w);
  ImGui::TextUnformatted("Boxes show");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(combo_w);
  const char* current = measure_names[static_cast<int>(s.shown)];
  std::string compared_name = s.result.compared ? "on " + short_target_name(s.result.compared->target) : "compared";
  if (s.shown == measure::predicted) current = compared_name.c_str();
  if (ImGui::BeginCombo("##measure", current)) {
    for (int m = 0; m < 5; ++m) {
      const auto which = static_cast<measure>(m);
      const bool available = (which != measure::allocated || s.result.allocated) &&
                             (which != measure::predicted || s.result.compared) &&
                             (which != measure::retained || !s.result.dom.retained.empty());
      const char* name = which == measure::predicted ? compared_name.c_str() : measure_names[m];
      if (!available) ImGui::BeginDisabled();
      if (ImGui::Selectable(name, s.shown == which)) {
        canvas_event e = event(canvas_event_kind::set_measure);
        e.shown = which;
        queue(s, e);
      }
      if (!available) ImGui::EndDisabled();
    }
    ImGui::EndCombo();
  }
  SameLineIfFits(checkbox_width("inline small values"));
  bool inline_shared = s.layout_options.inline_shared;
  if (ImGui::Checkbox("inline small values", &inline_shared)) {
    canvas_event e = event(canvas_event_kind::set_inline_shared);
    e.flag = inline_shared;
    queue(s, e);
  }
  const char* panels = "Panels \xE2\x96\xBC";  // a down triangle
  SameLineIfFits(button_width(panels));
  if (ImGui::Button(panels)) ImGui::OpenPopup("panels");
  if (ImGui::BeginPopup("panels")) {
    if (ImGui::MenuItem("Sizes table")) s.requests.push_back(canvas_request::sizes_table);
    for (int t = 1; t < tool_count; ++t) {
      if (ImGui::MenuItem(tool_labels[t], nullptr, s.show_tool[t])) {
        if (s.show_tool[t]) {
          s.show_tool[t] = false;
        } else {
          open_tool(s, static_cast<tool>(t));
        }
      }
    }
    ImGui::MenuItem("Legend and overview", nullptr, &s.show_legend);
    ImGui::EndPopup();
  }
  SameLineIfFits(button_width("PNG"));
  if (!have) ImGui::BeginDisabled();  // nothing to export before a run
  if (ImGui::Button("PNG")) queue(s, event(canvas_event_kind::export_png));
  if (!have) ImGui::EndDisabled();
}

//-----------------------------------------------------------------------------
// [SECTION] The strip under the diagram: legend and overview
//-----------------------------------------------------------------------------

// The strip under the diagram: on the left the legend (what the colours mean) and a line
// saying how many boxes are out of view and where; on the right a map of the whole diagram
// with the view's rectangle, which a click or a drag pans to. It covers no box: the
// diagram's region ends where it starts.
struct legend_item {
  ImU32 fill, border;
  float thickness;
  const char* text;
};

struct strip_layout {
  float line = 0, height = 0, map_w = 0, map_h = 0, text_w = 0;
  int legend_lines = 0;
};

std::vector<legend_item> legend_items(const canvas_state& s) {
  const canvas_colors& c = colors(s);
  return {
      {c.variable, c.border, 1, "variable"},
      {c.object, c.border, 1, "object"},
      {c.object, c.shared, 2.5f, "shared"},
      {c.object, c.cycle, 2.5f, "in a cycle"},
      {c.interpreter, c.border, 1, "the interpreter's own"},
      {c.aggregate, c.border, 1, "many as one"},
  };
}

float legend_item_width(const legend_item& it, float px) {
  return px * 1.6f + px * 0.3f + ImGui::GetFont()->CalcTextSizeA(px, FLT_MAX, 0, it.text).x + px * 0.9f;
}

strip_layout lay_out_strip(const canvas_state& s, float width) {
  strip_layout l;
  const float px = ImGui::GetFontSize();
  l.line = px * 1.45f;
  const float pad = px * 0.4f;
  const bounds b = content_bounds(s);
  l.map_h = 2 * l.line;
  l.map_w = std::min(width * 0.3f, l.map_h * std::clamp((b.x1 - b.x0) / (b.y1 - b.y0), 1.2f, 4.0f));
  l.text_w = width - l.map_w - 3 * pad;
  if (s.show_legend) {
    float x = 0;
    l.legend_lines = 1;
    for (const legend_item& it : legend_items(s)) {
      const float w = legend_item_width(it, px);
      if (x > 0 && x + w > l.text_w) {
        ++l.legend_lines;
        x = 0;
      }
      x += w;
    }
  }
  const int lines = l.legend_lines + 1 + (s.layout.limited ? 1 : 0);
  l.height = std::max(2, lines) * l.line + 2 * pad;
  l.map_h = l.height - 2 * pad;
  return l;
}

void draw_strip(canvas_state& s, const strip_layout& l, ImVec2 p0, ImVec2 size, const view& v, ImVec2 view_size) {
  const canvas_colors& c = colors(s);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float px = ImGui::GetFontSize();
  const float pad = px * 0.4f;
  dl->AddLine(ImVec2(p0.x, p0.y), ImVec2(p0.x + size.x, p0.y), c.frame, s.ui_scale);
  float x = p0.x + pad, y = p0.y + pad;
  if (s.show_legend) {
    for (const legend_item& it : legend_items(s)) {
      const float w = legend_item_width(it, px);
      if (x > p0.x + pad && x + w > p0.x + pad + l.text_w) {
        x = p0.x + pad;
        y += l.line;
      }
      const float sw = px * 1.6f, top = y + (l.line - px) / 2 - pad / 2;
      dl->AddRectFilled(ImVec2(x, top), ImVec2(x + sw, top + px), it.fill, 2);
      dl->AddRect(ImVec2(x, top), ImVec2(x + sw, top + px), it.border, 2, 0, it.thickness);
      dl->AddText(ImGui::GetFont(), px, ImVec2(x + sw + px * 0.3f, top), c.muted, it.text);
      x += w;
    }
    y += l.line;
  }
  // Where the boxes out of view are.
  frame_regions& r = s.regions;
  const std::uint32_t total = static_cast<std::uint32_t>(s.layout.boxes.size());
  std::string text;
  if (r.out_of_view == 0) {
    text = "All " + format_count(total) + (total == 1 ? " box" : " boxes") + " in view";
  } else {
    // The longest of these that fits: "26 of 28 boxes out of view: 25 ->, 1 v (drag, or
    // click the map)", without the hint, then without "boxes".
    std::string where;
    const std::pair<std::uint32_t, const char*> ways[] = {
        {r.right, " \xE2\x86\x92"}, {r.below, " \xE2\x86\x93"}, {r.left, " \xE2\x86\x90"}, {r.above, " \xE2\x86\x91"}};
    for (const auto& [n, arrow] : ways) {
      if (n == 0) continue;
      where += (where.empty() ? " " : ", ") + format_count(n) + arrow;
    }
    const std::string count = format_count(r.out_of_view) + " of " + format_count(total);
    for (const std::string& candidate : {count + " boxes out of view:" + where + " (drag, or click the map)",
                                         count + " boxes out of view:" + where, count + " out of view:" + where}) {
      text = candidate;
      if (ImGui::GetFont()->CalcTextSizeA(px, FLT_MAX, 0, text.c_str()).x <= l.text_w) break;
    }
  }
  const ImVec4 clip(p0.x, p0.y, p0.x + pad + l.text_w, p0.y + size.y);
  const float top = y + (l.line - px) / 2 - pad / 2;
  dl->AddText(ImGui::GetFont(), px, ImVec2(p0.x + pad, top), r.out_of_view ? c.accent : c.muted, text.c_str(), nullptr,
              0.0f, &clip);
  if (s.layout.limited) {
    dl->AddText(ImGui::GetFont(), px, ImVec2(p0.x + pad, top + l.line), c.muted,
                "Some objects are not drawn (too many or too deep): the sizes still count them.", nullptr, 0.0f, &clip);
  }

  // The map: every box as a dot of its colour, the view as a rectangle.
  const bounds b = content_bounds(s);
  const ImVec2 m0(p0.x + size.x - pad - l.map_w, p0.y + pad);
  const float scale = std::min(l.map_w / (b.x1 - b.x0), l.map_h / (b.y1 - b.y0));
  // The diagram centred in the map.
  const ImVec2 inset((l.map_w - (b.x1 - b.x0) * scale) / 2, (l.map_h - (b.y1 - b.y0) * scale) / 2);
  auto map_at = [&](float mx, float my) {
    return ImVec2(m0.x + inset.x + (mx - b.x0) * scale, m0.y + inset.y + (my - b.y0) * scale);
  };
  dl->AddRectFilled(m0, ImVec2(m0.x + l.map_w, m0.y + l.map_h), c.frame, 3);
  dl->PushClipRect(m0, ImVec2(m0.x + l.map_w, m0.y + l.map_h), true);
  for (const diagram_box& box : s.layout.boxes) {
    const ImU32 fill = box.kind == box_kind::variable ? c.accent : (box.flags & box_flag::cycle) ? c.cycle : c.border;
    const ImVec2 a = map_at(box.x, box.y), e = map_at(box.x + box.w, box.y + box.h);
    dl->AddRectFilled(a, ImVec2(std::max(e.x, a.x + 1), std::max(e.y, a.y + 1)), fill);
  }
  // The view in model units: the diagram region's corners through the inverse of v.
  const ImVec2 v0 = map_at(-v.pan.x / v.k, -v.pan.y / v.k);
  const ImVec2 v1 = map_at((view_size.x - v.pan.x) / v.k, (view_size.y - v.pan.y) / v.k);
  dl->AddRect(v0, v1, c.selected, 0, 0, 2 * s.ui_scale);
  dl->PopClipRect();
  r.minimap = true;
  ImGui::SetCursorScreenPos(m0);
  ImGui::InvisibleButton("overview", ImVec2(l.map_w, l.map_h));
  if (ImGui::IsItemActive()) {
    // Centre the view on the point under the pointer.
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    const float mx = (mouse.x - m0.x - inset.x) / scale + b.x0, my = (mouse.y - m0.y - inset.y) / scale + b.y0;
    canvas_event e = event(canvas_event_kind::set_view);
    e.factor = s.zoom;
    e.at = ImVec2(view_size.x / 2 - mx * v.k, view_size.y / 2 - my * v.k);
    queue(s, e);
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("The whole diagram; the rectangle is what is in view.");
}

//-----------------------------------------------------------------------------
// [SECTION] The dock
//-----------------------------------------------------------------------------

bool* tool_open(canvas_state& s, int t) { return t == static_cast<int>(tool::xray) ? &s.xray.open : &s.show_tool[t]; }

bool any_tool_open(canvas_state& s) {
  for (int t = 0; t < tool_count; ++t) {
    if (*tool_open(s, t)) return true;
  }
  return false;
}

// The open tools as tabs, in a region of their own beside or below the diagram. Each tab
// scrolls down but never sideways: its contents fit the width they are given.
void draw_dock(canvas_state& s, ImVec2 pos, ImVec2 size) {
  ImGui::SetCursorScreenPos(pos);
  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_WindowBg));
  ImGui::BeginChild("dock", size, true, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleColor();
  if (ImGui::BeginTabBar("tools", ImGuiTabBarFlags_FittingPolicyResizeDown)) {
    for (int t = 0; t < tool_count; ++t) {
      bool* open = tool_open(s, t);
      if (!*open) continue;
      const ImGuiTabItemFlags flags = s.select_tool == t ? ImGuiTabItemFlags_SetSelected : 0;
      const std::string label = t == static_cast<int>(tool::xray) ? "X-ray: " + s.xray.title + "###xray"
                                                                  : std::string(tool_labels[t]) + "###" + tool_names[t];
      if (ImGui::BeginTabItem(label.c_str(), open, flags)) {
        ImGui::BeginChild("tab", ImVec2(0, 0), false);
        switch (static_cast<tool>(t)) {
          case tool::xray: s.xray.DrawContents(); break;
          case tool::footprints: DrawFootprintsPanel(&s); break;
          case tool::growth: DrawGrowthPanel(&s); break;
          case tool::small_ints: DrawSmallIntsPanel(&s); break;
        }
        s.regions.dock_overflow_x = ImGui::GetScrollMaxX() / s.ui_scale;
        ImGui::EndChild();
        ImGui::EndTabItem();
      }
      if (!*open) s.changed = true;
    }
    ImGui::EndTabBar();
  }
  s.select_tool = -1;
  ImGui::EndChild();
}

// The bar between the diagram and the dock: dragging it gives one more room.
void dock_splitter(canvas_state& s, ImVec2 pos, ImVec2 size, bool right, ImVec2 avail) {
  ImGui::SetCursorScreenPos(pos);
  ImGui::InvisibleButton("dock-splitter", size);
  if (ImGui::IsItemActivated()) s.dock_drag_start = s.dock_fraction;
  const bool lit = ImGui::IsItemHovered() || ImGui::IsItemActive();
  if (lit) ImGui::SetMouseCursor(right ? ImGuiMouseCursor_ResizeEW : ImGuiMouseCursor_ResizeNS);
  if (ImGui::IsItemActive()) {
    const ImVec2 d = ImGui::GetMouseDragDelta(ImGuiMouseButton_Left, 0);
    s.dock_fraction = std::clamp(s.dock_drag_start - (right ? d.x / avail.x : d.y / avail.y), 0.2f, 0.8f);
    s.changed = true;
  }
  const canvas_colors& c = colors(s);
  ImGui::GetWindowDrawList()->AddRectFilled(pos, ImVec2(pos.x + size.x, pos.y + size.y), lit ? c.accent : c.frame);
}

}  // namespace

//-----------------------------------------------------------------------------
// [SECTION] The window
//-----------------------------------------------------------------------------

void ShowCanvas(canvas_state* state) {
  canvas_state& s = *state;
  const canvas_colors& c = colors(s);
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->Pos);
  ImGui::SetNextWindowSize(viewport->Size);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, c.background);
  ImGui::Begin("Canvas", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoScrollWithMouse);
  ImGui::PopStyleColor();
  const bool have = s.snap.has_value() && !s.layout.boxes.empty();
  const ImVec2 corner = viewport->Pos;  // the HTML canvas's top-left corner
  const float ui = s.ui_scale;
  auto css = [&](ImVec2 p, ImVec2 size) {
    return css_rect{(p.x - corner.x) / ui, (p.y - corner.y) / ui, size.x / ui, size.y / ui};
  };
  const float dock_overflow = s.regions.dock_overflow_x;
  s.regions = {};
  s.regions.dock_overflow_x = dock_overflow;
  if (!s.exporting) toolbar(s, have);

  // Regions: the toolbar's lines, then the diagram's column (the diagram over its strip) and
  // the dock of open tools, beside it when the canvas is wide, below it when not.
  const ImVec2 top = ImGui::GetCursorScreenPos();
  s.regions.toolbar = css(corner, ImVec2(viewport->Size.x, top.y - corner.y));
  s.regions.toolbar_lines =
      std::max(1, static_cast<int>(std::lround((top.y - corner.y) / ImGui::GetFrameHeightWithSpacing())));
  ImVec2 avail = ImGui::GetContentRegionAvail();
  avail.x = std::max(avail.x, 50.0f);
  avail.y = std::max(avail.y, 50.0f);
  const bool docked = !s.exporting && any_tool_open(s);
  const bool right = avail.x > 1.6f * avail.y;
  const float bar = 6 * ui;
  ImVec2 column = avail, dock_pos{0, 0}, dock_size{0, 0}, bar_pos{0, 0}, bar_size{0, 0};
  if (docked) {
    const float f = std::clamp(s.dock_fraction, 0.2f, 0.8f);
    if (right) {
      dock_size = ImVec2(std::floor(avail.x * f), avail.y);
      column.x = avail.x - dock_size.x - bar;
      bar_pos = ImVec2(top.x + column.x, top.y);
      bar_size = ImVec2(bar, avail.y);
      dock_pos = ImVec2(bar_pos.x + bar, top.y);
    } else {
      dock_size = ImVec2(avail.x, std::floor(avail.y * f));
      column.y = avail.y - dock_size.y - bar;
      bar_pos = ImVec2(top.x, top.y + column.y);
      bar_size = ImVec2(avail.x, bar);
      dock_pos = ImVec2(top.x, bar_pos.y + bar);
    }
  }
  const bool strip = have && !s.exporting;
  const strip_layout sl = strip ? lay_out_strip(s, column.x) : strip_layout{};
  const ImVec2 origin = top;
  const ImVec2 size(column.x, std::max(column.y - sl.height, 50.0f));
  s.diagram_origin = ImVec2(origin.x - corner.x, origin.y - corner.y);
  s.regions.diagram = css(origin, size);
  s.regions.strip = css(ImVec2(origin.x, origin.y + size.y), ImVec2(column.x, sl.height));
  s.regions.dock = css(dock_pos, dock_size);
  s.regions.dock_right = docked && right;

  ImGui::SetCursorScreenPos(origin);
  ImGui::InvisibleButton("canvas", size, ImGuiButtonFlags_MouseButtonLeft);
  const bool hovered = ImGui::IsItemHovered();
  // Keys reach ImGui only while the HTML canvas has focus (glfw-keys.js); they move through
  // the diagram unless a text field or a popup takes them.
  ImGuiIO& io = ImGui::GetIO();
  const bool focused = !io.WantTextInput && !ImGui::IsPopupOpen(nullptr, ImGuiPopupFlags_AnyPopupId);
  if (s.fit_pending && have) {
    const float least = s.exporting || s.fit_all ? 0
                        : s.fit_readable         ? (s.presenter ? presenter_opening_text_px : opening_text_px)
                                                 : (s.presenter ? presenter_fit_text_px : fit_text_px);
    // A run opens at least at the opening size; outside presenter mode it may go down to
    // Fit's floor to show every variable.
    fit(s, size, least, s.fit_readable && !s.fit_all && !s.exporting && !s.presenter ? fit_text_px : 0);
    s.fit_pending = false;
    s.fit_readable = false;
    if (!s.exporting) s.fit_all = false;
  }
  view v{origin, s.pan, s.zoom * s.ui_scale};

  // Mouse: drag pans, the wheel zooms around the cursor, a click selects or expands. All of
  // it is queued: this frame draws and hit-tests the layout and view it started with.
  hit under;
  if (have && hovered) under = hit_test(s, v, io.MousePos);
  // The pan follows the whole drag from where the button went down, so neither the
  // movement before ImGui saw the press nor the drag threshold is lost.
  if (ImGui::IsItemActivated()) s.drag_start_pan = s.pan;
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 2.0f * s.ui_scale)) {
    canvas_event e = event(canvas_event_kind::set_view);
    e.factor = s.zoom;
    e.at =
        ImVec2(s.drag_start_pan.x + io.MousePos.x - s.press_pos.x, s.drag_start_pan.y + io.MousePos.y - s.press_pos.y);
    queue(s, e);
  }
  if (hovered && io.MouseWheel != 0) {
    const float steps = std::clamp(io.MouseWheel, -4.0f, 4.0f);  // a fast trackpad flick stays a few steps
    queue(s, zoom_event(std::pow(1.15f, steps), ImVec2(io.MousePos.x - origin.x, io.MousePos.y - origin.y)));
  }
  const float click_slop = 2.0f * s.ui_scale;  // a press that moved less than this is a click
  if (have && ImGui::IsItemDeactivated() && io.MouseDragMaxDistanceSqr[0] < click_slop * click_slop) {
    const hit clicked = hit_test(s, v, io.MousePos);
    if (clicked.box == no_box) {
      queue(s, event(canvas_event_kind::clear_selection));
    } else {
      const diagram_box& box = s.layout.boxes[clicked.box];
      if (clicked.row < box.rows.size() && box.rows[clicked.row].hidden) {
        queue(s, toggle_event(box.node));
      } else if (box.kind == box_kind::aggregate) {
        // The container whose "... more" row points here.
        for (const diagram_arrow& a : s.layout.arrows) {
          if (a.to == clicked.box) {
            queue(s, toggle_event(s.layout.boxes[a.from].node));
            break;
          }
        }
      } else {
        canvas_event e = event(canvas_event_kind::select);
        e.box = key_of(s, clicked.box);
        queue(s, e);
      }
    }
  }
  if (have && hovered && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left) && under.box == no_box) {
    queue(s, event(canvas_event_kind::fit));
  }
  if (have && focused) keyboard(s, size);
  s.hovered = under.box;
  // A tool that just opened keeps the tooltip away until the pointer moves on.
  if (s.tooltip_hold.x >= 0) {
    const float dx = io.MousePos.x - s.tooltip_hold.x, dy = io.MousePos.y - s.tooltip_hold.y;
    if (dx * dx + dy * dy > 16 * ui * ui) s.tooltip_hold = ImVec2(-1, -1);
  }
  const bool tooltips = s.tooltip_hold.x < 0;

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 view_max(origin.x + size.x, origin.y + size.y);
  dl->PushClipRect(origin, view_max, true);
  s.drawn.clear();
  s.arrows_drawn = 0;
  s.tooltip_shown = false;
  if (!have) {
    const char* hint = s.snap ? "The program left no variables to draw." : "Run your code to see its objects here.";
    ImVec2 text = ImGui::CalcTextSize(hint);
    dl->AddText(ImVec2(origin.x + std::max(0.0f, (size.x - text.x) / 2), origin.y + (size.y - text.y) / 2), c.muted,
                hint);
  } else {
    // The variables' frame, behind their slots.
    float fx0 = FLT_MAX, fy0 = FLT_MAX, fx1 = 0, fy1 = 0;
    for (const diagram_box& box : s.layout.boxes) {
      if (box.kind != box_kind::variable) continue;
      fx0 = std::min(fx0, box.x), fy0 = std::min(fy0, box.y);
      fx1 = std::max(fx1, box.x + box.w), fy1 = std::max(fy1, box.y + box.h);
    }
    if (fx0 < FLT_MAX) {
      const float m = frame_margin;
      dl->AddRectFilled(v.at(fx0 - m, fy0 - m - dm::line_height), v.at(fx1 + m, fy1 + m), c.frame, 6 * v.k);
      const float px = dm::font_size * v.k * 0.9f;
      if (px >= 5) {
        dl->AddText(font_for(s, true, px), px, v.at(fx0, fy0 - m - dm::line_height + 3), c.muted, "Variables");
      }
    }
    draw_arrows(s, dl, v, false);
    frame_regions& r = s.regions;
    for (std::uint32_t b = 0; b < s.layout.boxes.size(); ++b) {
      const diagram_box& box = s.layout.boxes[b];
      const ImVec2 p0 = v.at(box.x, box.y), p1 = v.at(box.x + box.w, box.y + box.h);
      // Out of view when less than half of it shows (a box cut at the edge is in view, as a
      // reader sees it): counted for the overview, by the side its middle lies past.
      const float seen_w = std::max(0.0f, std::min(p1.x, view_max.x) - std::max(p0.x, origin.x));
      const float seen_h = std::max(0.0f, std::min(p1.y, view_max.y) - std::max(p0.y, origin.y));
      if (2 * seen_w * seen_h < (p1.x - p0.x) * (p1.y - p0.y)) {
        const float mx = (p0.x + p1.x) / 2, my = (p0.y + p1.y) / 2;
        if (mx > view_max.x) {
          ++r.right;
        } else if (mx < origin.x) {
          ++r.left;
        } else if (my > (origin.y + view_max.y) / 2) {
          ++r.below;
        } else {
          ++r.above;
        }
      }
      if (!s.exporting && (p1.x < origin.x || p1.y < origin.y || p0.x > view_max.x || p0.y > view_max.y)) continue;
      draw_box(s, dl, v, b, corner);
    }
    r.out_of_view = r.right + r.left + r.below + r.above;
    draw_arrows(s, dl, v, true);  // the hovered or selected box's arrows on top
    draw_tails(s, dl, v);
    if (hovered && tooltips && under.box != no_box && !ImGui::IsItemActive()) {
      s.tooltip_shown = true;
      const diagram_box& box = s.layout.boxes[under.box];
      if (under.slot && under.row < box.rows.size()) {
        slot_tooltip(s, box.rows[under.row]);
      } else if (under.row < box.rows.size() && box.rows[under.row].hidden) {
        slot_tooltip(s, box.rows[under.row]);
      } else {
        numbers_tooltip(s, box);
      }
    }
  }
  dl->PopClipRect();
  if (strip) draw_strip(s, sl, ImVec2(origin.x, view_max.y), ImVec2(column.x, sl.height), v, size);
  if (docked) {
    dock_splitter(s, bar_pos, bar_size, right, avail);
    draw_dock(s, dock_pos, dock_size);
  } else {
    s.regions.dock_overflow_x = 0;
  }
  ImGui::End();
}

}  // namespace bytewise::app
