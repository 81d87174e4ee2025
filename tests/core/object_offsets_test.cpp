// Tests for the object field offsets (core/src/object_offsets.hpp): every row agrees with
// the layout model's row for the same platform (the sizes it predicts getsizeof from) and
// with the allocation model's object blocks, pointers are pointer-sized, and each struct's
// fields follow one another without overlapping.
#include "object_offsets.hpp"
#include "layout_tables.hpp"

#include <bytewise/allocation.hpp>

#include <gtest/gtest.h>

#include <vector>

namespace bytewise::detail {
namespace {

std::string name(const object_offsets& row) { return target_name(row.target); }

TEST(object_offsets, has_a_row_for_the_pyodide_this_project_ships_and_none_for_others) {
  ASSERT_NE(find_offsets({14, 4}), nullptr);
  EXPECT_EQ(find_offsets({14, 4})->target, (cpython_target{14, 4}));
  EXPECT_EQ(find_offsets({12, 8}), nullptr);
  EXPECT_EQ(find_offsets({99, 4}), nullptr);
  EXPECT_FALSE(offset_rows().empty());
}

TEST(object_offsets, agree_with_the_layout_models_sizes) {
  for (const object_offsets& row : offset_rows()) {
    const layout_params* p = find_params(row.target);
    ASSERT_NE(p, nullptr) << name(row) << " has offsets but no layout row";
    const std::uint32_t P = row.target.pointer_size;
    EXPECT_EQ(row.header.object_size, 2 * P) << name(row);
    EXPECT_EQ(row.header.var_object_size, 3 * P) << name(row);
    EXPECT_EQ(row.header.gc_size, gc(*p)) << name(row);
    EXPECT_EQ(row.str.ascii_data, static_cast<std::int32_t>(p->ascii_base)) << name(row);
    EXPECT_EQ(row.str.compact_data, static_cast<std::int32_t>(p->compact_base)) << name(row);
    EXPECT_EQ(row.tuple.item.offset, static_cast<std::int32_t>(p->tuple_base)) << name(row);
    EXPECT_EQ(row.dict.values.end(), static_cast<std::int32_t>(p->dict_base)) << name(row);
    EXPECT_EQ(row.dict_keys.indices, static_cast<std::int32_t>(p->dict_keys_header)) << name(row);
    EXPECT_EQ(row.dict_keys.unicode_entry_size, (p->dict_unicode_entries ? 2 : 3) * P) << name(row);
    EXPECT_EQ(row.dict_keys.entry_size, 3 * P) << name(row);
  }
}

TEST(object_offsets, agree_with_the_allocation_models_object_blocks) {
  for (const object_offsets& row : offset_rows()) {
    const std::uint64_t gc = row.header.gc_size;
    const auto list = object_request(row.target, static_cast<std::uint64_t>(shape_family::list), 0, 0);
    EXPECT_EQ(list, gc + row.list.allocated.end()) << name(row);
    const auto dict = object_request(row.target, static_cast<std::uint64_t>(shape_family::dict), 0, 0);
    EXPECT_EQ(dict, gc + row.dict.values.end()) << name(row);
    // An empty ASCII str is the header and a NUL.
    const auto str = object_request(row.target, static_cast<std::uint64_t>(shape_family::str), 0, 1000);
    EXPECT_EQ(str, static_cast<std::uint64_t>(row.str.ascii_data) + 1) << name(row);
  }
}

TEST(object_offsets, give_pointers_and_sizes_the_platforms_width) {
  for (const object_offsets& row : offset_rows()) {
    const unsigned P = row.target.pointer_size;
    for (const field_at f : {row.header.refcnt,
                             row.header.type,
                             row.header.size,
                             row.header.gc_next,
                             row.header.gc_prev,
                             row.header.weakrefs,
                             row.header.dict,
                             row.type.name,
                             row.long_.tag,
                             row.str.length,
                             row.str.hash,
                             row.str.utf8_length,
                             row.str.utf8,
                             row.bytes.hash,
                             row.list.items,
                             row.list.allocated,
                             row.tuple.item,
                             row.dict.used,
                             row.dict.keys,
                             row.dict.values,
                             row.dict_keys.refcnt,
                             row.dict_keys.usable,
                             row.dict_keys.nentries,
                             row.dict_keys.entry_hash,
                             row.dict_keys.entry_key,
                             row.dict_keys.entry_value,
                             row.dict_keys.unicode_key,
                             row.dict_keys.unicode_value,
                             row.inline_values.value}) {
      EXPECT_EQ(f.size, P) << name(row) << " field at " << f.offset;
    }
    EXPECT_EQ(row.float_.value.size, 8u);
    EXPECT_EQ(row.dict.version.size, 8u);
    EXPECT_GE(row.long_.digit.size * 8u, row.long_.digit_bits);
  }
}

// Fields listed in memory order must each start at or after the previous one's end.
void expect_in_order(const std::string& what, const std::vector<field_at>& fields) {
  for (std::size_t i = 1; i < fields.size(); ++i) {
    if (!fields[i].present() || !fields[i - 1].present()) continue;
    EXPECT_GE(fields[i].offset, fields[i - 1].end()) << what << " field " << i;
  }
}

TEST(object_offsets, lay_each_structs_fields_out_one_after_another) {
  for (const object_offsets& row : offset_rows()) {
    const header_offsets& h = row.header;
    expect_in_order(name(row) + " header", {h.weakrefs, h.dict, h.gc_next, h.gc_prev, h.refcnt, h.type, h.size});
    EXPECT_EQ(h.gc_prev.end(), 0) << "the GC header ends where the object starts";
    EXPECT_EQ(h.dict.end(), -static_cast<std::int32_t>(h.gc_size));
    EXPECT_EQ(h.weakrefs.offset, -static_cast<std::int32_t>(h.gc_size + h.preheader_size));
    const str_offsets& s = row.str;
    expect_in_order(name(row) + " str", {h.type, s.length, s.hash, s.state, {s.ascii_data, 1}});
    expect_in_order(name(row) + " compact str", {s.state, s.utf8_length, s.utf8, {s.compact_data, 1}});
    expect_in_order(name(row) + " list", {h.size, row.list.items, row.list.allocated});
    expect_in_order(name(row) + " tuple", {h.size, row.tuple.hash, row.tuple.item});
    expect_in_order(name(row) + " int", {h.type, row.long_.tag, row.long_.digit});
    expect_in_order(name(row) + " bytes", {h.size, row.bytes.hash, {row.bytes.data, 1}});
    expect_in_order(name(row) + " dict", {h.type, row.dict.used, row.dict.version, row.dict.keys, row.dict.values});
    const dict_keys_offsets& k = row.dict_keys;
    expect_in_order(
        name(row) + " dict keys",
        {k.refcnt, k.log2_size, k.log2_index_bytes, k.kind, k.version, k.usable, k.nentries, {k.indices, 1}});
    EXPECT_EQ(k.entry_value.end(), static_cast<std::int32_t>(k.entry_size));
    EXPECT_EQ(k.unicode_value.end(), static_cast<std::int32_t>(k.unicode_entry_size));
    const inline_values_offsets& v = row.inline_values;
    expect_in_order(name(row) + " inline values", {v.capacity, v.size, v.embedded, v.valid, v.value});
  }
}

}  // namespace
}  // namespace bytewise::detail
