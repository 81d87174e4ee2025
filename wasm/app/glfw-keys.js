// Linked with --post-js into bytewise-app.js (it runs inside the module's scope).
//
// Emscripten 3.1.6's GLFW listens for keys on `window` in the capture phase and calls
// preventDefault on Backspace and Tab, so an HTML editor elsewhere on the page would lose
// them. GLFW here only sees keys aimed at its own canvas; everything else passes by.
(function () {
  function onlyForCanvas(handler) {
    return function (event) {
      if (event.target !== Module["canvas"]) return;
      return handler.call(this, event);
    };
  }
  GLFW.onKeydown = onlyForCanvas(GLFW.onKeydown);
  GLFW.onKeyPress = onlyForCanvas(GLFW.onKeyPress);
  GLFW.onKeyup = onlyForCanvas(GLFW.onKeyup);
})();

// Emscripten 3.1.6's GLFW 3 hands the browser's raw wheel deltas to the scroll callback
// (pixels, positive = down) where GLFW promises steps with positive = up, so every notch
// scrolled ImGui windows 100 lines the wrong way. Pass it steps the way GLFW means them:
// 100 pixels or 3 lines make a step, as Emscripten's own Browser.getMouseWheelDelta counts.
(function () {
  const wheel = GLFW.onMouseWheel;
  GLFW.onMouseWheel = function (event) {
    if (event.type !== "wheel") return wheel.call(this, event);
    const scale = event.deltaMode === 0 ? 1 / 100 : event.deltaMode === 1 ? 1 / 3 : 80;
    return wheel.call(this, {
      type: "wheel",
      deltaMode: event.deltaMode,
      target: event.target,
      deltaX: event.deltaX * scale,
      deltaY: -event.deltaY * scale,
      preventDefault: () => event.preventDefault(),
    });
  };
})();
