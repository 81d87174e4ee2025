// Tests for bytewise/xray.hpp on hand-built memory laid out as CPython 3.14 does on wasm32
// (the offsets written here are the C structs' own, independent of the core's table): exact
// fields of each decoded type, the rounds of asking for memory, every bounds check, and
// hostile bytes (pointers out of range, lengths that overflow, text that is not UTF-8).
#include <bytewise/xray.hpp>

#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace bytewise {
namespace {

platform_info wasm32_3_14() {
  platform_info p;
  p.pointer_size = 4;
  p.python_major = 3;
  p.python_minor = 14;
  p.python_micro = 2;
  p.implementation = "CPython";
  return p;
}

// Pyodide's memory in miniature: [0, size), zero-filled; reads past the end are answered short.
class heap {
 public:
  explicit heap(std::size_t size = 0x10000) : bytes_(size, 0) {}

  heap& u8(std::uint64_t at, std::uint8_t v) { return put(at, &v, 1); }
  heap& u16(std::uint64_t at, std::uint16_t v) { return put(at, &v, 2); }
  heap& u32(std::uint64_t at, std::uint32_t v) { return put(at, &v, 4); }
  heap& u64(std::uint64_t at, std::uint64_t v) { return put(at, &v, 8); }
  heap& f64(std::uint64_t at, double v) { return put(at, &v, 8); }
  heap& text(std::uint64_t at, const std::string& s) { return put(at, s.c_str(), s.size() + 1); }
  heap& fill(std::uint64_t at, const std::vector<std::uint8_t>& v) { return put(at, v.data(), v.size()); }

  // A dlmalloc chunk handed out at `user` (the size word just before it: size | CINUSE | PINUSE).
  heap& chunk(std::uint64_t user, std::uint32_t size) { return u32(user - 4, size | 3); }
  // A type object at `at` whose tp_name (at +12) points to `name`, stored at at + 0x40.
  heap& type(std::uint64_t at, const std::string& name) {
    return u32(at, 1).u32(at + 12, at + 0x40).text(at + 0x40, name);
  }

  memory_region read(const memory_range& want) const {
    memory_region r{want.address, {}, want.length};
    if (want.address < bytes_.size()) {
      const std::uint64_t end = std::min<std::uint64_t>(bytes_.size(), want.address + want.length);
      r.bytes.assign(bytes_.begin() + want.address, bytes_.begin() + end);
    }
    return r;
  }

  std::vector<std::uint8_t>& raw() { return bytes_; }

 private:
  heap& put(std::uint64_t at, const void* v, std::size_t n) {
    std::memcpy(bytes_.data() + at, v, n);
    return *this;
  }
  std::vector<std::uint8_t> bytes_;
};

struct decoded {
  xray_result result;
  int rounds = 0;  // calls until complete (xray_max_rounds + 1: never)
  const xray_block& block(const std::string& name) const {
    for (const xray_block& b : result.blocks) {
      if (b.name == name) return b;
    }
    ADD_FAILURE() << "no block named " << name;
    static const xray_block none;
    return none;
  }
  const xray_field& field(const std::string& name) const {
    for (const xray_block& b : result.blocks) {
      for (const xray_field& f : b.fields) {
        if (f.name == name) return f;
      }
    }
    ADD_FAILURE() << "no field named " << name;
    static const xray_field none;
    return none;
  }
  bool has_field(const std::string& name) const {
    for (const xray_block& b : result.blocks) {
      for (const xray_field& f : b.fields) {
        if (f.name == name) return true;
      }
    }
    return false;
  }
  std::string problem_codes() const {
    std::string out;
    for (const diagnostic& d : result.problems) out += (out.empty() ? "" : " ") + d.code;
    return out;
  }
};

// Answers every wanted range from `h`, as the page's worker and Node do, until complete.
// No want may reach past the 32-bit address space.
decoded decode(const xray_subject& s, const heap& h) {
  std::vector<memory_region> regions;
  for (int round = 1; round <= xray_max_rounds; ++round) {
    xray_result r = xray(s, regions);
    if (r.complete()) return {std::move(r), round};
    for (const memory_range& w : r.wants) {
      EXPECT_LE(w.address + w.length, std::uint64_t{1} << 32) << w.address;
      regions.push_back(h.read(w));
    }
  }
  return {xray(s, regions), xray_max_rounds + 1};
}

xray_subject subject(std::uint64_t address, std::string type, shape_family family, std::uint64_t getsizeof,
                     std::uint64_t length = 0, std::uint64_t shape_bits = 0) {
  xray_subject s;
  s.address = address;
  s.type_name = std::move(type);
  s.shape = static_cast<std::uint64_t>(family) | shape_bits;
  s.getsizeof = getsizeof;
  s.length = length;
  s.platform = wasm32_3_14();
  return s;
}

struct expected_field {
  std::uint64_t address;
  std::uint32_t size;
  std::string name, value, note;
  std::uint64_t points_to = 0;
};

void expect_fields(const xray_block& b, const std::vector<expected_field>& want) {
  ASSERT_EQ(b.fields.size(), want.size()) << b.name;
  for (std::size_t i = 0; i < want.size(); ++i) {
    const xray_field& f = b.fields[i];
    EXPECT_EQ(f.address, want[i].address) << f.name;
    EXPECT_EQ(f.size, want[i].size) << f.name;
    EXPECT_EQ(f.name, want[i].name);
    EXPECT_EQ(f.value, want[i].value) << f.name;
    EXPECT_EQ(f.note, want[i].note) << f.name;
    EXPECT_EQ(f.points_to, want[i].points_to) << f.name;
  }
}

// An independent check: every byte sequence is well-formed UTF-8 (no overlong forms,
// surrogates or code points past U+10FFFF).
bool valid_utf8(const std::string& s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static constexpr std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

void expect_all_text_valid(const xray_result& r) {
  for (const xray_block& b : r.blocks) {
    EXPECT_TRUE(valid_utf8(b.name)) << b.name;
    EXPECT_TRUE(valid_utf8(b.allocation)) << b.allocation;
    for (const xray_field& f : b.fields) {
      EXPECT_TRUE(valid_utf8(f.name)) << f.name;
      EXPECT_TRUE(valid_utf8(f.value)) << f.name << ": " << f.value;
      EXPECT_TRUE(valid_utf8(f.note)) << f.name << ": " << f.note;
    }
  }
  for (const diagnostic& d : r.problems) EXPECT_TRUE(valid_utf8(d.message)) << d.message;
}

constexpr std::uint64_t list_type = 0x1000, int_type = 0x1100, str_type = 0x1200, bytes_type = 0x1300,
                        tuple_type = 0x1400, dict_type = 0x1500, float_type = 0x1600, class_type = 0x1700;

// x = [a, b, c] with one spare slot: the list object (GC header + 20 bytes in a 32-byte
// chunk at 0x2000) and its item array (16 bytes in a 24-byte chunk at 0x3004).
heap list_heap() {
  heap h;
  h.type(list_type, "list");
  h.chunk(0x2000, 32).u32(0x2000, 0x5000).u32(0x2004, 0x5100);  // _gc_next, _gc_prev
  h.u32(0x2008, 1).u32(0x200C, list_type).u32(0x2010, 3).u32(0x2014, 0x3004).u32(0x2018, 4);
  h.chunk(0x3004, 24).u32(0x3004, 0x4000).u32(0x3008, 0x4010).u32(0x300C, 0x4020);
  return h;
}

TEST(xray, decodes_a_list_and_its_item_array_field_by_field) {
  const decoded d = decode(subject(0x2008, "list", shape_family::list, 44, 3), list_heap());
  ASSERT_LE(d.rounds, xray_max_rounds);
  EXPECT_EQ(d.problem_codes(), "");
  ASSERT_EQ(d.result.blocks.size(), 2u);
  const xray_block& object = d.result.blocks[0];
  EXPECT_EQ(object.name, "list object");
  EXPECT_EQ(object.address, 0x1FFCu);
  EXPECT_EQ(object.bytes.size(), 36u);
  EXPECT_EQ(object.allocated, 32u);
  EXPECT_EQ(object.requested, 28u);  // the GC header and PyListObject
  EXPECT_EQ(object.allocation, "dlmalloc (Emscripten) chunk of 32 bytes (28 usable)");
  expect_fields(object,
                {
                    {0x1FFC, 4, "chunk size word", "32 | in use", "a request of 28 bytes takes a 32-byte chunk"},
                    {0x2000, 4, "_gc_next", "0x00005000", "GC header: the collector's list"},
                    {0x2004, 4, "_gc_prev", "0x00005100", "GC header (low bits are flags)"},
                    {0x2008, 4, "ob_refcnt", "1", "references to it"},
                    {0x200C, 4, "ob_type", "0x00001000", "type list", list_type},
                    {0x2010, 4, "ob_size", "3", "len(list)"},
                    {0x2014, 4, "ob_item", "0x00003004", "the item array, a block of its own", 0x3004},
                    {0x2018, 4, "allocated", "4", "slots in the item array"},
                });
  const xray_block& items = d.result.blocks[1];
  EXPECT_EQ(items.name, "item array");
  EXPECT_EQ(items.address, 0x3000u);
  EXPECT_EQ(items.bytes.size(), 20u);
  EXPECT_EQ(items.allocated, 24u);
  EXPECT_EQ(items.requested, 16u);
  expect_fields(items, {
                           {0x3000, 4, "chunk size word", "24 | in use", "a request of 16 bytes takes a 24-byte chunk"},
                           {0x3004, 4, "ob_item[0]", "0x00004000", "id of item 0", 0x4000},
                           {0x3008, 4, "ob_item[1]", "0x00004010", "id of item 1", 0x4010},
                           {0x300C, 4, "ob_item[2]", "0x00004020", "id of item 2", 0x4020},
                           {0x3010, 4, "ob_item[3]", "(spare)", "allocated, not used yet"},
                       });
}

TEST(xray, asks_for_memory_in_rounds_and_each_range_once) {
  const xray_subject s = subject(0x2008, "list", shape_family::list, 44, 3);
  const xray_result first = xray(s, {});
  ASSERT_EQ(first.wants.size(), 1u);
  EXPECT_EQ(first.wants[0].address, 0x1FFCu);  // from the chunk's size word on
  EXPECT_GE(first.wants[0].length, 4u + 8 + 20);
  EXPECT_TRUE(first.blocks.empty());
  EXPECT_FALSE(first.complete());
  const decoded d = decode(s, list_heap());
  EXPECT_EQ(d.rounds, 5);  // header, type and block, type name, item array, done
  // Asking again with the same (incomplete) memory asks for the same ranges, once each.
  std::vector<memory_region> regions{list_heap().read(first.wants[0])};
  const xray_result second = xray(s, regions);
  for (std::size_t i = 0; i < second.wants.size(); ++i) {
    for (std::size_t j = i + 1; j < second.wants.size(); ++j) {
      EXPECT_FALSE(second.wants[i].address == second.wants[j].address &&
                   second.wants[i].length == second.wants[j].length);
    }
  }
}

TEST(xray, says_a_chunk_larger_than_a_fresh_one_was_reused) {
  heap h = list_heap();
  h.chunk(0x2000, 40);
  const decoded d = decode(subject(0x2008, "list", shape_family::list, 44, 3), h);
  EXPECT_EQ(d.result.blocks[0].allocated, 40u);
  EXPECT_EQ(d.field("chunk size word").note,
            "a request of 28 bytes takes a 32-byte chunk; the allocator handed out a larger free chunk");
}

// An int at 0x2000 in a chunk of its own, with `digits` (least significant first).
heap int_heap(std::uint32_t tag, const std::vector<std::uint32_t>& digits) {
  heap h;
  h.type(int_type, "int");
  h.chunk(0x2000, 24).u32(0x2000, 1).u32(0x2004, int_type).u32(0x2008, tag);
  for (std::size_t i = 0; i < digits.size(); ++i) h.u32(0x200C + 4 * i, digits[i]);
  return h;
}

TEST(xray, decodes_ints_of_every_sign_and_size) {
  struct example {
    std::uint32_t tag;
    std::vector<std::uint32_t> digits;
    std::string note;
  };
  const example examples[] = {
      {1, {0}, "0 digits, zero: value 0"},
      {1 << 3, {7}, "1 digit, positive: value 7"},
      {1 << 3 | 2, {7}, "1 digit, negative: value -7"},
      {2 << 3, {0, 1}, "2 digits, positive: value 1073741824"},                     // 2**30
      {3 << 3 | 2, {3, 0, 16}, "3 digits, negative: value -18446744073709551619"},  // -(2**64 + 3)
  };
  for (const example& e : examples) {
    const std::uint64_t size = 12 + 4 * e.digits.size();
    const decoded d = decode(subject(0x2000, "int", shape_family::int_, size), int_heap(e.tag, e.digits));
    EXPECT_EQ(d.problem_codes(), "");
    EXPECT_EQ(d.field("lv_tag").note, e.note);
    EXPECT_EQ(d.field("ob_digit[0]").value, std::to_string(e.digits[0]));
    EXPECT_EQ(d.result.blocks[0].requested, 0u) << "arithmetic can leave a spare digit: not known";
  }
  const decoded two = decode(subject(0x2000, "int", shape_family::int_, 20), int_heap(2 << 3, {0, 1}));
  EXPECT_EQ(two.field("ob_digit[1]").note, "x 2**30");
}

TEST(xray, marks_a_static_small_int_immortal_and_not_a_heap_block) {
  heap h;
  h.type(int_type, "int");
  h.u32(0x2000, 7u << 28).u32(0x2004, int_type).u32(0x2008, 1 << 3 | 4).u32(0x200C, 200);
  const decoded d = decode(subject(0x2000, "int", shape_family::int_, 16), h);
  const xray_block& b = d.result.blocks[0];
  EXPECT_EQ(b.address, 0x2000u);
  EXPECT_EQ(b.allocated, 0u);
  EXPECT_EQ(b.allocation, "statically allocated by the interpreter (no heap block)");
  EXPECT_EQ(d.field("ob_refcnt").note, "immortal, static (0x70000000)");
  EXPECT_EQ(d.field("lv_tag").note, "1 digit, positive, immortal: value 200");
  EXPECT_FALSE(d.has_field("chunk size word"));
}

TEST(xray, calls_refcounts_past_the_immortal_minimum_immortal) {
  heap h = int_heap(1 << 3, {5});
  h.u32(0x2000, (1u << 30) + 12);
  EXPECT_EQ(decode(subject(0x2000, "int", shape_family::int_, 16), h).field("ob_refcnt").note, "immortal");
}

TEST(xray, decodes_a_float) {
  heap h;
  h.type(float_type, "float");
  h.chunk(0x2000, 24).u32(0x2000, 2).u32(0x2004, float_type).f64(0x2008, 6.5);
  const decoded d = decode(subject(0x2000, "float", shape_family::float_, 16), h);
  expect_fields(d.result.blocks[0],
                {
                    {0x1FFC, 4, "chunk size word", "24 | in use", "a request of 16 bytes takes a 24-byte chunk"},
                    {0x2000, 4, "ob_refcnt", "2", "references to it"},
                    {0x2004, 4, "ob_type", "0x00001600", "type float", float_type},
                    {0x2008, 8, "ob_fval", "6.5", "an IEEE 754 double"},
                });
}

// A compact str at 0x2000: state = kind << 2 | compact << 5 | ascii << 6; characters of
// `kind` bytes each at 20 (ASCII) or 28.
heap str_heap(unsigned kind, bool ascii, const std::vector<std::uint32_t>& chars, std::uint32_t chunk = 0) {
  heap h;
  h.type(str_type, "str");
  const std::uint64_t data = ascii ? 0x2014 : 0x201C;
  const std::uint64_t size = data - 0x2000 + (chars.size() + 1) * kind;
  h.chunk(0x2000, chunk ? chunk : static_cast<std::uint32_t>(std::max<std::uint64_t>(16, (size + 4 + 7) / 8 * 8)));
  h.u32(0x2000, 1).u32(0x2004, str_type).u32(0x2008, static_cast<std::uint32_t>(chars.size()));
  h.u32(0x200C, 0xFFFFFFFF).u32(0x2010, kind << 2 | 1u << 5 | (ascii ? 1u << 6 : 0));
  for (std::size_t i = 0; i < chars.size(); ++i) {
    if (kind == 1) h.u8(data + i, static_cast<std::uint8_t>(chars[i]));
    if (kind == 2) h.u16(data + 2 * i, static_cast<std::uint16_t>(chars[i]));
    if (kind == 4) h.u32(data + 4 * i, chars[i]);
  }
  return h;
}

decoded decode_str(unsigned kind, bool ascii, const std::vector<std::uint32_t>& chars) {
  const std::uint64_t size = (ascii ? 20 : 28) + (chars.size() + 1) * kind;
  const std::uint64_t shape = kind == 1 ? (ascii ? 0 : 1) : kind == 2 ? 2 : 3;
  return decode(subject(0x2000, "str", shape_family::str, size, chars.size(), shape << 8),
                str_heap(kind, ascii, chars));
}

std::vector<std::uint32_t> code_points(const std::u32string& s) { return {s.begin(), s.end()}; }

TEST(xray, decodes_strings_of_each_kind) {
  const decoded ascii = decode_str(1, true, code_points(U"hello"));
  expect_fields(ascii.result.blocks[0],
                {
                    {0x1FFC, 4, "chunk size word", "32 | in use", "a request of 26 bytes takes a 32-byte chunk"},
                    {0x2000, 4, "ob_refcnt", "1", "references to it"},
                    {0x2004, 4, "ob_type", "0x00001200", "type str", str_type},
                    {0x2008, 4, "length", "5", "len(str)"},
                    {0x200C, 4, "hash", "-1", "not computed yet"},
                    {0x2010, 4, "state", "0x00000064", "not interned, kind 1, compact, ASCII"},
                    {0x2014, 6, "data", "'hello'", "5 characters of 1 byte and a NUL"},
                });
  EXPECT_EQ(decode_str(1, false, code_points(U"caf\u00e9")).field("data").value, "'caf\u00e9'");
  EXPECT_EQ(decode_str(2, false, code_points(U"\u65e5\u672c")).field("data").value, "'\u65e5\u672c'");
  const decoded wide = decode_str(4, false, code_points(U"ok \U0001F600"));
  EXPECT_EQ(wide.field("data").value, "'ok \U0001F600'");
  EXPECT_EQ(wide.field("data").size, 20u);
  EXPECT_EQ(wide.field("utf8").value, "NULL");
  EXPECT_EQ(decode_str(1, true, code_points(U"it's")).field("data").value, "\"it's\"");
  EXPECT_EQ(decode_str(1, true, code_points(U"a\tb\\\n")).field("data").value, "'a\\tb\\\\\\n'");
}

TEST(xray, writes_surrogates_and_impossible_code_points_as_escapes) {
  EXPECT_EQ(decode_str(2, false, {0xD800, 'x'}).field("data").value, "'\\ud800x'");
  const decoded corrupt = decode_str(4, false, {0x110000, 0xFFFFFFFF, 0x85});
  EXPECT_EQ(corrupt.field("data").value, "'\\U00110000\\Uffffffff\\x85'");
  expect_all_text_valid(corrupt.result);
}

TEST(xray, never_cuts_inside_a_character_when_shortening_a_long_str) {
  const std::vector<std::uint32_t> e_acute(200, 0xE9), nihon(200, 0x65E5);
  const decoded latin1 = decode_str(1, false, e_acute);
  std::string shown = "'";
  for (int i = 0; i < 120; ++i) shown += "\u00e9";
  EXPECT_EQ(latin1.field("data").value, shown + "'...");
  const decoded ucs2 = decode_str(2, false, nihon);
  EXPECT_TRUE(valid_utf8(ucs2.field("data").value));
  EXPECT_EQ(ucs2.field("data").value.substr(ucs2.field("data").value.size() - 4), "'...");
}

TEST(xray, writes_bytes_as_python_repr_does) {
  heap h;
  h.type(bytes_type, "bytes");
  h.chunk(0x2000, 32).u32(0x2000, 1).u32(0x2004, bytes_type).u32(0x2008, 6).u32(0x200C, 0xFFFFFFFF);
  h.fill(0x2010, {0xFF, 'A', 0x00, '\'', '\n', 0x80});
  const decoded d = decode(subject(0x2000, "bytes", shape_family::bytes, 23, 6), h);
  EXPECT_EQ(d.field("ob_sval").value, "b\"\\xffA\\x00'\\n\\x80\"");
  EXPECT_EQ(d.field("ob_sval").size, 7u);
  EXPECT_EQ(d.field("ob_shash").value, "-1");
  expect_all_text_valid(d.result);
}

TEST(xray, decodes_a_tuple_with_its_cached_hash) {
  heap h;
  h.type(tuple_type, "tuple");
  h.chunk(0x2000, 40).u32(0x2008, 1).u32(0x200C, tuple_type).u32(0x2010, 2).u32(0x2014, 0x12345678);
  h.u32(0x2018, 0x4000).u32(0x201C, 0x4010);
  const decoded d = decode(subject(0x2008, "tuple", shape_family::tuple, 32, 2), h);
  EXPECT_EQ(d.problem_codes(), "");
  EXPECT_EQ(d.field("ob_hash").value, "0x12345678");
  EXPECT_EQ(d.field("ob_hash").note, "cached hash (3.14)");
  EXPECT_EQ(d.field("ob_item[1]").points_to, 0x4010u);
  EXPECT_EQ(d.result.blocks[0].requested, 8u + 24);
}

// d = {'a': x, 'b': y}: a PyDictObject in a 48-byte chunk at 0x2000 and a str-keys table of
// 8 slots (20 + 8 index bytes + 5 entries of 8 = 68 bytes, a 72-byte chunk) at 0x3004.
heap dict_heap() {
  heap h;
  h.type(dict_type, "dict");
  h.chunk(0x2000, 48).u32(0x2008, 1).u32(0x200C, dict_type).u32(0x2010, 2).u64(0x2018, 0).u32(0x2020, 0x3004);
  h.chunk(0x3004, 72).u32(0x3004, 1).u8(0x3008, 3).u8(0x3009, 3).u8(0x300A, 1).u32(0x3010, 3).u32(0x3014, 2);
  h.fill(0x3018, {0, 0xFF, 0xFF, 1, 0xFF, 0xFF, 0xFF, 0xFF});
  h.u32(0x3020, 0x4000).u32(0x3024, 0x4100).u32(0x3028, 0x4010).u32(0x302C, 0x4110);
  return h;
}

TEST(xray, decodes_a_dict_and_its_keys_table) {
  const decoded d = decode(subject(0x2008, "dict", shape_family::dict, 108, 2, 1 << 8), dict_heap());
  EXPECT_EQ(d.problem_codes(), "");
  ASSERT_EQ(d.result.blocks.size(), 2u);
  EXPECT_EQ(d.result.blocks[0].requested, 40u);
  EXPECT_EQ(d.field("(padding)").address, 0x2014u);
  EXPECT_EQ(d.field("(padding)").size, 4u);
  EXPECT_EQ(d.field("_ma_watcher_tag").size, 8u);
  EXPECT_EQ(d.field("ma_values").note, "NULL: keys and values share the table");
  const xray_block& keys = d.block("dict keys");
  EXPECT_EQ(keys.address, 0x3000u);
  EXPECT_EQ(keys.requested, 68u);
  EXPECT_EQ(keys.allocated, 72u);
  EXPECT_EQ(d.field("dk_kind").note, "str keys (key, value)");
  EXPECT_EQ(d.field("dk_indices").address, 0x3018u);
  EXPECT_EQ(d.field("dk_indices").size, 8u);
  EXPECT_EQ(d.field("entry[0].key").points_to, 0x4000u);
  EXPECT_EQ(d.field("entry[0].value").points_to, 0x4100u);
  EXPECT_EQ(d.field("entry[1].key").address, 0x3028u);
  EXPECT_EQ(d.field("entry[1].value").points_to, 0x4110u);
  EXPECT_FALSE(d.has_field("entry[2].key"));
}

TEST(xray, names_a_shared_keys_table_without_a_chunk_of_its_own) {
  heap h = dict_heap();
  h.u32(0x3000, 0).u32(0x3004, 7u << 28);  // no chunk header; an immortal refcount
  const decoded d = decode(subject(0x2008, "dict", shape_family::dict, 108, 2, 1 << 8), h);
  const xray_block& keys = d.block("dict keys (shared)");
  EXPECT_EQ(keys.allocated, 0u);
  EXPECT_EQ(keys.allocation, "a shared or static table (the empty dict's, or a class's)");
  EXPECT_EQ(d.field("dk_refcnt").note, "immortal");
}

TEST(xray, decodes_an_instances_inline_values) {
  heap h;
  h.type(class_type, "P");
  // GC header and pre-header (16 bytes) before the object at 0x2010; values after it.
  h.chunk(0x2000, 40).u32(0x2010, 1).u32(0x2014, class_type);
  h.u8(0x2018, 3).u8(0x2019, 2).u8(0x201A, 1).u8(0x201B, 1).u32(0x201C, 0x4000).u32(0x2020, 0x4010);
  const decoded d = decode(subject(0x2010, "P", shape_family::instance, 24, 0, 3 << 24), h);
  EXPECT_EQ(d.problem_codes(), "");
  EXPECT_EQ(d.field("weakref list").address, 0x2000u);
  EXPECT_EQ(d.field("dict or values").address, 0x2004u);
  EXPECT_EQ(d.field("values.capacity").value, "3");
  EXPECT_EQ(d.field("values.size").value, "2");
  EXPECT_EQ(d.field("values[0]").points_to, 0x4000u);
  EXPECT_EQ(d.field("values[1]").points_to, 0x4010u);
  EXPECT_FALSE(d.has_field("values[2]")) << "an empty slot is not an attribute";
  EXPECT_EQ(d.result.blocks[0].requested, 0u) << "inline values are sized by the class's history";
}

// Refusals and bounds checks.

TEST(xray, refuses_platforms_without_offsets) {
  xray_subject s = subject(0x2008, "list", shape_family::list, 56);
  s.platform.pointer_size = 8;
  s.platform.python_minor = 12;
  const xray_result r = xray(s, {});
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].code, "xray.platform");
  EXPECT_EQ(r.problems[0].message,
            "The X-ray decodes CPython 3.14 on 32-bit wasm (this page's Pyodide); this capture is from CPython "
            "3.12, 64-bit.");
  EXPECT_TRUE(r.wants.empty());
  EXPECT_TRUE(r.complete());
}

TEST(xray, refuses_a_free_threaded_build) {
  xray_subject s = subject(0x2008, "list", shape_family::list, 44);
  s.platform.free_threaded = true;
  EXPECT_EQ(xray(s, {}).problems.at(0).code, "xray.platform");
}

TEST(xray, refuses_addresses_outside_the_address_space) {
  for (std::uint64_t address : {std::uint64_t{0}, std::uint64_t{63}, std::uint64_t{1} << 32, ~std::uint64_t{0}}) {
    const xray_result r = xray(subject(address, "list", shape_family::list, 44), {});
    EXPECT_EQ(r.problems.at(0).code, "xray.address") << address;
    EXPECT_TRUE(r.wants.empty());
  }
}

TEST(xray, reports_memory_that_now_holds_another_type_as_stale) {
  heap h = list_heap();
  h.type(float_type, "float").u32(0x200C, float_type);
  const decoded d = decode(subject(0x2008, "list", shape_family::list, 44, 3), h);
  EXPECT_TRUE(d.result.blocks.empty());
  ASSERT_EQ(d.problem_codes(), "xray.stale");
  EXPECT_EQ(d.result.problems[0].message,
            "The memory at id 0x00002008 now holds a float, not the list that was captured: the object was freed "
            "since. Run the program again.");
}

TEST(xray, accepts_a_type_whose_c_name_carries_its_module) {
  heap h = list_heap();
  h.type(list_type, "collections.UserListLike");
  EXPECT_EQ(decode(subject(0x2008, "UserListLike", shape_family::list, 44, 3), h).problem_codes(), "");
  EXPECT_EQ(decode(subject(0x2008, "Outer.UserListLike", shape_family::list, 44, 3), h).problem_codes(), "");
}

TEST(xray, reports_an_object_past_the_end_of_the_heap) {
  const decoded d = decode(subject(0x20000, "list", shape_family::list, 44), heap(0x10000));
  EXPECT_LE(d.rounds, 2);
  EXPECT_TRUE(d.result.blocks.empty());
  EXPECT_EQ(d.problem_codes(), "xray.unreadable");
}

TEST(xray, does_not_follow_an_item_array_pointer_past_the_address_space) {
  heap h = list_heap();
  h.u32(0x2014, 0xFFFFFFF0).u32(0x2018, 100);  // 0xFFFFFFEC + 404 bytes passes 2**32
  const decoded d = decode(subject(0x2008, "list", shape_family::list, 428, 3), h);
  EXPECT_LE(d.rounds, xray_max_rounds);
  EXPECT_EQ(d.result.blocks.size(), 1u);
  EXPECT_EQ(d.problem_codes(), "xray.unreadable");
  EXPECT_EQ(d.field("ob_item").value, "0xfffffff0");
}

TEST(xray, does_not_follow_pointers_that_wrap_below_zero) {
  heap h = list_heap();
  h.u32(0x2014, 2);  // the chunk header would be at 2 - 4
  EXPECT_EQ(decode(subject(0x2008, "list", shape_family::list, 44, 3), h).problem_codes(), "xray.unreadable");
  heap d = dict_heap();
  d.u32(0x2020, 1);
  const decoded dict = decode(subject(0x2008, "dict", shape_family::dict, 108, 2, 1 << 8), d);
  EXPECT_LE(dict.rounds, xray_max_rounds);
  EXPECT_EQ(dict.result.blocks.size(), 1u);
}

TEST(xray, does_not_follow_an_item_array_pointer_past_the_heap) {
  heap h = list_heap();
  h.u32(0x2014, 0x00F00000);
  const decoded d = decode(subject(0x2008, "list", shape_family::list, 44, 3), h);
  EXPECT_LE(d.rounds, xray_max_rounds);
  EXPECT_EQ(d.result.blocks.size(), 1u);
  EXPECT_EQ(d.problem_codes(), "xray.unreadable");
  EXPECT_EQ(d.result.problems[0].message,
            "The item array at 0x00f00000 is outside Python's memory: the pointer to it is not an address there, "
            "so it is not decoded.");
}

TEST(xray, caps_an_item_array_whose_slot_count_overflows) {
  heap h = list_heap();
  h.u32(0x2018, 0xFFFFFFFF).chunk(0x3004, 0x8000);
  const decoded d = decode(subject(0x2008, "list", shape_family::list, 44, 3), h);
  EXPECT_LE(d.rounds, xray_max_rounds);
  const xray_block& items = d.block("item array");
  EXPECT_EQ(items.bytes.size(), 4096u);
  EXPECT_EQ(items.fields.size(), 1u + 1023) << "the size word and the slots inside the shown block";
  EXPECT_EQ(d.problem_codes(), "xray.shown_part");
}

TEST(xray, stops_a_tuple_at_its_block_when_its_size_lies) {
  heap h;
  h.type(tuple_type, "tuple");
  h.chunk(0x2000, 40).u32(0x2008, 1).u32(0x200C, tuple_type).u32(0x2010, 0x7FFFFFFF).u32(0x2014, 0xFFFFFFFF);
  const decoded d = decode(subject(0x2008, "tuple", shape_family::tuple, 28, 1), h);
  EXPECT_EQ(d.problem_codes(), "xray.shown_part");
  EXPECT_EQ(d.field("ob_hash").value, "-1");
  EXPECT_TRUE(d.has_field("ob_item[3]"));
  EXPECT_FALSE(d.has_field("ob_item[4]")) << "the block ends with the chunk's 40 bytes";
}

TEST(xray, caps_a_str_whose_length_overflows) {
  heap h = str_heap(4, false, code_points(U"abc"), 40);
  h.u32(0x2008, 0xFFFFFFFF);
  const decoded d = decode(subject(0x2000, "str", shape_family::str, 44, 3, 3 << 8), h);
  EXPECT_LE(d.rounds, xray_max_rounds);
  EXPECT_EQ(d.field("data").value, "'abc'...");  // as much as the 40-byte chunk holds
  EXPECT_EQ(d.field("data").size, 4096u);
  expect_all_text_valid(d.result);
}

TEST(xray, refuses_a_str_that_is_not_compact) {
  heap h = str_heap(1, true, code_points(U"abc"));
  h.u32(0x2010, 1u << 2);  // kind 1, not compact
  const decoded d = decode(subject(0x2000, "str", shape_family::str, 24, 3), h);
  EXPECT_EQ(d.problem_codes(), "xray.str_layout");
  EXPECT_FALSE(d.has_field("data"));
}

TEST(xray, rejects_a_dict_keys_header_that_makes_no_sense) {
  heap h = dict_heap();
  h.u8(0x3008, 200);
  const decoded d = decode(subject(0x2008, "dict", shape_family::dict, 108, 2, 1 << 8), h);
  EXPECT_EQ(d.problem_codes(), "xray.dict_keys");
  EXPECT_EQ(d.result.blocks.size(), 1u);
}

TEST(xray, reports_a_type_pointer_that_leads_nowhere) {
  for (std::uint32_t type : {0u, 0x00F00000u}) {
    heap h = list_heap();
    h.u32(0x200C, type);
    const decoded d = decode(subject(0x2008, "list", shape_family::list, 44, 3), h);
    EXPECT_LE(d.rounds, xray_max_rounds);
    EXPECT_EQ(d.problem_codes(), "xray.type") << type;
    ASSERT_EQ(d.result.blocks.size(), 1u);
    EXPECT_EQ(d.field("ob_type").note, "not a type");
    EXPECT_FALSE(d.has_field("ob_size")) << "without its type the rest is not decoded";
  }
}

TEST(xray, escapes_a_type_name_that_is_not_utf8) {
  heap h = list_heap();
  h.fill(list_type + 0x40, {'l', 0xFF, 0xC3, 0});
  const decoded d = decode(subject(0x2008, "list", shape_family::list, 44, 3), h);
  EXPECT_EQ(d.problem_codes(), "xray.stale");
  EXPECT_NE(d.result.problems[0].message.find("now holds a l\\xff\\xc3,"), std::string::npos);
  expect_all_text_valid(d.result);
  xray_subject bad = subject(0x2008, std::string("li\xFFst", 5), shape_family::list, 44, 3);
  expect_all_text_valid(decode(bad, list_heap()).result);
}

TEST(xray, flags_int_digits_wider_than_their_bits) {
  const decoded d = decode(subject(0x2000, "int", shape_family::int_, 16), int_heap(1 << 3, {0xFFFFFFFF}));
  EXPECT_EQ(d.problem_codes(), "xray.int_digit");
  EXPECT_EQ(d.field("ob_digit[0]").value, "1073741823");
}

TEST(xray, keeps_every_string_valid_and_every_want_in_range_on_random_memory) {
  struct kind {
    shape_family family;
    const char* type;
    std::uint64_t getsizeof, shape_bits;
  };
  const kind kinds[] = {
      {shape_family::list, "list", 60, 0},        {shape_family::tuple, "tuple", 40, 0},
      {shape_family::int_, "int", 24, 0},         {shape_family::float_, "float", 16, 0},
      {shape_family::str, "str", 60, 3 << 8},     {shape_family::str, "str", 40, 0},
      {shape_family::bytes, "bytes", 40, 0},      {shape_family::dict, "dict", 108, 1 << 8},
      {shape_family::instance, "P", 24, 3 << 24}, {shape_family::instance, "S", 24, 2 << 8},
  };
  std::mt19937 random(12);
  for (int trial = 0; trial < 400; ++trial) {
    const kind& k = kinds[trial % std::size(kinds)];
    heap h(0x8000);
    for (std::uint8_t& byte : h.raw()) byte = static_cast<std::uint8_t>(random());
    // Pointers now and then into the heap, so that side blocks get followed too.
    for (int i = 0; i < 40; ++i) h.u32(0x1F00 + 4 * (random() % 96), 0x1000 + random() % 0x6000);
    h.type(0x400, k.type).chunk(0x2000, 0x80).u32(0x2010, 1).u32(0x2014, 0x400);
    const bool gc = k.family != shape_family::int_ && k.family != shape_family::float_ &&
                    k.family != shape_family::str && k.family != shape_family::bytes;
    const std::uint64_t address = k.family == shape_family::instance && k.shape_bits >> 24 ? 0x2010
                                  : gc                                                     ? 0x2008
                                                                                           : 0x2000;
    if (address != 0x2010) h.u32(address, 1).u32(address + 4, 0x400);
    const decoded d = decode(subject(address, k.type, k.family, k.getsizeof, 3, k.shape_bits), h);
    EXPECT_LE(d.rounds, xray_max_rounds) << k.type << " trial " << trial;
    expect_all_text_valid(d.result);
    for (const xray_block& b : d.result.blocks) EXPECT_LE(b.bytes.size(), 4096u);
  }
}

}  // namespace
}  // namespace bytewise
