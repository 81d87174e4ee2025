// The heap walker's state and steps (see bytewise/heap_walk.hpp), shared by its sources:
//   heap_walk.cpp             nodes, the breadth-first walk, the entry point
//   heap_walk_types.cpp       what an object is: its type, and strs and ints read from memory
//   heap_walk_sizes.cpp       what sys.getsizeof says of it, and its label
//   heap_walk_references.cpp  the references it owns, as edges.py labels them
// Every offset comes from the platform's row of object_offsets.cpp; the rules for which
// references an object owns, and how they are labelled, are web/py/_bytewise/edges.py's,
// restated for memory: each function names the rule of edges.py or probe.py it follows.
#pragma once

#include <bytewise/heap_walk.hpp>

#include "address_table.hpp"
#include "heap_reader.hpp"
#include "object_offsets.hpp"
#include "py_repr.hpp"

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace bytewise::detail::walk {

// Caps that keep hostile memory from making the walk slow or large.
// Caps that keep hostile memory from making the walk slow or large.
inline constexpr std::uint64_t max_name_chars = 4096;                 // a class's qualname, a slot or attribute name
inline constexpr std::uint64_t max_items = 1u << 28;                  // items in one container (4 bytes each: 1 GiB)
inline constexpr std::uint64_t max_int_digits = 1u << 20;             // digits of one int read for its value
inline constexpr std::uint32_t max_problems = 100;                    // diagnostics about memory, then counted
inline constexpr std::size_t max_left_out = 1u << 20;                 // objects the cap left out, remembered
inline constexpr std::uint64_t label_source_chars = label_chars + 2;  // probe.short_label reads obj[:26]

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

// Objects the walk adds past the roots' own, by root object (see walk_heap): what one walk
// gave each, for the next to share the object cap more fairly.
struct root_share {
  std::uint64_t admitted = 0;  // objects first reached from it (its own object included)
  bool complete = true;        // the cap left none of the objects it leads to out
};

class walker {
 public:
  // `quotas`: per distinct root object (in the roots' order), how many objects it may add;
  // empty: as many as the object cap leaves.
  walker(const copied_heap& heap, const walk_setup& setup, const object_offsets& o,
         std::vector<std::uint64_t> quotas = {})
      : r_(heap, setup.platform.pointer_size),
        s_(setup),
        o_(o),
        quotas_(std::move(quotas)),
        tracked_(!quotas_.empty()) {}

  walk_result run();
  const std::vector<root_share>& shares() const { return shares_; }

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

  heap_reader r_;
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

  // Sharing the object cap between the roots. Tracked (a walk with quotas), each distinct
  // root object has a share, a node belongs to the share it was first reached from
  // (owner_), and slot_ is the share add_node charges; untracked, there is one share.
  std::vector<std::uint64_t> quotas_;
  bool tracked_;
  std::vector<root_share> shares_;
  std::vector<std::uint32_t> owner_;
  std::uint32_t slot_ = 0;
  // Objects the cap left out, as (share, address): the first max_left_out of them, for
  // each root's count of what it could not reach.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> left_out_;
  std::uint64_t room_for(std::uint32_t share) const {
    const std::uint64_t cap_room = nodes_ < s_.object_cap ? s_.object_cap - nodes_ : 0;
    if (quotas_.empty()) return cap_room;
    const std::uint64_t used = shares_[share].admitted, quota = quotas_[share];
    return std::min(cap_room, quota > used ? quota - used : 0);
  }
  void leave_out(std::uint32_t share, std::uint64_t address) {
    out_.snap.capture.truncated = true;
    shares_[share].complete = false;
    if (left_out_.size() < max_left_out) left_out_.emplace_back(share, address);
  }
};

}  // namespace bytewise::detail::walk
