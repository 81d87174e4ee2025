// Snapshot writer and builder: the C++ twin of the probe's writer, used by tests, the
// fuzz seed corpus and tools. Layout decisions (section order, padding) follow
// docs/snapshot-format.md.
#include <bytewise/snapshot.hpp>

#include "snapshot_format.hpp"

#include <cstring>
#include <deque>

namespace bytewise {

namespace {

// Sections are gathered as views of bytes that live elsewhere (the graph's own columns,
// or small blocks the writer owns), then copied once each into the snapshot.
class byte_writer {
 public:
  struct pending {
    detail::section_tag tag;
    const std::uint8_t* data;
    std::size_t size;
  };

  void add(detail::section_tag tag, std::vector<std::uint8_t> bytes) {
    owned_.push_back(std::move(bytes));
    sections_.push_back({tag, owned_.back().data(), owned_.back().size()});
  }

  template <typename T>
  void add_column(detail::section_tag tag, const std::vector<T>& values) {
    sections_.push_back({tag, reinterpret_cast<const std::uint8_t*>(values.data()), values.size() * sizeof(T)});
  }

  std::vector<std::uint8_t> finish() const {
    auto align = [](std::uint64_t v) {
      return (v + detail::section_alignment - 1) / detail::section_alignment * detail::section_alignment;
    };
    std::uint64_t offset = align(detail::header_size + sections_.size() * detail::directory_entry_size);
    // Sections start 8-aligned; the last one ends the snapshot (no trailing padding, so
    // any cut lands inside a section and is detected).
    std::vector<std::uint64_t> offsets;
    std::uint64_t end = offset;
    for (const pending& s : sections_) {
      offsets.push_back(offset);
      end = offset + s.size;
      offset = align(end);
    }
    offset = end;
    std::vector<std::uint8_t> out(offset, 0);
    std::memcpy(out.data(), detail::snapshot_magic.data(), 8);
    detail::store<std::uint16_t>(out.data() + 8, snapshot_major_version);
    detail::store<std::uint16_t>(out.data() + 10, snapshot_minor_version);
    detail::store<std::uint32_t>(out.data() + 12, static_cast<std::uint32_t>(sections_.size()));
    for (std::size_t i = 0; i < sections_.size(); ++i) {
      std::uint8_t* entry = out.data() + detail::header_size + i * detail::directory_entry_size;
      std::memcpy(entry, sections_[i].tag.chars.data(), 4);
      detail::store<std::uint32_t>(entry + 4, static_cast<std::uint32_t>(offsets[i]));
      detail::store<std::uint32_t>(entry + 8, static_cast<std::uint32_t>(sections_[i].size));
      if (sections_[i].size != 0) std::memcpy(out.data() + offsets[i], sections_[i].data, sections_[i].size);
    }
    return out;
  }

 private:
  std::vector<pending> sections_;
  std::deque<std::vector<std::uint8_t>> owned_;  // a deque: blocks stay where they are
};

}  // namespace

std::vector<std::uint8_t> write_snapshot(const snapshot& snap) {
  namespace mf = detail::meta;
  const object_graph& g = snap.graph;
  // Platform strings reuse an equal table entry when there is one, so writing a snapshot
  // that was read gives back the same bytes.
  string_table strings = snap.strings;
  auto meta_string = [&](const std::string& s) {
    if (s.empty()) return no_string;
    for (std::uint32_t i = 0; i < strings.size(); ++i) {
      if (strings.at(i) == s) return i;
    }
    return strings.add(s);
  };
  std::vector<std::uint8_t> meta(detail::meta_size_v1_0, 0);
  std::uint8_t* m = meta.data();
  detail::store<std::uint32_t>(m + mf::node_count, g.node_count());
  detail::store<std::uint32_t>(m + mf::edge_count, g.edge_count());
  detail::store<std::uint32_t>(m + mf::root_count, static_cast<std::uint32_t>(snap.roots.size()));
  m[mf::pointer_size] = snap.platform.pointer_size;
  m[mf::python_major] = snap.platform.python_major;
  m[mf::python_minor] = snap.platform.python_minor;
  m[mf::python_micro] = snap.platform.python_micro;
  m[mf::release_level] = snap.platform.release_level;
  m[mf::release_serial] = snap.platform.release_serial;
  std::uint16_t flags = (snap.capture.truncated ? mf::flag_truncated : 0) |
                        (snap.capture.small_ints_probed ? mf::flag_small_ints_probed : 0) |
                        (snap.platform.free_threaded ? mf::flag_free_threaded : 0) |
                        (snap.capture.interned_known ? mf::flag_interned_known : 0) |
                        (snap.capture.static_known ? mf::flag_static_known : 0);
  detail::store<std::uint16_t>(m + mf::capture_flags, flags);
  detail::store<std::int32_t>(m + mf::small_int_min, snap.capture.small_int_min);
  detail::store<std::int32_t>(m + mf::small_int_max, snap.capture.small_int_max);
  detail::store<std::uint32_t>(m + mf::object_cap, snap.capture.object_cap);
  detail::store<std::uint32_t>(m + mf::policy, snap.capture.policy);
  detail::store<std::uint32_t>(m + mf::implementation, meta_string(snap.platform.implementation));
  detail::store<std::uint32_t>(m + mf::python_version, meta_string(snap.platform.python_version));
  detail::store<std::uint32_t>(m + mf::runtime, meta_string(snap.platform.runtime));
  detail::store<std::uint32_t>(m + mf::machine, meta_string(snap.platform.machine));

  std::vector<std::uint8_t> table(4 + strings.size() * 4 + strings.data().size());
  detail::store<std::uint32_t>(table.data(), strings.size());
  if (strings.size() != 0) std::memcpy(table.data() + 4, strings.ends().data(), strings.size() * 4);
  if (!strings.data().empty()) {
    std::memcpy(table.data() + 4 + strings.size() * 4, strings.data().data(), strings.data().size());
  }

  static_assert(sizeof(edge_kind) == 1, "EKND is the edge_kind column's bytes");
  std::vector<std::uint32_t> roots;
  for (const root& r : snap.roots) {
    roots.push_back(r.name);
    roots.push_back(r.node);
  }
  std::vector<std::uint32_t> diagnostics{static_cast<std::uint32_t>(snap.diagnostics.size())};
  for (const capture_diagnostic& d : snap.diagnostics) {
    diagnostics.insert(diagnostics.end(), {d.node, d.code, d.message});
  }

  byte_writer w;
  w.add(detail::tag_meta, std::move(meta));
  w.add(detail::tag_strings, std::move(table));
  w.add_column(detail::tag_node_address, g.address);
  w.add_column(detail::tag_node_type, g.type);
  w.add_column(detail::tag_node_size, g.shallow);
  w.add_column(detail::tag_node_length, g.length);
  w.add_column(detail::tag_node_shape, g.shape);
  if (!g.refcount.empty()) w.add_column(detail::tag_node_refcount, g.refcount);
  w.add_column(detail::tag_node_flags, g.flags);
  w.add_column(detail::tag_node_label, g.label);
  w.add_column(detail::tag_edge_offsets, g.edge_offsets);
  w.add_column(detail::tag_edge_target, g.edge_target);
  w.add_column(detail::tag_edge_kind, g.edge_kinds);
  w.add_column(detail::tag_edge_label, g.edge_label);
  w.add_column(detail::tag_roots, roots);
  if (!snap.root_unreached.empty()) w.add_column(detail::tag_root_unreached, snap.root_unreached);
  w.add_column(detail::tag_diagnostics, diagnostics);
  return w.finish();
}

}  // namespace bytewise
