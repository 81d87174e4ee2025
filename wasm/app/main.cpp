// bytewise-app: the page's wasm module, the core plus the Dear ImGui canvas.
//
// Start here: main() opens a GLFW window on the page's <canvas id="bw-canvas"> (passed in
// as Module.canvas by web/canvas.js), sets up ImGui with WebGL2, and runs frame() on every
// animation frame. JS hands snapshots in through showSnapshot(); the app keeps the parsed
// snapshot and its layout in app_state and draws from that state only.
//
// Index:
//   [SECTION] State
//   [SECTION] Frame loop and display scaling
//   [SECTION] JavaScript interface
#include "canvas.hpp"

#include "../bindings/report.hpp"

#include <bytewise/analysis.hpp>
#include <bytewise/snapshot.hpp>

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/bind.h>
#include <emscripten/html5.h>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"

#include <cmath>

namespace {

//-----------------------------------------------------------------------------
// [SECTION] State
//-----------------------------------------------------------------------------

// The one app instance of this page; JS reaches it only through the bindings below.
struct app {
  GLFWwindow* window = nullptr;
  bytewise::app::canvas_state canvas;
  double dpr = 0;
  int framebuffer_w = 0, framebuffer_h = 0;
  int redraw_frames = 2;  // frames left to render after the last change
  ImVec2 last_mouse{-1, -1};
};

app* the_app = nullptr;

//-----------------------------------------------------------------------------
// [SECTION] Frame loop and display scaling
//-----------------------------------------------------------------------------

constexpr const char* canvas_selector = "#bw-canvas";

// Fonts and style are rebuilt at the device pixel ratio, so text is drawn at native
// resolution instead of being stretched by the browser.
void apply_scale(app& a) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.SizePixels = std::round(13.0f * static_cast<float>(a.dpr));
  io.Fonts->AddFontDefault(&config);
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  ImGuiStyle style;
  ImGui::StyleColorsLight(&style);
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.ScaleAllSizes(static_cast<float>(a.dpr));
  ImGui::GetStyle() = style;
  a.canvas.ui_scale = static_cast<float>(a.dpr);
}

// Keeps the framebuffer at the canvas's CSS size times the device pixel ratio.
void sync_canvas_size(app& a) {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size(canvas_selector, &css_w, &css_h);
  double dpr = emscripten_get_device_pixel_ratio();
  int w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
  int h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
  if (dpr != a.dpr) {
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

// Rendering only when something changed keeps an idle tab (and a projector laptop) cool.
bool input_changed(app& a) {
  const ImGuiIO& io = ImGui::GetIO();
  bool changed = io.MousePos.x != a.last_mouse.x || io.MousePos.y != a.last_mouse.y ||
                 io.MouseWheel != 0 || io.MouseWheelH != 0 || !io.InputQueueCharacters.empty();
  for (bool down : io.MouseDown) changed |= down;
  for (bool down : io.KeysDown) changed |= down;
  a.last_mouse = io.MousePos;
  return changed;
}

void frame(void* arg) {
  app& a = *static_cast<app*>(arg);
  sync_canvas_size(a);
  glfwPollEvents();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGui::NewFrame();
  if (input_changed(a) || a.canvas.changed) a.redraw_frames = 3;
  a.canvas.changed = false;
  bytewise::app::ShowCanvasWindow(&a.canvas);
  ImGui::Render();
  if (a.redraw_frames <= 0) return;
  --a.redraw_frames;
  glViewport(0, 0, a.framebuffer_w, a.framebuffer_h);
  const ImVec4 bg = bytewise::app::canvas_background();
  glClearColor(bg.x, bg.y, bg.z, bg.w);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  a.canvas.frames_rendered += 1;
}

//-----------------------------------------------------------------------------
// [SECTION] JavaScript interface
//-----------------------------------------------------------------------------

using emscripten::val;

// Parses and analyses a snapshot without touching what the canvas shows.
val analyze(std::uintptr_t address, std::size_t size, val options) {
  return bytewise::wasm::analyze_bytes(address, size, options);
}

// Parses, analyses and shows a snapshot. On bad input the canvas keeps the last good
// diagram and the diagnostics are returned.
val show_snapshot(std::uintptr_t address, std::size_t size, val options) {
  bytewise::snapshot snap;
  bytewise::analysis analysis;
  val report = bytewise::wasm::analyze_bytes(address, size, options, &snap, &analysis);
  if (the_app && report["ok"].as<bool>()) {
    bytewise::app::set_snapshot(the_app->canvas, std::move(snap), std::move(analysis));
  }
  return report;
}

// Test hook: what the last rendered frame drew, in CSS pixels relative to the canvas.
val drawn_boxes() {
  val list = val::array();
  if (!the_app) return list;
  float scale = the_app->dpr > 0 ? static_cast<float>(the_app->dpr) : 1.0f;
  for (const auto& box : the_app->canvas.drawn) {
    val item = val::object();
    item.set("kind", box.kind == bytewise::box_kind::variable ? "variable"
                     : box.kind == bytewise::box_kind::more   ? "more"
                                                              : "object");
    item.set("title", box.title);
    item.set("detail", box.detail);
    item.set("compared", box.compared);
    item.set("x", box.x / scale);
    item.set("y", box.y / scale);
    item.set("w", box.w / scale);
    item.set("h", box.h / scale);
    list.call<void>("push", item);
  }
  return list;
}

val canvas_stats() {
  val out = val::object();
  if (!the_app) return out;
  out.set("framesRendered", the_app->canvas.frames_rendered);
  out.set("framebufferWidth", the_app->framebuffer_w);
  out.set("framebufferHeight", the_app->framebuffer_h);
  out.set("devicePixelRatio", the_app->dpr);
  out.set("zoom", the_app->canvas.zoom);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_app) {
  emscripten::function("analyze", &analyze);
  emscripten::function("showSnapshot", &show_snapshot);
  emscripten::function("drawnBoxes", &drawn_boxes);
  emscripten::function("canvasStats", &canvas_stats);
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
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;
  ImGui_ImplGlfw_InitForOpenGL(a->window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  the_app = a;
  emscripten_set_main_loop_arg(frame, a, 0, false);
  return 0;
}
