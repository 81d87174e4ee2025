// Linked with --post-js into bytewise-app.js (it runs inside the module's scope).
//
// Dear ImGui's OpenGL3 backend backs up the scissor box and the blend state before it
// draws each frame and restores them after. Chromium answers those getParameter queries
// with a synchronous round trip to the GPU process, which first waits for every queued
// draw: measured at 25 ms a frame with SwiftShader, where the rest of the frame takes
// under 1 ms. Here they are answered from a copy of that state kept in JS; wrapping the
// calls that change it on this one context keeps the copy exact. main.cpp installs it
// once the context exists.
Module["shadowGlState"] = function (gl) {
  const SCISSOR_BOX = gl.SCISSOR_BOX;
  const BLEND = [
    gl.BLEND_SRC_RGB,
    gl.BLEND_DST_RGB,
    gl.BLEND_SRC_ALPHA,
    gl.BLEND_DST_ALPHA,
    gl.BLEND_EQUATION_RGB,
    gl.BLEND_EQUATION_ALPHA,
  ];
  const getParameter = gl.getParameter.bind(gl);
  const state = new Map([[SCISSOR_BOX, getParameter(SCISSOR_BOX)], ...BLEND.map((e) => [e, getParameter(e)])]);

  gl.getParameter = function (name) {
    if (!state.has(name)) return getParameter(name);
    const value = state.get(name);
    return value instanceof Int32Array ? Int32Array.from(value) : value;
  };
  // A call WebGL rejects (an error) changes nothing, so the copy changes only after a
  // call that cannot fail for these arguments.
  const wrap = (method, update) => {
    const call = gl[method].bind(gl);
    gl[method] = function (...args) {
      call(...args);
      update(...args);
    };
  };
  wrap("scissor", (x, y, w, h) => {
    if (w >= 0 && h >= 0) state.set(SCISSOR_BOX, Int32Array.of(x, y, w, h));
  });
  const blendFactors = (srcRgb, dstRgb, srcAlpha, dstAlpha) => {
    // Only valid enums change the state; getError would cost the round trip we avoid.
    const valid = [srcRgb, dstRgb, srcAlpha, dstAlpha].every((f) => BLEND_FACTORS.has(f));
    if (!valid || mixesConstants(srcRgb, dstRgb) || mixesConstants(srcAlpha, dstAlpha)) return;
    state.set(gl.BLEND_SRC_RGB, srcRgb);
    state.set(gl.BLEND_DST_RGB, dstRgb);
    state.set(gl.BLEND_SRC_ALPHA, srcAlpha);
    state.set(gl.BLEND_DST_ALPHA, dstAlpha);
  };
  const BLEND_FACTORS = new Set([
    gl.ZERO,
    gl.ONE,
    gl.SRC_COLOR,
    gl.ONE_MINUS_SRC_COLOR,
    gl.DST_COLOR,
    gl.ONE_MINUS_DST_COLOR,
    gl.SRC_ALPHA,
    gl.ONE_MINUS_SRC_ALPHA,
    gl.DST_ALPHA,
    gl.ONE_MINUS_DST_ALPHA,
    gl.CONSTANT_COLOR,
    gl.ONE_MINUS_CONSTANT_COLOR,
    gl.CONSTANT_ALPHA,
    gl.ONE_MINUS_CONSTANT_ALPHA,
    gl.SRC_ALPHA_SATURATE,
  ]);
  // WebGL refuses a constant color factor beside a constant alpha one.
  const CONSTANT_COLOR = new Set([gl.CONSTANT_COLOR, gl.ONE_MINUS_CONSTANT_COLOR]);
  const CONSTANT_ALPHA = new Set([gl.CONSTANT_ALPHA, gl.ONE_MINUS_CONSTANT_ALPHA]);
  const mixesConstants = (a, b) =>
    (CONSTANT_COLOR.has(a) && CONSTANT_ALPHA.has(b)) || (CONSTANT_ALPHA.has(a) && CONSTANT_COLOR.has(b));
  const EQUATIONS = new Set([gl.FUNC_ADD, gl.FUNC_SUBTRACT, gl.FUNC_REVERSE_SUBTRACT, gl.MIN, gl.MAX]);
  wrap("blendFunc", (src, dst) => blendFactors(src, dst, src, dst));
  wrap("blendFuncSeparate", blendFactors);
  const blendEquations = (rgb, alpha) => {
    if (!EQUATIONS.has(rgb) || !EQUATIONS.has(alpha)) return;
    state.set(gl.BLEND_EQUATION_RGB, rgb);
    state.set(gl.BLEND_EQUATION_ALPHA, alpha);
  };
  wrap("blendEquation", (mode) => blendEquations(mode, mode));
  wrap("blendEquationSeparate", blendEquations);
};
