// The canvas's fonts, built into the module: DejaVu Sans Mono, regular and bold, subset to
// the characters the canvas draws (Latin-1, arrows, ellipsis, multiplication sign...).
// One monospace face, so text measured by the core's layout (diagram_metrics) fits.
#pragma once

#include <cstddef>

namespace bytewise::app {

struct font_file {
  const unsigned char* data;
  std::size_t size;
};

extern const font_file mono_regular;
extern const font_file mono_bold;

}  // namespace bytewise::app
