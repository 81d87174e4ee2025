// The X-ray decoder (see bytewise/xray.hpp). Every offset comes from the platform's row of
// object_offsets.cpp, every chunk fact from the allocation model; this file only says which
// fields to read in which order and how to put them in words.
//
// Index:
//   [SECTION] Memory: bounds-checked reads and requests for more
//   [SECTION] Numbers and text
//   [SECTION] The decoder: blocks, fields, the allocation around an object
//   [SECTION] Per-type fields
//   [SECTION] Entry points
#include <bytewise/allocation.hpp>
#include <bytewise/xray.hpp>

#include "object_offsets.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <optional>

namespace bytewise {
namespace {

using detail::field_at;
using detail::object_offsets;

//-----------------------------------------------------------------------------
// [SECTION] Memory: bounds-checked reads and requests for more
//-----------------------------------------------------------------------------

// No block is copied past this many bytes: a 100 MB bytes object shows its start.
constexpr std::uint64_t max_block = 4096;
// Bytes of a type's C name read at once (tp_name is a pointer to a NUL-terminated string).
constexpr std::uint64_t max_type_name = 64;

// Addresses a pointer of `pointer_size` bytes can hold: [0, this).
constexpr std::uint64_t address_space(unsigned pointer_size) {
  return pointer_size >= 8 ? ~std::uint64_t{0} : std::uint64_t{1} << (8 * pointer_size);
}

enum class fetch : std::uint8_t {
  ready,       // in memory
  asked,       // added to the wants
  unreadable,  // outside the address space, or where the memory was answered short
};

class memory {
 public:
  memory(const std::vector<memory_region>& regions, std::uint64_t address_space)
      : regions_(regions), space_(address_space) {}

  bool has(std::uint64_t address, std::uint64_t length) const { return find(address, length) != nullptr; }

  // Asks for [address, address + length) unless it is there or cannot be had.
  fetch need(std::uint64_t address, std::uint64_t length) {
    if (length == 0 || has(address, length)) return fetch::ready;
    if (length > space_ || address > space_ - length || answered_short(address, length)) return fetch::unreadable;
    for (const memory_range& w : wants_) {
      if (w.address == address && w.length == length) return fetch::asked;
    }
    wants_.push_back({address, length});
    return fetch::asked;
  }

  std::vector<std::uint8_t> bytes(std::uint64_t address, std::uint64_t length) const {
    const std::uint8_t* p = find(address, length);
    return p ? std::vector<std::uint8_t>(p, p + length) : std::vector<std::uint8_t>{};
  }

  // The bytes from `address` up to `most` of them, as far as one region holds them.
  std::vector<std::uint8_t> bytes_up_to(std::uint64_t address, std::uint64_t most) const {
    std::vector<std::uint8_t> best;
    for (const memory_region& r : regions_) {
      if (address < r.address || address - r.address >= r.bytes.size()) continue;
      const std::uint64_t from = address - r.address;
      const std::uint64_t n = std::min<std::uint64_t>(most, r.bytes.size() - from);
      if (n > best.size()) best.assign(r.bytes.begin() + from, r.bytes.begin() + from + n);
    }
    return best;
  }

  // The little-endian unsigned number of `size` bytes (1, 2, 4 or 8) at `address`.
  std::optional<std::uint64_t> number(std::uint64_t address, unsigned size) const {
    const std::uint8_t* p = size <= 8 ? find(address, size) : nullptr;
    if (!p) return std::nullopt;
    std::uint64_t v = 0;
    for (unsigned i = size; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }

  std::optional<double> real(std::uint64_t address) const {
    const std::uint8_t* p = find(address, sizeof(double));
    if (!p) return std::nullopt;
    double v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  std::vector<memory_range> take_wants() { return std::move(wants_); }

 private:
  const std::uint8_t* find(std::uint64_t address, std::uint64_t length) const {
    for (const memory_region& r : regions_) {
      if (address >= r.address && length <= r.bytes.size() && address - r.address <= r.bytes.size() - length) {
        return r.bytes.data() + (address - r.address);
      }
    }
    return nullptr;
  }

  // Some region was asked for more than it holds, and the range reaches into that rest.
  bool answered_short(std::uint64_t address, std::uint64_t length) const {
    for (const memory_region& r : regions_) {
      if (r.length <= r.bytes.size()) continue;
      const std::uint64_t gap = r.address + r.bytes.size(), gap_end = r.address + r.length;
      if (address < gap_end && address + length > gap) return true;
    }
    return false;
  }

  const std::vector<memory_region>& regions_;
  const std::uint64_t space_;
  std::vector<memory_range> wants_;
};

//-----------------------------------------------------------------------------
// [SECTION] Numbers and text
//-----------------------------------------------------------------------------

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%08" PRIx64, v);
  return buf;
}

std::string dec(std::uint64_t v) { return std::to_string(v); }

void append_escape(std::string& out, const char* format, std::uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, format, v);
  out += buf;
}

// Python's choice of quote for a repr: ' unless the text holds ' and no ".
char quote_for(bool has_single, bool has_double) { return has_single && !has_double ? '"' : '\''; }

// A str's characters as Python's repr writes them (quotes, \\, \n, \t, \r, control and C1
// characters, no-break and soft hyphen as \xNN, lone surrogates as \uNNNN), shown up to `limit` characters and then
// "...". Code points no str can hold (past U+10FFFF: corrupt memory) come out as \UNNNNNNNN.
std::string quoted_text(const std::vector<std::uint32_t>& text, bool more, std::size_t limit = 120) {
  const std::size_t shown = std::min(text.size(), limit);
  bool single = false, dbl = false;
  for (std::size_t i = 0; i < shown; ++i) single |= text[i] == '\'', dbl |= text[i] == '"';
  const char q = quote_for(single, dbl);
  std::string out(1, q);
  for (std::size_t i = 0; i < shown; ++i) {
    const std::uint32_t c = text[i];
    if (c == static_cast<std::uint32_t>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD) {
      append_escape(out, "\\x%02x", c);
    } else if (c >= 0xD800 && c <= 0xDFFF) {
      append_escape(out, "\\u%04x", c);
    } else if (c > 0x10FFFF) {
      append_escape(out, "\\U%08x", c);
    } else {
      detail::append_utf8(out, c);
    }
  }
  out += q;
  if (more || shown < text.size()) out += "...";
  return out;
}

// A bytes object's contents as Python's repr writes them: printable ASCII as is, \\, \n, \t,
// \r, the quote escaped, every other byte as \xNN.
std::string quoted_bytes(const std::vector<std::uint8_t>& data, bool more, std::size_t limit = 120) {
  const std::size_t shown = std::min(data.size(), limit);
  bool single = false, dbl = false;
  for (std::size_t i = 0; i < shown; ++i) single |= data[i] == '\'', dbl |= data[i] == '"';
  const char q = quote_for(single, dbl);
  std::string out = "b";
  out += q;
  for (std::size_t i = 0; i < shown; ++i) {
    const std::uint8_t c = data[i];
    if (c == q || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c < 0x20 || c >= 0x7F) {
      append_escape(out, "\\x%02x", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  out += q;
  if (more || shown < data.size()) out += "...";
  return out;
}

// The decimal value of digits of `bits` bits each, least significant first.
std::string digits_to_decimal(std::vector<std::uint32_t> digits, unsigned bits, bool negative) {
  std::string out;
  while (!digits.empty()) {
    std::uint64_t rem = 0;
    for (std::size_t i = digits.size(); i-- > 0;) {
      const std::uint64_t cur = (rem << bits) | digits[i];
      digits[i] = static_cast<std::uint32_t>(cur / 1000000000u);
      rem = cur % 1000000000u;
    }
    while (!digits.empty() && digits.back() == 0) digits.pop_back();
    char buf[16];
    std::snprintf(buf, sizeof buf, digits.empty() ? "%" PRIu64 : "%09" PRIu64, rem);
    out.insert(0, buf);
  }
  if (out.empty()) out = "0";
  return negative ? "-" + out : out;
}

// The last dotted part of a type's name: "collections.OrderedDict" and "Outer.Inner" end in
// the part both tp_name and __qualname__ share.
std::string_view last_part(std::string_view name) {
  const std::size_t dot = name.rfind('.');
  return dot == std::string_view::npos ? name : name.substr(dot + 1);
}

bool gc_family(shape_family f) {
  switch (f) {
    case shape_family::list:
    case shape_family::tuple:
    case shape_family::dict:
    case shape_family::set:
    case shape_family::frozenset:
    case shape_family::instance:
    case shape_family::function:
    case shape_family::builtin_function:
    case shape_family::method:
    case shape_family::cell:
    case shape_family::array:
    case shape_family::memoryview:
    case shape_family::generator:
    case shape_family::coroutine:
    case shape_family::async_generator:
    case shape_family::slice: return true;
    default: return false;
  }
}

//-----------------------------------------------------------------------------
// [SECTION] The decoder: blocks, fields, the allocation around an object
//-----------------------------------------------------------------------------

class decoder {
 public:
  decoder(const xray_subject& s, const object_offsets& o, cpython_target t, memory& m, xray_result& out)
      : s_(s), o_(o), t_(t), alloc_(allocator_of(t)), m_(m), out_(out) {}

  void run();

 private:
  void problem(std::string code, std::string message) {
    for (const diagnostic& d : out_.problems) {
      if (d.code == code && d.message == message) return;
    }
    out_.problems.push_back({std::move(code), std::nullopt, std::move(message)});
  }

  static std::uint64_t at(std::uint64_t base, field_at f) {
    return base + static_cast<std::uint64_t>(static_cast<std::int64_t>(f.offset));
  }
  std::optional<std::uint64_t> read(std::uint64_t base, field_at f) const { return m_.number(at(base, f), f.size); }
  std::uint64_t read_or_zero(std::uint64_t base, field_at f) const { return read(base, f).value_or(0); }

  // Whether [address, address + size) lies inside the block's bytes.
  static bool inside(const xray_block& b, std::uint64_t address, std::uint64_t size) {
    return address >= b.address && size <= b.bytes.size() && address - b.address <= b.bytes.size() - size;
  }

  xray_field& field(xray_block& b, std::uint64_t address, std::uint64_t size, std::string name, std::string value,
                    std::string note = {}, std::uint64_t points_to = 0) {
    b.fields.push_back({address, static_cast<std::uint32_t>(std::min(size, max_block)), std::move(name),
                        std::move(value), points_to, std::move(note)});
    return b.fields.back();
  }

  // A number field at base + f: decimal (or hex), "(not read)" where memory lacks it.
  void number(xray_block& b, std::uint64_t base, field_at f, std::string name, std::string note = {},
              bool as_hex = false) {
    const std::optional<std::uint64_t> v = read(base, f);
    field(b, at(base, f), f.size, std::move(name), v ? (as_hex ? hex(*v) : dec(*v)) : "(not read)", std::move(note));
  }

  // A pointer field, noted with what it points to.
  void pointer(xray_block& b, std::uint64_t address, unsigned size, std::string name, std::string note = {}) {
    const std::optional<std::uint64_t> v = m_.number(address, size);
    field(b, address, size, std::move(name), !v ? "(not read)" : *v ? hex(*v) : "NULL", std::move(note), v.value_or(0));
  }
  void pointer(xray_block& b, std::uint64_t base, field_at f, std::string name, std::string note = {}) {
    pointer(b, at(base, f), f.size, std::move(name), std::move(note));
  }

  // A hash field: Py_hash_t, -1 until computed.
  void hash(xray_block& b, std::uint64_t base, field_at f, std::string name, const char* computed_note,
            const char* missing_note) {
    const std::optional<std::uint64_t> v = read(base, f);
    const std::uint64_t minus_one = f.size >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * f.size)) - 1;
    const bool unset = v && *v == minus_one;
    field(b, at(base, f), f.size, std::move(name),
          !v      ? "(not read)"
          : unset ? "-1"
                  : hex(*v),
          unset ? missing_note : computed_note);
  }

  // Copies [start, start + length) (capped) into a new block; nullptr while it is still asked
  // for or when it cannot be read (`what` names it and where it is in the problem then).
  xray_block* block(std::string name, std::uint64_t start, std::uint64_t length, const std::string& what) {
    const std::uint64_t shown = std::min(length, max_block);
    switch (m_.need(start, shown)) {
      case fetch::asked: return nullptr;
      case fetch::unreadable:
        problem("xray.unreadable", "The " + what +
                                       " is outside Python's memory: the pointer to it is not an address there, so "
                                       "it is not decoded.");
        return nullptr;
      case fetch::ready: break;
    }
    out_.blocks.push_back({std::move(name), start, m_.bytes(start, shown), 0, 0, {}, {}});
    return &out_.blocks.back();
  }

  // The allocator's size word before a heap block: the chunk's size, if it looks like one
  // handed out.
  std::optional<std::uint64_t> chunk_size(std::uint64_t user) const {
    if (alloc_.in_use_flag == 0 || user < alloc_.chunk_header) return std::nullopt;
    const std::optional<std::uint64_t> head = m_.number(user - alloc_.chunk_header, alloc_.chunk_header);
    if (!head) return std::nullopt;
    const std::uint64_t size = *head & ~std::uint64_t{alloc_.size_flag_bits};
    const bool in_use = (*head & alloc_.in_use_flag) != 0;
    // A chunk is at least the minimum, a multiple of the alignment, and fits the address space.
    if (!in_use || size < alloc_.min_chunk || size % alloc_.chunk_alignment != 0 || size > space() - user) {
      return std::nullopt;
    }
    return size;
  }

  std::uint64_t space() const { return address_space(t_.pointer_size); }

  // Describes a heap block's chunk; returns false if it is not one.
  bool describe_chunk(xray_block& b, std::uint64_t user, std::uint64_t requested) {
    const std::optional<std::uint64_t> size = chunk_size(user);
    if (!size) {
      b.allocation = "not a heap block of its own";
      return false;
    }
    b.allocated = *size;
    b.requested = requested;
    const std::uint64_t fresh = requested ? reserve(t_, requested).bytes : 0;
    field(b, user - alloc_.chunk_header, alloc_.chunk_header, "chunk size word", dec(*size) + " | in use",
          requested ? "a request of " + dec(requested) + " bytes takes a " + dec(fresh) + "-byte chunk" +
                          (fresh < *size ? "; the allocator handed out a larger free chunk" : "")
                    : "");
    b.allocation = std::string(alloc_.name) + " chunk of " + dec(*size) + " bytes (" +
                   dec(*size - alloc_.chunk_header) + " usable)";
    return true;
  }

  // The C string tp_name of the type at `type`; nullopt while it is asked for.
  std::optional<std::string> type_name_at(std::uint64_t type, bool& unreadable);

  void decode_list(xray_block& b);
  void decode_tuple(xray_block& b);
  void decode_int(xray_block& b);
  void decode_float(xray_block& b);
  void decode_str(xray_block& b);
  void decode_bytes(xray_block& b);
  void decode_dict(xray_block& b);
  void decode_instance(xray_block& b);

  const xray_subject& s_;
  const object_offsets& o_;
  const cpython_target t_;
  const allocator_facts alloc_;
  memory& m_;
  xray_result& out_;
  std::uint64_t a_ = 0;  // the object's address
};

std::optional<std::string> decoder::type_name_at(std::uint64_t type, bool& unreadable) {
  unreadable = type == 0;
  if (unreadable) return std::string();
  const fetch head = m_.need(at(type, o_.type.name), o_.type.name.size);
  if (head == fetch::asked) return std::nullopt;
  const std::uint64_t name = read_or_zero(type, o_.type.name);
  if (head == fetch::unreadable || name == 0) {
    unreadable = true;
    return std::string();
  }
  // A name near the end of memory may be shorter than the bytes asked for.
  const fetch text = m_.need(name, max_type_name);
  if (text == fetch::asked) return std::nullopt;
  const std::vector<std::uint8_t> raw = m_.bytes_up_to(name, max_type_name);
  std::string out;
  for (std::uint8_t c : raw) {
    if (c == 0) return out;
    out += static_cast<char>(c);
  }
  unreadable = raw.empty();
  return out;
}

//-----------------------------------------------------------------------------
// [SECTION] Per-type fields
//-----------------------------------------------------------------------------

void decoder::decode_list(xray_block& b) {
  const detail::list_offsets& L = o_.list;
  const unsigned P = t_.pointer_size;
  number(b, a_, o_.header.size, "ob_size", "len(list)");
  pointer(b, a_, L.items, "ob_item", "the item array, a block of its own");
  number(b, a_, L.allocated, "allocated", "slots in the item array");
  const std::uint64_t items = read_or_zero(a_, L.items);
  const std::uint64_t allocated = read_or_zero(a_, L.allocated);
  if (!items || allocated == 0) return;
  const std::uint64_t bytes = allocated * P;
  xray_block* arr =
      block("item array", items - alloc_.chunk_header, alloc_.chunk_header + bytes, "item array at " + hex(items));
  if (!arr) return;
  describe_chunk(*arr, items, bytes);
  const std::uint64_t size = read_or_zero(a_, o_.header.size);
  for (std::uint64_t i = 0; i < allocated && inside(*arr, items + i * P, P); ++i) {
    const std::uint64_t where = items + i * P;
    if (i < size) {
      pointer(*arr, where, P, "ob_item[" + dec(i) + "]", "id of item " + dec(i));
    } else {
      field(*arr, where, P, "ob_item[" + dec(i) + "]", "(spare)", "allocated, not used yet");
    }
  }
  if (allocated > (arr->bytes.size() - alloc_.chunk_header) / P) {
    problem("xray.shown_part", "The item array has " + dec(allocated) + " slots; the first " +
                                   dec((arr->bytes.size() - alloc_.chunk_header) / P) + " are shown.");
  }
}

void decoder::decode_tuple(xray_block& b) {
  const detail::tuple_offsets& T = o_.tuple;
  const std::uint64_t size = read_or_zero(a_, o_.header.size);
  number(b, a_, o_.header.size, "ob_size", "len(tuple)");
  if (T.hash.present()) {
    hash(b, a_, T.hash, "ob_hash", "cached hash (3.14)", "not computed yet (3.14 caches it)");
  }
  std::uint64_t i = 0;
  for (; i < size && inside(b, at(a_, T.item) + i * T.item.size, T.item.size); ++i) {
    pointer(b, at(a_, T.item) + i * T.item.size, T.item.size, "ob_item[" + dec(i) + "]", "id of item " + dec(i));
  }
  if (i < size) {
    problem("xray.shown_part",
            "The tuple says it holds " + dec(size) + " items; the " + dec(i) + " inside its block are shown.");
  }
}

void decoder::decode_int(xray_block& b) {
  const detail::long_offsets& L = o_.long_;
  const std::uint64_t tag = read_or_zero(a_, L.tag);
  const std::uint64_t ndigits = tag >> L.tag_size_shift;
  const unsigned sign = static_cast<unsigned>(tag & L.tag_sign_mask);
  static constexpr const char* signs[] = {"positive", "zero", "negative", "invalid"};
  const std::uint32_t digit_max = (std::uint32_t{1} << L.digit_bits) - 1;
  std::vector<std::uint32_t> digits;
  bool bad_digit = false;
  for (std::uint64_t i = 0; i < std::max<std::uint64_t>(ndigits, 1); ++i) {
    const std::uint64_t where = at(a_, L.digit) + i * L.digit.size;
    if (!inside(b, where, L.digit.size)) break;
    const std::uint64_t d = m_.number(where, L.digit.size).value_or(0);
    bad_digit |= d > digit_max;
    digits.push_back(static_cast<std::uint32_t>(d & digit_max));
  }
  const std::vector<std::uint32_t> value_digits(digits.begin(),
                                                digits.begin() + std::min<std::uint64_t>(ndigits, digits.size()));
  const bool whole = ndigits <= digits.size();
  const std::string value = sign == 1 ? "0" : digits_to_decimal(value_digits, L.digit_bits, sign == 2);
  field(b, at(a_, L.tag), L.tag.size, "lv_tag", hex(tag),
        dec(ndigits) + (ndigits == 1 ? " digit, " : " digits, ") + signs[sign] +
            (L.tag_immortal && (tag & L.tag_immortal) ? ", immortal" : "") +
            (whole ? ": value " + value : ": more digits than its block holds"));
  for (std::size_t i = 0; i < digits.size(); ++i) {
    field(b, at(a_, L.digit) + i * L.digit.size, L.digit.size, "ob_digit[" + dec(i) + "]", dec(digits[i]),
          i < ndigits ? "x 2**" + dec(std::uint64_t{L.digit_bits} * i) : "present but unused (zero)");
  }
  if (bad_digit) {
    problem("xray.int_digit", "A digit of this int is larger than " + dec(L.digit_bits) +
                                  " bits: the memory does not hold a valid int. Its low bits are shown.");
  }
}

void decoder::decode_float(xray_block& b) {
  const field_at f = o_.float_.value;
  const std::optional<double> v = m_.real(at(a_, f));
  char buf[40] = "(not read)";
  if (v) std::snprintf(buf, sizeof buf, "%.17g", *v);
  field(b, at(a_, f), f.size, "ob_fval", buf, "an IEEE 754 double");
}

void decoder::decode_str(xray_block& b) {
  const detail::str_offsets& S = o_.str;
  const std::uint64_t length = read_or_zero(a_, S.length);
  number(b, a_, S.length, "length", "len(str)");
  hash(b, a_, S.hash, "hash", "cached hash", "not computed yet");
  const std::uint64_t state = read_or_zero(a_, S.state);
  const unsigned interned = static_cast<unsigned>(state & S.interned_mask);
  const unsigned kind = static_cast<unsigned>((state >> S.kind_shift) & S.kind_mask);
  const bool compact = (state >> S.compact_shift) & 1, ascii = (state >> S.ascii_shift) & 1;
  const bool statically = S.static_shift != 0xFF && ((state >> S.static_shift) & 1);
  static constexpr const char* interning[] = {"not interned", "interned", "interned, immortal", "interned, static"};
  field(b, at(a_, S.state), S.state.size, "state", hex(state),
        std::string(interning[interned & 3]) + ", kind " + dec(kind) + (compact ? ", compact" : "") +
            (ascii ? ", ASCII" : "") + (statically ? ", statically allocated" : ""));
  if (!compact || (kind != 1 && kind != 2 && kind != 4)) {
    problem("xray.str_layout", "This str is not compact (a subclass?): its data lives elsewhere and is not decoded.");
    return;
  }
  std::uint64_t data = at(a_, {S.ascii_data, 1});
  if (!ascii) {
    number(b, a_, S.utf8_length, "utf8_length");
    pointer(b, a_, S.utf8, "utf8",
            read_or_zero(a_, S.utf8) ? "a cached UTF-8 copy (not inside this block)" : "no UTF-8 copy cached");
    data = at(a_, {S.compact_data, 1});
  }
  std::vector<std::uint32_t> text;
  for (std::uint64_t i = 0; i < length && inside(b, data + i * kind, kind); ++i) {
    text.push_back(static_cast<std::uint32_t>(m_.number(data + i * kind, kind).value_or(0)));
  }
  const std::uint64_t bytes = (length + 1) * kind;
  field(b, data, bytes, "data", quoted_text(text, text.size() < length),
        dec(length) + " characters of " + dec(kind) + (kind == 1 ? " byte" : " bytes") + " and a NUL");
}

void decoder::decode_bytes(xray_block& b) {
  const detail::bytes_offsets& B = o_.bytes;
  const std::uint64_t size = read_or_zero(a_, o_.header.size);
  number(b, a_, o_.header.size, "ob_size", "len(bytes)");
  hash(b, a_, B.hash, "ob_shash", "cached hash (deprecated, still there)", "cached hash (deprecated), not computed");
  const std::uint64_t data = at(a_, {B.data, 1});
  std::vector<std::uint8_t> contents;
  for (std::uint64_t i = 0; i < size && inside(b, data + i, 1); ++i) {
    contents.push_back(static_cast<std::uint8_t>(m_.number(data + i, 1).value_or(0)));
  }
  field(b, data, size + 1, "ob_sval", quoted_bytes(contents, contents.size() < size), dec(size) + " bytes and a NUL");
}

void decoder::decode_dict(xray_block& b) {
  const detail::dict_offsets& D = o_.dict;
  const detail::dict_keys_offsets& K = o_.dict_keys;
  const unsigned P = t_.pointer_size;
  number(b, a_, D.used, "ma_used", "len(dict)");
  if (D.version.offset > D.used.end()) {
    field(b, at(a_, D.used) + D.used.size, static_cast<std::uint64_t>(D.version.offset - D.used.end()), "(padding)", "",
          "the next field is 8-byte aligned");
  }
  number(b, a_, D.version, "_ma_watcher_tag", {}, true);
  const std::uint64_t keys = read_or_zero(a_, D.keys);
  pointer(b, a_, D.keys, "ma_keys", "the hash table, a block of its own");
  const std::uint64_t values = read_or_zero(a_, D.values);
  pointer(b, a_, D.values, "ma_values", values ? "a split table's values" : "NULL: keys and values share the table");
  if (!keys) return;
  switch (m_.need(keys - alloc_.chunk_header, alloc_.chunk_header + static_cast<std::uint64_t>(K.indices))) {
    case fetch::asked: return;
    case fetch::unreadable:
      problem("xray.unreadable", "The dict's keys table at " + hex(keys) +
                                     " is outside Python's memory: ma_keys is not an address there.");
      return;
    case fetch::ready: break;
  }
  const std::uint64_t refcnt = read_or_zero(keys, K.refcnt);
  const std::uint64_t log2_size = read_or_zero(keys, K.log2_size);
  const std::uint64_t log2_index = read_or_zero(keys, K.log2_index_bytes);
  const std::uint64_t kind = read_or_zero(keys, K.kind);
  const std::uint64_t nentries = read_or_zero(keys, K.nentries);
  if (log2_size > 8 * P - 2 || log2_index > 8 * P - 2 || log2_index < log2_size) {
    problem("xray.dict_keys", "The keys table header makes no sense (log2 size " + dec(log2_size) +
                                  ", log2 index bytes " + dec(log2_index) + "); it is not decoded.");
    return;
  }
  const bool unicode = kind != 0;
  const std::uint64_t usable = (std::uint64_t{1} << log2_size) * 2 / 3;  // USABLE_FRACTION
  const std::uint64_t entry = unicode ? K.unicode_entry_size : K.entry_size;
  const std::uint64_t index_bytes = std::uint64_t{1} << log2_index;
  const std::uint64_t size = static_cast<std::uint64_t>(K.indices) + index_bytes + usable * entry;
  const bool immortal = o_.header.immortal_minimum && refcnt >= o_.header.immortal_minimum;
  const bool shared = immortal || !chunk_size(keys);
  xray_block* t = block(shared ? "dict keys (shared)" : "dict keys", keys - alloc_.chunk_header,
                        alloc_.chunk_header + size, "dict keys table at " + hex(keys));
  if (!t) return;
  if (!shared) {
    describe_chunk(*t, keys, size);
  } else {
    t->allocation = "a shared or static table (the empty dict's, or a class's)";
  }
  static constexpr const char* kinds[] = {"general (hash, key, value)", "str keys (key, value)", "split (keys only)"};
  number(*t, keys, K.refcnt, "dk_refcnt", immortal ? "immortal" : "");
  number(*t, keys, K.log2_size, "dk_log2_size", dec(std::uint64_t{1} << log2_size) + " slots");
  number(*t, keys, K.log2_index_bytes, "dk_log2_index_bytes", dec(index_bytes) + " bytes of indices");
  number(*t, keys, K.kind, "dk_kind", kind < 3 ? kinds[kind] : "unknown");
  number(*t, keys, K.version, "dk_version", {}, true);
  number(*t, keys, K.usable, "dk_usable", "entries that can still be added before a resize");
  number(*t, keys, K.nentries, "dk_nentries", "entries used, deleted ones included");
  const std::uint64_t indices = keys + static_cast<std::uint64_t>(K.indices);
  if (inside(*t, indices, std::min(index_bytes, max_block))) {
    field(*t, indices, index_bytes, "dk_indices", "",
          "the hash table proper: index into the entries, -1 empty, -2 deleted");
  }
  const std::uint64_t entries = indices + index_bytes;
  const field_at key = unicode ? K.unicode_key : K.entry_key;
  const field_at value = unicode ? K.unicode_value : K.entry_value;
  for (std::uint64_t i = 0; i < nentries && i < usable && inside(*t, entries + i * entry, entry); ++i) {
    const std::uint64_t e = entries + i * entry;
    const std::string prefix = "entry[" + dec(i) + "].";
    if (!unicode)
      field(*t, at(e, K.entry_hash), K.entry_hash.size, prefix + "hash", hex(read_or_zero(e, K.entry_hash)));
    pointer(*t, e, key, prefix + "key", "id of key " + dec(i));
    if (!values) pointer(*t, e, value, prefix + "value", "id of value " + dec(i));
  }
}

void decoder::decode_instance(xray_block& b) {
  const unsigned P = t_.pointer_size;
  const std::uint64_t slots = shape_facts::instance_slots.of(s_.shape);
  const std::uint64_t first_slot = a_ + o_.header.object_size;
  std::uint64_t i = 0;
  for (; i < slots && inside(b, first_slot + i * P, P); ++i) {
    pointer(b, first_slot + i * P, P, "slot[" + dec(i) + "]", "a __slots__ member");
  }
  const bool dict = shape_facts::instance_has_dict.of(s_.shape) != 0;
  if (!dict || slots) return;
  // 3.13+: the attribute values live inline after the object (_PyInlineValues).
  const detail::inline_values_offsets& V = o_.inline_values;
  const std::uint64_t base = first_slot;
  if (!inside(b, base, static_cast<std::uint64_t>(V.value.offset))) return;
  const std::uint64_t capacity = read_or_zero(base, V.capacity), embedded = read_or_zero(base, V.embedded);
  const std::uint64_t valid = read_or_zero(base, V.valid);
  number(b, base, V.capacity, "values.capacity", "slots for attribute values");
  number(b, base, V.size, "values.size", "attributes set");
  number(b, base, V.embedded, "values.embedded", embedded ? "inline, after the object" : "elsewhere");
  number(b, base, V.valid, "values.valid", valid ? "the values are current" : "a __dict__ took them over");
  if (!embedded || !valid) return;
  for (std::uint64_t v = 0; v < capacity; ++v) {
    const std::uint64_t where = at(base, V.value) + v * V.value.size;
    if (!inside(b, where, V.value.size)) break;
    if (m_.number(where, V.value.size).value_or(0)) {
      pointer(b, where, V.value.size, "values[" + dec(v) + "]", "an attribute value (sys.getsizeof leaves these out)");
    }
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Entry points
//-----------------------------------------------------------------------------

void decoder::run() {
  const detail::header_offsets& H = o_.header;
  a_ = s_.address;
  const shape_family family = family_of(s_.shape);
  const bool gc = gc_family(family);
  const bool preheader = family == shape_family::instance && (shape_facts::instance_has_dict.of(s_.shape) != 0 ||
                                                              shape_facts::instance_has_weakref.of(s_.shape) != 0);
  const std::uint64_t pre = (gc ? H.gc_size : 0) + (preheader ? H.preheader_size : 0);
  const std::uint64_t user = a_ - pre;
  // First the words around the object's start: the chunk's size word, the headers, refcount
  // and type, and as much of the block as a fresh chunk for its size would hold.
  const std::uint64_t expected = reserve(t_, pre + s_.getsizeof).bytes + alloc_.reuse_slack;
  const std::uint64_t probe = std::min(max_block, std::max<std::uint64_t>(expected, pre + H.var_object_size));
  switch (m_.need(user - alloc_.chunk_header, alloc_.chunk_header + probe)) {
    case fetch::asked: return;
    case fetch::unreadable:
      if (m_.need(a_, H.object_size) != fetch::ready) {
        problem("xray.unreadable", "id " + hex(a_) + " is outside Python's memory, so there is no object to read.");
        return;
      }
      break;
    case fetch::ready: break;
  }
  const std::uint64_t refcnt = read_or_zero(a_, H.refcnt);
  const bool static_object = H.static_refcnt && refcnt == H.static_refcnt;
  const std::optional<std::uint64_t> chunk = static_object ? std::nullopt : chunk_size(user);
  const std::uint64_t shown = chunk ? alloc_.chunk_header + *chunk : pre + s_.getsizeof;
  const std::uint64_t start = chunk ? user - alloc_.chunk_header : user;
  bool no_type = false;
  const std::optional<std::string> type = type_name_at(read_or_zero(a_, H.type), no_type);
  xray_block* b = block(s_.type_name.empty() ? "object" : detail::escape_invalid_utf8(s_.type_name) + " object", start,
                        std::max(shown, pre + H.object_size), "object at " + hex(a_));
  if (!b || !type) return;
  if (no_type) {
    problem("xray.type", "The type pointer of the object at " + hex(a_) +
                             " does not lead to a type's name, so these bytes may not be the captured " +
                             detail::escape_invalid_utf8(s_.type_name) + ". Only its header is shown.");
  } else if (last_part(*type) != last_part(s_.type_name)) {
    problem("xray.stale", "The memory at id " + hex(a_) + " now holds a " + detail::escape_invalid_utf8(*type) +
                              ", not the " + detail::escape_invalid_utf8(s_.type_name) +
                              " that was captured: the object was freed since. Run the program again.");
    out_.blocks.pop_back();
    return;
  }
  if (chunk) {
    describe_chunk(*b, user, object_request(t_, s_.shape, s_.length, s_.getsizeof).value_or(0));
  } else {
    b->allocation =
        static_object ? "statically allocated by the interpreter (no heap block)" : "not a heap block of its own";
  }
  if (preheader) {
    pointer(*b, a_, H.weakrefs, "weakref list", "pre-header (3.12+): managed weak references");
    pointer(*b, a_, H.dict, "dict or values", "pre-header: a materialized __dict__, if any");
  }
  if (gc) {
    number(*b, a_, H.gc_next, "_gc_next", "GC header: the collector's list", true);
    number(*b, a_, H.gc_prev, "_gc_prev", "GC header (low bits are flags)", true);
  }
  std::string rc_note = "references to it";
  if (static_object) {
    rc_note = "immortal, static (" + hex(H.static_refcnt) + ")";
  } else if (H.immortal_minimum && refcnt >= H.immortal_minimum) {
    rc_note = "immortal";
  }
  number(*b, a_, H.refcnt, "ob_refcnt", rc_note);
  pointer(*b, a_, H.type, "ob_type", no_type ? "not a type" : "type " + detail::escape_invalid_utf8(*type));
  if (no_type) return;
  switch (family) {
    case shape_family::list: decode_list(*b); break;
    case shape_family::tuple: decode_tuple(*b); break;
    case shape_family::int_:
    case shape_family::bool_: decode_int(*b); break;
    case shape_family::float_: decode_float(*b); break;
    case shape_family::str: decode_str(*b); break;
    case shape_family::bytes: decode_bytes(*b); break;
    case shape_family::dict: decode_dict(*b); break;
    case shape_family::instance: decode_instance(*b); break;
    default: break;
  }
}

std::string decoded_platforms() {
  std::string out;
  for (const object_offsets& row : detail::offset_rows()) {
    if (!out.empty()) out += ", ";
    out += "CPython 3." + std::to_string(row.target.minor) +
           (row.target.pointer_size == 4 ? " on 32-bit wasm (this page's Pyodide)" : " on 64-bit");
  }
  return out;
}

}  // namespace

xray_result xray(const xray_subject& subject, const std::vector<memory_region>& regions) {
  xray_result out;
  const platform_info& p = subject.platform;
  const cpython_target target{p.python_minor, p.pointer_size};
  const object_offsets* offsets =
      p.implementation == "CPython" && p.python_major == 3 && !p.free_threaded ? detail::find_offsets(target) : nullptr;
  if (!offsets) {
    out.problems.push_back({"xray.platform", std::nullopt,
                            "The X-ray decodes " + decoded_platforms() + "; this capture is from " +
                                detail::escape_invalid_utf8(p.implementation) + " " + std::to_string(p.python_major) +
                                "." + std::to_string(p.python_minor) + (p.free_threaded ? " (free-threaded)" : "") +
                                ", " + std::to_string(p.pointer_size * 8) + "-bit."});
    return out;
  }
  const std::uint64_t space = address_space(target.pointer_size);
  if (subject.address < 64 || subject.address >= space) {
    out.problems.push_back({"xray.address", std::nullopt,
                            "id " + std::to_string(subject.address) + " is not an address in Pyodide's memory."});
    return out;
  }
  memory m(regions, space);
  decoder(subject, *offsets, target, m, out).run();
  out.wants = m.take_wants();
  return out;
}

xray_subject xray_subject_of(const snapshot& snap, std::uint32_t node) {
  const object_graph& g = snap.graph;
  xray_subject s;
  s.address = g.address[node];
  s.type_name = std::string(snap.strings.get(g.type[node]));
  s.shape = g.shape[node];
  s.getsizeof = g.shallow[node];
  s.length = g.length[node];
  s.flags = g.flags[node];
  s.platform = snap.platform;
  return s;
}

}  // namespace bytewise
