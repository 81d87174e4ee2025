// bytewise-app: the page's wasm module, the core plus the Dear ImGui canvas. This file is
// its frame loop; js_interface.cpp is what JavaScript calls.
//
// Start here: main() opens a GLFW window on the page's <canvas id="bw-canvas"> (passed in
// as Module.canvas by web/canvas.js), sets up ImGui with WebGL2, and runs frame() on every
// animation frame. A frame polls input, draws the canvas from canvas_state (ShowCanvas),
// then applies the events that drawing queued (apply_events), renders, and passes the
// canvas's requests to the page.
//
// Index:
//   [SECTION] State
//   [SECTION] Fonts, scale and presenter mode
//   [SECTION] Frame loop
#include "app.hpp"
#include "canvas.hpp"
#include "fonts.hpp"

#define GLFW_INCLUDE_ES3
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>

#include "backends/imgui_impl_glfw.h"
#include "backends/imgui_impl_opengl3.h"
#include "imgui.h"

#include <algorithm>
#include <cmath>

namespace bytewise::app {
namespace {

app* instance = nullptr;

}  // namespace

app* the_app() { return instance; }

}  // namespace bytewise::app

namespace {

//-----------------------------------------------------------------------------
// [SECTION] State
//-----------------------------------------------------------------------------

// The app's state is bytewise::app::app (app.hpp); the_app() is the page's one instance.
using bytewise::app::app;
using bytewise::app::canvas_state;
using emscripten::val;

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

void frame(void* arg) {
  app& a = *static_cast<app*>(arg);
  canvas_state& s = a.canvas;
  const double started = emscripten_get_now();
  sync_canvas_size(a);
  glfwPollEvents();
  // A PNG holds the whole diagram: fit it, draw it without the toolbar and windows, and
  // read the pixels back in the same frame (WebGL clears the buffer once it is shown).
  const bool exporting = s.png_pending && s.snap.has_value();
  s.png_pending = false;
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
  if (exporting) {  // the draw data holds the export; the view goes back to the user's
    s.exporting = false;
    s.pan = s.saved_pan;
    s.zoom = s.saved_zoom;
    s.fit_pending = false;
  }
  // The frame is drawn: the clicks, keys and toolbar actions it queued may now change the
  // selection, the layout and the view.
  bytewise::app::apply_events(s);
  if (a.redraw_frames > 0 || exporting) {
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
      a.png = val::module_property("canvas").call<val>("toDataURL", std::string("image/png"));
      s.requests.push_back(bytewise::app::canvas_request::png_ready);
      a.redraw_frames = 2;
    }
  }
  bytewise::app::forward_requests(a);
}

}  // namespace

int main() {
  if (!glfwInit()) {
    emscripten_log(EM_LOG_ERROR, "Bytewise: GLFW could not start; the canvas stays empty.");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  auto* a = new app;  // lives as long as the page
  bytewise::app::instance = a;
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
    app* on = bytewise::app::the_app();
    if (on && (action == GLFW_PRESS || action == GLFW_REPEAT)) on->canvas.pressed_keys.push_back(key);
  });
  glfwSetMouseButtonCallback(a->window, [](GLFWwindow* window, int button, int action, int) {
    app* on = bytewise::app::the_app();
    if (!on || button != GLFW_MOUSE_BUTTON_LEFT || action != GLFW_PRESS) return;
    double x = 0, y = 0;
    glfwGetCursorPos(window, &x, &y);
    on->canvas.press_pos = ImVec2(static_cast<float>(x), static_cast<float>(y));
  });
  ImGui_ImplGlfw_InitForOpenGL(a->window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  emscripten_set_main_loop_arg(frame, a, 0, false);
  return 0;
}
