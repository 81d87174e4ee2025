// The X-ray widget (see xray_widget.hpp).
//
// Index:
//   [SECTION] Decoding: open, ask, supply
//   [SECTION] The field index
//   [SECTION] Drawing: window, hex rows, field table
#include "xray_widget.hpp"

#include "canvas.hpp"

#include <bytewise/diagram.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>

namespace bytewise::app {

//-----------------------------------------------------------------------------
// [SECTION] Decoding: open, ask, supply
//-----------------------------------------------------------------------------

void xray_widget::Open(xray_subject subject, std::string new_title, std::uint32_t new_node) {
  open = true;
  node = new_node;
  title = std::move(new_title);
  error.clear();
  rounds = 0;
  hovered_block = hovered_field = -1;
  subject_ = std::move(subject);
  memory_.clear();
  Decode();
}

void xray_widget::Close() {
  open = false;
  status = state::idle;
  node = no_node;
  title.clear();
  result = {};
  error.clear();
  rounds = 0;
  hovered_block = hovered_field = -1;
  memory_.clear();
  wanted_.clear();
  unsent_ = false;
  ++request_;  // an answer on its way is for nothing shown now
  index_.clear();
}

bool xray_widget::TakeRequest() {
  const bool take = unsent_;
  unsent_ = false;
  return take;
}

void xray_widget::Supply(std::uint32_t request, std::vector<memory_region> regions) {
  if (request != request_ || status != state::reading) return;
  for (memory_region& r : regions) {
    // The page sends back what it could read; the length asked for says where memory ended.
    for (const memory_range& w : wanted_) {
      if (w.address == r.address && w.length >= r.bytes.size()) {
        r.length = w.length;
        break;
      }
    }
    memory_.push_back(std::move(r));
  }
  ++rounds;
  Decode();
}

void xray_widget::Fail(std::uint32_t request, std::string message) {
  if (request != request_ || status != state::reading) return;
  status = state::failed;
  error = std::move(message);
  wanted_.clear();
  unsent_ = false;
}

void xray_widget::Decode() {
  result = xray(subject_, memory_);
  if (result.complete()) {
    status = state::done;
    wanted_.clear();
    Index();
    return;
  }
  if (rounds >= max_rounds) {
    status = state::failed;
    error = "The X-ray kept asking for more memory; it stopped after " + std::to_string(rounds) + " rounds.";
    wanted_.clear();
    return;
  }
  status = state::reading;
  wanted_ = result.wants;
  ++request_;
  unsent_ = true;
}

//-----------------------------------------------------------------------------
// [SECTION] The field index
//-----------------------------------------------------------------------------

// Each byte belongs to the narrowest field that covers it (a dict's index array covers
// bytes no narrower field does); each row lists the fields its bytes belong to.
void xray_widget::Index() {
  index_.assign(result.blocks.size(), {});
  index_columns_ = columns_drawn;
  for (std::size_t b = 0; b < result.blocks.size(); ++b) {
    const xray_block& block = result.blocks[b];
    block_index& ix = index_[b];
    ix.field_of_byte.assign(block.bytes.size(), -1);
    for (std::size_t f = 0; f < block.fields.size(); ++f) {
      const xray_field& field = block.fields[f];
      if (field.address + field.size <= block.address || field.address >= block.address + block.bytes.size()) continue;
      const std::uint64_t from = field.address > block.address ? field.address - block.address : 0;
      const std::uint64_t to = std::min<std::uint64_t>(block.bytes.size(), field.address + field.size - block.address);
      for (std::uint64_t i = from; i < to; ++i) {
        std::int32_t& owner = ix.field_of_byte[i];
        if (owner < 0 || block.fields[static_cast<std::size_t>(owner)].size > field.size) {
          owner = static_cast<std::int32_t>(f);
        }
      }
    }
    const std::size_t cols = static_cast<std::size_t>(columns_drawn);
    ix.row_fields.assign((block.bytes.size() + cols - 1) / cols, {});
    for (std::size_t i = 0; i < block.bytes.size(); ++i) {
      const std::int32_t f = ix.field_of_byte[i];
      std::vector<std::int32_t>& row = ix.row_fields[i / cols];
      if (f >= 0 && std::find(row.begin(), row.end(), f) == row.end()) row.push_back(f);
    }
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Drawing: window, hex rows, field table
//-----------------------------------------------------------------------------

namespace {

constexpr ImU32 tints[2] = {IM_COL32(255, 240, 214, 255), IM_COL32(226, 236, 255, 255)};
constexpr ImU32 lit = IM_COL32(255, 196, 120, 255);

std::string hex_address(std::uint64_t address) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%08" PRIx64, address);
  return buf;
}

// A byte as the text column shows it: printable ASCII as itself, anything else a dot, so no
// byte of memory ever reaches the font as (possibly invalid) UTF-8.
char printable(std::uint8_t c) { return c >= 0x20 && c < 0x7F ? static_cast<char>(c) : '.'; }

}  // namespace

void xray_widget::DrawContents() {
  rows_drawn = 0;
  first_rows.clear();
  next_block_ = next_field_ = -1;
  hex_hovered_ = false;
  if (status == state::idle) {
    ImGui::TextWrapped("Click an object to see its bytes.");
    return;
  }
  if (status == state::reading) {
    ImGui::TextWrapped("Reading the object's bytes from Python's memory ...");
    return;
  }
  if (status == state::failed) {
    ImGui::TextWrapped("%s", error.c_str());
    return;
  }
  // Options, as the memory editor's options line.
  const float box = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemInnerSpacing.x;
  ImGui::TextUnformatted("bytes per row");
  SameLineIfFits(box + ImGui::CalcTextSize("8").x);
  if (ImGui::RadioButton("8", columns == 8)) columns = 8;
  SameLineIfFits(box + ImGui::CalcTextSize("16").x);
  if (ImGui::RadioButton("16", columns == 16)) columns = 16;
  SameLineIfFits(box + ImGui::CalcTextSize("text").x);
  ImGui::Checkbox("text", &show_text);
  SameLineIfFits(box + ImGui::CalcTextSize("fields").x);
  ImGui::Checkbox("fields", &show_fields);
  // The widest row that fits: 16 bytes and their text where there is room, else 8, else
  // 8 without the text column.
  const float char_w = ImGui::CalcTextSize("0").x;
  const float avail = ImGui::GetContentRegionAvail().x;
  auto row_width = [&](int cols, bool text) {
    return char_w * static_cast<float>(10 + 3 * cols + 1 + (text ? cols + 1 : 0));
  };
  columns_drawn = columns == 16 && row_width(16, show_text) <= avail ? 16 : 8;
  text_drawn = show_text && row_width(columns_drawn, true) <= avail;
  if (index_columns_ != columns_drawn || index_.size() != result.blocks.size()) Index();

  const ImU32 text_color = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 muted_color = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (std::size_t b = 0; b < result.blocks.size(); ++b) {
    const xray_block& block = result.blocks[b];
    ImGui::PushID(static_cast<int>(b));
    const std::string header = block.name + "  at 0x" + hex_address(block.address);
    if (ImGui::CollapsingHeader(header.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) {
      if (block.allocated > 0) {
        const std::string requested = block.requested > 0 ? ", requested " + format_count(block.requested) : "";
        ImGui::TextWrapped("allocated %s bytes%s", format_count(block.allocated).c_str(), requested.c_str());
      }
      if (!block.allocation.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s", block.allocation.c_str());
        ImGui::PopStyleColor();
      }
      DrawBlock(static_cast<int>(b), text_color, muted_color);
      if (show_fields) DrawFields(static_cast<int>(b));
    }
    ImGui::PopID();
  }
  for (const diagnostic& p : result.problems) ImGui::TextWrapped("Note: %s", p.message.c_str());

  hovered_block = next_block_;
  hovered_field = next_field_;
  if (hex_hovered_ && hovered_field >= 0) {
    const xray_block& block = result.blocks[static_cast<std::size_t>(hovered_block)];
    const xray_field& f = block.fields[static_cast<std::size_t>(hovered_field)];
    ImGui::BeginTooltip();
    ImGui::Text("%s  (%u bytes at +%lld)", f.name.c_str(), f.size,
                static_cast<long long>(f.address) - static_cast<long long>(block.address));
    if (!f.value.empty()) ImGui::TextUnformatted(f.value.c_str());
    if (!f.note.empty()) ImGui::TextDisabled("%s", f.note.c_str());
    ImGui::EndTooltip();
  }
}

// The hex view of block `b`: one row per `columns` bytes, only the visible rows drawn. Each
// row is three texts (address, hex with the printable column, the fields it holds) over
// one tint per field run, not a widget per byte.
void xray_widget::DrawBlock(int b, ImU32 text_color, ImU32 muted_color) {
  const xray_block& block = result.blocks[static_cast<std::size_t>(b)];
  const block_index& ix = index_[static_cast<std::size_t>(b)];
  const std::size_t cols = static_cast<std::size_t>(columns_drawn);
  const bool show_text = text_drawn;
  const int rows = static_cast<int>(ix.row_fields.size());
  const float char_w = ImGui::CalcTextSize("0").x;
  const float line_h = ImGui::GetTextLineHeight();
  const float hex_x = char_w * 10;  // after "0001fffc  "
  auto byte_x = [&](std::size_t i) {
    return hex_x + static_cast<float>(i) * 3 * char_w + (i >= cols / 2 ? char_w : 0);
  };
  const float text_x = byte_x(cols) + char_w;
  const float fields_x = text_x + (show_text ? static_cast<float>(cols) * char_w + 2 * char_w : 0);
  // The fields a row holds are written after it as far as the tab's width allows.
  const float names_room = ImGui::GetContentRegionAvail().x - fields_x;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const bool window_hovered = ImGui::IsWindowHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* font = ImGui::GetFont();
  const float font_size = ImGui::GetFontSize();

  ImGuiListClipper clipper;
  clipper.Begin(rows, ImGui::GetTextLineHeightWithSpacing());
  std::string hex, text, names;
  while (clipper.Step()) {
    for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
      const ImVec2 pos = ImGui::GetCursorScreenPos();
      const std::size_t first = static_cast<std::size_t>(r) * cols;
      const std::size_t count = std::min(cols, block.bytes.size() - first);
      // The mouse on a byte's hex digits or on its character: that byte's field.
      std::int32_t hovered_byte = -1;
      if (window_hovered && mouse.y >= pos.y && mouse.y < pos.y + line_h) {
        for (std::size_t i = 0; i < count; ++i) {
          const float x0 = pos.x + byte_x(i) - char_w / 2, x1 = x0 + 3 * char_w;
          const float t0 = pos.x + text_x + static_cast<float>(i) * char_w;
          if ((mouse.x >= x0 && mouse.x < x1) || (show_text && mouse.x >= t0 && mouse.x < t0 + char_w)) {
            hovered_byte = static_cast<std::int32_t>(i);
          }
        }
      }
      if (hovered_byte >= 0) {
        next_block_ = b;
        next_field_ = ix.field_of_byte[first + static_cast<std::size_t>(hovered_byte)];
        hex_hovered_ = true;
      }
      // Tints: one rectangle per run of bytes of the same field.
      for (std::size_t i = 0; i < count;) {
        const std::int32_t f = ix.field_of_byte[first + i];
        std::size_t j = i + 1;
        while (j < count && ix.field_of_byte[first + j] == f) ++j;
        if (f >= 0) {
          const bool on = b == hovered_block && f == hovered_field;
          const ImU32 color = on ? lit : tints[f % 2];
          const float x0 = pos.x + byte_x(i) - char_w / 2, x1 = pos.x + byte_x(j - 1) + 2.5f * char_w;
          dl->AddRectFilled(ImVec2(x0, pos.y), ImVec2(x1, pos.y + line_h), color);
          if (show_text) {
            dl->AddRectFilled(ImVec2(pos.x + text_x + static_cast<float>(i) * char_w, pos.y),
                              ImVec2(pos.x + text_x + static_cast<float>(j) * char_w, pos.y + line_h), color);
          }
        }
        i = j;
      }
      hex.clear();
      text.clear();
      for (std::size_t i = 0; i < cols; ++i) {
        if (i == cols / 2) hex += ' ';
        if (i < count) {
          char buf[4];
          std::snprintf(buf, sizeof buf, "%02x ", block.bytes[first + i]);
          hex += buf;
          text += printable(block.bytes[first + i]);
        } else {
          hex += "   ";
        }
      }
      if (show_text) hex += ' ' + text;
      names.clear();
      for (std::int32_t f : ix.row_fields[static_cast<std::size_t>(r)]) {
        if (!names.empty()) names += ", ";
        names += block.fields[static_cast<std::size_t>(f)].name;
        if (names.size() > 48) {
          names += ", ...";
          break;
        }
      }
      const std::string address = hex_address(block.address + first);
      dl->AddText(font, font_size, pos, muted_color, address.c_str());
      dl->AddText(font, font_size, ImVec2(pos.x + hex_x - char_w / 2, pos.y), text_color, hex.c_str());
      const std::size_t fit = names_room > 4 * char_w ? static_cast<std::size_t>(names_room / char_w) : 0;
      if (names.size() > fit) names = fit > 4 ? names.substr(0, fit - 4) + " ..." : std::string();
      if (!names.empty()) dl->AddText(font, font_size, ImVec2(pos.x + fields_x, pos.y), muted_color, names.c_str());
      ImGui::Dummy(
          ImVec2(std::min(fields_x + ImGui::CalcTextSize(names.c_str()).x, ImGui::GetContentRegionAvail().x), line_h));
      if (rows_drawn == 0 || first_rows.empty() || first_rows.back().block != b) {
        drawn_row row{b, block.address + first, pos, line_h, {}};
        for (std::size_t i = 0; i < count; ++i) row.byte_x.push_back(pos.x + byte_x(i) + char_w);
        first_rows.push_back(std::move(row));
      }
      ++rows_drawn;
    }
  }
}

// The fields of block `b` as a table (offset, field, value, meaning), clipped like the
// hex rows; hovering a row lights its bytes, and the hovered byte's field is lit here.
void xray_widget::DrawFields(int b) {
  const xray_block& block = result.blocks[static_cast<std::size_t>(b)];
  // The table takes the tab's width; value and meaning wrap inside their columns rather
  // than being cut off.
  const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("fields", 4, flags)) return;
  ImGui::TableSetupColumn("offset", ImGuiTableColumnFlags_WidthStretch, 0.5f);
  ImGui::TableSetupColumn("field", ImGuiTableColumnFlags_WidthStretch, 1.2f);
  ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch, 1.3f);
  ImGui::TableSetupColumn("meaning", ImGuiTableColumnFlags_WidthStretch, 2.0f);
  ImGui::TableHeadersRow();
  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(block.fields.size()));
  while (clipper.Step()) {
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      const xray_field& f = block.fields[static_cast<std::size_t>(i)];
      ImGui::TableNextRow();
      if (b == hovered_block && i == hovered_field) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, lit);
      ImGui::TableNextColumn();
      char offset[24];
      std::snprintf(offset, sizeof offset, "+%lld##%d",
                    static_cast<long long>(f.address) - static_cast<long long>(block.address), i);
      ImGui::Selectable(offset, false, ImGuiSelectableFlags_SpanAllColumns);
      if (ImGui::IsItemHovered()) {
        next_block_ = b;
        next_field_ = i;
      }
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", f.name.c_str());
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", f.value.c_str());
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", f.note.c_str());
    }
  }
  ImGui::EndTable();
}

}  // namespace bytewise::app
