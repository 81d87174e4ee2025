// X-ray decoder for CPython 3.14 on wasm32 (see bytewise/xray.hpp).
//
// Index:
//   [SECTION] Memory: bounds-checked reads and requests for more
//   [SECTION] Numbers and text
//   [SECTION] The allocation around an object
//   [SECTION] Per-type fields
//   [SECTION] Entry points
#include <bytewise/xray.hpp>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <optional>

namespace bytewise {
namespace {

//-----------------------------------------------------------------------------
// [SECTION] Memory: bounds-checked reads and requests for more
//-----------------------------------------------------------------------------

// No block is copied past this many bytes: a 100 MB bytes object shows its start.
constexpr std::uint64_t max_block = 4096;
constexpr std::uint32_t static_immortal_refcnt = 7u << 28;  // _Py_STATIC_IMMORTAL_INITIAL_REFCNT
constexpr std::uint32_t immortal_floor = 1u << 30;          // 3.14 wasm32: immortal counts start above

class memory {
 public:
  explicit memory(const std::vector<memory_region>& regions) : regions_(regions) {}

  bool has(std::uint64_t address, std::uint64_t length) const { return find(address, length) != nullptr; }

  // Asks for the range if it is not there yet; returns whether it is.
  bool need(std::uint64_t address, std::uint64_t length) {
    if (length == 0 || has(address, length)) return true;
    for (const memory_range& w : wants_) {
      if (w.address == address && w.length == length) return false;
    }
    wants_.push_back({address, length});
    return false;
  }

  std::vector<std::uint8_t> bytes(std::uint64_t address, std::uint64_t length) const {
    const std::uint8_t* p = find(address, length);
    return p ? std::vector<std::uint8_t>(p, p + length) : std::vector<std::uint8_t>{};
  }

  template <typename T>
  std::optional<T> read(std::uint64_t address) const {
    const std::uint8_t* p = find(address, sizeof(T));
    if (!p) return std::nullopt;
    T value;
    std::memcpy(&value, p, sizeof(T));
    return value;
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

  const std::vector<memory_region>& regions_;
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

// A Python-like quoted rendering of UTF-8 text, shortened for display.
std::string quoted(const std::string& text, std::size_t limit = 120) {
  std::string out = "'";
  std::size_t shown = 0;
  for (std::size_t i = 0; i < text.size() && shown < limit; ++i, ++shown) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '\'' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += "'";
  if (shown < text.size()) out += "...";
  return out;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The decimal value of 30-bit digits, least significant first.
std::string digits_to_decimal(std::vector<std::uint32_t> digits, bool negative) {
  std::string out;
  while (!digits.empty()) {
    std::uint64_t rem = 0;
    for (std::size_t i = digits.size(); i-- > 0;) {
      std::uint64_t cur = (rem << 30) | digits[i];
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

//-----------------------------------------------------------------------------
// [SECTION] The allocation around an object
//-----------------------------------------------------------------------------

// dlmalloc on wasm32: a request of n bytes takes max(16, round_up(n + 4, 8)).
std::uint64_t chunk_for(std::uint64_t request) {
  return std::max<std::uint64_t>(16, (request + 4 + 7) & ~std::uint64_t{7});
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

class decoder {
 public:
  decoder(const xray_subject& s, memory& m, xray_result& out) : s_(s), m_(m), out_(out) {}

  void run();

 private:
  void problem(std::string code, std::string message) {
    out_.problems.push_back({std::move(code), std::nullopt, std::move(message)});
  }

  xray_field& field(xray_block& b, std::uint64_t address, std::uint32_t size, std::string name, std::string value,
                    std::string note = {}, std::uint64_t points_to = 0) {
    b.fields.push_back({address, size, std::move(name), std::move(value), points_to, std::move(note)});
    return b.fields.back();
  }
  std::optional<std::uint32_t> u32(std::uint64_t a) { return m_.read<std::uint32_t>(a); }

  // A pointer field, noted with what the snapshot or memory says it points to.
  void pointer(xray_block& b, std::uint64_t address, std::string name, std::string note = {}) {
    const std::uint32_t v = u32(address).value_or(0);
    field(b, address, 4, std::move(name), v ? hex(v) : "NULL", std::move(note), v);
  }

  // Reads the block [start, start + length) (capped) into a new block, or asks for it.
  xray_block* block(std::string name, std::uint64_t start, std::uint64_t length) {
    const std::uint64_t shown = std::min(length, max_block);
    if (!m_.need(start, shown)) return nullptr;
    out_.blocks.push_back({std::move(name), start, m_.bytes(start, shown), 0, 0, {}, {}});
    return &out_.blocks.back();
  }

  // The dlmalloc size word at user - 4: the chunk's size, if it looks like one in use.
  std::optional<std::uint64_t> chunk_size(std::uint64_t user) {
    auto head = u32(user - 4);
    if (!head) return std::nullopt;
    const std::uint64_t size = *head & ~7u;
    const bool in_use = *head & 2u;
    if (!in_use || size < 16 || size > (1u << 30)) return std::nullopt;
    return size;
  }

  // Describes a heap block's chunk; returns false if it is not one.
  bool describe_chunk(xray_block& b, std::uint64_t user, std::uint64_t requested) {
    auto size = chunk_size(user);
    if (!size) {
      b.allocation = "not a heap block of its own";
      return false;
    }
    b.allocated = *size;
    b.requested = requested;
    field(b, user - 4, 4, "dlmalloc size word", dec(*size) + " | in use",
          requested ? "a request of " + dec(requested) + " bytes needs a " + dec(chunk_for(requested)) + "-byte chunk" +
                          (chunk_for(requested) < *size ? "; dlmalloc handed out a larger free chunk" : "")
                    : "");
    b.allocation = "dlmalloc chunk of " + dec(*size) + " bytes (" + dec(*size - 4) + " usable)";
    return true;
  }

  // What CPython asked the allocator for, for the object's own block: getsizeof minus the
  // blocks it owns (a list's items, a dict's table, a set's big table, a buffer). 0 where
  // unknown: ints from arithmetic may ask for one digit more, and 3.13+ instances carry
  // their attribute values inline, which getsizeof leaves out.
  std::uint64_t object_request(shape_family family) {
    switch (family) {
      case shape_family::list: return s_.getsizeof - std::uint64_t{u32(a_ + 16).value_or(0)} * 4;
      case shape_family::dict: return 8 + 32;  // GC header + PyDictObject
      case shape_family::set:
      case shape_family::frozenset: return 8 + 100;  // GC + PySetObject
      case shape_family::bytearray: return 28;
      case shape_family::array: return 8 + 32;
      case shape_family::int_:
      case shape_family::instance:
      case shape_family::unknown: return 0;
      default: return s_.getsizeof;
    }
  }

  std::string type_name_at(std::uint64_t type) {
    // PyTypeObject: PyObject_VAR_HEAD (12 bytes) then tp_name, a C string.
    if (!m_.need(type, 16)) return {};
    const std::uint32_t name = u32(type + 12).value_or(0);
    if (!name || !m_.need(name, 64)) return {};
    std::vector<std::uint8_t> raw = m_.bytes(name, 64);
    std::string out;
    for (std::uint8_t c : raw) {
      if (c == 0) break;
      out += static_cast<char>(c);
    }
    return out;
  }

  void decode_list(xray_block& b);
  void decode_tuple(xray_block& b);
  void decode_int(xray_block& b);
  void decode_str(xray_block& b);
  void decode_bytes(xray_block& b);
  void decode_dict(xray_block& b);
  void decode_instance(xray_block& b);

  const xray_subject& s_;
  memory& m_;
  xray_result& out_;
  std::uint64_t a_ = 0;  // the object's address
};

//-----------------------------------------------------------------------------
// [SECTION] Per-type fields
//-----------------------------------------------------------------------------

void decoder::decode_list(xray_block& b) {
  field(b, a_ + 8, 4, "ob_size", dec(u32(a_ + 8).value_or(0)), "len(list)");
  pointer(b, a_ + 12, "ob_item", "the item array, a block of its own");
  const std::uint32_t allocated = u32(a_ + 16).value_or(0);
  field(b, a_ + 16, 4, "allocated", dec(allocated), "slots in the item array");
  const std::uint32_t items = u32(a_ + 12).value_or(0);
  if (!items || allocated == 0) return;
  xray_block* arr = block("item array", items - 4, 4 + std::uint64_t{allocated} * 4);
  if (!arr) return;
  describe_chunk(*arr, items, std::uint64_t{allocated} * 4);
  const std::uint32_t size = u32(a_ + 8).value_or(0);
  for (std::uint32_t i = 0; i < allocated && 4 + std::uint64_t{i} * 4 < max_block; ++i) {
    const std::uint64_t at = items + std::uint64_t{i} * 4;
    if (i < size) {
      pointer(*arr, at, "ob_item[" + dec(i) + "]", "id of item " + dec(i));
    } else {
      field(*arr, at, 4, "ob_item[" + dec(i) + "]", "(spare)", "allocated, not used yet");
    }
  }
}

void decoder::decode_tuple(xray_block& b) {
  const std::uint32_t size = u32(a_ + 8).value_or(0);
  field(b, a_ + 8, 4, "ob_size", dec(size), "len(tuple)");
  const std::uint32_t hash = u32(a_ + 12).value_or(0);
  field(b, a_ + 12, 4, "ob_hash", hash == 0xFFFFFFFFu ? "-1" : hex(hash),
        hash == 0xFFFFFFFFu ? "not computed yet (3.14 caches it)" : "cached hash (3.14)");
  for (std::uint32_t i = 0; i < size && 16 + std::uint64_t{i} * 4 < max_block; ++i) {
    pointer(b, a_ + 16 + std::uint64_t{i} * 4, "ob_item[" + dec(i) + "]", "id of item " + dec(i));
  }
}

void decoder::decode_int(xray_block& b) {
  const std::uint32_t tag = u32(a_ + 8).value_or(0);
  const std::uint32_t ndigits = tag >> 3;
  const unsigned sign = tag & 3;
  static constexpr const char* signs[] = {"positive", "zero", "negative", "invalid"};
  std::vector<std::uint32_t> digits;
  for (std::uint32_t i = 0; i < std::max<std::uint32_t>(ndigits, 1) && 12 + std::uint64_t{i} * 4 < max_block; ++i) {
    digits.push_back(u32(a_ + 12 + std::uint64_t{i} * 4).value_or(0));
  }
  std::vector<std::uint32_t> value_digits(digits.begin(),
                                          digits.begin() + std::min<std::size_t>(ndigits, digits.size()));
  const std::string value = sign == 1 ? "0" : digits_to_decimal(value_digits, sign == 2);
  field(b, a_ + 8, 4, "lv_tag", hex(tag),
        dec(ndigits) + (ndigits == 1 ? " digit, " : " digits, ") + signs[sign] + ((tag & 4) ? ", immortal" : "") +
            ": value " + value);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    field(b, a_ + 12 + i * 4, 4, "ob_digit[" + dec(i) + "]", dec(digits[i]),
          i < ndigits ? "x 2**" + dec(30 * i) : "present but unused (zero)");
  }
}

void decoder::decode_str(xray_block& b) {
  const std::uint32_t length = u32(a_ + 8).value_or(0);
  field(b, a_ + 8, 4, "length", dec(length), "len(str)");
  const std::uint32_t hash = u32(a_ + 12).value_or(0);
  field(b, a_ + 12, 4, "hash", hash == 0xFFFFFFFFu ? "-1" : hex(hash),
        hash == 0xFFFFFFFFu ? "not computed yet" : "cached hash");
  const std::uint32_t state = u32(a_ + 16).value_or(0);
  const unsigned interned = state & 3, kind = (state >> 2) & 7, compact = (state >> 5) & 1, ascii = (state >> 6) & 1,
                 statically = (state >> 7) & 1;
  static constexpr const char* interning[] = {"not interned", "interned", "interned, immortal", "interned, static"};
  field(b, a_ + 16, 4, "state", hex(state),
        std::string(interning[interned]) + ", kind " + dec(kind) + (compact ? ", compact" : "") +
            (ascii ? ", ASCII" : "") + (statically ? ", statically allocated" : ""));
  if (!compact || (kind != 1 && kind != 2 && kind != 4)) {
    problem("xray.str_layout", "This str is not compact (a subclass?): its data lives elsewhere and is not decoded.");
    return;
  }
  std::uint64_t data = a_ + 20;
  if (!ascii) {
    const std::uint32_t utf8_length = u32(a_ + 20).value_or(0);
    field(b, a_ + 20, 4, "utf8_length", dec(utf8_length));
    pointer(b, a_ + 24, "utf8",
            u32(a_ + 24).value_or(0) ? "a cached UTF-8 copy (not inside this block)" : "no UTF-8 copy cached");
    data = a_ + 28;
  }
  const std::uint64_t bytes = (std::uint64_t{length} + 1) * kind;
  std::string text;
  for (std::uint64_t i = 0; i < length && (data - a_) + i * kind < max_block; ++i) {
    std::uint32_t cp = 0;
    if (kind == 1) cp = m_.read<std::uint8_t>(data + i).value_or(0);
    if (kind == 2) cp = m_.read<std::uint16_t>(data + i * 2).value_or(0);
    if (kind == 4) cp = m_.read<std::uint32_t>(data + i * 4).value_or(0);
    append_utf8(text, cp);
  }
  field(b, data, static_cast<std::uint32_t>(std::min<std::uint64_t>(bytes, max_block)), "data", quoted(text),
        dec(length) + " characters of " + dec(kind) + (kind == 1 ? " byte" : " bytes") + " and a NUL");
}

void decoder::decode_bytes(xray_block& b) {
  const std::uint32_t size = u32(a_ + 8).value_or(0);
  field(b, a_ + 8, 4, "ob_size", dec(size), "len(bytes)");
  const std::uint32_t hash = u32(a_ + 12).value_or(0);
  field(b, a_ + 12, 4, "ob_shash", hash == 0xFFFFFFFFu ? "-1" : hex(hash), "cached hash (deprecated, still there)");
  std::string text;
  for (std::uint32_t i = 0; i < size && 16 + i < max_block; ++i)
    text += static_cast<char>(m_.read<std::uint8_t>(a_ + 16 + i).value_or(0));
  field(b, a_ + 16, static_cast<std::uint32_t>(std::min<std::uint64_t>(size + 1, max_block)), "ob_sval",
        "b" + quoted(text), dec(size) + " bytes and a NUL");
}

void decoder::decode_dict(xray_block& b) {
  field(b, a_ + 8, 4, "ma_used", dec(u32(a_ + 8).value_or(0)), "len(dict)");
  field(b, a_ + 12, 4, "(padding)", "", "the next field is 8-byte aligned");
  field(b, a_ + 16, 8, "_ma_watcher_tag", hex(m_.read<std::uint64_t>(a_ + 16).value_or(0)));
  const std::uint32_t keys = u32(a_ + 24).value_or(0);
  pointer(b, a_ + 24, "ma_keys", "the hash table, a block of its own");
  const std::uint32_t values = u32(a_ + 28).value_or(0);
  pointer(b, a_ + 28, "ma_values", values ? "a split table's values" : "NULL: keys and values share the table");
  if (!keys) return;
  if (!m_.need(keys - 4, 24)) return;
  const std::uint32_t refcnt = u32(keys).value_or(0);
  const std::uint8_t log2_size = m_.read<std::uint8_t>(keys + 4).value_or(0);
  const std::uint8_t log2_index = m_.read<std::uint8_t>(keys + 5).value_or(0);
  const std::uint8_t kind = m_.read<std::uint8_t>(keys + 6).value_or(0);
  const std::uint32_t nentries = u32(keys + 16).value_or(0);
  if (log2_size > 20 || log2_index > 24) {
    problem("xray.dict_keys", "The keys table header makes no sense (log2 size " + dec(log2_size) + "); not decoded.");
    return;
  }
  const bool unicode = kind != 0;
  const std::uint64_t usable = (std::uint64_t{1} << log2_size) * 2 / 3;
  const std::uint64_t entry = unicode ? 8 : 12;
  const std::uint64_t size = 20 + (std::uint64_t{1} << log2_index) + usable * entry;
  const bool shared = refcnt >= static_immortal_refcnt || !chunk_size(keys);
  xray_block* t = block(shared ? "dict keys (shared)" : "dict keys", keys - 4, 4 + size);
  if (!t) return;
  if (!shared)
    describe_chunk(*t, keys, size);
  else
    t->allocation = "a shared or static table (the empty dict's, or a class's)";
  static constexpr const char* kinds[] = {"general (hash, key, value)", "str keys (key, value)", "split (keys only)"};
  field(*t, keys, 4, "dk_refcnt", dec(refcnt), refcnt >= static_immortal_refcnt ? "immortal" : "");
  field(*t, keys + 4, 1, "dk_log2_size", dec(log2_size), dec(std::uint64_t{1} << log2_size) + " slots");
  field(*t, keys + 5, 1, "dk_log2_index_bytes", dec(log2_index),
        dec(std::uint64_t{1} << log2_index) + " bytes of indices");
  field(*t, keys + 6, 1, "dk_kind", dec(kind), kind < 3 ? kinds[kind] : "unknown");
  field(*t, keys + 8, 4, "dk_version", hex(u32(keys + 8).value_or(0)));
  field(*t, keys + 12, 4, "dk_usable", dec(u32(keys + 12).value_or(0)),
        "entries that can still be added before a resize");
  field(*t, keys + 16, 4, "dk_nentries", dec(nentries), "entries used, deleted ones included");
  field(*t, keys + 20, static_cast<std::uint32_t>(std::uint64_t{1} << log2_index), "dk_indices", "",
        "the hash table proper: index into the entries, -1 empty, -2 deleted");
  const std::uint64_t entries = keys + 20 + (std::uint64_t{1} << log2_index);
  for (std::uint32_t i = 0; i < nentries && i < usable && (entries - keys) + (i + 1) * entry < max_block; ++i) {
    const std::uint64_t at = entries + i * entry;
    const std::string prefix = "entry[" + dec(i) + "].";
    if (!unicode) field(*t, at, 4, prefix + "hash", hex(u32(at).value_or(0)));
    const std::uint64_t key = unicode ? at : at + 4;
    pointer(*t, key, prefix + "key", "id of key " + dec(i));
    if (!values) pointer(*t, key + 4, prefix + "value", "id of value " + dec(i));
  }
}

void decoder::decode_instance(xray_block& b) {
  const std::uint64_t slots = (s_.shape >> 8) & 0xFFFF;
  for (std::uint64_t i = 0; i < slots; ++i) pointer(b, a_ + 8 + i * 4, "slot[" + dec(i) + "]", "a __slots__ member");
  const bool dict = (s_.shape >> 24) & 1;
  if (!dict || slots) return;
  // 3.13+: the attribute values live inline after the object (_PyInlineValues).
  const std::uint64_t at = a_ + 8;
  const std::uint8_t capacity = m_.read<std::uint8_t>(at).value_or(0);
  const std::uint8_t size = m_.read<std::uint8_t>(at + 1).value_or(0);
  const std::uint8_t embedded = m_.read<std::uint8_t>(at + 2).value_or(0);
  const std::uint8_t valid = m_.read<std::uint8_t>(at + 3).value_or(0);
  field(b, at, 1, "values.capacity", dec(capacity), "slots for attribute values");
  field(b, at + 1, 1, "values.size", dec(size), "attributes set");
  field(b, at + 2, 1, "values.embedded", dec(embedded), embedded ? "inline, after the object" : "elsewhere");
  field(b, at + 3, 1, "values.valid", dec(valid), valid ? "the values are current" : "a __dict__ took them over");
  if (!embedded || !valid) return;
  for (std::uint8_t i = 0; i < capacity && (at + 4 + i * 4u) - a_ < max_block; ++i) {
    const std::uint64_t where = at + 4 + std::uint64_t{i} * 4;
    if (!m_.has(where, 4)) break;
    if (u32(where).value_or(0))
      pointer(b, where, "values[" + dec(i) + "]", "an attribute value (sys.getsizeof leaves these out)");
  }
}

//-----------------------------------------------------------------------------
// [SECTION] Entry points
//-----------------------------------------------------------------------------

void decoder::run() {
  a_ = s_.address;
  const shape_family family = family_of(s_.shape);
  const bool gc = gc_family(family);
  const bool preheader = family == shape_family::instance && ((s_.shape >> 24) & 3) != 0;
  const std::uint64_t pre = (gc ? 8 : 0) + (preheader ? 8 : 0);
  const std::uint64_t user = a_ - pre;
  // First the words around the object's start: chunk size, headers, refcount, type.
  if (!m_.need(user - 4, 4 + pre + 8)) return;
  const std::uint32_t refcnt = u32(a_).value_or(0);
  const bool static_object = refcnt == static_immortal_refcnt;
  std::optional<std::uint64_t> chunk = static_object ? std::nullopt : chunk_size(user);
  const std::uint64_t shown = chunk ? *chunk : pre + s_.getsizeof;
  const std::uint64_t start = chunk ? user - 4 : a_ - pre;
  const std::string type = type_name_at(u32(a_ + 4).value_or(0));
  xray_block* b = block(s_.type_name + " object", start, shown);
  if (!b || type.empty()) return;
  if (type != s_.type_name &&
      !(s_.type_name.size() > type.size() &&
        s_.type_name.compare(s_.type_name.size() - type.size() - 1, std::string::npos, "." + type) == 0)) {
    problem("xray.stale", "The memory at id " + hex(a_) + " now holds a " + type + ", not the " + s_.type_name +
                              " that was captured: the object was freed since. Run the program again.");
    out_.blocks.pop_back();
    return;
  }
  if (chunk) {
    describe_chunk(*b, user, object_request(family));
  } else {
    b->allocation =
        static_object ? "statically allocated by the interpreter (no heap block)" : "not a heap block of its own";
  }
  if (preheader) {
    pointer(*b, a_ - 16, "weakref list", "pre-header (3.12+): managed weak references");
    pointer(*b, a_ - 12, "dict or values", "pre-header: a materialized __dict__, if any");
  }
  if (gc) {
    field(*b, a_ - 8, 4, "_gc_next", hex(u32(a_ - 8).value_or(0)), "GC header: the collector's list");
    field(*b, a_ - 4, 4, "_gc_prev", hex(u32(a_ - 4).value_or(0)), "GC header (low bits are flags)");
  }
  std::string rc_note;
  if (static_object)
    rc_note = "immortal, static (7 << 28)";
  else if (refcnt >= immortal_floor)
    rc_note = "immortal";
  else
    rc_note = "references to it";
  field(*b, a_, 4, "ob_refcnt", dec(refcnt), rc_note);
  pointer(*b, a_ + 4, "ob_type", "type " + type);
  switch (family) {
    case shape_family::list: decode_list(*b); break;
    case shape_family::tuple: decode_tuple(*b); break;
    case shape_family::int_:
    case shape_family::bool_: decode_int(*b); break;
    case shape_family::float_: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", m_.read<double>(a_ + 8).value_or(0));
      field(*b, a_ + 8, 8, "ob_fval", buf, "an IEEE 754 double");
      break;
    }
    case shape_family::str: decode_str(*b); break;
    case shape_family::bytes: decode_bytes(*b); break;
    case shape_family::dict: decode_dict(*b); break;
    case shape_family::instance: decode_instance(*b); break;
    default: break;
  }
}

}  // namespace

xray_result xray(const xray_subject& subject, const std::vector<memory_region>& regions) {
  xray_result out;
  const platform_info& p = subject.platform;
  if (p.implementation != "CPython" || p.python_major != 3 || p.python_minor != 14 || p.pointer_size != 4) {
    out.problems.push_back({"xray.platform", std::nullopt,
                            "The X-ray decodes CPython 3.14 on 32-bit wasm (this page's Pyodide); "
                            "this capture is from " +
                                p.implementation + " 3." + std::to_string(p.python_minor) + ", " +
                                std::to_string(p.pointer_size * 8) + "-bit."});
    return out;
  }
  if (subject.address < 64 || subject.address > 0xFFFFFFFFull) {
    out.problems.push_back({"xray.address", std::nullopt,
                            "id " + std::to_string(subject.address) + " is not an address in Pyodide's memory."});
    return out;
  }
  memory m(regions);
  decoder(subject, m, out).run();
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
