// Snapshot reader: bytes in, a validated snapshot or a list of diagnostics out.
//
// The input is untrusted (it crosses the worker/page boundary and can come from files).
// Order of checks: header, directory, section bounds, META counts, then each column
// against those counts, then the values in each column. Every size is checked against
// the buffer before anything is allocated, so a hostile count cannot make us allocate
// more than the input's own length.
#include <bytewise/snapshot.hpp>

#include "snapshot_format.hpp"

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace bytewise {
namespace {

using detail::load;
using detail::section_tag;

// Per-column value errors beyond this many are summarised in one line.
constexpr int max_errors_per_column = 8;
constexpr std::size_t max_errors = 100;
using detail::max_object_size;
using detail::max_total_size;

struct section {
  section_tag tag;
  std::uint32_t offset;
  std::uint32_t size;
  std::uint32_t directory_offset;  // where its directory entry is, for messages
};

std::string tag_name(const section_tag& t) {
  std::string out;
  for (char c : t.chars) {
    if (c >= 0x20 && c < 0x7F) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02X", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

// Length of the valid UTF-8 sequence starting at p (0 if invalid). Rejects overlong
// forms, surrogates and code points above U+10FFFF.
std::size_t utf8_sequence(const unsigned char* p, std::size_t available) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (n > available) return 0;
  for (std::size_t i = 1; i < n; ++i) {
    if ((p[i] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[i] & 0x3F);
  }
  static constexpr std::uint32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < min_for_length[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Returns the offset of the first invalid byte, or nullopt if all is valid UTF-8.
std::optional<std::size_t> first_invalid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t n = utf8_sequence(p + i, s.size() - i);
    if (n == 0) return i;
    i += n;
  }
  return std::nullopt;
}

class reader {
 public:
  explicit reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  result<snapshot> run();

 private:
  void error(std::string code, std::optional<std::uint64_t> offset, std::string message) {
    if (errors_.size() < max_errors) {
      errors_.push_back({std::move(code), offset, std::move(message)});
    } else if (errors_.size() == max_errors) {
      errors_.push_back(
          {"snapshot.too_many_errors", std::nullopt, "More problems were found; only the first 100 are listed."});
    }
  }

  // Counts one bad value in a column; reports the first few in full.
  class column_errors {
   public:
    column_errors(reader& r, std::string code, std::string column)
        : r_(r), code_(std::move(code)), column_(std::move(column)) {}
    ~column_errors() {
      if (count_ > max_errors_per_column) {
        r_.error(
            code_, std::nullopt,
            std::to_string(count_ - max_errors_per_column) + " more bad values in " + column_ + " were not listed.");
      }
    }
    void add(std::uint64_t offset, std::string message) {
      if (++count_ <= max_errors_per_column) r_.error(code_, offset, std::move(message));
    }
    std::uint64_t count() const { return count_; }

   private:
    reader& r_;
    std::string code_;
    std::string column_;
    std::uint64_t count_ = 0;
  };

  bool read_header();
  bool read_directory(std::uint32_t count);
  const section* find(const section_tag& t) const {
    auto it = sections_.find(std::string(t.view()));
    return it == sections_.end() ? nullptr : &it->second;
  }
  bool read_meta(snapshot& snap);
  bool read_strings(snapshot& snap);
  // Checks that section `t` holds exactly `count` items of `width` bytes.
  const section* column(const section_tag& t, std::uint64_t count, std::uint32_t width, const char* what);
  template <typename T>
  std::vector<T> copy_column(const section& s, std::uint64_t count) {
    std::vector<T> out(count);
    if (count != 0) std::memcpy(out.data(), bytes_.data() + s.offset, count * sizeof(T));
    return out;
  }
  void check_string_refs(const std::vector<std::uint32_t>& refs, const section& s, std::uint32_t string_count,
                         bool allow_none, const char* code, const char* what);
  void read_nodes(snapshot& snap);
  void read_edges(snapshot& snap);
  void read_roots(snapshot& snap);
  void read_diagnostics(snapshot& snap);

  std::span<const std::uint8_t> bytes_;
  std::vector<diagnostic> errors_;
  std::map<std::string, section> sections_;
  std::uint32_t node_count_ = 0;
  std::uint32_t edge_count_ = 0;
  std::uint32_t root_count_ = 0;
};

bool reader::read_header() {
  if (bytes_.size() < detail::header_size) {
    error("snapshot.too_short", 0,
          "The snapshot is " + std::to_string(bytes_.size()) +
              " bytes long; even an empty one has a 16-byte header. The data was cut off: "
              "capture again.");
    return false;
  }
  if (!std::equal(detail::snapshot_magic.begin(), detail::snapshot_magic.end(), bytes_.begin())) {
    error("snapshot.bad_magic", 0,
          "The data does not start with \"BYTEWISE\", so it is not a Bytewise snapshot. "
          "Pass the bytes the probe wrote, unchanged.");
    return false;
  }
  auto major = load<std::uint16_t>(bytes_.data() + 8);
  auto minor = load<std::uint16_t>(bytes_.data() + 10);
  if (major != snapshot_major_version) {
    error("snapshot.unsupported_version", 8,
          "The snapshot is format " + std::to_string(major) + "." + std::to_string(minor) +
              "; this Bytewise reads format " + std::to_string(snapshot_major_version) +
              ".x. Capture it with the probe that ships with this Bytewise.");
    return false;
  }
  auto count = load<std::uint32_t>(bytes_.data() + 12);
  if (count > detail::max_sections) {
    error("snapshot.too_many_sections", 12,
          "The header lists " + std::to_string(count) + " sections; at most " + std::to_string(detail::max_sections) +
              " are allowed. The header is corrupt.");
    return false;
  }
  return read_directory(count);
}

bool reader::read_directory(std::uint32_t count) {
  std::uint64_t directory_end = detail::header_size + std::uint64_t{count} * detail::directory_entry_size;
  if (directory_end > bytes_.size()) {
    error("snapshot.truncated_directory", detail::header_size,
          "The section directory needs " + std::to_string(directory_end) + " bytes but the snapshot has " +
              std::to_string(bytes_.size()) + ". The data was cut off: capture again.");
    return false;
  }
  bool ok = true;
  std::vector<section> ordered;
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t at = detail::header_size + i * detail::directory_entry_size;
    section s{};
    std::memcpy(s.tag.chars.data(), bytes_.data() + at, 4);
    s.offset = load<std::uint32_t>(bytes_.data() + at + 4);
    s.size = load<std::uint32_t>(bytes_.data() + at + 8);
    s.directory_offset = at;
    auto reserved = load<std::uint32_t>(bytes_.data() + at + 12);
    std::string name = tag_name(s.tag);
    if (reserved != 0) {
      error("snapshot.bad_directory", at + 12,
            "Section " + name + " has a non-zero reserved field. The directory is corrupt.");
      ok = false;
    }
    if (s.offset % detail::section_alignment != 0 || s.offset < directory_end ||
        std::uint64_t{s.offset} + s.size > bytes_.size()) {
      error("snapshot.section_out_of_bounds", at + 4,
            "Section " + name + " claims bytes " + std::to_string(s.offset) + ".." +
                std::to_string(std::uint64_t{s.offset} + s.size) +
                ", which is not an 8-aligned range after the directory inside the " + std::to_string(bytes_.size()) +
                "-byte snapshot. The data is corrupt or cut off.");
      ok = false;
      continue;
    }
    if (!sections_.emplace(std::string(s.tag.view()), s).second) {
      error("snapshot.duplicate_section", at, "Section " + name + " appears twice. The directory is corrupt.");
      ok = false;
      continue;
    }
    ordered.push_back(s);
  }
  std::sort(ordered.begin(), ordered.end(), [](const section& a, const section& b) { return a.offset < b.offset; });
  for (std::size_t i = 1; i < ordered.size(); ++i) {
    const section& prev = ordered[i - 1];
    if (std::uint64_t{prev.offset} + prev.size > ordered[i].offset) {
      error("snapshot.overlapping_sections", ordered[i].directory_offset,
            "Sections " + tag_name(prev.tag) + " and " + tag_name(ordered[i].tag) +
                " overlap. The directory is corrupt.");
      ok = false;
    }
  }
  for (const section_tag& t :
       {detail::tag_meta, detail::tag_strings, detail::tag_node_address, detail::tag_node_type, detail::tag_node_size,
        detail::tag_node_length, detail::tag_node_flags, detail::tag_node_label, detail::tag_edge_offsets,
        detail::tag_edge_target, detail::tag_edge_kind, detail::tag_edge_label, detail::tag_roots}) {
    if (sections_.count(std::string(t.view())) == 0 && ok) {
      error(
          "snapshot.missing_section", std::nullopt,
          "The required section " + std::string(t.view()) + " is missing. The snapshot is incomplete: capture again.");
      ok = false;
    }
  }
  return ok;
}

bool reader::read_meta(snapshot& snap) {
  const section& s = *find(detail::tag_meta);
  if (s.size < detail::meta_size_v1_0) {
    error("snapshot.short_meta", s.offset,
          "Section META is " + std::to_string(s.size) + " bytes; format 1.0 needs at least " +
              std::to_string(detail::meta_size_v1_0) + ". The snapshot is corrupt.");
    return false;
  }
  const std::uint8_t* m = bytes_.data() + s.offset;
  namespace mf = detail::meta;
  node_count_ = load<std::uint32_t>(m + mf::node_count);
  edge_count_ = load<std::uint32_t>(m + mf::edge_count);
  root_count_ = load<std::uint32_t>(m + mf::root_count);
  platform_info& p = snap.platform;
  p.pointer_size = m[mf::pointer_size];
  p.python_major = m[mf::python_major];
  p.python_minor = m[mf::python_minor];
  p.python_micro = m[mf::python_micro];
  p.release_level = m[mf::release_level];
  p.release_serial = m[mf::release_serial];
  auto flags = load<std::uint16_t>(m + mf::capture_flags);
  bool ok = true;
  if (p.pointer_size != 4 && p.pointer_size != 8) {
    error("snapshot.bad_pointer_size", s.offset + mf::pointer_size,
          "The pointer size is " + std::to_string(p.pointer_size) +
              " bytes; CPython builds have 4 (wasm32) or 8 (64-bit).");
    ok = false;
  }
  if (p.release_level != release_level::alpha && p.release_level != release_level::beta &&
      p.release_level != release_level::candidate && p.release_level != release_level::final) {
    error("snapshot.bad_release_level", s.offset + mf::release_level,
          "The Python release level byte is " + std::to_string(p.release_level) +
              "; it must be 0xA, 0xB, 0xC or 0xF (as in sys.hexversion).");
    ok = false;
  }
  if ((flags & ~mf::known_flags) != 0) {
    error("snapshot.unknown_capture_flags", s.offset + mf::capture_flags,
          "The capture flags have unknown bits set. A newer probe wrote this: update Bytewise.");
    ok = false;
  }
  capture_info& c = snap.capture;
  c.truncated = (flags & mf::flag_truncated) != 0;
  c.small_ints_probed = (flags & mf::flag_small_ints_probed) != 0;
  p.free_threaded = (flags & mf::flag_free_threaded) != 0;
  c.interned_known = (flags & mf::flag_interned_known) != 0;
  c.static_known = (flags & mf::flag_static_known) != 0;
  c.small_int_min = load<std::int32_t>(m + mf::small_int_min);
  c.small_int_max = load<std::int32_t>(m + mf::small_int_max);
  c.object_cap = load<std::uint32_t>(m + mf::object_cap);
  c.policy = load<std::uint32_t>(m + mf::policy);
  if (c.small_ints_probed && c.small_int_min > c.small_int_max) {
    error("snapshot.bad_small_int_range", s.offset + mf::small_int_min,
          "The probed small-int range is empty (" + std::to_string(c.small_int_min) + ".." +
              std::to_string(c.small_int_max) + "). The probe's measurement is corrupt.");
    ok = false;
  }
  if ((c.policy & ~capture_policy::known_bits) != 0) {
    error("snapshot.unknown_policy", s.offset + mf::policy,
          "The capture policy has unknown bits set. A newer probe wrote this: update Bytewise.");
    ok = false;
  }
  if (c.object_cap != 0 && node_count_ > c.object_cap) {
    error("snapshot.over_cap", s.offset + mf::node_count,
          "The snapshot holds " + std::to_string(node_count_) + " objects but says its object cap was " +
              std::to_string(c.object_cap) + ".");
  }
  return ok;
}

bool reader::read_strings(snapshot& snap) {
  const section& s = *find(detail::tag_strings);
  if (s.size < 4) {
    error("snapshot.bad_strings", s.offset, "Section STRS is too short to hold its count.");
    return false;
  }
  auto count = load<std::uint32_t>(bytes_.data() + s.offset);
  std::uint64_t table_bytes = 4 + std::uint64_t{count} * 4;
  if (table_bytes > s.size) {
    error("snapshot.bad_strings", s.offset,
          "Section STRS lists " + std::to_string(count) + " strings but is only " + std::to_string(s.size) +
              " bytes long. The snapshot is corrupt.");
    return false;
  }
  std::uint64_t data_size = s.size - table_bytes;
  std::vector<std::uint32_t> ends = copy_column<std::uint32_t>(
      section{s.tag, s.offset + 4, static_cast<std::uint32_t>(count * 4), s.directory_offset}, count);
  std::uint32_t previous = 0;
  column_errors bad(*this, "snapshot.bad_strings", "STRS");
  for (std::uint32_t i = 0; i < count; ++i) {
    if (ends[i] < previous || ends[i] > data_size) {
      bad.add(s.offset + 4 + std::uint64_t{i} * 4,
              "String " + std::to_string(i) + " ends at " + std::to_string(ends[i]) + ", outside " +
                  std::to_string(previous) + ".." + std::to_string(data_size) + ". The string table is corrupt.");
      return false;
    }
    previous = ends[i];
  }
  std::string data(reinterpret_cast<const char*>(bytes_.data() + s.offset + table_bytes), previous);
  std::uint32_t start = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    auto bad_at = first_invalid_utf8(std::string_view(data).substr(start, ends[i] - start));
    if (bad_at) {
      bad.add(s.offset + table_bytes + start + *bad_at,
              "String " + std::to_string(i) + " is not valid UTF-8 at its byte " + std::to_string(*bad_at) +
                  ". The probe writes UTF-8 only: capture again.");
    }
    start = ends[i];
  }
  if (bad.count() != 0) return false;
  snap.strings.assign(std::move(data), std::move(ends));
  return true;
}

const section* reader::column(const section_tag& t, std::uint64_t count, std::uint32_t width, const char* what) {
  const section* s = find(t);
  if (std::uint64_t{s->size} != count * width) {
    error("snapshot.bad_column_size", s->directory_offset + 8,
          "Section " + std::string(t.view()) + " (" + what + ") is " + std::to_string(s->size) + " bytes; " +
              std::to_string(count) + " entries of " + std::to_string(width) + " bytes need " +
              std::to_string(count * width) +
              ". The counts in META and the columns disagree: the snapshot is corrupt.");
    return nullptr;
  }
  return s;
}

void reader::check_string_refs(const std::vector<std::uint32_t>& refs, const section& s, std::uint32_t string_count,
                               bool allow_none, const char* code, const char* what) {
  column_errors bad(*this, code, std::string(s.tag.view()));
  for (std::size_t i = 0; i < refs.size(); ++i) {
    std::uint32_t r = refs[i];
    if (r < string_count || (allow_none && r == no_string)) continue;
    bad.add(s.offset + i * 4, std::string(what) + " " + std::to_string(i) + " refers to string " + std::to_string(r) +
                                  ", but the string table has " + std::to_string(string_count) + " strings.");
  }
}

void reader::read_nodes(snapshot& snap) {
  object_graph& g = snap.graph;
  const std::uint32_t n = node_count_;
  const std::uint32_t strings = snap.strings.size();
  if (const section* s = column(detail::tag_node_address, n, 8, "object ids")) {
    g.address = copy_column<std::uint64_t>(*s, n);
  }
  if (const section* s = column(detail::tag_node_type, n, 4, "type names")) {
    g.type = copy_column<std::uint32_t>(*s, n);
    check_string_refs(g.type, *s, strings, false, "snapshot.bad_type_name", "Object");
  }
  if (const section* s = column(detail::tag_node_size, n, 8, "shallow sizes")) {
    g.shallow = copy_column<std::uint64_t>(*s, n);
    column_errors bad(*this, "snapshot.bad_size", "NSIZ");
    std::uint64_t total = 0;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (g.shallow[i] > max_object_size) {
        bad.add(s->offset + std::uint64_t{i} * 8, "Object " + std::to_string(i) + " claims " +
                                                      std::to_string(g.shallow[i]) +
                                                      " bytes; no object is larger than 2^48 bytes (256 TiB).");
      } else {
        total += g.shallow[i];
      }
    }
    if (bad.count() == 0 && total > max_total_size) {
      error("snapshot.bad_size", s->offset,
            "The objects' sizes add up to " + std::to_string(total) +
                " bytes, more than 2^52 (4 PiB). The sizes are corrupt.");
    }
  }
  if (const section* s = column(detail::tag_node_length, n, 8, "lengths")) {
    g.length = copy_column<std::uint64_t>(*s, n);
  }
  if (const section* s = column(detail::tag_node_flags, n, 4, "flags")) {
    g.flags = copy_column<std::uint32_t>(*s, n);
    column_errors bad(*this, "snapshot.bad_node_flags", "NFLG");
    for (std::uint32_t i = 0; i < n; ++i) {
      std::uint32_t f = g.flags[i];
      std::uint32_t category = (f & node_flag::category_mask) >> node_flag::category_shift;
      if ((f & ~node_flag::known_bits) != 0 || category >= node_category_count) {
        bad.add(
            s->offset + std::uint64_t{i} * 4, "Object " + std::to_string(i) + " has flags 0x" + [](std::uint32_t v) {
              char buf[16];
              std::snprintf(buf, sizeof buf, "%X", v);
              return std::string(buf);
            }(f) + " with unknown bits or category. A newer probe wrote this: update Bytewise.");
      }
    }
  }
  if (find(detail::tag_node_shape) == nullptr) {
    // A 1.0 or 1.1 snapshot: no shape facts, nothing is modelled. Sized like the id
    // column, which was checked against the input: a hostile count allocates nothing.
    g.shape.assign(g.address.size(), 0);
  } else if (const section* s = column(detail::tag_node_shape, n, 8, "shapes")) {
    g.shape = copy_column<std::uint64_t>(*s, n);
    column_errors bad(*this, "snapshot.bad_shape", "NSHP");
    for (std::uint32_t i = 0; i < n; ++i) {
      if ((g.shape[i] & shape_family_mask) >= shape_family_count) {
        bad.add(s->offset + std::uint64_t{i} * 8,
                "Object " + std::to_string(i) + " has shape family " + std::to_string(g.shape[i] & shape_family_mask) +
                    ", which this Bytewise does not know. A newer probe wrote this: update Bytewise.");
      }
    }
  }
  if (find(detail::tag_node_refcount) != nullptr) {
    if (const section* s = column(detail::tag_node_refcount, n, 4, "refcounts")) {
      g.refcount = copy_column<std::uint32_t>(*s, n);
    }
  }
  if (const section* s = column(detail::tag_node_label, n, 4, "labels")) {
    g.label = copy_column<std::uint32_t>(*s, n);
    check_string_refs(g.label, *s, strings, true, "snapshot.bad_node_label", "Object");
  }
}

void reader::read_edges(snapshot& snap) {
  object_graph& g = snap.graph;
  const std::uint32_t n = node_count_;
  const std::uint32_t e = edge_count_;
  if (const section* s = column(detail::tag_edge_offsets, std::uint64_t{n} + 1, 4, "edge offsets")) {
    g.edge_offsets = copy_column<std::uint32_t>(*s, std::uint64_t{n} + 1);
    column_errors bad(*this, "snapshot.bad_edge_offsets", "EOFF");
    if (g.edge_offsets.front() != 0) {
      bad.add(s->offset, "The first edge offset is " + std::to_string(g.edge_offsets.front()) + "; it must be 0.");
    }
    for (std::uint32_t i = 0; i < n; ++i) {
      if (g.edge_offsets[i + 1] < g.edge_offsets[i]) {
        bad.add(s->offset + (std::uint64_t{i} + 1) * 4, "Edge offsets go backwards at object " + std::to_string(i) +
                                                            " (" + std::to_string(g.edge_offsets[i]) + " then " +
                                                            std::to_string(g.edge_offsets[i + 1]) + ").");
      }
    }
    if (g.edge_offsets.back() != e) {
      bad.add(s->offset + std::uint64_t{n} * 4, "The last edge offset is " + std::to_string(g.edge_offsets.back()) +
                                                    " but META counts " + std::to_string(e) + " edges.");
    }
  }
  if (const section* s = column(detail::tag_edge_target, e, 4, "edge targets")) {
    g.edge_target = copy_column<std::uint32_t>(*s, e);
    column_errors bad(*this, "snapshot.bad_edge_target", "ETGT");
    for (std::uint32_t i = 0; i < e; ++i) {
      if (g.edge_target[i] >= n) {
        bad.add(s->offset + std::uint64_t{i} * 4, "Edge " + std::to_string(i) + " points to object " +
                                                      std::to_string(g.edge_target[i]) + ", but there are only " +
                                                      std::to_string(n) + " objects.");
      }
    }
  }
  const section* kinds = column(detail::tag_edge_kind, e, 1, "edge kinds");
  if (kinds) {
    std::vector<std::uint8_t> raw = copy_column<std::uint8_t>(*kinds, e);
    column_errors bad(*this, "snapshot.bad_edge_kind", "EKND");
    g.edge_kinds.resize(e);
    for (std::uint32_t i = 0; i < e; ++i) {
      if (raw[i] >= edge_kind_count) {
        bad.add(kinds->offset + i, "Edge " + std::to_string(i) + " has unknown kind " + std::to_string(raw[i]) +
                                       ". A newer probe wrote this: update Bytewise.");
      }
      g.edge_kinds[i] = static_cast<edge_kind>(raw[i]);
    }
  }
  if (const section* s = column(detail::tag_edge_label, e, 4, "edge labels")) {
    g.edge_label = copy_column<std::uint32_t>(*s, e);
    if (kinds) {
      column_errors bad(*this, "snapshot.bad_edge_label", "ELBL");
      const std::uint32_t strings = snap.strings.size();
      for (std::uint32_t i = 0; i < e; ++i) {
        std::uint32_t l = g.edge_label[i];
        if (g.edge_kinds[i] == edge_kind::index || l == no_string || l < strings) continue;
        bad.add(s->offset + std::uint64_t{i} * 4, "Edge " + std::to_string(i) + " is labelled with string " +
                                                      std::to_string(l) + ", but the string table has " +
                                                      std::to_string(strings) + " strings.");
      }
    }
  }
}

void reader::read_roots(snapshot& snap) {
  const section* s = column(detail::tag_roots, root_count_, 8, "roots");
  if (!s) return;
  column_errors bad(*this, "snapshot.bad_root", "ROOT");
  snap.roots.reserve(root_count_);
  for (std::uint32_t i = 0; i < root_count_; ++i) {
    const std::uint8_t* p = bytes_.data() + s->offset + std::uint64_t{i} * 8;
    root r{load<std::uint32_t>(p), load<std::uint32_t>(p + 4)};
    if (r.name >= snap.strings.size()) {
      bad.add(s->offset + std::uint64_t{i} * 8, "Root " + std::to_string(i) + " is named by string " +
                                                    std::to_string(r.name) + ", which does not exist.");
    } else if (r.node >= node_count_) {
      bad.add(s->offset + std::uint64_t{i} * 8 + 4,
              "Root '" + std::string(snap.strings.at(r.name)) + "' refers to object " + std::to_string(r.node) +
                  ", but there are only " + std::to_string(node_count_) + " objects.");
    }
    snap.roots.push_back(r);
  }
  if (find(detail::tag_root_unreached) != nullptr) {
    if (const section* u = column(detail::tag_root_unreached, root_count_, 4, "roots' unreached counts")) {
      snap.root_unreached = copy_column<std::uint32_t>(*u, root_count_);
    }
  }
}

// DIAG (optional): u32 count, then per entry u32 node (or none), u32 code, u32 message.
void reader::read_diagnostics(snapshot& snap) {
  const section* s = find(detail::tag_diagnostics);
  if (!s) return;
  if (s->size < 4) {
    error("snapshot.bad_diagnostics", s->offset, "Section DIAG is too short to hold its count.");
    return;
  }
  auto count = load<std::uint32_t>(bytes_.data() + s->offset);
  if (4 + std::uint64_t{count} * 12 != s->size) {
    error("snapshot.bad_diagnostics", s->offset,
          "Section DIAG lists " + std::to_string(count) + " diagnostics but is " + std::to_string(s->size) +
              " bytes long; each takes 12 bytes after the count.");
    return;
  }
  column_errors bad(*this, "snapshot.bad_diagnostics", "DIAG");
  const std::uint32_t strings = snap.strings.size();
  snap.diagnostics.reserve(count);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::uint64_t at = s->offset + 4 + std::uint64_t{i} * 12;
    const std::uint8_t* p = bytes_.data() + at;
    capture_diagnostic d{load<std::uint32_t>(p), load<std::uint32_t>(p + 4), load<std::uint32_t>(p + 8)};
    if (d.node != no_node && d.node >= node_count_) {
      bad.add(at, "Diagnostic " + std::to_string(i) + " concerns object " + std::to_string(d.node) +
                      ", but there are only " + std::to_string(node_count_) + " objects.");
    } else if (d.code >= strings || d.message >= strings) {
      bad.add(at + 4, "Diagnostic " + std::to_string(i) + " refers to a string beyond the " + std::to_string(strings) +
                          " in the table.");
    } else {
      snap.diagnostics.push_back(d);
    }
  }
}

result<snapshot> reader::run() {
  if (!read_header()) return std::move(errors_);
  snapshot snap;
  bool meta_ok = read_meta(snap);
  if (!read_strings(snap) || !meta_ok) return std::move(errors_);
  namespace mf = detail::meta;
  const std::uint8_t* m = bytes_.data() + find(detail::tag_meta)->offset;
  const std::uint32_t strings = snap.strings.size();
  auto meta_string = [&](std::uint32_t field, std::string& out, const char* what) {
    std::uint32_t index = load<std::uint32_t>(m + field);
    if (index == no_string) return;
    if (index >= strings) {
      error("snapshot.bad_meta_string", find(detail::tag_meta)->offset + field,
            std::string("The ") + what + " refers to string " + std::to_string(index) + ", but the string table has " +
                std::to_string(strings) + " strings.");
      return;
    }
    out = std::string(snap.strings.at(index));
  };
  meta_string(mf::implementation, snap.platform.implementation, "implementation name");
  meta_string(mf::python_version, snap.platform.python_version, "Python version");
  meta_string(mf::runtime, snap.platform.runtime, "runtime name");
  meta_string(mf::machine, snap.platform.machine, "machine name");
  read_nodes(snap);
  read_edges(snap);
  read_roots(snap);
  read_diagnostics(snap);
  if (!errors_.empty()) return std::move(errors_);
  return snap;
}

}  // namespace

result<snapshot> read_snapshot(std::span<const std::uint8_t> bytes) { return reader(bytes).run(); }

}  // namespace bytewise
