#include "canvas.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <string>

namespace bytewise::app {
namespace {

constexpr ImU32 col_canvas = IM_COL32(247, 248, 251, 255);
constexpr ImU32 col_object = IM_COL32(255, 255, 255, 255);
constexpr ImU32 col_variable = IM_COL32(224, 236, 255, 255);
constexpr ImU32 col_more = IM_COL32(238, 238, 242, 255);
constexpr ImU32 col_border = IM_COL32(90, 98, 120, 255);
constexpr ImU32 col_text = IM_COL32(20, 22, 30, 255);
constexpr ImU32 col_detail = IM_COL32(70, 76, 96, 255);
constexpr ImU32 col_arrow = IM_COL32(60, 66, 90, 220);
constexpr ImU32 col_label = IM_COL32(120, 60, 20, 255);
constexpr ImU32 col_hover = IM_COL32(230, 120, 20, 255);
constexpr ImU32 col_compared = IM_COL32(36, 87, 197, 255);

void fit(canvas_state& s, ImVec2 size) {
  const float margin = 24.0f * s.ui_scale;
  float w = std::max(s.layout.width, 1.0f) * s.ui_scale;
  float h = std::max(s.layout.height, 1.0f) * s.ui_scale;
  s.zoom = std::clamp(std::min((size.x - 2 * margin) / w, (size.y - 2 * margin) / h), 0.1f, 1.5f);
  s.pan = ImVec2(margin, margin);
}

ImVec2 bezier_point(ImVec2 p0, ImVec2 c1, ImVec2 c2, ImVec2 p1, float t) {
  float u = 1 - t;
  float a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t;
  return ImVec2(a * p0.x + b * c1.x + c * c2.x + d * p1.x, a * p0.y + b * c1.y + c * c2.y + d * p1.y);
}

// Draws an arrow from the right edge of `from` into `to`: into its left edge when it lies
// to the right, else looping round into its right edge. Returns where a label goes.
ImVec2 draw_arrow(ImDrawList* dl, ImVec2 from_min, ImVec2 from_max, ImVec2 to_min, ImVec2 to_max,
                  float scale) {
  ImVec2 p0(from_max.x, (from_min.y + from_max.y) / 2);
  bool forward = to_min.x > from_max.x;
  ImVec2 p1(forward ? to_min.x : to_max.x, (to_min.y + to_max.y) / 2);
  ImVec2 c1, c2;
  if (forward) {
    float dx = std::max((p1.x - p0.x) * 0.5f, 30.0f * scale);
    c1 = ImVec2(p0.x + dx, p0.y);
    c2 = ImVec2(p1.x - dx, p1.y);
  } else {
    float dx = 60.0f * scale;
    c1 = ImVec2(p0.x + dx, p0.y);
    c2 = ImVec2(p1.x + dx, p1.y);
  }
  dl->AddBezierCubic(p0, c1, c2, p1, col_arrow, 1.5f * scale);
  float head = 7.0f * scale;
  float dir = forward ? -1.0f : 1.0f;  // the head's base lies behind the tip
  dl->AddTriangleFilled(p1, ImVec2(p1.x + dir * head, p1.y - head * 0.55f),
                        ImVec2(p1.x + dir * head, p1.y + head * 0.55f), col_arrow);
  dl->AddCircleFilled(p0, 2.5f * scale, col_arrow);
  return bezier_point(p0, c1, c2, p1, forward ? 0.4f : 0.5f);
}

void show_tooltip(const canvas_state& s, const diagram_box& box) {
  const object_graph& g = s.snap->graph;
  ImGui::BeginTooltip();
  ImGui::TextUnformatted(box.title.c_str());
  ImGui::Separator();
  ImGui::Text("id      0x%llx", static_cast<unsigned long long>(g.address[box.node]));
  ImGui::Text("shallow %s (sys.getsizeof)", format_bytes(g.shallow[box.node]).c_str());
  if (s.result.compared) {
    const prediction& p = s.result.compared->per_node[box.node];
    const std::string where = describe_target(s.result.compared->target);
    if (p.status == prediction_status::not_modelled) {
      ImGui::Text("on %s: not modelled (%.*s)", where.c_str(), static_cast<int>(p.rule.size()), p.rule.data());
    } else {
      ImGui::Text("on %s: %s, %s%s%.*s", where.c_str(), format_bytes(p.size).c_str(),
                  std::string(to_string(p.status)).c_str(), p.rule.empty() ? "" : ": ",
                  static_cast<int>(p.rule.size()), p.rule.data());
    }
  }
  if (!s.result.dom.retained.empty()) {
    ImGui::Text("retained %s (freed if only this went away)",
                format_bytes(s.result.dom.retained[box.node]).c_str());
  }
  if (box.node < s.result.sizes.references.size() && s.result.sizes.references[box.node] > 1) {
    ImGui::Text("referenced %s times", format_count(s.result.sizes.references[box.node]).c_str());
  }
  for (std::size_t i = 0; i < s.snap->roots.size(); ++i) {
    if (s.snap->roots[i].node == box.node) {
      ImGui::Text("deep    %s, %s objects", format_bytes(s.result.sizes.roots[i].deep).c_str(),
                  format_count(s.result.sizes.roots[i].objects).c_str());
      break;
    }
  }
  ImGui::EndTooltip();
}

}  // namespace

ImVec4 canvas_background() { return ImGui::ColorConvertU32ToFloat4(col_canvas); }

void set_snapshot(canvas_state& state, snapshot snap, analysis result) {
  state.layout = layout_overview(snap, result);
  state.result = std::move(result);
  state.snap = std::move(snap);
  state.fit_pending = true;
  state.changed = true;
}

void ShowCanvasWindow(canvas_state* state) {
  canvas_state& s = *state;
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->Pos);
  ImGui::SetNextWindowSize(viewport->Size);
  ImGui::PushStyleColor(ImGuiCol_WindowBg, col_canvas);
  ImGui::Begin("Diagram", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                   ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PopStyleColor();

  bool have = s.snap.has_value() && !s.layout.boxes.empty();
  if (ImGui::Button("Fit")) s.fit_pending = true;
  ImGui::SameLine();
  if (ImGui::Button("-")) s.zoom = std::max(0.1f, s.zoom / 1.25f);
  ImGui::SameLine();
  if (ImGui::Button("+")) s.zoom = std::min(8.0f, s.zoom * 1.25f);
  ImGui::SameLine();
  ImGui::Text("%d%%", static_cast<int>(std::lround(s.zoom * 100)));
  if (have) {
    ImGui::SameLine();
    ImGui::TextDisabled("  %s objects, %s deep in all",
                        format_count(s.result.sizes.total_objects).c_str(),
                        format_bytes(s.result.sizes.total_deep).c_str());
  }

  ImVec2 origin = ImGui::GetCursorScreenPos();
  ImVec2 size = ImGui::GetContentRegionAvail();
  size.x = std::max(size.x, 50.0f);
  size.y = std::max(size.y, 50.0f);
  ImGui::InvisibleButton("canvas", size, ImGuiButtonFlags_MouseButtonLeft);
  const bool hovered = ImGui::IsItemHovered();
  ImGuiIO& io = ImGui::GetIO();
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(ImGuiMouseButton_Left, 0.0f)) {
    s.pan.x += io.MouseDelta.x;
    s.pan.y += io.MouseDelta.y;
  }
  if (hovered && io.MouseWheel != 0) {
    float old_zoom = s.zoom;
    s.zoom = std::clamp(s.zoom * std::pow(1.15f, io.MouseWheel), 0.1f, 8.0f);
    // Zoom around the cursor: the model point under it stays put.
    ImVec2 rel(io.MousePos.x - origin.x - s.pan.x, io.MousePos.y - origin.y - s.pan.y);
    s.pan.x -= rel.x * (s.zoom / old_zoom - 1);
    s.pan.y -= rel.y * (s.zoom / old_zoom - 1);
  }
  if (s.fit_pending && have) {
    fit(s, size);
    s.fit_pending = false;
  }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
  s.drawn.clear();
  if (!have) {
    const char* hint = s.snap ? "The program left no variables to draw."
                              : "Run your code to see its objects here.";
    ImVec2 text = ImGui::CalcTextSize(hint);
    dl->AddText(ImVec2(origin.x + (size.x - text.x) / 2, origin.y + (size.y - text.y) / 2),
                col_detail, hint);
  } else {
    const float k = s.zoom * s.ui_scale;  // device pixels per model unit
    auto to_screen = [&](float x, float y) {
      return ImVec2(origin.x + s.pan.x + x * k, origin.y + s.pan.y + y * k);
    };
    ImFont* font = ImGui::GetFont();
    const float title_size = ImGui::GetFontSize() * s.zoom * 1.1f;
    const float detail_size = ImGui::GetFontSize() * s.zoom;
    for (const diagram_arrow& a : s.layout.arrows) {
      const diagram_box& from = s.layout.boxes[a.from];
      const diagram_box& to = s.layout.boxes[a.to];
      ImVec2 at = draw_arrow(dl, to_screen(from.x, from.y), to_screen(from.x + from.w, from.y + from.h),
                             to_screen(to.x, to.y), to_screen(to.x + to.w, to.y + to.h), k);
      if (!a.label.empty()) {
        ImVec2 text = font->CalcTextSizeA(detail_size, FLT_MAX, 0.0f, a.label.c_str());
        ImVec2 pos(at.x - text.x / 2, at.y - text.y - 1 * k);
        dl->AddRectFilled(ImVec2(pos.x - 2 * k, pos.y), ImVec2(pos.x + text.x + 2 * k, pos.y + text.y),
                          IM_COL32(247, 248, 251, 220), 2 * k);
        dl->AddText(font, detail_size, pos, col_label, a.label.c_str());
      }
    }
    const diagram_box* hovered_box = nullptr;
    for (const diagram_box& box : s.layout.boxes) {
      ImVec2 p0 = to_screen(box.x, box.y);
      ImVec2 p1 = to_screen(box.x + box.w, box.y + box.h);
      ImU32 fill = box.kind == box_kind::variable ? col_variable
                   : box.kind == box_kind::more   ? col_more
                                                  : col_object;
      bool over = hovered && ImGui::IsMouseHoveringRect(p0, p1);
      if (over) hovered_box = &box;
      dl->AddRectFilled(p0, p1, fill, 4 * k);
      dl->AddRect(p0, p1, over ? col_hover : col_border, 4 * k, 0, (over ? 2.0f : 1.0f) * k);
      dl->PushClipRect(p0, p1, true);
      float pad = 8 * k;
      if (box.kind == box_kind::object) {
        dl->AddText(font, title_size, ImVec2(p0.x + pad, p0.y + 5 * k), col_text,
                    box.title.c_str());
        dl->AddText(font, detail_size, ImVec2(p0.x + pad, p0.y + 5 * k + title_size + 4 * k),
                    col_detail, box.detail.c_str());
        if (!box.compared.empty()) {
          dl->AddText(font, detail_size,
                      ImVec2(p0.x + pad, p0.y + 5 * k + title_size + detail_size + 7 * k),
                      col_compared, box.compared.c_str());
        }
      } else {
        dl->AddText(font, title_size,
                    ImVec2(p0.x + pad, (p0.y + p1.y) / 2 - title_size / 2), col_text,
                    box.title.c_str());
      }
      dl->PopClipRect();
      diagram_box shown = box;
      shown.x = p0.x - origin.x + (origin.x - ImGui::GetMainViewport()->Pos.x);
      shown.y = p0.y - ImGui::GetMainViewport()->Pos.y;
      shown.w = p1.x - p0.x;
      shown.h = p1.y - p0.y;
      s.drawn.push_back(std::move(shown));
    }
    if (hovered_box && !ImGui::IsItemActive()) show_tooltip(s, *hovered_box);
  }
  dl->PopClipRect();
  ImGui::End();
}

}  // namespace bytewise::app
