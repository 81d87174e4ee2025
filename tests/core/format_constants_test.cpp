// Tests for bytewise/format_constants.hpp: the named table covers every enumerator of the
// format, once, under the documented scheme, and its bit sets do not overlap. That the
// probe's constants (web/py/_bytewise/format.py) equal this table is
// tests/node/format-constants.test.mjs.
#include <bytewise/format_constants.hpp>
#include <bytewise/snapshot.hpp>

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace bytewise {
namespace {

std::optional<named_constant> find(std::string_view name) {
  for (const named_constant& c : format_constants()) {
    if (c.name == name) return c;
  }
  return std::nullopt;
}

std::uint64_t value_of(std::string_view name) {
  auto c = find(name);
  EXPECT_TRUE(c.has_value()) << name << " is not in format_constants()";
  return c ? c->value : 0;
}

// Numbers whose names start with `prefix`, leaving out the names in `except`.
std::map<std::string, std::uint64_t> with_prefix(std::string_view prefix, std::set<std::string_view> except = {}) {
  std::map<std::string, std::uint64_t> out;
  for (const named_constant& c : format_constants()) {
    if (c.name.starts_with(prefix) && !except.contains(c.name)) out.emplace(std::string(c.name), c.value);
  }
  return out;
}

// "dict key" -> "DICT_KEY"
std::string upper_snake(std::string_view words) {
  std::string out;
  for (char ch : words) out += ch == ' ' ? '_' : static_cast<char>(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  return out;
}

// Each value 0..count-1 named exactly once among `names`, and nothing else there.
void expect_each_value_once(const std::map<std::string, std::uint64_t>& names, std::uint64_t count,
                            std::string_view what) {
  std::vector<std::vector<std::string>> by_value(count);
  for (const auto& [name, value] : names) {
    if (value < count) {
      by_value[value].push_back(name);
    } else {
      ADD_FAILURE() << name << " = " << value << " is not a " << what << " (there are " << count << ")";
    }
  }
  for (std::uint64_t v = 0; v < count; ++v) {
    EXPECT_EQ(by_value[v].size(), 1u) << what << " " << v << " has " << by_value[v].size()
                                      << " names in format_constants(); it needs exactly one";
  }
}

TEST(format_constants, names_every_edge_kind_after_its_to_string) {
  EXPECT_EQ(value_of("EDGE_KIND_COUNT"), edge_kind_count);
  for (std::uint8_t k = 0; k < edge_kind_count; ++k) {
    const std::string name = "EDGE_KIND_" + upper_snake(to_string(static_cast<edge_kind>(k)));
    EXPECT_EQ(value_of(name), k) << name;
  }
  expect_each_value_once(with_prefix("EDGE_KIND_", {"EDGE_KIND_COUNT"}), edge_kind_count, "edge kind");
}

TEST(format_constants, names_every_node_category_once) {
  EXPECT_EQ(value_of("NODE_CATEGORY_COUNT"), node_category_count);
  expect_each_value_once(with_prefix("NODE_CATEGORY_", {"NODE_CATEGORY_COUNT"}), node_category_count, "node category");
  EXPECT_EQ(value_of("NODE_CATEGORY_TYPE_OBJECT"), static_cast<std::uint64_t>(node_category::type_object));
}

TEST(format_constants, names_every_shape_family_once) {
  EXPECT_EQ(value_of("SHAPE_FAMILY_COUNT"), shape_family_count);
  expect_each_value_once(with_prefix("SHAPE_FAMILY_", {"SHAPE_FAMILY_COUNT", "SHAPE_FAMILY_MASK"}), shape_family_count,
                         "shape family");
  EXPECT_EQ(value_of("SHAPE_FAMILY_INT"), static_cast<std::uint64_t>(shape_family::int_));
  EXPECT_EQ(value_of("SHAPE_FAMILY_MASK"), shape_family_mask);
}

TEST(format_constants, has_unique_upper_case_names_and_exact_values) {
  std::set<std::string_view> seen;
  for (const named_constant& c : format_constants()) {
    EXPECT_TRUE(seen.insert(c.name).second) << c.name << " is listed twice";
    EXPECT_FALSE(c.name.empty());
    for (char ch : c.name) {
      EXPECT_TRUE((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_') << c.name;
    }
    EXPECT_LT(c.value, std::uint64_t{1} << 53) << c.name << " would not be exact as a JavaScript number";
    if (c.is_text()) {
      EXPECT_EQ(c.value, 0u) << c.name;
      for (char ch : c.text) EXPECT_TRUE(ch >= 0x20 && ch < 0x7F) << c.name << " is not printable ASCII";
    }
  }
}

TEST(format_constants, gives_section_tags_as_four_distinct_characters) {
  auto tags = with_prefix("SECTION_");
  std::set<std::string_view> texts;
  for (const auto& [name, value] : tags) {
    auto c = find(name);
    ASSERT_TRUE(c && c->is_text()) << name;
    EXPECT_EQ(c->text.size(), 4u) << name;
    EXPECT_TRUE(texts.insert(c->text).second) << name << " repeats another section's tag";
  }
  EXPECT_EQ(tags.size(), 17u);
  EXPECT_EQ(find("SECTION_META")->text, "META");
  EXPECT_EQ(find("SNAPSHOT_MAGIC")->text, "BYTEWISE");
}

// Single bits, distinct, inside the set's known bits: a bit given to two flags fails here.
void expect_distinct_bits(const std::map<std::string, std::uint64_t>& flags, std::uint64_t known) {
  std::uint64_t all = 0;
  for (const auto& [name, bit] : flags) {
    EXPECT_TRUE(bit != 0 && (bit & (bit - 1)) == 0) << name << " = " << bit << " is not a single bit";
    EXPECT_EQ(all & bit, 0u) << name << " reuses a bit of another flag";
    EXPECT_EQ(bit & ~known, 0u) << name << " lies outside the known bits";
    all |= bit;
  }
}

TEST(format_constants, keeps_flag_bits_distinct_and_known) {
  const std::uint64_t node_known = value_of("NODE_FLAG_KNOWN_BITS");
  const std::uint64_t category_mask = value_of("NODE_FLAG_CATEGORY_MASK");
  auto node_flags =
      with_prefix("NODE_FLAG_", {"NODE_FLAG_KNOWN_BITS", "NODE_FLAG_CATEGORY_MASK", "NODE_FLAG_CATEGORY_SHIFT"});
  expect_distinct_bits(node_flags, node_known & ~category_mask);
  EXPECT_EQ(category_mask, std::uint64_t{0xFF} << value_of("NODE_FLAG_CATEGORY_SHIFT"));
  expect_distinct_bits(with_prefix("META_FLAG_", {"META_FLAG_KNOWN_BITS"}), value_of("META_FLAG_KNOWN_BITS"));
  expect_distinct_bits(with_prefix("CAPTURE_POLICY_", {"CAPTURE_POLICY_KNOWN_BITS"}),
                       value_of("CAPTURE_POLICY_KNOWN_BITS"));
}

TEST(format_constants, places_each_familys_facts_above_the_family_without_overlap) {
  // SHAPE_<FAMILY>_<FACT>_SHIFT and _MASK, grouped by family.
  std::map<std::string, std::uint64_t> used;  // family -> bits taken so far
  int fields = 0;
  for (const auto& [name, shift] : with_prefix("SHAPE_")) {
    if (!name.ends_with("_SHIFT")) continue;
    const std::string stem = name.substr(0, name.size() - 6);
    const std::uint64_t mask = value_of(stem + "_MASK");
    ASSERT_LT(shift, 64u) << name;
    const std::uint64_t bits = mask << shift;
    EXPECT_EQ(bits >> shift, mask) << stem << " does not fit in 64 bits";
    EXPECT_EQ(bits & shape_family_mask, 0u) << stem << " overlaps the family byte";
    const std::string family = stem.substr(6, stem.find('_', 6) - 6);  // after "SHAPE_"
    EXPECT_EQ(used[family] & bits, 0u) << stem << " overlaps another fact of " << family;
    used[family] |= bits;
    ++fields;
  }
  EXPECT_EQ(fields, 12);
  EXPECT_EQ(value_of("SHAPE_STR_KIND_UCS4"), value_of("SHAPE_STR_KIND_MASK"));
}

}  // namespace
}  // namespace bytewise
