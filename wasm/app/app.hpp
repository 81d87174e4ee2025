// The page's one app instance: the GLFW window, the canvas's state and the frame loop's own
// bookkeeping. main.cpp runs the frame loop; js_interface.cpp is everything JavaScript
// calls, and passes the canvas's requests out to it after each frame.
#pragma once

#include "canvas.hpp"

#include <emscripten/val.h>

#include <vector>

struct GLFWwindow;

namespace bytewise::app {

struct app {
  GLFWwindow* window = nullptr;
  canvas_state canvas;
  double dpr = 0;
  bool presenter_applied = false;
  int framebuffer_w = 0, framebuffer_h = 0;
  int redraw_frames = 2;  // frames left to render after the last change
  ImVec2 last_mouse{-1, -1};
  // The PNG the last export drew (a data URL), for canvas_request::png_ready.
  emscripten::val png = emscripten::val::undefined();
  // Milliseconds each rendered frame took, from polling input to handing the draw data to
  // WebGL (the last 600; bench:canvas reads them through frameTimes()).
  std::vector<double> frame_ms;
};

// The app main() made; nullptr before that (or when WebGL2 is missing).
app* the_app();

// Passes the canvas's requests to the page (Module.onCanvasRequest(name, detail)) and
// clears them: js_interface.cpp, called by the frame loop after each frame.
void forward_requests(app& a);

}  // namespace bytewise::app
