// Every diagnostic the snapshot reader can give, each provoked by one change to a valid
// snapshot, checked for its code, byte offset and exact text.
#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <optional>
#include <string>

#include "snapshot_fixture.hpp"

namespace bytewise {
namespace {

using testing::directory_entry;
using testing::put_u32;
using testing::section_offset;

// Offsets and messages are written against the fixture's layout, so adding a section to
// the format does not rewrite every expectation: an offset is "" (none), a number, "TAG",
// "TAG+N" (inside a section) or "entry:TAG+N" (in its directory entry); a message may say
// {size} (the snapshot's length), {directory} (header + directory bytes) or {TAG+N}.
struct reader_case {
  const char* title;
  std::function<void(std::vector<std::uint8_t>&)> change;
  const char* code;
  const char* offset;
  const char* message;
};

std::uint64_t resolve(const std::vector<std::uint8_t>& b, const std::string& where) {
  std::string spec = where;
  std::uint64_t delta = 0;
  if (auto plus = spec.find('+'); plus != std::string::npos) {
    delta = std::stoull(spec.substr(plus + 1));
    spec = spec.substr(0, plus);
  }
  if (!spec.empty() && std::isdigit(static_cast<unsigned char>(spec[0]))) return std::stoull(spec) + delta;
  if (spec.rfind("entry:", 0) == 0) return directory_entry(b, spec.substr(6).c_str()) + delta;
  return section_offset(b, spec.c_str()) + delta;
}

std::optional<std::uint64_t> expected_offset(const std::vector<std::uint8_t>& b, const char* where) {
  if (*where == '\0') return std::nullopt;
  return resolve(b, where);
}

std::string expected_message(const std::vector<std::uint8_t>& b, std::string text) {
  std::uint32_t sections;
  std::memcpy(&sections, b.data() + 12, 4);
  for (std::size_t open; (open = text.find('{')) != std::string::npos;) {
    std::size_t close = text.find('}', open);
    std::string key = text.substr(open + 1, close - open - 1);
    std::uint64_t value = key == "size" ? b.size() : key == "directory" ? 16 + 16 * sections : resolve(b, key);
    text.replace(open, close - open + 1, std::to_string(value));
  }
  return text;
}

void PrintTo(const reader_case& c, std::ostream* os) { *os << c.title; }

class reader_diagnostic : public ::testing::TestWithParam<reader_case> {};

TEST_P(reader_diagnostic, has_its_code_offset_and_text) {
  const reader_case& c = GetParam();
  const auto original = write_snapshot(testing::small_snapshot());
  auto bytes = original;
  c.change(bytes);
  auto read = read_snapshot(bytes);
  ASSERT_FALSE(read.ok()) << c.title;
  const diagnostic& d = read.errors().front();
  EXPECT_EQ(d.code, c.code) << testing::all_errors(read);
  EXPECT_EQ(d.offset, expected_offset(original, c.offset)) << testing::all_errors(read);
  EXPECT_EQ(d.message, expected_message(original, c.message)) << testing::all_errors(read);
}

auto set_u32(const char* tag, std::uint32_t delta, std::uint32_t value) {
  return [=](std::vector<std::uint8_t>& b) { put_u32(b, section_offset(b, tag) + delta, value); };
}
auto set_u8(const char* tag, std::uint32_t delta, std::uint8_t value) {
  return [=](std::vector<std::uint8_t>& b) { b[section_offset(b, tag) + delta] = value; };
}
auto set_entry(const char* tag, std::uint32_t field, std::uint32_t value) {
  return [=](std::vector<std::uint8_t>& b) { put_u32(b, directory_entry(b, tag) + field, value); };
}
auto rename(const char* tag, const char* to) {
  return [=](std::vector<std::uint8_t>& b) { std::memcpy(b.data() + directory_entry(b, tag), to, 4); };
}

const reader_case cases[] = {
    {"cut to 10 bytes", [](auto& b) { b.resize(10); }, "snapshot.too_short", "0",
     "The snapshot is 10 bytes long; even an empty one has a 16-byte header. The data was cut "
     "off: capture again."},
    {"another magic", [](auto& b) { b[0] = 'b'; }, "snapshot.bad_magic", "0",
     "The data does not start with \"BYTEWISE\", so it is not a Bytewise snapshot. Pass the "
     "bytes the probe wrote, unchanged."},
    {"major version 2", [](auto& b) { b[8] = 2, b[10] = 0; }, "snapshot.unsupported_version", "8",
     "The snapshot is format 2.0; this Bytewise reads format 1.x. Capture it with the probe "
     "that ships with this Bytewise."},
    {"65 sections", [](auto& b) { put_u32(b, 12, 65); }, "snapshot.too_many_sections", "12",
     "The header lists 65 sections; at most 64 are allowed. The header is corrupt."},
    {"directory cut off", [](auto& b) { b.resize(100); }, "snapshot.truncated_directory", "16",
     "The section directory needs {directory} bytes but the snapshot has 100. The data was cut "
     "off: "
     "capture again."},
    {"reserved field set", set_entry("META", 12, 1), "snapshot.bad_directory", "entry:META+12",
     "Section META has a non-zero reserved field. The directory is corrupt."},
    {"unaligned section", set_entry("META", 4, 225), "snapshot.section_out_of_bounds", "entry:META+4",
     "Section META claims bytes 225..281, which is not an 8-aligned range after the directory "
     "inside the {size}-byte snapshot. The data is corrupt or cut off."},
    {"section past the end", set_entry("ROOT", 8, 4000), "snapshot.section_out_of_bounds", "entry:ROOT+4",
     "Section ROOT claims bytes {ROOT}..{ROOT+4000}, which is not an 8-aligned range after the "
     "directory inside the {size}-byte snapshot. The data is corrupt or cut off."},
    {"a tag twice", rename("STRS", "META"), "snapshot.duplicate_section", "entry:STRS",
     "Section META appears twice. The directory is corrupt."},
    {"sections overlap", [](auto& b) { put_u32(b, directory_entry(b, "NTYP") + 4, section_offset(b, "NADR") + 8); },
     "snapshot.overlapping_sections", "entry:NTYP", "Sections NADR and NTYP overlap. The directory is corrupt."},
    {"ROOT missing", rename("ROOT", "RXXT"), "snapshot.missing_section", "",
     "The required section ROOT is missing. The snapshot is incomplete: capture again."},
    {"META too short", set_entry("META", 8, 40), "snapshot.short_meta", "META",
     "Section META is 40 bytes; format 1.0 needs at least 56. The snapshot is corrupt."},
    {"pointer size 6", set_u8("META", 12, 6), "snapshot.bad_pointer_size", "META+12",
     "The pointer size is 6 bytes; CPython builds have 4 (wasm32) or 8 (64-bit)."},
    {"release level 3", set_u8("META", 16, 3), "snapshot.bad_release_level", "META+16",
     "The Python release level byte is 3; it must be 0xA, 0xB, 0xC or 0xF (as in "
     "sys.hexversion)."},
    {"unknown capture flag", set_u8("META", 18, 0x80), "snapshot.unknown_capture_flags", "META+18",
     "The capture flags have unknown bits set. A newer probe wrote this: update Bytewise."},
    {"empty small-int range", set_u32("META", 20, 300), "snapshot.bad_small_int_range", "META+20",
     "The probed small-int range is empty (300..256). The probe's measurement is corrupt."},
    {"unknown policy bit", set_u32("META", 32, 0x100), "snapshot.unknown_policy", "META+32",
     "The capture policy has unknown bits set. A newer probe wrote this: update Bytewise."},
    {"more objects than the cap", set_u32("META", 28, 2), "snapshot.over_cap", "META",
     "The snapshot holds 3 objects but says its object cap was 2."},
    {"string table without count", set_entry("STRS", 8, 2), "snapshot.bad_strings", "STRS",
     "Section STRS is too short to hold its count."},
    {"too many strings", set_u32("STRS", 0, 1000), "snapshot.bad_strings", "STRS",
     "Section STRS lists 1000 strings but is only 124 bytes long. The snapshot is corrupt."},
    {"string ends before it starts", set_u32("STRS", 8, 0), "snapshot.bad_strings", "STRS+8",
     "String 1 ends at 0, outside 4..80. The string table is corrupt."},
    {"string not UTF-8", set_u8("STRS", 56, 0xFF), "snapshot.bad_strings", "STRS+56",
     "String 4 is not valid UTF-8 at its byte 1. The probe writes UTF-8 only: capture again."},
    {"platform string out of range", set_u32("META", 36, 500), "snapshot.bad_meta_string", "META+36",
     "The implementation name refers to string 500, but the string table has 10 strings."},
    {"column of the wrong size", set_entry("NADR", 8, 16), "snapshot.bad_column_size", "entry:NADR+8",
     "Section NADR (object ids) is 16 bytes; 3 entries of 8 bytes need 24. The counts in META "
     "and the columns disagree: the snapshot is corrupt."},
    {"type name out of range", set_u32("NTYP", 4, 99), "snapshot.bad_type_name", "NTYP+4",
     "Object 1 refers to string 99, but the string table has 10 strings."},
    {"unknown node flag", set_u32("NFLG", 8, 0x80000000u), "snapshot.bad_node_flags", "NFLG+8",
     "Object 2 has flags 0x80000000 with unknown bits or category. A newer probe wrote this: "
     "update Bytewise."},
    {"unknown node category", set_u32("NFLG", 0, 9u << 8), "snapshot.bad_node_flags", "NFLG",
     "Object 0 has flags 0x900 with unknown bits or category. A newer probe wrote this: update "
     "Bytewise."},
    {"an object larger than 2^48", set_u32("NSIZ", 4, 0x10000), "snapshot.bad_size", "NSIZ",
     "Object 0 claims 281474976710700 bytes; no object is larger than 2^48 bytes (256 TiB)."},
    {"unknown shape family", set_u32("NSHP", 8, 200), "snapshot.bad_shape", "NSHP+8",
     "Object 1 has shape family 200, which this Bytewise does not know. A newer probe wrote "
     "this: update Bytewise."},
    {"label out of range", set_u32("NLBL", 0, 10), "snapshot.bad_node_label", "NLBL",
     "Object 0 refers to string 10, but the string table has 10 strings."},
    {"edges do not start at 0", set_u32("EOFF", 0, 1), "snapshot.bad_edge_offsets", "EOFF",
     "The first edge offset is 1; it must be 0."},
    {"edge offsets go back", set_u32("EOFF", 4, 4), "snapshot.bad_edge_offsets", "EOFF+8",
     "Edge offsets go backwards at object 1 (4 then 3)."},
    {"edge offsets stop short",
     [](auto& b) {
       for (std::uint32_t i = 1; i <= 3; ++i) put_u32(b, section_offset(b, "EOFF") + 4 * i, 2);
     },
     "snapshot.bad_edge_offsets", "EOFF+12", "The last edge offset is 2 but META counts 3 edges."},
    {"edge to a missing object", set_u32("ETGT", 4, 912), "snapshot.bad_edge_target", "ETGT+4",
     "Edge 1 points to object 912, but there are only 3 objects."},
    {"unknown edge kind", set_u8("EKND", 0, 200), "snapshot.bad_edge_kind", "EKND",
     "Edge 0 has unknown kind 200. A newer probe wrote this: update Bytewise."},
    {"edge label out of range",
     [](auto& b) {
       b[section_offset(b, "EKND") + 2] = static_cast<std::uint8_t>(edge_kind::attribute);
       put_u32(b, section_offset(b, "ELBL") + 8, 77);
     },
     "snapshot.bad_edge_label", "ELBL+8", "Edge 2 is labelled with string 77, but the string table has 10 strings."},
    {"root name out of range", set_u32("ROOT", 0, 10), "snapshot.bad_root", "ROOT",
     "Root 0 is named by string 10, which does not exist."},
    {"root object out of range", set_u32("ROOT", 4, 3), "snapshot.bad_root", "ROOT+4",
     "Root 'x' refers to object 3, but there are only 3 objects."},
    {"diagnostics count too large", set_u32("DIAG", 0, 5), "snapshot.bad_diagnostics", "DIAG",
     "Section DIAG lists 5 diagnostics but is 4 bytes long; each takes 12 bytes after the "
     "count."},
    {"diagnostics without count", set_entry("DIAG", 8, 2), "snapshot.bad_diagnostics", "DIAG",
     "Section DIAG is too short to hold its count."},
};

INSTANTIATE_TEST_SUITE_P(snapshot_reader, reader_diagnostic, ::testing::ValuesIn(cases));

TEST(snapshot_reader, says_when_it_stops_listing_problems) {
  // 64 directory entries, each with two problems: 128 findings, 100 listed.
  std::vector<std::uint8_t> bytes(16 + 64 * 16, 0);
  std::memcpy(bytes.data(), "BYTEWISE", 8);
  bytes[8] = 1;
  put_u32(bytes, 12, 64);
  for (std::uint32_t i = 0; i < 64; ++i) {
    std::uint8_t* e = bytes.data() + 16 + i * 16;
    e[0] = 'X';
    e[1] = 'X';
    e[2] = static_cast<std::uint8_t>('0' + i / 10);
    e[3] = static_cast<std::uint8_t>('0' + i % 10);
    put_u32(bytes, 16 + i * 16 + 4, 3);   // unaligned
    put_u32(bytes, 16 + i * 16 + 12, 1);  // reserved
  }
  auto read = read_snapshot(bytes);
  ASSERT_FALSE(read.ok());
  ASSERT_EQ(read.errors().size(), 101u);
  EXPECT_EQ(read.errors().back().code, "snapshot.too_many_errors");
  EXPECT_EQ(read.errors().back().message, "More problems were found; only the first 100 are listed.");
  EXPECT_FALSE(read.errors().back().offset.has_value());
}

snapshot with_one_diagnostic() {
  snapshot s = testing::small_snapshot();
  s.diagnostics.push_back({2, s.strings.add("probe.sizeof_failed"), s.strings.add("It raised.")});
  return s;
}

TEST(snapshot_reader, reads_capture_diagnostics) {
  auto read = read_snapshot(write_snapshot(with_one_diagnostic()));
  ASSERT_TRUE(read.ok()) << testing::all_errors(read);
  ASSERT_EQ(read->diagnostics.size(), 1u);
  EXPECT_EQ(read->diagnostics[0].node, 2u);
  EXPECT_EQ(read->strings.at(read->diagnostics[0].code), "probe.sizeof_failed");
  EXPECT_EQ(read->strings.at(read->diagnostics[0].message), "It raised.");
}

TEST(snapshot_reader, names_a_diagnostic_about_a_missing_object) {
  auto bytes = write_snapshot(with_one_diagnostic());
  std::uint32_t diag = section_offset(bytes, "DIAG");
  put_u32(bytes, diag + 4, 7);
  auto read = read_snapshot(bytes);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors()[0].code, "snapshot.bad_diagnostics");
  EXPECT_EQ(read.errors()[0].offset, diag + 4u);
  EXPECT_EQ(read.errors()[0].message, "Diagnostic 0 concerns object 7, but there are only 3 objects.");
  put_u32(bytes, diag + 4, 0);
  put_u32(bytes, diag + 12, 99);
  read = read_snapshot(bytes);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors()[0].offset, diag + 8u);
  EXPECT_EQ(read.errors()[0].message, "Diagnostic 0 refers to a string beyond the 12 in the table.");
}

TEST(snapshot_reader, accepts_a_format_1_0_snapshot_without_diagnostics) {
  auto bytes = write_snapshot(testing::small_snapshot());
  bytes[10] = 0;                                                          // minor version 0
  std::memcpy(bytes.data() + directory_entry(bytes, "DIAG"), "XTRA", 4);  // an unknown section
  auto read = read_snapshot(bytes);
  ASSERT_TRUE(read.ok()) << testing::all_errors(read);
  EXPECT_TRUE(read->diagnostics.empty());
}

TEST(snapshot_reader, rejects_sizes_that_add_up_past_2_to_the_52) {
  snapshot_builder b;
  for (std::uint32_t i = 0; i < 17; ++i) b.add_node("bytearray", std::uint64_t{1} << 48, i + 1);
  auto bytes = write_snapshot(std::move(b).build());
  auto read = read_snapshot(bytes);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors()[0].code, "snapshot.bad_size");
  EXPECT_EQ(read.errors()[0].offset, section_offset(bytes, "NSIZ"));
  EXPECT_EQ(read.errors()[0].message,
            "The objects' sizes add up to 4785074604081152 bytes, more than 2^52 (4 PiB). The "
            "sizes are corrupt.");
}

TEST(snapshot_reader, summarises_a_column_with_many_bad_values) {
  snapshot_builder b;
  auto a = b.add_node("list", 100, 1);
  for (std::uint32_t i = 0; i < 500; ++i) b.add_edge(a, a, edge_kind::index, i);
  auto bytes = write_snapshot(std::move(b).build());
  std::uint32_t targets = section_offset(bytes, "ETGT");
  for (std::uint32_t i = 0; i < 500; ++i) put_u32(bytes, targets + i * 4, 7 + i);
  auto read = read_snapshot(bytes);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.errors().size(), 9u);  // 8 listed + "492 more"
  EXPECT_EQ(read.errors().back().code, "snapshot.bad_edge_target");
  EXPECT_EQ(read.errors().back().message, "492 more bad values in ETGT were not listed.");
}

TEST(snapshot_reader, refuses_a_huge_count_without_allocating_it) {
  auto bytes = write_snapshot(testing::small_snapshot());
  put_u32(bytes, section_offset(bytes, "META"), 0xFFFFFFF0u);
  auto read = read_snapshot(bytes);
  EXPECT_TRUE(testing::has_code(read, "snapshot.over_cap")) << testing::all_errors(read);
  EXPECT_TRUE(testing::has_code(read, "snapshot.bad_column_size")) << testing::all_errors(read);
}

TEST(snapshot_reader, refuses_a_huge_count_without_shapes_too) {
  // Without NSHP (a 1.1 snapshot) the reader fills in empty shapes: sized by the checked
  // id column, never by META's count.
  auto bytes = write_snapshot(testing::small_snapshot());
  std::memcpy(bytes.data() + directory_entry(bytes, "NSHP"), "XXXX", 4);
  put_u32(bytes, section_offset(bytes, "META"), 0x7FFFFFF0u);
  auto read = read_snapshot(bytes);
  EXPECT_TRUE(testing::has_code(read, "snapshot.bad_column_size")) << testing::all_errors(read);
}

TEST(snapshot_reader, rejects_data_that_is_not_a_snapshot) {
  std::string json = R"({"nodes": [1, 2, 3], "edges": []})";
  auto read = read_snapshot({reinterpret_cast<const std::uint8_t*>(json.data()), json.size()});
  EXPECT_TRUE(testing::has_code(read, "snapshot.bad_magic"));
}

}  // namespace
}  // namespace bytewise
