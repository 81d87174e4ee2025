// The X-ray window: an object's bytes in Python's memory, decoded field by field, as a
// hex view (one row per 8 or 16 bytes, each field's bytes tinted, hover a byte for its
// field) and a table of the fields.
//
// Shaped like imgui_club's memory editor (imgui_memory_editor.h): one struct with Settings,
// public read-only state and internal state, drawn by DrawContents() inside the caller's
// window (the canvas's dock tab); it fits the width it is given, with 8 bytes a row instead
// of 16 and without the text column where it must, and never needs scrolling sideways. Decoding is the core's xray()
// (core/include/bytewise/xray.hpp); this widget calls it, and calls it again with more
// memory each time the page answers, until it wants nothing more:
//
//   x.Open(xray_subject_of(snap, node), "x -> list", node);  // decodes what it can
//   if (x.TakeRequest()) ...send x.Request() and x.Wanted() to the page...
//   x.Supply(request, regions);  // the page's answer (or x.Fail(request, why))
//   if (x.open) x.DrawContents();  // every frame, inside the dock's tab
//
// An answer to an older request (another object was opened since) is ignored.
#pragma once

#include <bytewise/policy.hpp>
#include <bytewise/xray.hpp>

#include "imgui.h"

#include <cstdint>
#include <string>
#include <vector>

namespace bytewise::app {

struct xray_widget {
  enum class state : std::uint8_t { idle, reading, done, failed };

  // [Settings]
  bool open = false;                 // the window is shown; its close button clears this
  int columns = 16;                  // bytes per hex row wanted: 8 or 16
  bool show_text = true;             // the printable-ASCII column after the hex
  bool show_fields = true;           // the table of fields under each block
  int max_rounds = xray_max_rounds;  // memory requests before giving up

  // [Read-only] What it shows. Set by Open/Supply/Fail and, for the hover and the drawn rows,
  // by the last DrawContents().
  state status = state::idle;
  std::uint32_t node = no_node;  // the snapshot node it shows
  std::string title;             // "x -> list"
  xray_result result;            // the decode; while reading, what memory allowed so far
  std::string error;             // failed: why there is nothing to show
  int rounds = 0;                // memory requests answered so far
  int hovered_block = -1;        // the block and field under the mouse (hex view or table)
  int hovered_field = -1;
  int rows_drawn = 0;      // hex rows drawn by the last frame (the clipper skips the rest)
  int columns_drawn = 16;  // bytes per row the last frame drew (8 where 16 do not fit)
  bool text_drawn = true;  // the last frame drew the text column
  struct drawn_row {
    int block = 0;
    std::uint64_t address = 0;  // of the row's first byte
    ImVec2 pos{0, 0};           // its top-left corner, screen pixels
    float height = 0;
    std::vector<float> byte_x;  // the centre of each byte's hex digits, screen pixels
  };
  std::vector<drawn_row> first_rows;  // the first drawn row of each visible block

  // Starts showing `subject`: decodes what it can without memory, and asks for the rest.
  void Open(xray_subject subject, std::string title, std::uint32_t node);
  // Forgets the object and closes the window; answers still on their way are ignored.
  void Close();
  // True once for each new request for memory: the caller sends Request() and Wanted().
  bool TakeRequest();
  std::uint32_t Request() const { return request_; }
  const std::vector<memory_range>& Wanted() const { return wanted_; }
  // The page's answer to request `request`: a region per wanted range (fewer bytes than
  // asked where memory ends). Decodes again; may ask for more.
  void Supply(std::uint32_t request, std::vector<memory_region> regions);
  // The page could not answer request `request` (Python restarted, the worker failed).
  void Fail(std::uint32_t request, std::string message);

  void DrawContents();

 private:
  // [Internal state]
  void Decode();
  void Index();
  void DrawBlock(int b, ImU32 text_color, ImU32 muted_color);
  void DrawFields(int b);

  // Which field each byte of a block belongs to, and the fields each hex row shows.
  struct block_index {
    std::vector<std::int32_t> field_of_byte;            // -1: none
    std::vector<std::vector<std::int32_t>> row_fields;  // per row, in address order
  };

  xray_subject subject_;
  std::vector<memory_region> memory_;  // every region answered so far
  std::vector<memory_range> wanted_;   // the ranges of the request in flight
  std::uint32_t request_ = 0;          // the latest request's id; ids never repeat
  bool unsent_ = false;                // request_ waits for TakeRequest()
  std::vector<block_index> index_;
  int index_columns_ = 0;  // the `columns` index_ was made for
  int next_block_ = -1, next_field_ = -1;
  bool hex_hovered_ = false;  // the hover is on a byte (the tooltip shows its field)
};

}  // namespace bytewise::app
