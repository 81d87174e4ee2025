// Byte-level constants of the snapshot format shared by the reader and the writer.
// The normative description is docs/snapshot-format.md; keep the two in step. Each one is
// also in the named table of format_constants.cpp, which the probe's constants are tested
// against.
#pragma once

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace bytewise::detail {

static_assert(std::endian::native == std::endian::little,
              "the snapshot format is little-endian and the core reads it in place");

inline constexpr std::array<char, 8> snapshot_magic = {'B', 'Y', 'T', 'E', 'W', 'I', 'S', 'E'};
inline constexpr std::uint32_t header_size = 16;
inline constexpr std::uint32_t directory_entry_size = 16;
inline constexpr std::uint32_t max_sections = 64;
inline constexpr std::uint32_t section_alignment = 8;
inline constexpr std::uint32_t meta_size_v1_0 = 56;
// Bounds on NSIZ: they keep every sum of distinct objects exact in 64 bits and in a
// JavaScript number (2^53).
inline constexpr std::uint64_t max_object_size = std::uint64_t{1} << 48;
inline constexpr std::uint64_t max_total_size = std::uint64_t{1} << 52;

// Section tags, as the four ASCII characters appear in the file.
struct section_tag {
  std::array<char, 4> chars;
  constexpr std::string_view view() const { return {chars.data(), 4}; }
  friend constexpr bool operator==(const section_tag&, const section_tag&) = default;
};
inline constexpr section_tag tag_meta{{'M', 'E', 'T', 'A'}};
inline constexpr section_tag tag_strings{{'S', 'T', 'R', 'S'}};
inline constexpr section_tag tag_node_address{{'N', 'A', 'D', 'R'}};
inline constexpr section_tag tag_node_type{{'N', 'T', 'Y', 'P'}};
inline constexpr section_tag tag_node_size{{'N', 'S', 'I', 'Z'}};
inline constexpr section_tag tag_node_length{{'N', 'L', 'E', 'N'}};
inline constexpr section_tag tag_node_flags{{'N', 'F', 'L', 'G'}};
inline constexpr section_tag tag_node_label{{'N', 'L', 'B', 'L'}};
inline constexpr section_tag tag_edge_offsets{{'E', 'O', 'F', 'F'}};
inline constexpr section_tag tag_edge_target{{'E', 'T', 'G', 'T'}};
inline constexpr section_tag tag_edge_kind{{'E', 'K', 'N', 'D'}};
inline constexpr section_tag tag_edge_label{{'E', 'L', 'B', 'L'}};
inline constexpr section_tag tag_roots{{'R', 'O', 'O', 'T'}};
inline constexpr section_tag tag_diagnostics{{'D', 'I', 'A', 'G'}};     // optional, 1.1
inline constexpr section_tag tag_node_shape{{'N', 'S', 'H', 'P'}};      // optional, 1.2
inline constexpr section_tag tag_node_refcount{{'N', 'R', 'E', 'F'}};   // optional, 1.4
inline constexpr section_tag tag_root_unreached{{'R', 'U', 'N', 'R'}};  // optional, 1.5

// META field offsets (format 1.0).
namespace meta {
inline constexpr std::uint32_t node_count = 0;
inline constexpr std::uint32_t edge_count = 4;
inline constexpr std::uint32_t root_count = 8;
inline constexpr std::uint32_t pointer_size = 12;
inline constexpr std::uint32_t python_major = 13;
inline constexpr std::uint32_t python_minor = 14;
inline constexpr std::uint32_t python_micro = 15;
inline constexpr std::uint32_t release_level = 16;
inline constexpr std::uint32_t release_serial = 17;
inline constexpr std::uint32_t capture_flags = 18;  // u16
inline constexpr std::uint32_t small_int_min = 20;  // i32
inline constexpr std::uint32_t small_int_max = 24;  // i32
inline constexpr std::uint32_t object_cap = 28;
inline constexpr std::uint32_t policy = 32;
inline constexpr std::uint32_t implementation = 36;  // string index
inline constexpr std::uint32_t python_version = 40;  // string index
inline constexpr std::uint32_t runtime = 44;         // string index
inline constexpr std::uint32_t machine = 48;         // string index
inline constexpr std::uint32_t reserved = 52;

inline constexpr std::uint16_t flag_truncated = 1u << 0;
inline constexpr std::uint16_t flag_small_ints_probed = 1u << 1;
inline constexpr std::uint16_t flag_free_threaded = 1u << 2;
inline constexpr std::uint16_t flag_interned_known = 1u << 3;
inline constexpr std::uint16_t flag_static_known = 1u << 4;  // 1.3
inline constexpr std::uint16_t known_flags = 0x1Fu;
}  // namespace meta

template <typename T>
T load(const std::uint8_t* p) {
  T value;
  std::memcpy(&value, p, sizeof(T));
  return value;
}

template <typename T>
void store(std::uint8_t* p, T value) {
  std::memcpy(p, &value, sizeof(T));
}

}  // namespace bytewise::detail
