// The diagram canvas: draws a bytewise::diagram (laid out by the core) with ImGui's draw
// list, with pan (drag), zoom (wheel, buttons), fit, and a tooltip per box.
//
// Shaped like an ImGui panel: all state lives in canvas_state, and ShowCanvasWindow()
// draws one frame of it. No function-local statics.
#pragma once

#include <bytewise/analysis.hpp>
#include <bytewise/diagram.hpp>
#include <bytewise/snapshot.hpp>

#include "imgui.h"

#include <optional>
#include <vector>

namespace bytewise::app {

struct canvas_state {
  // Settings
  float ui_scale = 1.0f;  // device pixels per CSS pixel

  // Read-only for the rest of the app
  std::optional<snapshot> snap;
  analysis result;
  diagram layout;
  std::vector<diagram_box> drawn;  // boxes in the last frame, screen (device) pixels
  int frames_rendered = 0;
  bool changed = true;  // the next frame must be rendered

  // Internal
  ImVec2 pan{0, 0};  // device pixels
  float zoom = 1.0f;
  bool fit_pending = true;
};

// Replaces what the canvas shows and fits it to the view on the next frame.
void set_snapshot(canvas_state& state, snapshot snap, analysis result);

// Draws the canvas as a window covering the whole display.
void ShowCanvasWindow(canvas_state* state);

ImVec4 canvas_background();

}  // namespace bytewise::app
