// bytewise-app: the page's wasm module, the core plus the Dear ImGui canvas.
//
// Start here: main() opens a GLFW window on the page's <canvas id="bw-canvas"> (passed in
// as Module.canvas by web/canvas.js), sets up ImGui with WebGL2, and runs frame() on every
// animation frame. JS hands snapshots in through showSnapshot(); the canvas keeps the
// parsed snapshot, its analysis and its layout in canvas_state and draws from that only.
// What the canvas asks of the page (an X-ray, footprint data, a PNG) goes out through
// Module.onCanvasRequest(name, detail) after each frame.
//
// Index:
//   [SECTION] State
//   [SECTION] Fonts, scale and presenter mode
//   [SECTION] Frame loop
//   [SECTION] JavaScript interface
#include "canvas.hpp"
#include "fonts.hpp"

#include "../bindings/report.hpp"

#include <bytewise/analysis.hpp>
#include <bytewise/snapshot.hpp>
#include <bytewise/xray.hpp>

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/html5.h>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"

#include <cmath>
#include <vector>

namespace {

using bytewise::app::canvas_state;
using emscripten::val;

//-----------------------------------------------------------------------------
// [SECTION] State
//-----------------------------------------------------------------------------

// The one app instance of this page; JS reaches it only through the bindings below.
struct app {
  GLFWwindow* window = nullptr;
  canvas_state canvas;
  double dpr = 0;
  bool presenter_applied = false;
  int framebuffer_w = 0, framebuffer_h = 0;
  int redraw_frames = 2;  // frames left to render after the last change
  ImVec2 last_mouse{-1, -1};
  bool png_pending = false;  // export on the next rendered frame
  // Milliseconds each rendered frame took, from polling input to handing the draw data to
  // WebGL (the last 600; bench:canvas reads them through frameTimes()).
  std::vector<double> frame_ms;
};

app* the_app = nullptr;

//-----------------------------------------------------------------------------
// [SECTION] Fonts, scale and presenter mode
//-----------------------------------------------------------------------------

constexpr const char* canvas_selector = "#bw-canvas";

// Fonts and style are rebuilt at the device pixel ratio (and bigger in presenter mode), so
// text is drawn at native resolution instead of being stretched by the browser. Each face
// comes at three sizes; the diagram picks the one nearest its zoom.
void apply_scale(app& a) {
  canvas_state& s = a.canvas;
  const float ui = static_cast<float>(a.dpr) * (s.presenter ? 1.5f : 1.0f);
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.FontDataOwnedByAtlas = false;
  config.OversampleH = 2;
  const float sizes[3] = {13.0f * ui, 22.0f * ui, 36.0f * ui};
  const bytewise::app::font_file* faces[2] = {&bytewise::app::mono_regular, &bytewise::app::mono_bold};
  for (int face = 0; face < 2; ++face) {
    for (int i = 0; i < 3; ++i) {
      static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2011, 0x2026, 0x2190, 0x2193, 0x21BA, 0x21BA,
                                       0x2248, 0x2265, 0x25B2, 0x25CF, 0x2715, 0x2715, 0};
      s.fonts[face][i] = io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(faces[face]->data),
                                                        static_cast<int>(faces[face]->size), sizes[i], &config, ranges);
    }
  }
  io.FontDefault = s.fonts[0][0];
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  ImGuiStyle style;
  ImGui::StyleColorsLight(&style);
  // Checkboxes and combos need a visible frame on the light canvas.
  style.Colors[ImGuiCol_FrameBg] = ImVec4(0.87f, 0.89f, 0.93f, 1.0f);
  style.Colors[ImGuiCol_FrameBgHovered] = ImVec4(0.80f, 0.85f, 0.95f, 1.0f);
  style.FrameBorderSize = 1;
  style.WindowRounding = 4;
  style.FrameRounding = 3;
  if (s.presenter) {
    style.Colors[ImGuiCol_Text] = ImVec4(0, 0, 0, 1);
    style.Colors[ImGuiCol_WindowBg] = ImVec4(1, 1, 1, 1);
    style.Colors[ImGuiCol_Border] = ImVec4(0, 0, 0, 0.8f);
    style.FrameBorderSize = 1;
  }
  style.ScaleAllSizes(ui);
  ImGui::GetStyle() = style;
  s.ui_scale = static_cast<float>(a.dpr);
  a.presenter_applied = s.presenter;
}

// Keeps the framebuffer at the canvas's CSS size times the device pixel ratio.
void sync_canvas_size(app& a) {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size(canvas_selector, &css_w, &css_h);
  double dpr = emscripten_get_device_pixel_ratio();
  int w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
  int h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
  if (dpr != a.dpr || a.canvas.presenter != a.presenter_applied) {
    a.dpr = dpr;
    apply_scale(a);
    a.redraw_frames = 2;
  }
  if (w != a.framebuffer_w || h != a.framebuffer_h) {
    a.framebuffer_w = w;
    a.framebuffer_h = h;
    glfwSetWindowSize(a.window, w, h);
    a.redraw_frames = 2;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Frame loop
//-----------------------------------------------------------------------------

// Rendering only when something changed keeps an idle tab (and a projector laptop) cool.
bool input_changed(app& a) {
  const ImGuiIO& io = ImGui::GetIO();
  bool changed = io.MousePos.x != a.last_mouse.x || io.MousePos.y != a.last_mouse.y || io.MouseWheel != 0 ||
                 io.MouseWheelH != 0 || !io.InputQueueCharacters.empty();
  for (bool down : io.MouseDown) changed |= down;
  for (bool down : io.KeysDown) changed |= down;
  a.last_mouse = io.MousePos;
  return changed;
}

// Passes the canvas's requests to the page: Module.onCanvasRequest(name, detail).
void forward_requests(app& a) {
  canvas_state& s = a.canvas;
  if (s.requests.empty()) return;
  std::vector<std::string> requests;
  requests.swap(s.requests);
  val handler = val::module_property("onCanvasRequest");
  for (const std::string& name : requests) {
    if (name == "exportPng") {
      a.png_pending = true;
      a.redraw_frames = std::max(a.redraw_frames, 1);
      continue;
    }
    val detail = val::object();
    if (name == "xray" && s.snap && s.xray.node != bytewise::no_node) {
      detail = bytewise::wasm::xray_subject_to_js(bytewise::xray_subject_of(*s.snap, s.xray.node));
    }
    if (!handler.isUndefined()) handler(name, detail);
  }
}

void frame(void* arg) {
  app& a = *static_cast<app*>(arg);
  canvas_state& s = a.canvas;
  const double started = emscripten_get_now();
  sync_canvas_size(a);
  glfwPollEvents();
  // A PNG holds the whole diagram: fit it, draw it without the toolbar and windows, and
  // read the pixels back in the same frame (WebGL clears the buffer once it is shown).
  const bool exporting = a.png_pending && s.snap.has_value();
  if (exporting) {
    s.saved_pan = s.pan;
    s.saved_zoom = s.zoom;
    s.exporting = true;
    s.fit_pending = true;
  }
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  if (input_changed(a) || s.changed) a.redraw_frames = 3;
  s.changed = false;
  bytewise::app::ShowCanvas(&s);
  s.pressed_keys.clear();  // what the diagram did not take is not kept for later
  ImGui::Render();
  forward_requests(a);
  if (a.redraw_frames <= 0 && !exporting) return;
  --a.redraw_frames;
  glViewport(0, 0, a.framebuffer_w, a.framebuffer_h);
  const ImVec4 bg = bytewise::app::canvas_background(s);
  glClearColor(bg.x, bg.y, bg.z, bg.w);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  s.frames_rendered += 1;
  if (a.frame_ms.size() == 600) a.frame_ms.erase(a.frame_ms.begin());
  a.frame_ms.push_back(emscripten_get_now() - started);
  if (exporting) {
    EM_ASM({
      const canvas = Module["canvas"];
      const link = document.createElement("a");
      link.download = "bytewise-diagram.png";
      link.href = canvas.toDataURL("image/png");
      if (Module["onCanvasRequest"]) Module["onCanvasRequest"]("pngReady", link.href);
      link.click();
    });
    a.png_pending = false;
    s.exporting = false;
    s.pan = s.saved_pan;
    s.zoom = s.saved_zoom;
    s.fit_pending = false;
    a.redraw_frames = 2;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] JavaScript interface
//-----------------------------------------------------------------------------

// Parses and analyses a snapshot without touching what the canvas shows.
val analyze(std::uintptr_t address, std::size_t size, val options) {
  return bytewise::wasm::analyze_bytes(address, size, options);
}

val show(std::uintptr_t address, std::size_t size, val options, bool keep_view) {
  bytewise::snapshot snap;
  bytewise::analysis analysis;
  val report = bytewise::wasm::analyze_bytes(address, size, options, &snap, &analysis);
  if (the_app && report["ok"].as<bool>()) {
    bytewise::app::set_snapshot(the_app->canvas, std::move(snap), std::move(analysis), keep_view);
  }
  return report;
}

// Parses, analyses and shows a snapshot (fitting it to the view). On bad input the canvas
// keeps the last good diagram and the diagnostics are returned.
val show_snapshot(std::uintptr_t address, std::size_t size, val options) { return show(address, size, options, false); }

// The same, keeping the view: the same capture analysed again (another compared platform).
val show_snapshot_keeping_view(std::uintptr_t address, std::size_t size, val options) {
  return show(address, size, options, true);
}

double number_or(const val& v, double fallback) { return v.isNumber() ? v.as<double>() : fallback; }
std::string string_or(const val& v) { return v.isString() ? v.as<std::string>() : std::string(); }

// The worker's X-ray result (web/xray.js) for the selected object.
void show_xray(val result) {
  if (!the_app) return;
  bytewise::app::xray_view& x = the_app->canvas.xray;
  x.loading = false;
  x.blocks.clear();
  x.problems.clear();
  x.error.clear();
  if (!result["ok"].as<bool>()) {
    val errors = result["errors"];
    x.error = errors.isArray() && errors["length"].as<unsigned>() > 0 ? string_or(errors[0]["message"])
                                                                      : "The object could not be read.";
    the_app->canvas.changed = true;
    return;
  }
  val blocks = result["blocks"];
  for (unsigned i = 0; i < blocks["length"].as<unsigned>(); ++i) {
    val b = blocks[i];
    bytewise::app::xray_block_view block;
    block.name = string_or(b["name"]);
    block.allocation = string_or(b["allocation"]);
    block.address = number_or(b["address"], 0);
    block.allocated = number_or(b["allocated"], 0);
    block.requested = number_or(b["requested"], 0);
    block.bytes = emscripten::convertJSArrayToNumberVector<std::uint8_t>(b["bytes"]);
    val fields = b["fields"];
    for (unsigned f = 0; f < fields["length"].as<unsigned>(); ++f) {
      val fv = fields[f];
      block.fields.push_back({number_or(fv["address"], 0), static_cast<std::uint32_t>(number_or(fv["size"], 0)),
                              string_or(fv["name"]), string_or(fv["value"]), string_or(fv["note"]),
                              number_or(fv["pointsTo"], 0)});
    }
    x.blocks.push_back(std::move(block));
  }
  val problems = result["problems"];
  for (unsigned i = 0; problems.isArray() && i < problems["length"].as<unsigned>(); ++i) {
    x.problems.push_back(string_or(problems[i]["message"]));
  }
  the_app->canvas.changed = true;
}

// measurer.footprints() (web/measure.js).
void set_footprints(val data) {
  if (!the_app) return;
  bytewise::app::footprints_data out;
  out.platform = string_or(data["platform"]);
  auto read = [](val list, std::vector<bytewise::app::footprint_series>& into) {
    for (unsigned i = 0; list.isArray() && i < list["length"].as<unsigned>(); ++i) {
      bytewise::app::footprint_series series;
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
  the_app->canvas.footprints = std::move(out);
  the_app->canvas.changed = true;
}

// measurer.smallInts() (web/measure.js).
void set_small_ints(val data) {
  if (!the_app) return;
  bytewise::app::small_ints_data out;
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
  the_app->canvas.small_ints = std::move(out);
  the_app->canvas.changed = true;
}

void set_presenter(bool on) {
  if (the_app) bytewise::app::set_presenter(the_app->canvas, on);
}

bool presenter() { return the_app && the_app->canvas.presenter; }

// Pinch and other zoom gestures the page recognises: zoom by `factor` around (x, y), in
// CSS pixels from the canvas's top-left corner.
void zoom_by(double factor, double x, double y) {
  if (!the_app || !(factor > 0)) return;
  canvas_state& s = the_app->canvas;
  const float old = s.zoom;
  s.zoom = std::clamp(s.zoom * static_cast<float>(factor), bytewise::app::min_zoom, bytewise::app::max_zoom);
  const float px = static_cast<float>(x) * s.ui_scale, py = static_cast<float>(y) * s.ui_scale;
  s.pan.x -= (px - s.pan.x) * (s.zoom / old - 1);
  s.pan.y -= (py - s.pan.y) * (s.zoom / old - 1);
  s.changed = true;
}

void request_png() {
  if (the_app) the_app->canvas.requests.push_back("exportPng");
}

// Test hooks: what the last rendered frame drew, in CSS pixels relative to the canvas.
val drawn_boxes() {
  val list = val::array();
  if (!the_app) return list;
  for (const bytewise::app::drawn_box& box : the_app->canvas.drawn) {
    val item = val::object();
    item.set("kind", box.kind == bytewise::box_kind::variable    ? "variable"
                     : box.kind == bytewise::box_kind::aggregate ? "aggregate"
                                                                 : "object");
    item.set("title", box.title);
    item.set("subtitle", box.subtitle);
    item.set("number", box.number);
    item.set("compared", box.compared);
    item.set("shared", (box.flags & bytewise::box_flag::shared) != 0);
    item.set("cycle", (box.flags & bytewise::box_flag::cycle) != 0);
    item.set("interpreter", (box.flags & bytewise::box_flag::interpreter) != 0);
    item.set("rows", box.rows);
    item.set("x", box.x);
    item.set("y", box.y);
    item.set("w", box.w);
    item.set("h", box.h);
    list.call<void>("push", item);
  }
  return list;
}

val canvas_stats() {
  val out = val::object();
  if (!the_app) return out;
  const canvas_state& s = the_app->canvas;
  out.set("framesRendered", s.frames_rendered);
  out.set("framebufferWidth", the_app->framebuffer_w);
  out.set("framebufferHeight", the_app->framebuffer_h);
  out.set("devicePixelRatio", the_app->dpr);
  out.set("zoom", s.zoom);
  out.set("arrows", static_cast<double>(s.arrows_drawn));
  out.set("boxes", static_cast<double>(s.layout.boxes.size()));
  out.set("visibleBoxes", static_cast<double>(s.drawn.size()));
  out.set("selected", s.selected == bytewise::no_box ? val::null() : val(s.selected));
  out.set("presenter", s.presenter);
  out.set("measure", std::string(bytewise::app::measure_names[static_cast<int>(s.shown)]));
  out.set("xrayOpen", s.show_xray);
  out.set("xrayBlocks", static_cast<double>(s.xray.blocks.size()));
  out.set("xrayError", s.xray.error);
  out.set("hovered", s.hovered == bytewise::no_box ? val::null() : val(s.hovered));
  out.set("footprintsLoaded", s.footprints.has_value());
  out.set("smallIntsLoaded", s.small_ints.has_value());
  val windows = val::object();
  windows.set("sizes", s.show_sizes);
  windows.set("footprints", s.show_footprints);
  windows.set("growth", s.show_growth);
  windows.set("smallInts", s.show_small_ints);
  windows.set("legend", s.show_legend);
  out.set("windows", windows);
  return out;
}

// Benchmark hook: the durations of the frames rendered since the last call, in ms.
val frame_times() {
  val out = val::array();
  if (!the_app) return out;
  for (double ms : the_app->frame_ms) out.call<void>("push", ms);
  the_app->frame_ms.clear();
  return out;
}

// Test hook: a canvas action by name, as a click or key would do it ("select", index),
// ("measure", 0..4), ("window", "sizes"|"footprints"|"growth"|"smallInts"), ("expand", box),
// ("fit"), ("zoom", factor), ("redraw").
void canvas_action(std::string action, val arg) {
  if (!the_app) return;
  canvas_state& s = the_app->canvas;
  if (action == "select") {
    bytewise::app::select_box(s, arg.as<unsigned>());
  } else if (action == "measure") {
    s.shown = static_cast<bytewise::app::measure>(std::clamp(arg.as<int>(), 0, 4));
  } else if (action == "inline") {
    s.layout_options.inline_shared = arg.as<bool>();
    bytewise::app::relayout(s);
  } else if (action == "window") {
    const std::string name = arg.as<std::string>();
    if (name == "sizes") s.show_sizes = true;
    if (name == "growth") s.show_growth = true;
    if (name == "footprints") {
      s.show_footprints = true;
      if (!s.footprints) s.requests.push_back("footprints");
    }
    if (name == "smallInts") {
      s.show_small_ints = true;
      if (!s.small_ints) s.requests.push_back("smallInts");
    }
    if (name == "legend") s.show_legend = true;
  } else if (action == "closeWindows") {
    s.show_sizes = s.show_growth = s.show_footprints = s.show_small_ints = s.show_xray = false;
  } else if (action == "expand") {
    const unsigned box = arg.as<unsigned>();
    if (box < s.layout.boxes.size()) {
      s.layout_options.expanded.push_back(s.layout.boxes[box].node);
      bytewise::app::relayout(s);
    }
  } else if (action == "fit") {
    bytewise::app::request_fit(s);
  } else if (action == "zoom") {  // this zoom, the diagram's top left corner at the canvas's
    s.zoom = std::clamp(arg.as<float>(), bytewise::app::min_zoom, bytewise::app::max_zoom);
    s.pan = ImVec2(0, 0);
  }
  s.changed = true;
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_app) {
  emscripten::function("analyze", &analyze);
  emscripten::function("showSnapshot", &show_snapshot);
  emscripten::function("showSnapshotKeepingView", &show_snapshot_keeping_view);
  emscripten::function("showXray", &show_xray);
  emscripten::function("setFootprints", &set_footprints);
  emscripten::function("setSmallInts", &set_small_ints);
  emscripten::function("setPresenter", &set_presenter);
  emscripten::function("presenter", &presenter);
  emscripten::function("zoomBy", &zoom_by);
  emscripten::function("exportPng", &request_png);
  emscripten::function("drawnBoxes", &drawn_boxes);
  emscripten::function("canvasStats", &canvas_stats);
  emscripten::function("canvasAction", &canvas_action);
  emscripten::function("frameTimes", &frame_times);
  emscripten::function("platforms", &bytewise::wasm::platforms_to_js);
}

int main() {
  if (!glfwInit()) {
    emscripten_log(EM_LOG_ERROR, "Bytewise: GLFW could not start; the canvas stays empty.");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  auto* a = new app;  // lives as long as the page
  a->window = glfwCreateWindow(640, 480, "Bytewise", nullptr, nullptr);
  if (!a->window) {
    emscripten_log(EM_LOG_ERROR, "Bytewise: WebGL2 is not available; the canvas stays empty.");
    return 1;
  }
  glfwMakeContextCurrent(a->window);
  EM_ASM(Module["shadowGlState"](GLctx));  // gl-state.js
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  // Installed before ImGui's own callbacks, which call it first: every press is queued
  // for the diagram's keyboard navigation (see canvas_state::pressed_keys).
  glfwSetKeyCallback(a->window, [](GLFWwindow*, int key, int, int action, int) {
    if (the_app && (action == GLFW_PRESS || action == GLFW_REPEAT)) the_app->canvas.pressed_keys.push_back(key);
  });
  glfwSetMouseButtonCallback(a->window, [](GLFWwindow* window, int button, int action, int) {
    if (!the_app || button != GLFW_MOUSE_BUTTON_LEFT || action != GLFW_PRESS) return;
    double x = 0, y = 0;
    glfwGetCursorPos(window, &x, &y);
    the_app->canvas.press_pos = ImVec2(static_cast<float>(x), static_cast<float>(y));
  });
  ImGui_ImplGlfw_InitForOpenGL(a->window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  the_app = a;
  emscripten_set_main_loop_arg(frame, a, 0, false);
  return 0;
}
