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
