// bytewise-app's JavaScript interface: everything the page calls (web/canvas.js,
// web/main.js and the test hook), and the one place the canvas's requests get their
// JavaScript names (request_name). Calls from JavaScript come between frames; those that
// change what the canvas draws queue an event, as clicks do, or replace the snapshot.
//
// Index:
//   [SECTION] Requests to JavaScript
//   [SECTION] Snapshots, data for the windows, X-ray memory
//   [SECTION] View: presenter mode, zoom, PNG
//   [SECTION] Test and benchmark hooks
#include "app.hpp"
#include "canvas.hpp"

#include "../bindings/measure.hpp"
#include "../bindings/xray.hpp"

#include <bytewise/analysis.hpp>
#include <bytewise/snapshot.hpp>

#include <emscripten/bind.h>

#include <algorithm>
#include <string>
#include <vector>

namespace bytewise::app {

using emscripten::val;

//-----------------------------------------------------------------------------
// [SECTION] Requests to JavaScript
//-----------------------------------------------------------------------------

namespace {

// The names web/main.js knows the requests by (its onCanvasRequest).
const char* request_name(canvas_request r) {
  switch (r) {
    case canvas_request::xray_memory: return "xrayMemory";
    case canvas_request::footprints: return "footprints";
    case canvas_request::small_ints: return "smallInts";
    case canvas_request::png_ready: return "pngReady";
    case canvas_request::sizes_table: return "sizesTable";
  }
  return "unknown";
}

// xrayMemory: { request, ranges: [{ address, length }] }; pngReady: the PNG's data URL.
val request_detail(const app& a, canvas_request r) {
  if (r == canvas_request::png_ready) return a.png;
  val detail = val::object();
  if (r == canvas_request::xray_memory) {
    detail.set("request", a.canvas.xray.Request());
    val ranges = val::array();
    for (const memory_range& w : a.canvas.xray.Wanted()) {
      val range = val::object();
      range.set("address", static_cast<double>(w.address));
      range.set("length", static_cast<double>(w.length));
      ranges.call<void>("push", range);
    }
    detail.set("ranges", ranges);
  }
  return detail;
}

}  // namespace

void forward_requests(app& a) {
  std::vector<canvas_request> requests;
  requests.swap(a.canvas.requests);
  const val handler = val::module_property("onCanvasRequest");
  for (std::size_t i = 0; i < requests.size(); ++i) {
    const canvas_request r = requests[i];
    if (std::find(requests.begin(), requests.begin() + static_cast<std::ptrdiff_t>(i), r) !=
        requests.begin() + static_cast<std::ptrdiff_t>(i)) {
      continue;  // each at most once a frame: the detail is the latest
    }
    // Memory asked for by an X-ray that has since finished, failed or closed is not sent.
    if (r == canvas_request::xray_memory && a.canvas.xray.status != xray_widget::state::reading) continue;
    if (!handler.isUndefined()) handler(std::string(request_name(r)), request_detail(a, r));
  }
  a.png = val::undefined();
}

namespace {

//-----------------------------------------------------------------------------
// [SECTION] Snapshots, data for the windows, X-ray memory
//-----------------------------------------------------------------------------

// The public report of a run (web/analyser.js report({ show: true })): the same report as
// the core module's, and the canvas draws from the same analysis. A run whose capture
// cannot be read gets a report with the diagnostics, and the canvas keeps the last good
// diagram. `keep_view`: the same capture analysed again (another compared platform).
std::string show_report(std::uintptr_t address, std::size_t size, std::string options_json, std::string run_json,
                        bool keep_view) {
  std::optional<wasm::measured> kept;
  std::string report = wasm::report_bytes(address, size, options_json, run_json, &kept);
  if (the_app() && kept) set_snapshot(the_app()->canvas, std::move(kept->snap), std::move(kept->result), keep_view);
  return report;
}

double number_or(const val& v, double fallback) { return v.isNumber() ? v.as<double>() : fallback; }
std::string string_or(const val& v) { return v.isString() ? v.as<std::string>() : std::string(); }

// The page's answer to an xrayMemory request: [{ address, bytes: Uint8Array }] copied
// from Python's memory (fewer bytes than asked where the heap ends).
void xray_memory(unsigned request, val regions) {
  if (!the_app()) return;
  std::vector<diagnostic> errors;
  std::vector<memory_region> memory = wasm::memory_regions_from_js(regions, errors);
  if (!errors.empty()) {
    fail_xray_memory(the_app()->canvas, request, "The page sent memory the X-ray cannot read: " + errors[0].message);
    return;
  }
  supply_xray_memory(the_app()->canvas, request, std::move(memory));
}

// The page could not read the memory (Python restarted since the run, the worker failed).
void xray_memory_failed(unsigned request, std::string message) {
  if (the_app()) fail_xray_memory(the_app()->canvas, request, std::move(message));
}

// measurer.footprints() (web/measure.js).
void set_footprints(val data) {
  if (!the_app()) return;
  footprints_data out;
  out.platform = string_or(data["platform"]);
  auto read = [](val list, std::vector<footprint_series>& into) {
    for (unsigned i = 0; list.isArray() && i < list["length"].as<unsigned>(); ++i) {
      footprint_series series;
      series.name = string_or(list[i]["name"]);
      val points = list[i]["points"];
      for (unsigned j = 0; j < points["length"].as<unsigned>(); ++j) {
        val p = points[j];
        series.points.push_back(
            {number_or(p["n"], 0), number_or(p["shallow"], 0), number_or(p["deep"], 0), number_or(p["peak"], 0)});
      }
      into.push_back(std::move(series));
    }
  };
  read(data["structures"], out.structures);
  read(data["peaks"], out.peaks);
  the_app()->canvas.footprints = std::move(out);
  the_app()->canvas.changed = true;
}

// measurer.smallInts() (web/measure.js).
void set_small_ints(val data) {
  if (!the_app()) return;
  small_ints_data out;
  out.platform =
      data["platform"].isNull() || data["platform"].isUndefined() ? "" : string_or(data["platform"]["description"]);
  val range = data["cached_range"];
  if (range.isArray())
    out.cached_range = {static_cast<std::int64_t>(range[0].as<double>()),
                        static_cast<std::int64_t>(range[1].as<double>())};
  if (data["stride"].isNumber()) out.stride = data["stride"].as<double>();
  val values = data["values"];
  for (unsigned i = 0; values.isArray() && i < values["length"].as<unsigned>(); ++i) {
    val v = values[i];
    out.values.push_back({static_cast<std::int64_t>(number_or(v["value"], 0)), number_or(v["id"], 0),
                          number_or(v["id_again"], 0), v["cached"].as<bool>()});
  }
  the_app()->canvas.small_ints = std::move(out);
  the_app()->canvas.changed = true;
}

//-----------------------------------------------------------------------------
// [SECTION] View: presenter mode, zoom, PNG
//-----------------------------------------------------------------------------

void set_presenter_mode(bool on) {
  if (the_app()) set_presenter(the_app()->canvas, on);
}

bool presenter() { return the_app() && the_app()->canvas.presenter; }

canvas_event event(canvas_event_kind kind) {
  canvas_event e;
  e.kind = kind;
  return e;
}

// Pinch and other zoom gestures the page recognises: zoom by `factor` around (x, y), in
// CSS pixels from the canvas's top-left corner.
void zoom_by(double factor, double x, double y) {
  if (!the_app() || !(factor > 0)) return;
  canvas_state& s = the_app()->canvas;
  canvas_event e = event(canvas_event_kind::zoom);
  e.factor = static_cast<float>(factor);
  e.at = ImVec2(static_cast<float>(x) * s.ui_scale - s.diagram_origin.x,
                static_cast<float>(y) * s.ui_scale - s.diagram_origin.y);
  queue(s, e);
  s.changed = true;
}

// A PNG of the whole diagram, as the toolbar's PNG button makes it; nothing before a run.
void request_png() {
  if (!the_app()) return;
  queue(the_app()->canvas, event(canvas_event_kind::export_png));
  the_app()->canvas.changed = true;
}

//-----------------------------------------------------------------------------
// [SECTION] Test and benchmark hooks
//-----------------------------------------------------------------------------

// What the last rendered frame drew, in CSS pixels relative to the canvas.
val drawn_boxes() {
  val list = val::array();
  if (!the_app()) return list;
  for (const drawn_box& box : the_app()->canvas.drawn) {
    val item = val::object();
    item.set("index", box.index);
    item.set("kind", box.kind == box_kind::variable    ? "variable"
                     : box.kind == box_kind::aggregate ? "aggregate"
                                                       : "object");
    item.set("title", box.title);
    item.set("subtitle", box.subtitle);
    item.set("number", box.number);
    item.set("compared", box.compared);
    item.set("shared", (box.flags & box_flag::shared) != 0);
    item.set("cycle", (box.flags & box_flag::cycle) != 0);
    item.set("interpreter", (box.flags & box_flag::interpreter) != 0);
    item.set("rows", box.rows);
    item.set("x", box.x);
    item.set("y", box.y);
    item.set("w", box.w);
    item.set("h", box.h);
    item.set("textPx", box.text_px);
    list.call<void>("push", item);
  }
  return list;
}

const char* status_name(xray_widget::state st) {
  switch (st) {
    case xray_widget::state::idle: return "idle";
    case xray_widget::state::reading: return "reading";
    case xray_widget::state::done: return "done";
    case xray_widget::state::failed: return "failed";
  }
  return "idle";
}

// The X-ray's state: what it shows, and what its last frame drew (CSS pixels from the
// canvas's top-left corner).
val xray_stats(const canvas_state& s) {
  const xray_widget& x = s.xray;
  val out = val::object();
  out.set("status", std::string(status_name(x.status)));
  out.set("title", x.title);
  out.set("rounds", x.rounds);
  out.set("rowsDrawn", x.rows_drawn);
  double rows = 0;
  for (const xray_block& b : x.result.blocks)
    rows += static_cast<double>((b.bytes.size() + x.columns_drawn - 1) / x.columns_drawn);
  out.set("rows", rows);
  out.set("columns", x.columns_drawn);
  out.set("textColumn", x.text_drawn);
  const ImVec2 corner = ImGui::GetMainViewport()->Pos;
  auto css_x = [&](float px) { return (px - corner.x) / s.ui_scale; };
  auto css_y = [&](float px) { return (px - corner.y) / s.ui_scale; };
  val first = val::array();
  for (const xray_widget::drawn_row& r : x.first_rows) {
    val row = val::object();
    row.set("block", r.block);
    row.set("address", static_cast<double>(r.address));
    row.set("y", css_y(r.pos.y + r.height / 2));
    val bytes = val::array();
    for (float bx : r.byte_x) bytes.call<void>("push", css_x(bx));
    row.set("byteX", bytes);
    first.call<void>("push", row);
  }
  out.set("firstRows", first);
  if (x.hovered_field >= 0 && x.hovered_block >= 0 &&
      static_cast<std::size_t>(x.hovered_block) < x.result.blocks.size()) {
    const xray_block& b = x.result.blocks[static_cast<std::size_t>(x.hovered_block)];
    val hovered = val::object();
    hovered.set("block", x.hovered_block);
    hovered.set("field", x.hovered_field);
    hovered.set("name", b.fields[static_cast<std::size_t>(x.hovered_field)].name);
    out.set("hovered", hovered);
  } else {
    out.set("hovered", val::null());
  }
  return out;
}

val rect_of(const css_rect& r) {
  val out = val::object();
  out.set("x", r.x);
  out.set("y", r.y);
  out.set("w", r.w);
  out.set("h", r.h);
  return out;
}

// Where the last frame put the toolbar, the diagram, the strip under it and the dock, and
// what the overview counted (CSS pixels from the canvas's top-left corner).
val regions_of(const frame_regions& r) {
  val out = val::object();
  out.set("toolbar", rect_of(r.toolbar));
  out.set("toolbarLines", r.toolbar_lines);
  out.set("diagram", rect_of(r.diagram));
  out.set("strip", rect_of(r.strip));
  out.set("dock", r.dock.w > 0 ? rect_of(r.dock) : val::null());
  out.set("dockRight", r.dock_right);
  out.set("dockOverflowX", r.dock_overflow_x);
  val out_of_view = val::object();
  out_of_view.set("total", r.out_of_view);
  out_of_view.set("right", r.right);
  out_of_view.set("left", r.left);
  out_of_view.set("below", r.below);
  out_of_view.set("above", r.above);
  out.set("outOfView", out_of_view);
  out.set("minimap", r.minimap);
  return out;
}

val canvas_stats() {
  val out = val::object();
  if (!the_app()) return out;
  const app& a = *the_app();
  const canvas_state& s = a.canvas;
  out.set("framesRendered", s.frames_rendered);
  out.set("framebufferWidth", a.framebuffer_w);
  out.set("framebufferHeight", a.framebuffer_h);
  out.set("devicePixelRatio", a.dpr);
  out.set("zoom", s.zoom);
  out.set("arrows", static_cast<double>(s.arrows_drawn));
  out.set("boxes", static_cast<double>(s.layout.boxes.size()));
  out.set("visibleBoxes", static_cast<double>(s.drawn.size()));
  out.set("selected", s.selected == no_box ? val::null() : val(s.selected));
  out.set("presenter", s.presenter);
  out.set("measure", std::string(measure_names[static_cast<int>(s.shown)]));
  out.set("xrayOpen", s.xray.open);
  out.set("xrayBlocks",
          s.xray.status == xray_widget::state::done ? static_cast<double>(s.xray.result.blocks.size()) : 0.0);
  out.set("xrayError", s.xray.error);
  out.set("xray", xray_stats(s));
  out.set("hovered", s.hovered == no_box ? val::null() : val(s.hovered));
  out.set("tooltip", s.tooltip_shown);
  out.set("footprintsLoaded", s.footprints.has_value());
  out.set("smallIntsLoaded", s.small_ints.has_value());
  val windows = val::object();
  for (int t = 0; t < tool_count; ++t) {
    windows.set(tool_names[t], t == static_cast<int>(tool::xray) ? s.xray.open : s.show_tool[t]);
  }
  windows.set("legend", s.show_legend);
  out.set("windows", windows);
  // The smallest box text the last frame drew (CSS pixels; null when no box had text).
  float smallest = 0;
  for (const drawn_box& b : s.drawn) {
    if (b.text_px > 0 && (smallest == 0 || b.text_px < smallest)) smallest = b.text_px;
  }
  out.set("boxTextPx", smallest > 0 ? val(smallest) : val::null());
  out.set("regions", regions_of(s.regions));
  return out;
}

// The X-ray's decoded fields: [{ block, address, size, name, value, note }].
val xray_fields() {
  val out = val::array();
  if (!the_app()) return out;
  const xray_result& r = the_app()->canvas.xray.result;
  for (std::size_t b = 0; b < r.blocks.size(); ++b) {
    for (const xray_field& f : r.blocks[b].fields) {
      val item = val::object();
      item.set("block", static_cast<double>(b));
      item.set("address", static_cast<double>(f.address));
      item.set("size", f.size);
      item.set("name", f.name);
      item.set("value", f.value);
      item.set("note", f.note);
      out.call<void>("push", item);
    }
  }
  return out;
}

// Benchmark hook: the durations of the frames rendered since the last call, in ms.
val frame_times() {
  val out = val::array();
  if (!the_app()) return out;
  for (double ms : the_app()->frame_ms) out.call<void>("push", ms);
  the_app()->frame_ms.clear();
  return out;
}

// Test hook: a canvas action by name, queued as a click or key would queue it ("select",
// box index), ("measure", 0..4), ("inline", bool), ("expand", box), ("fit") as the Fit button, ("fit", "all") as the 0
// key, ("zoom", factor: that zoom with the diagram's top left corner at the canvas's); or done at once for windows:
// ("window", "sizes"|"footprints"|"growth"|"smallInts"|"legend"),
// ("closeWindows"), ("dock", the share of the canvas the dock takes, 0.2..0.8), ("redraw").
void canvas_action(std::string action, val arg) {
  if (!the_app()) return;
  canvas_state& s = the_app()->canvas;
  if (action == "select") {
    canvas_event e = event(canvas_event_kind::select);
    e.box = key_of(s, arg.as<unsigned>());
    queue(s, e);
  } else if (action == "measure") {
    canvas_event e = event(canvas_event_kind::set_measure);
    e.shown = static_cast<measure>(std::clamp(arg.as<int>(), 0, 4));
    queue(s, e);
  } else if (action == "inline") {
    canvas_event e = event(canvas_event_kind::set_inline_shared);
    e.flag = arg.as<bool>();
    queue(s, e);
  } else if (action == "window") {
    const std::string name = arg.as<std::string>();
    if (name == "sizes") s.requests.push_back(canvas_request::sizes_table);
    for (int t = 1; t < tool_count; ++t) {
      if (name == tool_names[t]) open_tool(s, static_cast<tool>(t));
    }
    if (name == "legend") s.show_legend = true;
  } else if (action == "closeWindows") {
    for (bool& open : s.show_tool) open = false;
    s.xray.open = false;
  } else if (action == "expand") {
    const unsigned box = arg.as<unsigned>();
    const auto& expanded = s.layout_options.expanded;
    if (box < s.layout.boxes.size() &&
        std::find(expanded.begin(), expanded.end(), s.layout.boxes[box].node) == expanded.end()) {
      canvas_event e = event(canvas_event_kind::toggle_expanded);
      e.node = s.layout.boxes[box].node;
      queue(s, e);
    }
  } else if (action == "dock") {
    s.dock_fraction = std::clamp(arg.as<float>(), 0.2f, 0.8f);
  } else if (action == "fit") {
    canvas_event e = event(canvas_event_kind::fit);
    e.flag = arg.isString() && arg.as<std::string>() == "all";
    queue(s, e);
  } else if (action == "zoom") {
    canvas_event e = event(canvas_event_kind::set_view);
    e.factor = arg.as<float>();
    queue(s, e);
  }
  s.changed = true;
}

}  // namespace
}  // namespace bytewise::app

EMSCRIPTEN_BINDINGS(bytewise_app) {
  using namespace bytewise::app;
  emscripten::function("showReport", &show_report);
  emscripten::function("xrayMemory", &xray_memory);
  emscripten::function("xrayMemoryFailed", &xray_memory_failed);
  emscripten::function("setFootprints", &set_footprints);
  emscripten::function("setSmallInts", &set_small_ints);
  emscripten::function("setPresenter", &set_presenter_mode);
  emscripten::function("presenter", &presenter);
  emscripten::function("zoomBy", &zoom_by);
  emscripten::function("exportPng", &request_png);
  emscripten::function("drawnBoxes", &drawn_boxes);
  emscripten::function("canvasStats", &canvas_stats);
  emscripten::function("canvasAction", &canvas_action);
  emscripten::function("xrayFields", &xray_fields);
  emscripten::function("frameTimes", &frame_times);
}
