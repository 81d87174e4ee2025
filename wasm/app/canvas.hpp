// The canvas: the pointer diagram (laid out by the core, drawn here with ImGui's draw
// list), a strip under it with the legend and an overview of what is out of view, and a
// dock beside or below it whose tabs hold the tools: X-ray (xray_widget.hpp), footprint
// charts, list growth and the small-int explorer (panels.cpp). Nothing floats over the
// diagram; the sizes table is the page's (HTML), which the Panels menu asks to show.
//
// Shaped like an ImGui panel: every piece of state lives in canvas_state, and
// ShowCanvas() draws one frame of it. No function-local statics. A frame never changes what
// it draws from: clicks, keys and toolbar actions become canvas_events, which
// apply_events() applies once the frame has been drawn (main.cpp calls it). What the canvas
// needs from the page (memory for the X-ray, footprint and small-int data) it asks for
// through canvas_state::requests; js_interface.cpp passes those to JavaScript and hands the
// answers back with the functions below.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/diagram.hpp>
#include <bytewise/snapshot.hpp>

#include "imgui.h"
#include "xray_widget.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bytewise::app {

// Zoom limits: far enough out that the wheel shows a diagram of a thousand boxes whole (as
// outlines), close enough in to read one row's address.
inline constexpr float min_zoom = 0.01f;
inline constexpr float max_zoom = 8.0f;

// Box text, in CSS pixels, that the automatic views keep (the wheel, - and 0 go further):
// the view a run opens with (outside presenter mode it goes down to Fit's floor where that
// brings every variable into view), and the Fit button's floor. What does not fit is
// reached by panning, and the overview under the diagram says where it is.
inline constexpr float opening_text_px = 13.0f;
inline constexpr float presenter_opening_text_px = 18.5f;  // read from the back of a room
inline constexpr float fit_text_px = 11.0f;
inline constexpr float presenter_fit_text_px = 14.0f;

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

// What the canvas asks of the page. js_interface.cpp turns each into its JavaScript name
// (and detail) in one place; web/main.js answers.
enum class canvas_request : std::uint8_t {
  xray_memory,  // bytes of Python's memory the X-ray wants: xray.Request(), xray.Wanted()
  footprints,   // measurer.footprints(), for the Footprints window
  small_ints,   // measurer.smallInts(), for the Small-int explorer
  png_ready,    // a PNG of the whole diagram was drawn (the detail is its data URL)
  sizes_table,  // the Panels menu's "Sizes table": the page shows its own (HTML) table
};

// The tools the dock beside the diagram holds, one tab each.
enum class tool : std::uint8_t { xray, footprints, growth, small_ints };
inline constexpr int tool_count = 4;
inline constexpr const char* tool_names[] = {"xray", "footprints", "growth", "smallInts"};

// A box that stays the same box across layouts: a variable by its root, an object by its node.
struct box_key {
  box_kind kind = box_kind::object;
  std::uint32_t node = no_node;
  std::uint32_t root = 0;
};

enum class canvas_event_kind : std::uint8_t {
  select,             // `box`; `flag`: pan it into a view of size `at`
  clear_selection,    // `flag`: close the X-ray window too
  toggle_expanded,    // `node`: draw all its rows, or fold them again
  set_inline_shared,  // `flag`
  set_measure,        // `shown`
  fit,                // at the next frame: as much in view as box text allows; `flag`: all of it
  zoom,               // by `factor` around `at` (device pixels from the diagram's top-left corner)
  set_view,           // zoom `factor`, pan `at` (a drag, the test hook)
  export_png,         // a PNG of the whole diagram at the next frame, if there is a diagram
};

// Something a click, a key, the toolbar or the page asks of the canvas; fields other than
// those its kind names are unused.
struct canvas_event {
  canvas_event_kind kind = canvas_event_kind::fit;
  box_key box;
  std::uint32_t node = no_node;
  bool flag = false;
  measure shown = measure::shallow;
  float factor = 1;
  ImVec2 at{0, 0};
};

// Palette: normal and presenter (high contrast) colours.
struct canvas_colors {
  ImU32 background, object, variable, aggregate, interpreter, border, text, muted, arrow, label, accent, compared,
      shared, cycle, hover, selected, frame;
};

// A box as the last frame drew it, for tests: screen rectangle in CSS pixels relative to
// the canvas, and the text on it.
struct drawn_box {
  std::uint32_t index = no_box;  // in the layout
  box_kind kind = box_kind::object;
  std::uint32_t node = no_node;
  float x = 0, y = 0, w = 0, h = 0;
  std::string title, subtitle, number, compared;
  std::uint8_t flags = 0;
  std::uint32_t rows = 0;
  // The smallest font size of the text drawn inside the box, in CSS pixels (0: none drawn,
  // the box is too small).
  float text_px = 0;
};

// A rectangle in CSS pixels from the canvas's top-left corner, for tests.
struct css_rect {
  float x = 0, y = 0, w = 0, h = 0;
};

// What the last frame laid out around the diagram, for tests: the regions never overlap.
struct frame_regions {
  css_rect toolbar, diagram, strip, dock;  // dock: w == 0 when no tool is open
  bool dock_right = false;                 // beside the diagram (else below it)
  float dock_overflow_x = 0;               // CSS pixels the open tab's content is wider than its tab
  int toolbar_lines = 1;
  std::uint32_t out_of_view = 0;                            // boxes not wholly in the diagram's region
  std::uint32_t left = 0, right = 0, above = 0, below = 0;  // of those, by direction
  bool minimap = false;
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
  bool tooltip_shown = false;  // the last frame showed a box's or a slot's tooltip
  int frames_rendered = 0;
  bool changed = true;  // the next frame must be rendered

  // Requests for JavaScript, taken (cleared) by js_interface.cpp after every frame.
  std::vector<canvas_request> requests;
  // Events queued during the frame, applied after it (apply_events).
  std::vector<canvas_event> events;

  // Keys pressed since the last frame, as ImGui key indices (GLFW key codes). ImGui 1.86
  // only sees whether a key is down when a frame starts, so a press and release between
  // two frames would be lost; main.cpp queues them here instead.
  std::vector<int> pressed_keys;

  // The strip under the diagram and the dock's tools
  bool show_legend = true;
  bool show_tool[tool_count] = {};  // tool::xray follows xray.open
  int select_tool = -1;             // the tab to bring to the front at the next frame
  float dock_fraction = 0.45f;      // of the canvas the dock takes (its splitter drags it)
  frame_regions regions;
  std::optional<footprints_data> footprints;
  std::optional<small_ints_data> small_ints;
  xray_widget xray;  // its `open` says whether its window is shown
  bool footprints_log = true;
  int footprint_metric = 1;  // 0 shallow, 1 deep, 2 peak
  int growth_platform = -1;  // index into modelled_targets(); -1: the compared one or 3.12

  // Internal
  ImVec2 pan{0, 0};  // device pixels
  float zoom = 1.0f;
  bool fit_pending = true;
  bool fit_readable = true;  // the next fit is a run's opening view (opening_text_px), not the Fit button's
  bool fit_all = false;      // the next fit shows the whole diagram, however small its text
  std::uint32_t hovered = no_box, selected = no_box;
  bool png_pending = false;     // the next frame draws the whole diagram for a PNG
  bool exporting = false;       // this frame draws the whole diagram for a PNG
  ImVec2 diagram_origin{0, 0};  // the diagram's top-left corner, device pixels from the canvas's
  ImVec2 saved_pan{0, 0};
  ImVec2 drag_start_pan{0, 0};  // pan when the left button went down on the canvas
  // Where the pointer was when the left button went down, recorded by the GLFW callback:
  // ImGui sees the press a frame later, when a fast drag has already moved on.
  ImVec2 press_pos{0, 0};
  float saved_zoom = 1.0f;
  // Tooltips wait until the pointer moves away from here: a click that opens a tool must not
  // leave the box's tooltip over it. x < 0: no wait.
  ImVec2 tooltip_hold{-1, -1};
  float dock_drag_start = 0;  // dock_fraction when its splitter was grabbed
};

// Replaces what the canvas shows (keeping the view when `keep_view`). Call between frames.
void set_snapshot(canvas_state& state, snapshot snap, analysis result, bool keep_view = false);
void set_presenter(canvas_state& state, bool on);

// Queues an event for apply_events().
void queue(canvas_state& state, canvas_event event);
// The box to name in a select event: box `box` of the current layout.
box_key key_of(const canvas_state& state, std::uint32_t box);
// Applies the queued events in order: the frame that queued them has been drawn, so the
// layout and the view may change now.
void apply_events(canvas_state& state);
// Zooms by `factor`, keeping the point `around` (device pixels from the diagram's top-left
// corner) where it is. The one zoom: wheel, keys, buttons and pinch all come here.
void zoom_at(canvas_state& state, float factor, ImVec2 around);

// The page's answers to canvas_request::xray_memory (request: the id it was sent with).
void supply_xray_memory(canvas_state& state, std::uint32_t request, std::vector<memory_region> regions);
void fail_xray_memory(canvas_state& state, std::uint32_t request, std::string message);

// One frame: the toolbar, the diagram, the strip under it and the dock of open tools.
void ShowCanvas(canvas_state* state);
// Opens a tool's tab in the dock (asking the page for its data when it has none yet).
void open_tool(canvas_state& state, tool t);
// The tools' contents, drawn inside the dock's tab (panels.cpp).
void DrawFootprintsPanel(canvas_state* state);
void DrawGrowthPanel(canvas_state* state);
void DrawSmallIntsPanel(canvas_state* state);

// SameLine() when an item `width` wide still fits on the line, else a new line: toolbars and
// option rows wrap instead of running past the canvas's edge.
void SameLineIfFits(float width);

const canvas_colors& colors(const canvas_state& state);
ImVec4 canvas_background(const canvas_state& state);
// "44 B shallow", "92 B deep", "~88 B on 64-bit 3.12", "allocated: not modelled"...
std::string number_text(const canvas_state& state, const diagram_box& box, measure m);

}  // namespace bytewise::app
