// The heap walker (see bytewise/heap_walk.hpp). Every offset comes from the platform's row
// of object_offsets.cpp; the rules for which references an object owns, and how they are
// labelled, are web/py/_bytewise/edges.py's, restated for memory: each function below names
// the rule of edges.py or probe.py it follows.
//
// Index:
//   [SECTION] Memory: bounds-checked reads
//   [SECTION] Labels: Python's repr of ints, floats, complex numbers, strs and bytes
//   [SECTION] The walker: types, nodes, the breadth-first walk
//   [SECTION] References of one object
//   [SECTION] Entry point
#include <bytewise/heap_walk.hpp>

#include "address_table.hpp"
#include "object_offsets.hpp"
#include "utf8.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <optional>
#include <unordered_map>
#include <unordered_set>

namespace bytewise {
namespace {

using detail::field_at;
using detail::object_offsets;

// Caps that keep hostile memory from making the walk slow or large.
constexpr std::uint64_t max_name_chars = 4096;                 // a class's qualname, a slot or attribute name
constexpr std::uint64_t max_items = 1u << 28;                  // items in one container (4 bytes each: 1 GiB)
constexpr std::uint64_t max_int_digits = 1u << 20;             // digits of one int read for its value
constexpr std::uint32_t max_problems = 100;                    // diagnostics about memory, then counted
constexpr std::size_t label_chars = 24;                        // probe.LABEL_CHARS
constexpr std::uint64_t label_source_chars = label_chars + 2;  // probe.short_label reads obj[:26]

//-----------------------------------------------------------------------------
// [SECTION] Memory: bounds-checked reads
//-----------------------------------------------------------------------------

// Every read of the walk goes through here: a bounds check against the copy and a load,
// inlined (no call per read). Little-endian, as CPython's memory on wasm32 is.
class reader {
 public:
  reader(const copied_heap& heap, unsigned pointer_size)
      : data_(heap.span().data()), base_(heap.base()), size_(heap.span().size()), pointer_size_(pointer_size) {}

  [[gnu::always_inline]] const std::uint8_t* bytes(std::uint64_t address, std::uint64_t length) const {
    if (length == 0) length = 1;
    if (address < base_ || length > size_ || address - base_ > size_ - length) return nullptr;
    read_ += length;
    return data_ + (address - base_);
  }

  // The little-endian number of `size` bytes (at most 8) at `address`.
  [[gnu::always_inline]] std::optional<std::uint64_t> number(std::uint64_t address, unsigned size) const {
    const std::uint8_t* p = size >= 1 && size <= 8 ? bytes(address, size) : nullptr;
    if (!p) return std::nullopt;
    switch (size) {
      case 1: return *p;
      case 2: return load<std::uint16_t>(p);
      case 4: return load<std::uint32_t>(p);
      case 8: return load<std::uint64_t>(p);
      default: break;
    }
    std::uint64_t v = 0;
    for (unsigned i = size; i-- > 0;) v = (v << 8) | p[i];
    return v;
  }
  [[gnu::always_inline]] std::optional<std::uint64_t> field(std::uint64_t object, field_at f) const {
    if (!f.present()) return std::nullopt;
    return number(object + static_cast<std::uint64_t>(static_cast<std::int64_t>(f.offset)), f.size);
  }
  // A signed field (Py_ssize_t offsets such as tp_dictoffset).
  std::optional<std::int64_t> signed_field(std::uint64_t object, field_at f) const {
    const auto v = field(object, f);
    if (!v) return std::nullopt;
    const unsigned bits = 8u * f.size;
    const std::uint64_t sign = std::uint64_t{1} << (bits - 1);
    return bits == 64 ? static_cast<std::int64_t>(*v) : static_cast<std::int64_t>((*v ^ sign) - sign);
  }
  [[gnu::always_inline]] std::optional<std::uint64_t> pointer(std::uint64_t address) const {
    return number(address, pointer_size_);
  }
  // The pointer-sized little-endian number at p (bytes already checked).
  [[gnu::always_inline]] std::uint64_t pointer_at(const std::uint8_t* p) const {
    return pointer_size_ == 4 ? load<std::uint32_t>(p) : load<std::uint64_t>(p);
  }
  std::optional<double> real(std::uint64_t address) const {
    const std::uint8_t* p = bytes(address, sizeof(double));
    if (!p) return std::nullopt;
    double v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  unsigned pointer_size() const { return pointer_size_; }
  std::uint64_t bytes_read() const { return read_; }

 private:
  template <typename T>
  static std::uint64_t load(const std::uint8_t* p) {
    static_assert(std::endian::native == std::endian::little, "the walker reads little-endian memory natively");
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }

  const std::uint8_t* data_;
  std::uint64_t base_;
  std::uint64_t size_;
  unsigned pointer_size_;
  mutable std::uint64_t read_ = 0;
};

//-----------------------------------------------------------------------------
// [SECTION] Labels: Python's repr of ints, floats, complex numbers, strs and bytes
//-----------------------------------------------------------------------------

// probe._shorten: at most `limit` code points, the last one an ellipsis when cut.
std::string shorten(const std::vector<std::uint32_t>& text, std::size_t limit = label_chars) {
  std::string out;
  const bool cut = text.size() > limit;
  const std::size_t n = cut ? limit - 1 : text.size();
  for (std::size_t i = 0; i < n; ++i) detail::append_utf8(out, text[i]);
  if (cut) detail::append_utf8(out, 0x2026);
  return out;
}

std::vector<std::uint32_t> code_points(std::string_view ascii) { return {ascii.begin(), ascii.end()}; }

// The code points of well-formed UTF-8 (the walker's own labels).
std::vector<std::uint32_t> decode(std::string_view text) {
  std::vector<std::uint32_t> out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::uint32_t cp = n == 1 ? c : c & (0x7Fu >> n);
    for (std::size_t k = 1; k < n && i + k < text.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    out.push_back(cp);
    i += n;
  }
  return out;
}

// repr(x) of a float: the shortest digits that read back as x (the correctly rounded
// %.{p}e for the smallest p that round-trips is that string), laid out as float_repr_style
// "short" does: fixed notation for exponents -4 <= e < 16, else d.ddde+XX. `dot_zero`:
// integral values end in ".0" (repr of a float; complex parts do not).
// The shortest decimal of |x| when it has at most 15 significant digits and x * 10^k
// multiplies out to it exactly: its digits (no trailing zeros) and decimal exponent. Such
// a decimal m / 10^k reads back as x exactly when the correctly rounded m / 10^k is x (m
// and 10^k are exact doubles); below 10^15 the decimal grid is coarser than x's ulp, so
// it is the only one of its length that does, and any shorter one would be the same
// point with trailing zeros. False: take the long way.
bool short_decimal(double ax, std::string& digits, int& exponent) {
  static constexpr std::array<double, 18> powers{1e0, 1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,
                                                 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17};
  if (!(ax > 0)) return false;
  for (std::size_t k = 0; k < powers.size(); ++k) {
    const double y = ax * powers[k];
    if (!(y < 1e15)) return false;
    if (y != std::floor(y)) continue;
    const auto m = static_cast<std::uint64_t>(y);
    if (m == 0 || static_cast<double>(m) / powers[k] != ax) continue;
    digits = std::to_string(m);
    exponent = static_cast<int>(digits.size()) - 1 - static_cast<int>(k);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
    return true;
  }
  return false;
}

std::string float_repr(double x, bool dot_zero = true) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  const bool negative = std::signbit(x);
  std::string digits;
  int exponent = 0;
  if (!short_decimal(std::fabs(x), digits, exponent)) {
    // The fewest digits that round-trip, found by bisection: p digits correctly rounded
    // are never farther from x than fewer digits are (the coarser grid is part of the
    // finer), so "p digits read back as x" holds from some p on. 17 digits always do.
    char buf[64];
    auto round_trips = [&](int p) {
      std::snprintf(buf, sizeof buf, "%.*e", p - 1, x);
      return std::strtod(buf, nullptr) == x;
    };
    int low = 1, high = 17;
    while (low < high) {
      const int mid = (low + high) / 2;
      if (round_trips(mid)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    round_trips(low);
    // buf: [-]d[.ddd]e(+|-)XX
    std::string s(buf);
    if (s[0] == '-') s.erase(0, 1);
    const std::size_t e = s.find('e');
    digits = s.substr(0, e);
    digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
    exponent = std::atoi(s.c_str() + e + 1);
    while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  }
  const int decpt = exponent + 1;  // digits d1 d2 ... with the point after decpt of them
  std::string out = negative ? "-" : "";
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-decpt), '0');
      out += digits;
    } else if (static_cast<std::size_t>(decpt) >= digits.size()) {
      out += digits;
      out.append(static_cast<std::size_t>(decpt) - digits.size(), '0');
      if (dot_zero) out += ".0";
    } else {
      out += digits.substr(0, static_cast<std::size_t>(decpt));
      out += '.';
      out += digits.substr(static_cast<std::size_t>(decpt));
    }
  } else {
    out += digits[0];
    if (digits.size() > 1) {
      out += '.';
      out += digits.substr(1);
    }
    char ex[16];
    std::snprintf(ex, sizeof ex, "e%c%02d", exponent < 0 ? '-' : '+', std::abs(exponent));
    out += ex;
  }
  return out;
}

// repr(z) of a complex number (Objects/complexobject.c complex_repr): "2j" when the real
// part is +0, else "(1+2j)"; parts in repr's digits without a trailing ".0".
std::string complex_repr(double re, double im) {
  std::string imag = float_repr(im, false);
  if (re == 0 && !std::signbit(re)) return imag + "j";
  if (imag[0] != '-') imag = "+" + imag;
  return "(" + float_repr(re, false) + imag + "j)";
}

// str.isprintable() for code points below U+0100 (the C0 and C1 controls, DEL, the
// no-break space and the soft hyphen are not); above that the Unicode database decides,
// which the walker does not carry: nullopt.
std::optional<bool> printable(std::uint32_t c) {
  if (c >= 0x100) return std::nullopt;
  return !(c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD);
}

// The escapes repr gives in str and bytes alike: the quote in use and the backslash
// (escaped as themselves), tab, newline and carriage return. False for any other character.
bool push_shared_escape(std::vector<std::uint32_t>& out, std::uint32_t c, std::uint32_t q) {
  std::uint32_t escaped = 0;
  if (c == q || c == '\\') {
    escaped = c;
  } else if (c == '\t') {
    escaped = 't';
  } else if (c == '\n') {
    escaped = 'n';
  } else if (c == '\r') {
    escaped = 'r';
  } else {
    return false;
  }
  out.push_back('\\');
  out.push_back(escaped);
  return true;
}

// "\xNN" for a character below U+0100 that repr does not show as itself.
void push_hex_escape(std::vector<std::uint32_t>& out, std::uint32_t c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(c & 0xFF));
  for (const char* p = buf; *p; ++p) out.push_back(static_cast<unsigned char>(*p));
}

// repr() of a str (Objects/unicodeobject.c unicode_repr): quotes, escapes for the
// unprintable. nullopt when a character needs the Unicode database.
std::optional<std::vector<std::uint32_t>> str_repr(const std::vector<std::uint32_t>& text) {
  bool single = false, dbl = false;
  for (std::uint32_t c : text) single |= c == '\'', dbl |= c == '"';
  const std::uint32_t q = single && !dbl ? '"' : '\'';
  std::vector<std::uint32_t> out{q};
  for (std::uint32_t c : text) {
    if (push_shared_escape(out, c, q)) continue;
    const std::optional<bool> p = printable(c);
    if (!p) return std::nullopt;
    if (*p) {
      out.push_back(c);
    } else {
      push_hex_escape(out, c);
    }
  }
  out.push_back(q);
  return out;
}

// repr() of bytes (Objects/bytesobject.c PyBytes_Repr).
std::vector<std::uint32_t> bytes_repr(const std::uint8_t* data, std::size_t n) {
  bool single = false, dbl = false;
  for (std::size_t i = 0; i < n; ++i) single |= data[i] == '\'', dbl |= data[i] == '"';
  const std::uint32_t q = single && !dbl ? '"' : '\'';
  std::vector<std::uint32_t> out{'b', q};
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t c = data[i];
    if (push_shared_escape(out, c, q)) continue;
    if (c < 0x20 || c >= 0x7F) {
      push_hex_escape(out, c);
    } else {
      out.push_back(c);
    }
  }
  out.push_back(q);
  return out;
}

// An int's magnitude as 30-bit (digit_bits) digits, least significant first.
struct int_value {
  bool negative = false;
  std::vector<std::uint32_t> digits;  // no leading zero digits
  std::uint64_t bit_length() const {
    if (digits.empty()) return 0;
    std::uint64_t top = digits.back(), bits = 0;
    while (top) ++bits, top >>= 1;
    return (digits.size() - 1) * 30 + bits;
  }
};

// float(n) rounded as CPython rounds it (half to even), or nullopt when it overflows.
std::optional<double> int_to_double(const int_value& v, unsigned digit_bits) {
  const std::uint64_t bits = v.bit_length();
  if (bits == 0) return 0.0;
  if (bits > 1024) return std::nullopt;
  // The top 64 bits, and whether any bit below them is set.
  auto bit = [&](std::uint64_t i) -> unsigned {
    const std::uint64_t d = i / digit_bits;
    return d < v.digits.size() ? (v.digits[d] >> (i % digit_bits)) & 1u : 0u;
  };
  const std::uint64_t take = std::min<std::uint64_t>(bits, 54);  // 53 bits and the rounding bit
  std::uint64_t top = 0;
  for (std::uint64_t i = 0; i < take; ++i) top = (top << 1) | bit(bits - 1 - i);
  bool sticky = false;
  for (std::uint64_t i = 0; i + take < bits && !sticky; ++i) sticky = bit(i) != 0;
  std::uint64_t mantissa = top;
  int exponent = static_cast<int>(bits - take);
  if (take == 54) {
    const bool round_bit = mantissa & 1u;
    mantissa >>= 1;
    ++exponent;
    if (round_bit && (sticky || (mantissa & 1u))) ++mantissa;
  }
  const double d = std::ldexp(static_cast<double>(mantissa), exponent);
  if (std::isinf(d)) return std::nullopt;
  return v.negative ? -d : d;
}

// probe.short_label for an int.
std::string int_label(const int_value& v, unsigned digit_bits) {
  if (v.bit_length() <= 50) {
    std::uint64_t m = 0;
    for (std::size_t i = v.digits.size(); i-- > 0;) m = (m << digit_bits) | v.digits[i];
    if (m < 1'000'000'000'000'000ull) return (v.negative && m ? "-" : "") + std::to_string(m);
  }
  const std::optional<double> d = int_to_double(v, digit_bits);
  if (d) {
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.4g", *d);
    std::string out;
    detail::append_utf8(out, 0x2248);
    return out + buf;
  }
  // "%s bits" % format(bit_length, ",")
  std::string n = std::to_string(v.bit_length()), grouped;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (i && (n.size() - i) % 3 == 0) grouped += ',';
    grouped += n[i];
  }
  return grouped + " bits";
}

//-----------------------------------------------------------------------------
// [SECTION] The walker: types, nodes, the breadth-first walk
//-----------------------------------------------------------------------------

// What edges.py's fast path learned about a plain class from its first instance
// (instance_layout): the value indices its attributes sit at, with their names' labels in
// the snapshot's strings (a class's shared keys only grow: an index keeps its name), or nothing.
struct learned_layout {
  bool usable = false;
  std::vector<std::uint32_t> indices;
  std::vector<std::uint32_t> labels;
};

// How the walker treats objects of one type.
enum class kind : std::uint8_t {
  unknown,   // a C type it does not know: handed back
  known,     // a known_type (see `known`)
  instance,  // an instance of a class described by class_facts
  needs_facts,
};

struct type_info {
  kind how = kind::unknown;
  known_type known = known_type::object;
  std::uint64_t address = 0;
  std::uint32_t name = no_string;  // its qualname, in the snapshot's strings
  std::string qualname;
  std::uint32_t flags = 0;  // category, not_followed, has_length
  std::uint64_t tp_flags = 0;
  std::uint64_t basicsize = 0, itemsize = 0;
  std::uint64_t presize = 0;  // what sys.getsizeof adds to __sizeof__
  std::int64_t dictoffset = 0;
  bool expandable = false;
  bool labelled = false;
  bool heap = false;
  std::uint64_t shape = 0;  // the family word when it depends on the type alone
  const class_facts* facts = nullptr;
  std::vector<std::pair<std::uint32_t, std::uint64_t>> slots;  // name string, offset in the object
  std::vector<std::string> plain_names;
  std::uint64_t cached_keys = 0;
  bool valid = true;  // the type object was readable
  // Learned from the class's first instance the walk expands (instance_edges); the walk
  // fills it in through a const type_info, as it meets instances.
  mutable std::optional<learned_layout> layout;
};

struct pending_edge {
  std::uint64_t target;
  edge_kind kind;
  std::uint32_t label;
};

class walker {
 public:
  walker(const copied_heap& heap, const walk_setup& setup, const object_offsets& o)
      : r_(heap, setup.platform.pointer_size), s_(setup), o_(o) {}

  walk_result run();

 private:
  // Strings.
  std::uint32_t intern(std::string_view text) {
    auto it = strings_.find(text);
    if (it != strings_.end()) return it->second;
    const std::uint32_t i = out_.snap.strings.add(text);
    strings_.emplace(std::string(text), i);
    return i;
  }
  void problem(std::uint64_t address, std::string code, std::string message) {
    if (problems_++ < max_problems) out_.problems.push_back({std::move(code), address, std::move(message)});
  }
  void hand_back(std::uint32_t node, std::uint8_t parts, std::string reason) {
    auto [it, added] = handed_.emplace(node, out_.handed_back.size());
    if (!added) {
      out_.handed_back[it->second].parts |= parts;
      return;
    }
    out_.handed_back.push_back({node, out_.snap.graph.address[node], parts, std::move(reason)});
  }

  std::uint64_t ptr_field(std::uint64_t object, field_at f) const { return r_.field(object, f).value_or(0); }
  bool is(const type_info& t, known_type k) const { return t.how == kind::known && t.known == k; }
  std::uint64_t type_address(known_type k) const { return s_.types[static_cast<std::size_t>(k)]; }

  const type_info& info_of_type(std::uint64_t tp);
  void describe_type(type_info& t);
  std::optional<std::string> read_str(std::uint64_t address, std::uint64_t max_chars, bool* complete = nullptr);
  std::optional<std::vector<std::uint32_t>> str_chars(std::uint64_t address, std::uint64_t max_chars,
                                                      std::uint64_t* length = nullptr);
  std::optional<int_value> read_int(std::uint64_t address, std::uint64_t max_digits);
  struct int_summary {
    std::uint64_t digits;
    std::uint64_t bit_length;
    bool negative;
  };
  std::optional<int_summary> int_facts(std::uint64_t address);
  const type_info* type_of(std::uint64_t object);
  bool generic_traverse(std::uint64_t tp, bool over_plain_base = false);

  std::uint32_t add_node(std::uint64_t address);
  void size_node(std::uint32_t node, std::uint64_t address, const type_info& t);
  std::optional<std::uint64_t> type_object_size(std::uint64_t address, std::uint64_t presize);
  std::optional<std::string> short_label(std::uint64_t address, const type_info& t);
  std::optional<std::string> key_label(std::uint64_t key);

  void node_room(std::uint64_t n);
  void edge_room(std::uint64_t n);
  void expand(std::uint32_t node);
  bool references(std::uint32_t node, std::uint64_t address, const type_info& t, std::vector<pending_edge>& out);
  bool sequence_items(std::uint64_t items, std::uint64_t count, std::vector<pending_edge>& out);
  bool dict_items(std::uint32_t node, std::uint64_t dict, std::uint64_t limit, std::vector<pending_edge>& out);
  bool function_edges(std::uint64_t fn, std::vector<pending_edge>& out);
  bool instance_edges(std::uint32_t node, std::uint64_t obj, const type_info& t, std::vector<pending_edge>& out);
  bool instance_referents(std::uint64_t obj, const type_info& t, std::vector<std::uint64_t>& out,
                          std::vector<std::int64_t>* value_indices);
  std::optional<std::uint64_t> attribute_value(std::uint64_t obj, const type_info& t, std::string_view name);
  bool str_equals(std::uint64_t str, std::string_view name);
  bool capped(std::uint32_t node, std::uint64_t count, const type_info& t);

  reader r_;
  const walk_setup& s_;
  const object_offsets& o_;
  walk_result out_;
  std::unordered_map<std::string, std::uint32_t, string_hash, std::equal_to<>> strings_;
  // Node numbers by address (the address column holds the keys).
  detail::address_index index_of_;
  std::uint32_t nodes_ = 0;                   // nodes made: the node columns are grown ahead of them
  std::vector<const type_info*> node_types_;  // each node's type, as add_node read it (nullptr: unreadable)
  std::uint32_t edges_ = 0;
  // Types by address; a deque, so that a type_info stays where it is as types are added.
  std::deque<type_info> types_;
  detail::address_index type_index_;
  // The types met last, direct-mapped by address: a walk meets a handful of types a million times.
  struct type_cache_entry {
    std::uint64_t address = 0;
    type_info* info = nullptr;
  };
  static constexpr unsigned type_cache_bits = 6;
  std::array<type_cache_entry, 1u << type_cache_bits> type_cache_{};
  std::unordered_map<std::uint64_t, const class_facts*> facts_;
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> hints_;  // closure tuple -> names
  // The small-int cache's addresses, sorted, and their range (one compare for most objects).
  std::vector<std::uint64_t> small_ints_;
  std::uint64_t small_low_ = 1, small_high_ = 0;
  // Reused buffers: no allocation per object.
  std::vector<pending_edge> edges_scratch_;
  std::vector<std::uint64_t> referents_scratch_;
  std::vector<std::int64_t> indices_scratch_;
  std::unordered_set<std::uint64_t> needed_;
  std::unordered_map<std::uint32_t, std::size_t> handed_;           // node -> its entry in handed_back
  std::unordered_map<std::uint64_t, const probe_answer*> answers_;  // the probe's, by address
  std::unordered_set<std::uint32_t> own_sizeof_named_;              // types whose probe.own_sizeof is recorded
  const probe_answer* answer_for(std::uint64_t address) const {
    if (answers_.empty()) return nullptr;
    const auto it = answers_.find(address);
    return it == answers_.end() ? nullptr : it->second;
  }
  void answer_diagnostics(std::uint32_t node, const probe_answer& a, bool of_size);
  std::uint32_t problems_ = 0;
};

// A str object's characters (the first `max_chars`), if it is a compact str whose memory reads.
std::optional<std::vector<std::uint32_t>> walker::str_chars(std::uint64_t address, std::uint64_t max_chars,
                                                            std::uint64_t* length) {
  const auto& so = o_.str;
  const auto len = r_.field(address, so.length);
  const auto state = r_.field(address, so.state);
  if (!len || !state) return std::nullopt;
  const bool compact = (*state >> so.compact_shift) & 1u, ascii = (*state >> so.ascii_shift) & 1u;
  const unsigned char_kind = static_cast<unsigned>((*state >> so.kind_shift) & so.kind_mask);
  if (!compact || (char_kind != 1 && char_kind != 2 && char_kind != 4) || (ascii && char_kind != 1))
    return std::nullopt;
  if (length) *length = *len;
  const std::uint64_t n = std::min<std::uint64_t>(*len, max_chars);
  const std::uint64_t data = address + static_cast<std::uint64_t>(ascii ? so.ascii_data : so.compact_data);
  const std::uint8_t* p = r_.bytes(data, n * char_kind);
  if (!p) return std::nullopt;
  std::vector<std::uint32_t> out(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    std::uint32_t c = 0;
    for (unsigned b = char_kind; b-- > 0;) c = (c << 8) | p[i * char_kind + b];
    out[i] = c;
  }
  return out;
}

// A str as UTF-8, lone surrogates as \udXXX (the probe's "backslashreplace").
std::optional<std::string> walker::read_str(std::uint64_t address, std::uint64_t max_chars, bool* complete) {
  std::uint64_t length = 0;
  const auto chars = str_chars(address, max_chars, &length);
  if (!chars) return std::nullopt;
  if (complete) *complete = length <= max_chars;
  std::string out;
  for (std::uint32_t c : *chars) {
    if (c >= 0xD800 && c <= 0xDFFF) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else if (c > 0x10FFFF) {
      return std::nullopt;
    } else {
      detail::append_utf8(out, c);
    }
  }
  return out;
}

std::optional<int_value> walker::read_int(std::uint64_t address, std::uint64_t max_digits) {
  const auto& lo = o_.long_;
  const auto tag = r_.field(address, lo.tag);
  if (!tag) return std::nullopt;
  const std::uint64_t ndigits = *tag >> lo.tag_size_shift;
  const std::uint64_t sign = *tag & lo.tag_sign_mask;
  if (ndigits > max_digits || sign == 3 || (sign == 1) != (ndigits == 0)) return std::nullopt;
  int_value v;
  v.negative = sign == 2;
  v.digits.resize(ndigits);
  for (std::uint64_t i = 0; i < ndigits; ++i) {
    const auto d = r_.number(address + lo.digit.offset + i * lo.digit.size, lo.digit.size);
    if (!d || *d >> lo.digit_bits) return std::nullopt;
    v.digits[i] = static_cast<std::uint32_t>(*d);
  }
  if (ndigits && v.digits.back() == 0) return std::nullopt;  // not normalized: not an int CPython made
  return v;
}

// What size_node needs of an int, checked as read_int checks it, with no copy of its digits.
std::optional<walker::int_summary> walker::int_facts(std::uint64_t address) {
  const auto& lo = o_.long_;
  const auto tag = r_.field(address, lo.tag);
  if (!tag) return std::nullopt;
  const std::uint64_t ndigits = *tag >> lo.tag_size_shift;
  const std::uint64_t sign = *tag & lo.tag_sign_mask;
  if (ndigits > max_int_digits || sign == 3 || (sign == 1) != (ndigits == 0)) return std::nullopt;
  int_summary v{ndigits, 0, sign == 2};
  if (ndigits == 0) return v;
  const std::uint64_t digits = address + static_cast<std::uint64_t>(lo.digit.offset);
  if (!r_.bytes(digits, ndigits * lo.digit.size)) return std::nullopt;
  std::uint64_t top = 0;
  for (std::uint64_t i = 0; i < ndigits; ++i) {
    const std::uint64_t d = r_.number(digits + i * lo.digit.size, lo.digit.size).value_or(0);
    if (d >> lo.digit_bits) return std::nullopt;
    top = d;
  }
  if (top == 0) return std::nullopt;  // not normalized: not an int CPython made
  v.bit_length = (ndigits - 1) * lo.digit_bits + static_cast<std::uint64_t>(std::bit_width(top));
  return v;
}

const type_info& walker::info_of_type(std::uint64_t tp) {
  type_cache_entry& cached = type_cache_[(tp * 0x9E3779B97F4A7C15ull) >> (64 - type_cache_bits)];
  if (cached.info && cached.address == tp) return *cached.info;
  const auto key_of = [this](std::uint32_t i) { return types_[i].address; };
  std::uint32_t i = type_index_.find(tp, key_of);
  if (i == detail::address_index::none) {
    i = static_cast<std::uint32_t>(types_.size());
    types_.emplace_back();
    types_.back().address = tp;
    type_index_.find_or_add(tp, i, key_of);
    describe_type(types_[i]);
  }
  // describe_type may have looked up other types: the entry is filled in last.
  type_cache_entry& entry = type_cache_[(tp * 0x9E3779B97F4A7C15ull) >> (64 - type_cache_bits)];
  entry = {tp, &types_[i]};
  return types_[i];
}

// What the probe's _TypeInfo and shapes.family work out for a type, read from the type object.
void walker::describe_type(type_info& t) {
  const auto& to = o_.type;
  const auto flags = r_.field(t.address, to.flags);
  const auto basic = r_.field(t.address, to.basicsize);
  const auto item = r_.field(t.address, to.itemsize);
  const auto dictoffset = r_.signed_field(t.address, to.dictoffset);
  if (!flags || !basic || !item || !dictoffset) {
    t.valid = false;
    t.qualname = "?";
    t.name = intern("?");
    problem(t.address, "walk.unreadable_type", "A type object's fields are outside the memory read.");
    return;
  }
  t.tp_flags = *flags;
  t.basicsize = *basic;
  t.itemsize = *item;
  t.dictoffset = *dictoffset;
  t.heap = t.tp_flags & o_.type_flags.heap_type;
  const std::uint64_t managed = o_.type_flags.managed_dict | o_.type_flags.managed_weakref;
  t.presize = (t.tp_flags & o_.type_flags.have_gc ? o_.header.gc_size : 0) +
              (t.tp_flags & managed ? o_.header.preheader_size : 0);
  // The qualname: a heap type's ht_qualname, a static type's tp_name after its last dot.
  if (t.heap) {
    bool complete = false;
    const auto q = read_str(ptr_field(t.address, to.heap_qualname), max_name_chars, &complete);
    t.qualname = q && complete ? *q : "?";
    if (!q || !complete) problem(t.address, "walk.unreadable_type", "A class's __qualname__ is not a str that reads.");
    t.cached_keys = ptr_field(t.address, to.heap_cached_keys);
  } else {
    const std::uint64_t name = ptr_field(t.address, to.name);
    std::string text;
    for (std::uint64_t i = 0; i < max_name_chars; ++i) {
      const std::uint8_t* c = r_.bytes(name + i, 1);
      if (!c || !*c) break;
      text += static_cast<char>(*c);
    }
    const std::size_t dot = text.rfind('.');
    t.qualname = dot == std::string::npos ? text : text.substr(dot + 1);
    t.qualname = detail::escape_invalid_utf8(t.qualname);
  }
  t.name = intern(t.qualname);
  for (std::size_t k = 0; k < known_type_count; ++k) {
    if (s_.types[k] == t.address) {
      t.how = kind::known;
      t.known = static_cast<known_type>(k);
    }
  }
  const auto category = [](node_category c) { return static_cast<std::uint32_t>(c) << node_flag::category_shift; };
  if (t.how == kind::known) {
    using K = known_type;
    static constexpr std::array<std::pair<K, shape_family>, 24> families{{
        {K::int_, shape_family::int_},
        {K::bool_, shape_family::bool_},
        {K::float_, shape_family::float_},
        {K::complex_, shape_family::complex_},
        {K::str, shape_family::str},
        {K::bytes, shape_family::bytes},
        {K::bytearray, shape_family::bytearray},
        {K::tuple, shape_family::tuple},
        {K::list, shape_family::list},
        {K::dict, shape_family::dict},
        {K::set, shape_family::set},
        {K::frozenset, shape_family::frozenset},
        {K::range, shape_family::range},
        {K::slice, shape_family::slice},
        {K::none, shape_family::singleton},
        {K::ellipsis, shape_family::singleton},
        {K::not_implemented, shape_family::singleton},
        {K::object, shape_family::object},
        {K::function, shape_family::function},
        {K::builtin_function, shape_family::builtin_function},
        {K::method, shape_family::method},
        {K::cell, shape_family::cell},
        {K::array, shape_family::array},
        {K::type, shape_family::unknown},
    }};
    for (const auto& [k, f] : families) {
      if (k == t.known) t.shape = static_cast<std::uint64_t>(f);
    }
    switch (t.known) {
      case K::type:
        t.flags = category(node_category::type_object);
        if (!(s_.policy & capture_policy::follow_types)) t.flags |= node_flag::not_followed;
        break;
      case K::module:
        t.flags = category(node_category::module);
        if (!(s_.policy & capture_policy::follow_modules)) t.flags |= node_flag::not_followed;
        break;
      case K::code:
        t.flags = category(node_category::code);
        if (!(s_.policy & capture_policy::follow_code)) t.flags |= node_flag::not_followed;
        break;
      case K::function:
      case K::builtin_function: t.flags = category(node_category::function); break;
      case K::frame: t.flags = category(node_category::frame); break;
      default: break;
    }
    // probe._LENGTH_TYPES, _LABEL_TYPES, edges.ATOMIC_TYPES
    switch (t.known) {
      case K::list:
      case K::tuple:
      case K::dict:
      case K::set:
      case K::frozenset:
      case K::str:
      case K::bytes:
      case K::bytearray:
      case K::array:
      case K::range: t.flags |= node_flag::has_length; break;
      default: break;
    }
    t.labelled = t.known == K::int_ || t.known == K::float_ || t.known == K::complex_ || t.known == K::str ||
                 t.known == K::bytes || t.known == K::bool_ || t.known == K::none;
    const bool atomic = t.labelled || t.known == K::bytearray || t.known == K::range || t.known == K::ellipsis ||
                        t.known == K::not_implemented || t.known == K::array;
    t.expandable = !atomic;
    return;
  }
  if (t.heap) {
    auto f = facts_.find(t.address);
    if (f == facts_.end()) {
      t.how = kind::needs_facts;
      if (needed_.insert(t.address).second) out_.classes_needed.push_back(t.address);
      return;
    }
    t.facts = f->second;
    t.shape = t.facts->shape;
    t.flags = category(static_cast<node_category>(t.facts->category));
    if (t.facts->category == static_cast<std::uint8_t>(node_category::type_object) &&
        !(s_.policy & capture_policy::follow_types)) {
      t.flags |= node_flag::not_followed;
    }
    if (t.facts->category == static_cast<std::uint8_t>(node_category::module) &&
        !(s_.policy & capture_policy::follow_modules)) {
      t.flags |= node_flag::not_followed;
    }
    t.expandable = true;
    // Instances of class statements over object, or over a C base whose objects hold no
    // references of their own (random.Random over _random.Random: subtype_traverse is
    // all gc.get_referents sees, and object.__sizeof__ gives the size).
    const bool walkable = (t.facts->object_layout && generic_traverse(t.address)) ||
                          (t.facts->object_sizeof && generic_traverse(t.address, true));
    t.how = t.facts->category == 0 && walkable ? kind::instance : kind::unknown;
    if (t.how != kind::instance) return;
    for (const auto& [name, descriptor] : t.facts->slots) {
      const std::uint64_t member = ptr_field(descriptor, o_.member.member);
      const auto offset = member ? r_.signed_field(member, o_.member.member_offset) : std::nullopt;
      if (!offset || *offset <= 0 || static_cast<std::uint64_t>(*offset) + r_.pointer_size() > t.basicsize) {
        problem(descriptor, "walk.bad_slot",
                "A __slots__ member's descriptor does not give an offset inside the object.");
        t.how = kind::unknown;
        continue;
      }
      t.slots.emplace_back(intern(name), static_cast<std::uint64_t>(*offset));
    }
    return;
  }
  t.expandable = true;  // a C type the walker does not know: the probe answers
}

// Every class from `tp` down its tp_base chain to object traverses its instances with
// subtype_traverse, as classes made by a class statement do (a C type made at run time by
// PyType_FromSpec can look like one from Python, but lays out and traverses its own way).
// With `over_plain_base`, the chain may end in C types below the class statements that
// have no traverse at all, are not GC types and are none of the builtins the walker knows:
// their objects' C fields hold no references, so subtype_traverse still names every one
// (it calls no base traverse).
bool walker::generic_traverse(std::uint64_t tp, bool over_plain_base) {
  const auto reference = r_.field(s_.class_statement, o_.type.traverse);
  const std::uint64_t object = type_address(known_type::object);
  if (!reference || !*reference) return false;
  bool statements = true;  // still in the class statements' part of the chain
  for (int depth = 0; depth < 64 && tp && tp != object; ++depth) {
    const auto traverse = r_.field(tp, o_.type.traverse);
    if (!traverse) return false;
    if (statements && traverse != reference) {
      if (!over_plain_base || depth == 0) return false;
      statements = false;
    }
    if (!statements) {
      // A builtin base (float, int...) has its own rules in the probe: not a plain base.
      if (std::find(s_.types.begin(), s_.types.end(), tp) != s_.types.end()) return false;
      const auto flags = r_.field(tp, o_.type.flags);
      if (*traverse != 0 || !flags || (*flags & o_.type_flags.have_gc)) return false;
    }
    tp = ptr_field(tp, o_.type.base);
  }
  return tp == object && (statements || over_plain_base);
}

const type_info* walker::type_of(std::uint64_t object) {
  const auto tp = r_.field(object, o_.header.type);
  if (!tp || !*tp) return nullptr;
  return &info_of_type(*tp);
}

// probe._Capture.add for one object: its node's columns.
// Room for `n` nodes in every node column, and `n` edges in every edge column: capacity
// only (the walk appends), grown to what the caller knows it needs or by half again, so
// that appending never reallocates in the walk's loop.
template <typename... Columns>
void room(std::uint64_t n, Columns&... columns) {
  auto grow = [n](auto& column) {
    if (n > column.capacity())
      column.reserve(std::max<std::uint64_t>({n, column.capacity() + column.capacity() / 2, 1024}));
  };
  (grow(columns), ...);
}

void walker::node_room(std::uint64_t n) {
  object_graph& g = out_.snap.graph;
  if (n <= g.address.capacity()) return;
  n = std::min<std::uint64_t>(n, s_.object_cap);
  room(n, g.address, g.type, g.shallow, g.length, g.shape, g.flags, g.label, g.refcount, node_types_);
  room(n + 1, g.edge_offsets);
  // The index grows with the columns: once for a list of ten million floats, not by the
  // twenty-odd doublings that rehash every entry again.
  index_of_.reserve(g.address.capacity(), [&g](std::uint32_t v) { return g.address[v]; });
}

void walker::edge_room(std::uint64_t n) {
  object_graph& g = out_.snap.graph;
  if (n <= g.edge_target.capacity()) return;
  room(n, g.edge_target, g.edge_kinds, g.edge_label);
}

// Appends the node's columns (node_room made room for them).
std::uint32_t walker::add_node(std::uint64_t address) {
  object_graph& g = out_.snap.graph;
  const std::uint32_t node = nodes_++;
  g.address.push_back(address);
  g.type.push_back(no_string);
  g.shallow.push_back(0);
  g.length.push_back(0);
  g.shape.push_back(0);
  g.flags.push_back(0);
  g.label.push_back(no_string);
  g.refcount.push_back(refcount_unknown);
  const type_info* t = type_of(address);
  node_types_.push_back(t);
  if (!t || !t->valid) {
    g.type[node] = intern("?");
    problem(address, "walk.unreadable_object", "An object's header is outside the memory read.");
    hand_back(node,
              handed_back_part::size | handed_back_part::references | handed_back_part::label | handed_back_part::flags,
              "walk.unreadable_object");
    return node;
  }
  g.type[node] = t->name;
  std::uint32_t flags = t->flags;
  if (s_.heap_base && address < s_.heap_base) flags |= node_flag::static_object;
  if (address >= small_low_ && address <= small_high_ &&
      std::binary_search(small_ints_.begin(), small_ints_.end(), address)) {
    flags |= node_flag::small_int;
  }
  const auto refcnt = r_.field(address, o_.header.refcnt);
  const bool immortal = refcnt && o_.header.immortal_minimum && *refcnt >= o_.header.immortal_minimum;
  if (immortal) flags |= node_flag::immortal;
  // gc.is_tracked: a GC type's object (a type object only when it is a heap type) whose
  // PyGC_Head links it into a generation.
  bool gc = t->tp_flags & o_.type_flags.have_gc;
  if (gc && is(*t, known_type::type)) {
    const auto f = r_.field(address, o_.type.flags);
    gc = f && (*f & o_.type_flags.heap_type);
  }
  if (gc && r_.field(address, o_.header.gc_next).value_or(0) != 0) flags |= node_flag::gc_tracked;
  if (is(*t, known_type::str)) {
    const auto state = r_.field(address, o_.str.state);
    if (state && (*state & o_.str.interned_mask)) flags |= node_flag::interned;
  }
  g.flags[node] = flags;
  const std::uint32_t category = (flags & node_flag::category_mask) >> node_flag::category_shift;
  if (!immortal && refcnt && category != static_cast<std::uint32_t>(node_category::type_object) &&
      category != static_cast<std::uint32_t>(node_category::code)) {
    g.refcount[node] = static_cast<std::uint32_t>(std::min<std::uint64_t>(*refcnt, refcount_unknown - 1));
  }
  const probe_answer* answer = answer_for(address);
  if (answer && answer->size) {
    g.shallow[node] = *answer->size;
    g.length[node] = answer->length.value_or(0);
    answer_diagnostics(node, *answer, true);
  } else {
    size_node(node, address, *t);
  }
  // The probe's shape word, where it answered: a dict whose references it recorded has
  // the str-keys fact the walker reads only while it labels the keys itself.
  if (answer && answer->shape) g.shape[node] = *answer->shape;
  if (answer && answer->label) {
    if (node < s_.label_cap) g.label[node] = intern(*answer->label);
  } else if (t->labelled && node < s_.label_cap) {
    const auto label = short_label(address, *t);
    if (label) {
      g.label[node] = intern(*label);
    } else {
      hand_back(node, handed_back_part::label, "walk.label: a character outside Latin-1");
    }
  }
  return node;
}

// sys.getsizeof (and len, and the shape word) for one object.
void walker::size_node(std::uint32_t node, std::uint64_t a, const type_info& t) {
  object_graph& g = out_.snap.graph;
  auto unknown = [&](const char* why) {
    hand_back(node, handed_back_part::size, std::string(why) + ": " + t.qualname);
  };
  const std::uint64_t P = r_.pointer_size();
  if (t.how == kind::needs_facts) {
    if (!s_.finding_classes) {
      hand_back(node, handed_back_part::size | handed_back_part::references, "walk.class_facts_needed");
    }
    return;
  }
  if (t.how == kind::instance) {
    if (!t.facts->c_sizeof) {
      unknown("walk.own_sizeof");
      return;
    }
    std::uint64_t size = t.basicsize;
    if (t.itemsize) {
      const auto n = r_.signed_field(a, o_.header.size);
      if (!n) return unknown("walk.unreadable_object");
      size += static_cast<std::uint64_t>(*n < 0 ? -*n : *n) * t.itemsize;
    }
    g.shallow[node] = size + t.presize;
    g.shape[node] = t.shape;
    return;
  }
  if (t.facts && t.facts->category == static_cast<std::uint8_t>(node_category::type_object) && t.facts->c_sizeof) {
    // A class whose metaclass is a class statement's: type.__sizeof__ still decides.
    const auto s = type_object_size(a, t.presize);
    if (!s) return unknown("walk.unreadable_type");
    g.shallow[node] = *s;
    g.shape[node] = t.shape;
    const probe_answer* answer = answer_for(a);
    if (!(t.flags & node_flag::not_followed) && !(answer && answer->references)) {
      hand_back(node, handed_back_part::references, "walk.followed_type");
    }
    return;
  }
  if (t.how != kind::known) {
    // A class whose objects are not plain instances (a subclass of a builtin, a metaclass)
    // or a C type the walker does not know.
    hand_back(node, handed_back_part::size | (t.expandable ? handed_back_part::references : 0),
              "walk.unknown_type: " + t.qualname);
    g.shape[node] = t.shape;
    return;
  }
  g.shape[node] = t.shape;
  using K = known_type;
  std::optional<std::uint64_t> size;
  switch (t.known) {
    case K::int_:
    case K::bool_: {
      const auto v = int_facts(a);
      if (!v) return unknown("walk.bad_int");
      size = t.basicsize + t.itemsize * std::max<std::uint64_t>(v->digits, 1);
      if (t.known == K::int_) {
        const std::uint64_t bits = std::min<std::uint64_t>(v->bit_length, shape_facts::int_bit_length.mask);
        g.shape[node] |= bits << shape_facts::int_bit_length.shift | std::uint64_t{v->negative}
                                                                         << shape_facts::int_negative.shift;
      } else {
        g.shape[node] |= std::uint64_t{v->digits != 0} << shape_facts::bool_value.shift;
      }
      break;
    }
    case K::float_:
    case K::complex_:
    case K::none:
    case K::ellipsis:
    case K::not_implemented:
    case K::object:
    case K::slice:
    case K::cell:
    case K::method:
    case K::function:
    case K::builtin_function:
    case K::range:
    case K::member_descriptor:
      size = t.basicsize;
      if (t.known == K::range) {
        const auto length = read_int(ptr_field(a, o_.range.length), 64);
        if (!length) return unknown("walk.bad_range");
        std::uint64_t n = 0;
        bool overflow = false;
        for (std::size_t i = length->digits.size(); i-- > 0;) {
          if (n >> (64 - o_.long_.digit_bits)) overflow = true;
          n = (n << o_.long_.digit_bits) | length->digits[i];
        }
        g.length[node] = length->negative ? 0 : overflow ? ~std::uint64_t{0} : n;
      }
      break;
    case K::str: {
      const auto& so = o_.str;
      const auto len = r_.field(a, so.length);
      const auto state = r_.field(a, so.state);
      if (!len || !state) return unknown("walk.bad_str");
      const bool compact = (*state >> so.compact_shift) & 1u, ascii = (*state >> so.ascii_shift) & 1u;
      const std::uint64_t char_kind = (*state >> so.kind_shift) & so.kind_mask;
      if (!compact || (char_kind != 1 && char_kind != 2 && char_kind != 4)) return unknown("walk.bad_str");
      if (ascii) {
        size = static_cast<std::uint64_t>(so.ascii_data) + *len + 1;
      } else {
        size = static_cast<std::uint64_t>(so.compact_data) + (*len + 1) * char_kind;
        if (ptr_field(a, so.utf8) != 0) size = *size + r_.field(a, so.utf8_length).value_or(0) + 1;
      }
      g.length[node] = *len;
      const std::uint64_t k = ascii            ? shape_str_kind::ascii
                              : char_kind == 1 ? shape_str_kind::latin1
                              : char_kind == 2 ? shape_str_kind::ucs2
                                               : shape_str_kind::ucs4;
      g.shape[node] |= k << shape_facts::str_kind.shift;
      break;
    }
    case K::bytes:
    case K::tuple: {
      const auto n = r_.field(a, o_.header.size);
      if (!n || *n > max_items) return unknown("walk.bad_size");
      size = t.basicsize + t.itemsize * *n;
      g.length[node] = *n;
      break;
    }
    case K::bytearray: {
      const auto n = r_.field(a, o_.header.size);
      const auto alloc = r_.field(a, o_.bytearray.alloc);
      if (!n || !alloc) return unknown("walk.bad_size");
      size = t.basicsize + *alloc;
      g.length[node] = *n;
      break;
    }
    case K::list: {
      const auto n = r_.field(a, o_.header.size);
      const auto alloc = r_.field(a, o_.list.allocated);
      if (!n || !alloc || *n > *alloc || *alloc > max_items) return unknown("walk.bad_list");
      size = t.basicsize + P * *alloc;
      g.length[node] = *n;
      break;
    }
    case K::set:
    case K::frozenset: {
      const auto used = r_.field(a, o_.set.used);
      const auto mask = r_.field(a, o_.set.mask);
      const auto table = r_.field(a, o_.set.table);
      if (!used || !mask || !table || *mask >= max_items) return unknown("walk.bad_set");
      // set_sizeof: the table counts when it is not the small table inside the object.
      const std::uint64_t small = a + 32;
      size = t.basicsize + (*table != small ? (*mask + 1) * o_.set.entry_size : 0);
      g.length[node] = *used;
      break;
    }
    case K::array: {
      const auto n = r_.field(a, o_.header.size);
      const auto alloc = r_.field(a, o_.array.allocated);
      const std::uint64_t descr = ptr_field(a, o_.array.descr);
      const auto item = r_.field(descr, o_.array.item_size);
      const auto code = r_.field(descr, o_.array.typecode);
      if (!n || !alloc || !item || !code || *item > 16) return unknown("walk.bad_array");
      size = t.basicsize + *alloc * *item;
      g.length[node] = *n;
      g.shape[node] |= *item << shape_facts::array_item_size.shift | *code << shape_facts::array_typecode.shift;
      break;
    }
    case K::dict: {
      // _PyDict_SizeOf_LockHeld: the object, a split table's values, and the keys table
      // when this dict alone holds it.
      const std::uint64_t keys = ptr_field(a, o_.dict.keys);
      const std::uint64_t values = ptr_field(a, o_.dict.values);
      const auto& ko = o_.dict_keys;
      const auto krefs = r_.field(keys, ko.refcnt);
      const auto log2_size = r_.field(keys, ko.log2_size);
      const auto log2_index = r_.field(keys, ko.log2_index_bytes);
      const auto dk_kind = r_.field(keys, ko.kind);
      const auto usable = r_.signed_field(keys, ko.usable);
      const auto nentries = r_.signed_field(keys, ko.nentries);
      const auto used = r_.field(a, o_.dict.used);
      if (!krefs || !log2_size || !log2_index || !dk_kind || !usable || !nentries || !used || *log2_size > 30 ||
          *log2_index > 32 || *usable < 0 || *nentries < 0) {
        return unknown("walk.bad_dict");
      }
      std::uint64_t s = t.basicsize;
      if (values) s += static_cast<std::uint64_t>(*nentries + *usable) * P;
      if (*krefs == 1) {
        const std::uint64_t entry = *dk_kind == 0 ? ko.entry_size : ko.unicode_entry_size;
        s += ko.indices + (std::uint64_t{1} << *log2_index) + (((std::uint64_t{1} << *log2_size) << 1) / 3) * entry;
      }
      size = s;
      g.length[node] = *used;
      break;
    }
    case K::type: {
      const auto s = type_object_size(a, t.presize);
      if (!s) return unknown("walk.unreadable_type");
      g.shallow[node] = *s;
      return;
    }
    case K::code: {
      const auto n = r_.field(a, o_.header.size);
      const std::uint64_t extra = ptr_field(
          a, {static_cast<std::int32_t>(t.basicsize) + o_.code.extra_before_basicsize, static_cast<std::uint8_t>(P)});
      if (!n || extra) return unknown("walk.code_extra");
      // code_sizeof: _PyObject_VAR_SIZE, rounded up to a whole pointer.
      size = (t.basicsize + t.itemsize * *n + P - 1) / P * P;
      break;
    }
    case K::module:
      // ModuleType has no __sizeof__ of its own on 3.14: a C module's state is not counted
      // (getsizeof(_random) and getsizeof(sys) are the basic size and the GC header).
      size = t.basicsize;
      break;
    case K::frame: return unknown("walk.frame");
  }
  if (!size) return unknown("walk.unknown_size");
  g.shallow[node] = *size + t.presize;
}

// type.__sizeof__ of a type object plus what getsizeof adds: a heap type's
// PyHeapTypeObject and its instances' shared keys; a static type's PyTypeObject, with
// nothing added (3.13+ leave the GC header out for static types).
std::optional<std::uint64_t> walker::type_object_size(std::uint64_t a, std::uint64_t presize) {
  const auto f = r_.field(a, o_.type.flags);
  if (!f) return std::nullopt;
  if (!(*f & o_.type_flags.heap_type)) return o_.type.object_size;
  std::uint64_t s = o_.type.heap_size;
  const std::uint64_t keys = ptr_field(a, o_.type.heap_cached_keys);
  if (keys) {
    const auto& ko = o_.dict_keys;
    const auto log2_size = r_.field(keys, ko.log2_size);
    const auto log2_index = r_.field(keys, ko.log2_index_bytes);
    const auto dk_kind = r_.field(keys, ko.kind);
    if (!log2_size || !log2_index || !dk_kind || *log2_size > 30 || *log2_index > 32) return std::nullopt;
    const std::uint64_t entry = *dk_kind == 0 ? ko.entry_size : ko.unicode_entry_size;
    s += ko.indices + (std::uint64_t{1} << *log2_index) + (((std::uint64_t{1} << *log2_size) << 1) / 3) * entry;
  }
  return s + presize;
}

// probe.short_label for the labelled types.
std::optional<std::string> walker::short_label(std::uint64_t a, const type_info& t) {
  using K = known_type;
  switch (t.known) {
    case K::bool_: {
      const auto v = read_int(a, 1);
      if (!v) return std::nullopt;
      return v->digits.empty() ? "False" : "True";
    }
    case K::none: return "None";
    case K::int_: {
      const auto v = read_int(a, max_int_digits);
      if (!v) return std::nullopt;
      return int_label(*v, o_.long_.digit_bits);
    }
    case K::float_: {
      const auto v = r_.real(a + o_.float_.value.offset);
      if (!v) return std::nullopt;
      return shorten(code_points(float_repr(*v)));
    }
    case K::complex_: {
      const auto re = r_.real(a + o_.float_.value.offset);
      const auto im = r_.real(a + o_.float_.value.offset + 8);
      if (!re || !im) return std::nullopt;
      return shorten(code_points(complex_repr(*re, *im)));
    }
    case K::str: {
      const auto chars = str_chars(a, label_source_chars);
      if (!chars) return std::nullopt;
      const auto repr = str_repr(*chars);
      if (!repr) return std::nullopt;
      return shorten(*repr);
    }
    case K::bytes: {
      const auto n = r_.field(a, o_.header.size);
      if (!n) return std::nullopt;
      const std::uint64_t shown = std::min<std::uint64_t>(*n, label_source_chars);
      const std::uint8_t* p = r_.bytes(a + o_.bytes.data, shown);
      if (!p) return std::nullopt;
      return shorten(bytes_repr(p, shown));
    }
    default: return std::nullopt;
  }
}

// probe.key_label: how a dict key is shown on the edges to it and its value.
std::optional<std::string> walker::key_label(std::uint64_t key) {
  const type_info* t = type_of(key);
  if (!t || !t->valid) return std::nullopt;
  if (t->labelled && t->how == kind::known) return short_label(key, *t);
  if (is(*t, known_type::tuple)) {
    const auto n = r_.field(key, o_.header.size);
    if (!n) return std::nullopt;
    if (*n <= 4) {
      std::vector<std::string> parts;
      bool all = true;
      for (std::uint64_t i = 0; i < *n && all; ++i) {
        const std::uint64_t item =
            ptr_field(key + o_.tuple.item.offset + i * o_.tuple.item.size, {0, o_.tuple.item.size});
        const type_info* it = type_of(item);
        if (!it || !it->valid) return std::nullopt;
        if (!(it->labelled && it->how == kind::known)) {
          all = false;
          break;
        }
        const auto label = short_label(item, *it);
        if (!label) return std::nullopt;
        parts.push_back(*label);
      }
      if (all) {
        std::string text = "(";
        for (std::size_t i = 0; i < parts.size(); ++i) text += (i ? ", " : "") + parts[i];
        text += parts.size() == 1 ? ",)" : ")";
        return shorten(decode(text));
      }
    }
  }
  return "<" + t->qualname + ">";
}

bool walker::capped(std::uint32_t node, std::uint64_t count, const type_info& t) {
  if (count <= s_.edge_cap) return false;
  out_.snap.graph.flags[node] |= node_flag::truncated;
  std::string cap = std::to_string(s_.edge_cap), grouped;
  for (std::size_t i = 0; i < cap.size(); ++i) {
    if (i && (cap.size() - i) % 3 == 0) grouped += ',';
    grouped += cap[i];
  }
  out_.snap.diagnostics.push_back(
      {node, intern("probe.edge_cap"),
       intern("Only the first " + grouped + " references of this " + t.qualname + " were read (edge cap).")});
  return true;
}

// An answer's diagnostics go where the probe makes them: its sizing's (probe.own_sizeof)
// with the node, the rest with its references.
void walker::answer_diagnostics(std::uint32_t node, const probe_answer& a, bool of_size) {
  for (const auto& [code, message] : a.diagnostics) {
    const bool sizing = code == "probe.own_sizeof";
    if (sizing != of_size) continue;
    // The probe names a class with its own __sizeof__ once, at its first object; every
    // answer carries it, so the first node of the class keeps it.
    if (sizing && !own_sizeof_named_.insert(out_.snap.graph.type[node]).second) continue;
    out_.snap.diagnostics.push_back({node, intern(code), intern(message)});
  }
}

// probe._Capture.expand for one node: its references, new targets numbered in order.
void walker::expand(std::uint32_t node) {
  object_graph& g = out_.snap.graph;
  const std::uint64_t address = g.address[node];
  const type_info* t = node_types_[node];
  // The probe's references, where it answered for this object.
  const probe_answer* answer = t && t->valid ? answer_for(address) : nullptr;
  const bool answered = answer && answer->references;
  if (!t || !t->valid || !(t->expandable || answered) || (g.flags[node] & node_flag::not_followed)) {
    g.edge_offsets.push_back(edges_);
    return;
  }
  std::vector<pending_edge>& edges = edges_scratch_;
  edges.clear();
  if (answered) {
    for (const probe_reference& r : *answer->references) {
      const std::uint32_t label = r.kind == edge_kind::index ? r.index : (r.label ? intern(*r.label) : no_string);
      edges.push_back({r.target, r.kind, label});
    }
    if (answer->truncated) g.flags[node] |= node_flag::truncated;
    answer_diagnostics(node, *answer, false);
  } else if (!references(node, address, *t, edges)) {
    hand_back(node, handed_back_part::references, "walk.references: " + t->qualname);
    edges.clear();
  }
  const auto key_of = [&g](std::uint32_t n) { return g.address[n]; };
  node_room(std::min<std::uint64_t>(std::uint64_t{nodes_} + edges.size(), s_.object_cap));
  edge_room(std::uint64_t{edges_} + edges.size());
  for (const pending_edge& e : edges) {
    std::uint32_t target;
    if (nodes_ < s_.object_cap) {
      const auto [n, added] = index_of_.find_or_add(e.target, nodes_, key_of);
      target = n;
      if (added) add_node(e.target);
    } else {
      target = index_of_.find(e.target, key_of);
      if (target == detail::address_index::none) {
        out_.snap.capture.truncated = true;
        g.flags[node] |= node_flag::truncated;
        continue;
      }
    }
    g.edge_target.push_back(target);
    g.edge_kinds.push_back(e.kind);
    g.edge_label.push_back(e.label);
    ++edges_;
  }
  g.edge_offsets.push_back(edges_);
}

//-----------------------------------------------------------------------------
// [SECTION] References of one object
//-----------------------------------------------------------------------------

bool walker::sequence_items(std::uint64_t items, std::uint64_t count, std::vector<pending_edge>& out) {
  const unsigned P = r_.pointer_size();
  const std::uint8_t* p = count ? r_.bytes(items, count * P) : nullptr;
  if (count && !p) return false;
  out.reserve(out.size() + count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::uint64_t v = r_.pointer_at(p + i * P);
    if (!v) return false;
    out.push_back({v, edge_kind::index, static_cast<std::uint32_t>(i)});
  }
  return true;
}

// dict.items(d) in order, at most `limit` pairs: a combined table's entries, or a split
// table's values in its insertion order.
bool walker::dict_items(std::uint32_t node, std::uint64_t d, std::uint64_t limit, std::vector<pending_edge>& out) {
  const unsigned P = r_.pointer_size();
  const auto& ko = o_.dict_keys;
  const std::uint64_t keys = ptr_field(d, o_.dict.keys);
  const std::uint64_t values = ptr_field(d, o_.dict.values);
  const auto log2_index = r_.field(keys, ko.log2_index_bytes);
  const auto dk_kind = r_.field(keys, ko.kind);
  const auto nentries = r_.field(keys, ko.nentries);
  const auto used = r_.field(d, o_.dict.used);
  if (!log2_index || !dk_kind || !nentries || !used || *log2_index > 32 || *nentries > max_items) return false;
  const std::uint64_t entries = keys + ko.indices + (std::uint64_t{1} << *log2_index);
  const bool general = *dk_kind == 0;
  const std::uint64_t entry_size = general ? ko.entry_size : ko.unicode_entry_size;
  const field_at key_f = general ? ko.entry_key : ko.unicode_key;
  const field_at value_f = general ? ko.entry_value : ko.unicode_value;
  std::vector<std::pair<std::uint64_t, std::uint64_t>> pairs;
  if (values) {
    const auto capacity = r_.field(values, o_.inline_values.capacity);
    const auto size = r_.field(values, o_.inline_values.size);
    if (!capacity || !size || *size > *capacity || general) return false;
    const std::uint64_t vals = values + o_.inline_values.value.offset;
    const std::uint8_t* order = r_.bytes(vals + *capacity * P, *size);
    if (*size && !order) return false;
    for (std::uint64_t i = 0; i < *size && pairs.size() < limit; ++i) {
      const std::uint64_t ix = order[i];
      if (ix >= *capacity || ix >= *nentries) return false;
      const std::uint64_t v = r_.pointer(vals + ix * P).value_or(0);
      const std::uint64_t k = ptr_field(entries + ix * entry_size, key_f);
      if (!v || !k) return false;
      pairs.emplace_back(k, v);
    }
  } else {
    const std::uint8_t* p = *nentries ? r_.bytes(entries, *nentries * entry_size) : nullptr;
    if (*nentries && !p) return false;
    for (std::uint64_t i = 0; i < *nentries && pairs.size() < limit; ++i) {
      const std::uint64_t e = entries + i * entry_size;
      const std::uint64_t v = ptr_field(e, value_f);
      if (!v) continue;
      const std::uint64_t k = ptr_field(e, key_f);
      if (!k) return false;
      pairs.emplace_back(k, v);
    }
  }
  if (pairs.size() != std::min<std::uint64_t>(*used, limit)) return false;
  // The shape word's fact: every key is an exact str.
  bool str_keys = true;
  for (const auto& [k, v] : pairs) {
    const type_info* kt = type_of(k);
    if (!kt) return false;
    str_keys &= is(*kt, known_type::str);
    const auto label = key_label(k);
    if (!label) {
      hand_back(node, handed_back_part::label, "walk.label: a key's character outside Latin-1");
      return false;
    }
    const std::uint32_t l = intern(*label);
    out.push_back({k, edge_kind::dict_key, l});
    out.push_back({v, edge_kind::dict_value, l});
  }
  if (pairs.size() < *used) {
    // Capped: the shape still speaks of every key (shapes.shape reads them all).
    str_keys = false;
    return false;
  }
  if (str_keys) out_.snap.graph.shape[node] |= std::uint64_t{1} << shape_facts::dict_str_keys.shift;
  return true;
}

// edges._function_edges: the function's known fields by name, then what else its
// traversal visits (func_traverse's order), grouped as edges._rest groups them.
bool walker::function_edges(std::uint64_t fn, std::vector<pending_edge>& out) {
  const auto& fo = o_.function;
  const std::array<field_at, 14> traversal{fo.code,        fo.globals,  fo.builtins,   fo.module,  fo.defaults,
                                           fo.kwdefaults,  fo.doc,      fo.name,       fo.dict,    fo.closure,
                                           fo.annotations, fo.annotate, fo.typeparams, fo.qualname};
  std::vector<std::uint64_t> pending;
  for (const field_at& f : traversal) {
    const auto v = r_.field(fn, f);
    if (!v) return false;
    if (*v) pending.push_back(*v);
  }
  const struct {
    field_at field;
    edge_kind kind;
    const char* label;
  } known[] = {
      {fo.code, edge_kind::code, "__code__"},
      {fo.globals, edge_kind::globals, "__globals__"},
      {fo.builtins, edge_kind::globals, "__builtins__"},
      {fo.closure, edge_kind::other, "__closure__"},
      {fo.defaults, edge_kind::other, "__defaults__"},
      {fo.kwdefaults, edge_kind::other, "__kwdefaults__"},
      {fo.name, edge_kind::other, "__name__"},
      {fo.qualname, edge_kind::other, "__qualname__"},
      {fo.module, edge_kind::other, "__module__"},
      {fo.doc, edge_kind::other, "__doc__"},
  };
  std::vector<bool> taken(pending.size(), false);
  auto take = [&](std::uint64_t v) {
    for (std::size_t i = pending.size(); i-- > 0;) {
      if (!taken[i] && pending[i] == v) {
        taken[i] = true;
        return true;
      }
    }
    return false;
  };
  for (const auto& k : known) {
    const std::uint64_t v = ptr_field(fn, k.field);
    // Getters return None for an empty field, and the probe skips None targets.
    if (!v || (type_of(v) && is(*type_of(v), known_type::none))) continue;
    if (take(v)) out.push_back({v, k.kind, intern(k.label)});
  }
  // edges._rest: what is left, each distinct object in the order first seen, all its copies together.
  std::vector<std::uint64_t> firsts;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (!taken[i] && std::find(firsts.begin(), firsts.end(), pending[i]) == firsts.end()) firsts.push_back(pending[i]);
  }
  for (std::uint64_t v : firsts) {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!taken[i] && pending[i] == v) out.push_back({v, edge_kind::other, no_string});
    }
  }
  // The closure's cells get the free variables' names when the walk reaches the tuple.
  const std::uint64_t closure = ptr_field(fn, fo.closure);
  const std::uint64_t code = ptr_field(fn, fo.code);
  if (closure && code) {
    const std::uint64_t names = ptr_field(code, o_.code.localsplusnames);
    const std::uint64_t kinds = ptr_field(code, o_.code.localspluskinds);
    const auto n = r_.field(names, o_.header.size);
    const auto nk = r_.field(kinds, o_.header.size);
    if (!n || !nk || *n != *nk || *n > max_items) return false;
    const std::uint8_t* k = r_.bytes(kinds + o_.bytes.data, *n);
    if (*n && !k) return false;
    std::vector<std::uint32_t> free;
    for (std::uint64_t i = 0; i < *n; ++i) {
      if (!(k[i] & o_.code.fast_free)) continue;
      const std::uint64_t name = r_.pointer(names + o_.tuple.item.offset + i * o_.tuple.item.size).value_or(0);
      bool complete = false;
      const auto text = read_str(name, max_name_chars, &complete);
      if (!text || !complete) return false;
      free.push_back(intern(*text));
    }
    hints_[closure] = std::move(free);
  }
  return true;
}

// The referents of an instance of a class statement's class, in subtype_traverse's order:
// its __slots__ values (most derived class first), its inline attribute values (in value
// order) or its __dict__, then its class. `value_indices` gets each referent's inline
// value index (-1: not an inline value).
bool walker::instance_referents(std::uint64_t obj, const type_info& t, std::vector<std::uint64_t>& out,
                                std::vector<std::int64_t>* value_indices) {
  out.clear();
  if (value_indices) value_indices->clear();
  // Slots, class by class along tp_base, each class's members in order (traverse_slots):
  // the probe's facts list them in MRO order, which for these single-base layouts is the
  // same classes; within a class the order of its members.
  for (const auto& [name, offset] : t.slots) {
    (void)name;
    const auto v = r_.pointer(obj + offset);
    if (!v) return false;
    if (*v) {
      out.push_back(*v);
      if (value_indices) value_indices->push_back(-1);
    }
  }
  const unsigned P = r_.pointer_size();
  if (t.tp_flags & o_.type_flags.managed_dict) {
    bool visited_values = false;
    if (t.tp_flags & o_.type_flags.inline_values) {
      const std::uint64_t values = obj + t.basicsize;
      const auto valid = r_.field(values, o_.inline_values.valid);
      const auto capacity = r_.field(values, o_.inline_values.capacity);
      if (!valid || !capacity) return false;
      if (*valid) {
        visited_values = true;
        const std::uint8_t* p = r_.bytes(values + o_.inline_values.value.offset, *capacity * P);
        if (*capacity && !p) return false;
        for (std::uint64_t i = 0; i < *capacity; ++i) {
          const std::uint64_t v = r_.pointer_at(p + i * P);
          if (v) {
            out.push_back(v);
            if (value_indices) value_indices->push_back(static_cast<std::int64_t>(i));
          }
        }
      }
    }
    if (!visited_values) {
      const std::uint64_t dict = ptr_field(obj, o_.header.dict);
      if (dict) {
        out.push_back(dict);
        if (value_indices) value_indices->push_back(-1);
      }
    }
  } else if (t.dictoffset > 0) {
    const std::uint64_t dict = r_.pointer(obj + static_cast<std::uint64_t>(t.dictoffset)).value_or(0);
    if (dict) {
      out.push_back(dict);
      if (value_indices) value_indices->push_back(-1);
    }
  } else if (t.dictoffset < 0) {
    return false;  // a var-sized layout's dict: not a plain instance
  }
  out.push_back(t.address);
  if (value_indices) value_indices->push_back(-1);
  return true;
}

bool walker::str_equals(std::uint64_t str, std::string_view name) {
  bool complete = false;
  const auto text = read_str(str, name.size(), &complete);
  return text && complete && *text == name;
}

// object.__getattribute__(obj, name) for a name no class of the MRO defines: the value in
// the instance's inline values (by the class's shared keys) or in its __dict__.
std::optional<std::uint64_t> walker::attribute_value(std::uint64_t obj, const type_info& t, std::string_view name) {
  const unsigned P = r_.pointer_size();
  const auto& ko = o_.dict_keys;
  auto find_in = [&](std::uint64_t keys, std::uint64_t values_at, std::uint64_t capacity,
                     bool split) -> std::optional<std::uint64_t> {
    const auto log2_index = r_.field(keys, ko.log2_index_bytes);
    const auto dk_kind = r_.field(keys, ko.kind);
    const auto nentries = r_.field(keys, ko.nentries);
    if (!log2_index || !dk_kind || !nentries || *log2_index > 32 || *nentries > max_items) return std::nullopt;
    const bool general = *dk_kind == 0;
    const std::uint64_t entries = keys + ko.indices + (std::uint64_t{1} << *log2_index);
    const std::uint64_t entry_size = general ? ko.entry_size : ko.unicode_entry_size;
    for (std::uint64_t i = 0; i < *nentries; ++i) {
      const std::uint64_t e = entries + i * entry_size;
      const std::uint64_t k = ptr_field(e, general ? ko.entry_key : ko.unicode_key);
      if (!k) continue;
      const type_info* kt = type_of(k);
      if (!kt || !is(*kt, known_type::str) || !str_equals(k, name)) continue;
      if (split) {
        if (i >= capacity) return std::nullopt;
        const std::uint64_t v = r_.pointer(values_at + i * P).value_or(0);
        return v ? std::optional<std::uint64_t>(v) : std::nullopt;
      }
      const std::uint64_t v = ptr_field(e, general ? ko.entry_value : ko.unicode_value);
      return v ? std::optional<std::uint64_t>(v) : std::nullopt;
    }
    return std::nullopt;
  };
  if ((t.tp_flags & o_.type_flags.inline_values) && t.cached_keys) {
    const std::uint64_t values = obj + t.basicsize;
    if (r_.field(values, o_.inline_values.valid).value_or(0)) {
      const std::uint64_t capacity = r_.field(values, o_.inline_values.capacity).value_or(0);
      return find_in(t.cached_keys, values + o_.inline_values.value.offset, capacity, true);
    }
  }
  std::uint64_t dict = 0;
  if (t.tp_flags & o_.type_flags.managed_dict) {
    dict = ptr_field(obj, o_.header.dict);
  } else if (t.dictoffset > 0) {
    dict = r_.pointer(obj + static_cast<std::uint64_t>(t.dictoffset)).value_or(0);
  }
  if (!dict) return std::nullopt;
  const std::uint64_t keys = ptr_field(dict, o_.dict.keys);
  const std::uint64_t values = ptr_field(dict, o_.dict.values);
  if (values) {
    const std::uint64_t capacity = r_.field(values, o_.inline_values.capacity).value_or(0);
    return find_in(keys, values + o_.inline_values.value.offset, capacity, true);
  }
  return find_in(keys, 0, 0, false);
}

// edges.references for an instance of a class statement's class: the fast path
// (plain_instance_edges: attribute values in value order, then the class) when the
// class's first instance taught a layout that this one has, else the general rules (the
// class, __slots__ values by name, attributes by name, the rest unlabelled).
bool walker::instance_edges(std::uint32_t node, std::uint64_t obj, const type_info& t, std::vector<pending_edge>& out) {
  (void)node;
  std::vector<std::int64_t>& indices = indices_scratch_;
  std::vector<std::uint64_t>& referents = referents_scratch_;
  if (!instance_referents(obj, t, referents, &indices)) return false;
  const class_facts& f = *t.facts;
  // The class's shared key names by value index, for the fast path.
  auto key_name = [&](std::uint64_t index) -> std::optional<std::string> {
    if (!t.cached_keys) return std::nullopt;
    const auto& ko = o_.dict_keys;
    const auto log2_index = r_.field(t.cached_keys, ko.log2_index_bytes);
    const auto nentries = r_.field(t.cached_keys, ko.nentries);
    if (!log2_index || !nentries || *log2_index > 32 || index >= *nentries) return std::nullopt;
    const std::uint64_t e =
        t.cached_keys + ko.indices + (std::uint64_t{1} << *log2_index) + index * ko.unicode_entry_size;
    bool complete = false;
    const auto text = read_str(ptr_field(e, ko.unicode_key), max_name_chars, &complete);
    if (!text || !complete) return std::nullopt;
    return text;
  };
  const bool inline_referents =
      referents.size() >= 2 && std::all_of(indices.begin(), indices.end() - 1, [](std::int64_t i) { return i >= 0; });
  if (!t.layout) {
    // edges._learn_layout, from this (the first) instance: every referent but the class is
    // an attribute value found by a plain name, all distinct.
    learned_layout l;
    if (f.plain && inline_referents) {
      l.usable = true;
      std::vector<std::uint64_t> seen(referents.begin(), referents.end() - 1);
      std::sort(seen.begin(), seen.end());
      if (std::adjacent_find(seen.begin(), seen.end()) != seen.end()) l.usable = false;
      for (std::size_t i = 0; i + 1 < referents.size() && l.usable; ++i) {
        const auto name = key_name(static_cast<std::uint64_t>(indices[i]));
        if (!name || !std::binary_search(f.plain_names.begin(), f.plain_names.end(), *name)) {
          l.usable = false;
          break;
        }
        l.indices.push_back(static_cast<std::uint32_t>(indices[i]));
        l.labels.push_back(intern(*name));
      }
    }
    t.layout = std::move(l);
  }
  const learned_layout& layout = *t.layout;
  if (layout.usable && inline_referents && indices.size() == layout.indices.size() + 1 &&
      std::equal(layout.indices.begin(), layout.indices.end(), indices.begin(),
                 [](std::uint32_t a, std::int64_t b) { return static_cast<std::int64_t>(a) == b; })) {
    for (std::size_t i = 0; i < layout.indices.size(); ++i) {
      out.push_back({referents[i], edge_kind::attribute, layout.labels[i]});
    }
    out.push_back({t.address, edge_kind::type, no_string});
    return true;
  }
  // The general rules.
  std::vector<std::uint64_t> pending = referents;
  std::vector<bool> taken(pending.size(), false);
  auto take = [&](std::uint64_t v) {
    for (std::size_t i = pending.size(); i-- > 0;) {
      if (!taken[i] && pending[i] == v) {
        taken[i] = true;
        return true;
      }
    }
    return false;
  };
  if (take(t.address)) out.push_back({t.address, edge_kind::type, no_string});
  for (const auto& [name, offset] : t.slots) {
    const std::uint64_t v = r_.pointer(obj + offset).value_or(0);
    if (v && take(v)) out.push_back({v, edge_kind::slot, name});
  }
  const bool any_left = std::find(taken.begin(), taken.end(), false) != taken.end();
  const bool has_dict = (t.tp_flags & o_.type_flags.managed_dict) || t.dictoffset != 0;
  if (any_left && has_dict) {
    for (const std::string& name : f.plain_names) {
      const auto v = attribute_value(obj, t, name);
      if (v && take(*v)) out.push_back({*v, edge_kind::attribute, intern(name)});
    }
  }
  std::vector<std::uint64_t> firsts;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (!taken[i] && std::find(firsts.begin(), firsts.end(), pending[i]) == firsts.end()) firsts.push_back(pending[i]);
  }
  for (std::uint64_t v : firsts) {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (!taken[i] && pending[i] == v) out.push_back({v, edge_kind::other, no_string});
    }
  }
  return true;
}

// edges.references (and probe._Capture._references) for one object. False: the walker
// cannot say what it references; the probe answers.
bool walker::references(std::uint32_t node, std::uint64_t a, const type_info& t, std::vector<pending_edge>& out) {
  const unsigned P = r_.pointer_size();
  if (t.how == kind::instance) {
    if (!instance_edges(node, a, t, out)) return false;
    if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
    return true;
  }
  if (t.how != kind::known) return false;
  using K = known_type;
  switch (t.known) {
    case K::list:
    case K::tuple: {
      const auto n = r_.field(a, o_.header.size);
      if (!n || *n > max_items) return false;
      const std::uint64_t items =
          t.known == K::list ? ptr_field(a, o_.list.items) : a + static_cast<std::uint64_t>(o_.tuple.item.offset);
      if (t.known == K::tuple && !hints_.empty()) {
        auto hint = hints_.find(a);
        if (hint != hints_.end()) {
          // A function's __closure__: each cell named by its free variable.
          std::vector<std::uint32_t> names = std::move(hint->second);
          hints_.erase(hint);
          std::vector<pending_edge> items_out;
          if (!sequence_items(items, *n, items_out)) return false;
          for (std::size_t i = 0; i < items_out.size() && i < names.size(); ++i) {
            out.push_back({items_out[i].target, edge_kind::closure_cell, names[i]});
          }
          if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
          return true;
        }
      }
      const std::uint64_t count = capped(node, *n, t) ? s_.edge_cap : *n;
      return sequence_items(items, count, out);
    }
    case K::dict: {
      const auto used = r_.field(a, o_.dict.used);
      if (!used) return false;
      const std::uint64_t limit = capped(node, 2 * *used, t) ? s_.edge_cap / 2 : *used;
      return dict_items(node, a, limit, out);
    }
    case K::set:
    case K::frozenset: {
      const auto mask = r_.field(a, o_.set.mask);
      const std::uint64_t table = ptr_field(a, o_.set.table);
      const auto used = r_.field(a, o_.set.used);
      if (!mask || !used || !table || *mask >= max_items) return false;
      const std::uint64_t slots = *mask + 1, es = o_.set.entry_size;
      const std::uint8_t* p = r_.bytes(table, slots * es);
      if (!p) return false;
      const std::uint64_t dummy_hash = (std::uint64_t{1} << (8 * o_.set.entry_hash.size)) - 1;  // -1
      for (std::uint64_t i = 0; i < slots; ++i) {
        const std::uint64_t key = ptr_field(table + i * es, o_.set.entry_key);
        const std::uint64_t hash = r_.field(table + i * es, o_.set.entry_hash).value_or(0);
        // A removed key leaves the dummy with hash -1, which no live key has.
        if (!key || hash == dummy_hash) continue;
        out.push_back({key, edge_kind::set_member, no_string});
      }
      if (out.size() != *used) return false;
      if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
      return true;
    }
    case K::function:
      if (!function_edges(a, out)) return false;
      if (capped(node, out.size(), t)) out.resize(s_.edge_cap);
      return true;
    case K::method: {
      const std::uint64_t self = ptr_field(a, o_.method.self), func = ptr_field(a, o_.method.func);
      if (!self || !func) return false;
      out.push_back({self, edge_kind::other, intern("__self__")});
      out.push_back({func, edge_kind::definition, intern("__func__")});
      return true;
    }
    case K::cell: {
      const std::uint64_t ref = ptr_field(a, o_.cell.ref);
      if (ref) out.push_back({ref, edge_kind::other, intern("cell_contents")});
      return true;
    }
    case K::object: return true;
    case K::slice:
    case K::builtin_function: {
      // The general rules with nothing to name: what CPython's traversal visits, grouped
      // as edges._rest groups it.
      std::vector<std::uint64_t> referents;
      if (t.known == K::slice) {
        for (field_at f : {o_.slice.start, o_.slice.stop, o_.slice.step}) {
          const std::uint64_t v = ptr_field(a, f);
          if (v) referents.push_back(v);
        }
      } else {
        const auto& bo = o_.builtin_function;
        const std::uint64_t ml = ptr_field(a, bo.ml);
        const auto ml_flags = r_.field(ml, bo.ml_flags);
        if (!ml_flags) return false;
        for (field_at f : {bo.klass, bo.self, bo.module}) {
          if (f.offset == bo.klass.offset && !(*ml_flags & bo.meth_method)) continue;
          const std::uint64_t v = ptr_field(a, f);
          if (v) referents.push_back(v);
        }
      }
      std::vector<std::uint64_t> firsts;
      for (std::uint64_t v : referents) {
        if (std::find(firsts.begin(), firsts.end(), v) == firsts.end()) firsts.push_back(v);
      }
      for (std::uint64_t v : firsts) {
        for (std::uint64_t w : referents) {
          if (w == v) out.push_back({v, edge_kind::other, no_string});
        }
      }
      (void)P;
      return true;
    }
    default: return false;  // type objects, modules and code the policy follows: the probe answers
  }
}

walk_result walker::run() {
  for (const class_facts& f : s_.classes) facts_.emplace(f.address, &f);
  for (const probe_answer& a : s_.answers) answers_.emplace(a.address, &a);
  small_ints_ = s_.small_int_addresses;
  std::sort(small_ints_.begin(), small_ints_.end());
  if (!small_ints_.empty()) small_low_ = small_ints_.front(), small_high_ = small_ints_.back();
  snapshot& snap = out_.snap;
  snap.platform = s_.platform;
  snap.capture.small_ints_probed = s_.small_int_min <= s_.small_int_max;
  snap.capture.small_int_min = s_.small_int_min;
  snap.capture.small_int_max = s_.small_int_max;
  snap.capture.interned_known = true;
  snap.capture.static_known = s_.heap_base != 0;
  snap.capture.object_cap = s_.object_cap;
  snap.capture.policy = s_.policy;
  // The caller's findings first, as the probe records them (its diagnostics argument).
  for (const auto& [code, message] : s_.diagnostics)
    snap.diagnostics.push_back({no_node, intern(code), intern(message)});
  // Roots: distinct objects in order, each named root pointing at its object's node.
  const auto key_of = [&snap](std::uint32_t n) { return snap.graph.address[n]; };
  for (const auto& [name, address] : s_.roots) {
    if (index_of_.find(address, key_of) == detail::address_index::none) {
      if (nodes_ >= s_.object_cap) {
        snap.capture.truncated = true;
        continue;
      }
      node_room(std::uint64_t{nodes_} + 1);
      index_of_.find_or_add(address, nodes_, key_of);
      add_node(address);
    }
  }
  for (const auto& [name, address] : s_.roots) {
    const std::uint32_t n = index_of_.find(address, key_of);
    if (n != detail::address_index::none) snap.roots.push_back({intern(name), n});
  }
  for (std::uint32_t node = 0; node < nodes_; ++node) expand(node);
  for (const std::uint64_t address : s_.held) {
    const std::uint32_t n = index_of_.find(address, key_of);
    if (n == detail::address_index::none) continue;
    std::uint32_t& count = snap.graph.refcount[n];
    if (count != refcount_unknown && count > 0) count -= 1;
  }
  out_.bytes_read = r_.bytes_read();
  if (problems_ > max_problems) {
    out_.problems.push_back({"walk.more_problems", std::nullopt,
                             std::to_string(problems_ - max_problems) + " more problems with memory were not listed."});
  }
  return std::move(out_);
}

}  // namespace

std::string_view known_type_key(known_type t) {
  static constexpr std::array<std::string_view, known_type_count> keys{
      "type",
      "object",
      "int",
      "bool",
      "float",
      "complex",
      "str",
      "bytes",
      "bytearray",
      "tuple",
      "list",
      "dict",
      "set",
      "frozenset",
      "NoneType",
      "ellipsis",
      "NotImplementedType",
      "range",
      "slice",
      "cell",
      "function",
      "method",
      "builtin_function_or_method",
      "code",
      "module",
      "member_descriptor",
      "array",
      "frame",
  };
  return keys[static_cast<std::size_t>(t)];
}

result<walk_result> walk_heap(const copied_heap& heap, const walk_setup& setup) {
  const cpython_target target{setup.platform.python_minor, setup.platform.pointer_size};
  const detail::object_offsets* o =
      setup.platform.python_major == 3 && !setup.platform.free_threaded ? detail::find_offsets(target) : nullptr;
  if (!o) {
    return diagnostic{"walk.unsupported_platform", std::nullopt,
                      "The heap walker reads " + std::string("CPython 3.14 on wasm32 (Pyodide) only; ") +
                          describe_target(target) + " objects are captured by the Python probe."};
  }
  std::vector<diagnostic> errors;
  for (std::size_t k = 0; k < known_type_count; ++k) {
    if (!setup.types[k]) {
      errors.push_back({"walk.missing_type", std::nullopt,
                        "The address of type '" + std::string(known_type_key(static_cast<known_type>(k))) +
                            "' is missing: native.type_addresses() gives every one."});
    }
  }
  if (setup.object_cap == 0 || setup.edge_cap == 0) {
    errors.push_back({"walk.bad_cap", std::nullopt, "The object and edge caps must be at least 1."});
  }
  if (!errors.empty()) return errors;
  walker w(heap, setup, *o);
  return w.run();
}

}  // namespace bytewise
