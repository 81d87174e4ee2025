// The canvas: the pointer diagram (laid out by the core, drawn here with ImGui's draw
// list, with a one-line legend) and its windows: sizes table, footprint charts, list
// growth, small-int explorer and X-ray.
//
// Shaped like an ImGui panel: every piece of state lives in canvas_state, and
// ShowCanvas() draws one frame of it. No function-local statics. What the canvas needs from
// the page (an X-ray of the selected object, footprint and small-int data) it asks for
// through canvas_state::requests; main.cpp passes those to JavaScript and hands the answers
// back with the set_* functions below.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/diagram.hpp>
#include <bytewise/snapshot.hpp>

#include "imgui.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bytewise::app {

// Zoom limits: far enough out that Fit shows a diagram of a thousand boxes whole (as
// outlines; text needs about 0.4), close enough in to read one row's address.
inline constexpr float min_zoom = 0.01f;
inline constexpr float max_zoom = 8.0f;

// What the number line of every box shows.
enum class measure : std::uint8_t { shallow, deep, retained, allocated, predicted };
inline constexpr const char* measure_names[] = {"shallow", "deep", "retained", "allocated", "compared"};

struct footprint_point {
  double n = 0, shallow = 0, deep = 0, peak = 0;
};
struct footprint_series {
  std::string name;
  std::vector<footprint_point> points;
};
struct footprints_data {
  std::string platform;
  std::vector<footprint_series> structures;  // list(range(N)), array('i'), generator...
  std::vector<footprint_series> peaks;       // sum([...]) vs sum(...), join vs +=
};

struct small_int_cell {
  std::int64_t value = 0;
  double id = 0, id_again = 0;
  bool cached = false;
};
struct small_ints_data {
  std::string platform;
  std::optional<std::pair<std::int64_t, std::int64_t>> cached_range;
  std::optional<double> stride;
  std::vector<small_int_cell> values;
};

struct xray_field_view {
  double address = 0;
  std::uint32_t size = 0;
  std::string name, value, note;
  double points_to = 0;
};
struct xray_block_view {
  std::string name, allocation;
  double address = 0, allocated = 0, requested = 0;
  std::vector<std::uint8_t> bytes;
  std::vector<xray_field_view> fields;
};
struct xray_view {
  std::uint32_t node = no_node;  // the object it shows
  std::string title;
  bool loading = false;
  std::string error;  // why there is nothing to show
  std::vector<xray_block_view> blocks;
  std::vector<std::string> problems;
};

// Palette: normal and presenter (high contrast) colours.
struct canvas_colors {
  ImU32 background, object, variable, aggregate, interpreter, border, text, muted, arrow, label, accent, compared,
      shared, cycle, hover, selected, frame;
};

// A box as the last frame drew it, for tests: screen rectangle in CSS pixels relative to
// the canvas, and the text on it.
struct drawn_box {
  box_kind kind = box_kind::object;
  std::uint32_t node = no_node;
  float x = 0, y = 0, w = 0, h = 0;
  std::string title, subtitle, number, compared;
  std::uint8_t flags = 0;
  std::uint32_t rows = 0;
};

struct canvas_state {
  // Settings
  float ui_scale = 1.0f;   // device pixels per CSS pixel
  bool presenter = false;  // large type, high contrast
  measure shown = measure::shallow;
  diagram_options layout_options;
  ImFont* fonts[2][3] = {};  // [regular, bold][small, medium, large]: chosen by zoom

  // Read-only for the rest of the app
  std::optional<snapshot> snap;
  analysis result;
  diagram layout;
  std::vector<drawn_box> drawn;
  std::size_t arrows_drawn = 0;
  int frames_rendered = 0;
  bool changed = true;  // the next frame must be rendered

  // Requests for main.cpp to pass to JavaScript: "xray", "footprints", "smallInts",
  // "exportPng"; taken (cleared) by main.cpp every frame.
  std::vector<std::string> requests;

  // Keys pressed since the last frame, as ImGui key indices (GLFW key codes). ImGui 1.86
  // only sees whether a key is down when a frame starts, so a press and release between
  // two frames would be lost; main.cpp queues them here instead.
  std::vector<int> pressed_keys;

  // Windows
  bool show_legend = true, show_sizes = false, show_footprints = false, show_growth = false, show_small_ints = false,
       show_xray = false;
  std::optional<footprints_data> footprints;
  std::optional<small_ints_data> small_ints;
  xray_view xray;
  bool footprints_log = true;
  int footprint_metric = 1;  // 0 shallow, 1 deep, 2 peak
  int growth_platform = -1;  // index into modelled_targets(); -1: the compared one or 3.12
  int sizes_sort_column = 3, sizes_sort_direction = -1;

  // Internal
  ImVec2 pan{0, 0};  // device pixels
  float zoom = 1.0f;
  bool fit_pending = true;
  bool fit_readable = true;  // the next fit keeps text readable (after a run), not all in view
  std::uint32_t hovered = no_box, selected = no_box;
  bool exporting = false;  // this frame draws the whole diagram for a PNG
  ImVec2 saved_pan{0, 0};
  ImVec2 drag_start_pan{0, 0};  // pan when the left button went down on the canvas
  // Where the pointer was when the left button went down, recorded by the GLFW callback:
  // ImGui sees the press a frame later, when a fast drag has already moved on.
  ImVec2 press_pos{0, 0};
  float saved_zoom = 1.0f;
};

// Replaces what the canvas shows (keeping the view when `keep_view`).
void set_snapshot(canvas_state& state, snapshot snap, analysis result, bool keep_view = false);
// Lays the current snapshot out again after an option changed (expanded rows, inline values).
void relayout(canvas_state& state);
void set_presenter(canvas_state& state, bool on);
void select_box(canvas_state& state, std::uint32_t box);
// The whole diagram in view at the next frame (the Fit button), even when a run's readable
// first view is still pending.
void request_fit(canvas_state& state);

// One frame: the diagram filling the display, and the open windows over it.
void ShowCanvas(canvas_state* state);
// The panels (panels.cpp).
void ShowSizesWindow(canvas_state* state);
void ShowFootprintsWindow(canvas_state* state);
void ShowGrowthWindow(canvas_state* state);
void ShowSmallIntsWindow(canvas_state* state);
void ShowXrayWindow(canvas_state* state);

const canvas_colors& colors(const canvas_state& state);
ImVec4 canvas_background(const canvas_state& state);
// "44 B shallow", "92 B deep", "~88 B on 64-bit 3.12", "allocated: not modelled"...
std::string number_text(const canvas_state& state, const diagram_box& box, measure m);
// "64-bit 3.12", "wasm32 3.14"
std::string short_target(cpython_target t);

}  // namespace bytewise::app
