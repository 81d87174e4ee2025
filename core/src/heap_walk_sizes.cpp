// The heap walker: what sys.getsizeof says of one object, its length and shape word, and its label (see
// heap_walker.hpp).
#include "heap_walker.hpp"

#include <algorithm>
#include <cmath>
#include "utf8.hpp"

namespace bytewise::detail::walk {

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

}  // namespace bytewise::detail::walk
