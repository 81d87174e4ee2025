// The heap walker: what an object is, its type, and strs and ints read from memory (see heap_walker.hpp).
#include "heap_walker.hpp"

#include "utf8.hpp"

#include <algorithm>
#include <bit>

namespace bytewise::detail::walk {

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
    t.qualname = std::string(1, '?');  // (a literal here trips a false -Wrestrict in GCC 12)
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

}  // namespace bytewise::detail::walk
