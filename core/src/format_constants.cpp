// The snapshot format's constants as one named table (format_constants.hpp), taken from
// the constants the reader and writer use, so the table cannot drift from them.
#include <bytewise/format_constants.hpp>
#include <bytewise/snapshot.hpp>

#include "snapshot_format.hpp"

#include <array>

namespace bytewise {
namespace {

constexpr named_constant number(std::string_view name, std::uint64_t value) { return {name, value, {}}; }

template <typename Enum>
constexpr named_constant enumerator(std::string_view name, Enum value) {
  return {name, static_cast<std::uint64_t>(value), {}};
}

constexpr named_constant tag(std::string_view name, const detail::section_tag& t) { return {name, 0, t.view()}; }

namespace mf = detail::meta;
namespace sf = shape_facts;

constexpr auto table = std::to_array<named_constant>({
    // Header and directory
    {"SNAPSHOT_MAGIC", 0, {detail::snapshot_magic.data(), detail::snapshot_magic.size()}},
    number("SNAPSHOT_MAJOR_VERSION", snapshot_major_version),
    number("SNAPSHOT_MINOR_VERSION", snapshot_minor_version),
    number("SNAPSHOT_HEADER_SIZE", detail::header_size),
    number("SNAPSHOT_DIRECTORY_ENTRY_SIZE", detail::directory_entry_size),
    number("SNAPSHOT_MAX_SECTIONS", detail::max_sections),
    number("SNAPSHOT_SECTION_ALIGNMENT", detail::section_alignment),
    number("SNAPSHOT_MAX_NODE_SIZE", detail::max_object_size),
    number("SNAPSHOT_MAX_TOTAL_SIZE", detail::max_total_size),

    // Section tags
    tag("SECTION_META", detail::tag_meta),
    tag("SECTION_STRINGS", detail::tag_strings),
    tag("SECTION_NODE_ADDRESS", detail::tag_node_address),
    tag("SECTION_NODE_TYPE", detail::tag_node_type),
    tag("SECTION_NODE_SIZE", detail::tag_node_size),
    tag("SECTION_NODE_LENGTH", detail::tag_node_length),
    tag("SECTION_NODE_SHAPE", detail::tag_node_shape),
    tag("SECTION_NODE_REFCOUNT", detail::tag_node_refcount),
    tag("SECTION_ROOT_UNREACHED", detail::tag_root_unreached),
    tag("SECTION_NODE_FLAGS", detail::tag_node_flags),
    tag("SECTION_NODE_LABEL", detail::tag_node_label),
    tag("SECTION_EDGE_OFFSETS", detail::tag_edge_offsets),
    tag("SECTION_EDGE_TARGET", detail::tag_edge_target),
    tag("SECTION_EDGE_KIND", detail::tag_edge_kind),
    tag("SECTION_EDGE_LABEL", detail::tag_edge_label),
    tag("SECTION_ROOTS", detail::tag_roots),
    tag("SECTION_DIAGNOSTICS", detail::tag_diagnostics),

    // META: field offsets, capture flags, release levels
    number("META_SIZE", detail::meta_size_v1_0),
    number("META_OFFSET_NODE_COUNT", mf::node_count),
    number("META_OFFSET_EDGE_COUNT", mf::edge_count),
    number("META_OFFSET_ROOT_COUNT", mf::root_count),
    number("META_OFFSET_POINTER_SIZE", mf::pointer_size),
    number("META_OFFSET_PYTHON_MAJOR", mf::python_major),
    number("META_OFFSET_PYTHON_MINOR", mf::python_minor),
    number("META_OFFSET_PYTHON_MICRO", mf::python_micro),
    number("META_OFFSET_RELEASE_LEVEL", mf::release_level),
    number("META_OFFSET_RELEASE_SERIAL", mf::release_serial),
    number("META_OFFSET_CAPTURE_FLAGS", mf::capture_flags),
    number("META_OFFSET_SMALL_INT_MIN", mf::small_int_min),
    number("META_OFFSET_SMALL_INT_MAX", mf::small_int_max),
    number("META_OFFSET_OBJECT_CAP", mf::object_cap),
    number("META_OFFSET_POLICY", mf::policy),
    number("META_OFFSET_IMPLEMENTATION", mf::implementation),
    number("META_OFFSET_PYTHON_VERSION", mf::python_version),
    number("META_OFFSET_RUNTIME", mf::runtime),
    number("META_OFFSET_MACHINE", mf::machine),
    number("META_OFFSET_RESERVED", mf::reserved),
    number("META_FLAG_TRUNCATED", mf::flag_truncated),
    number("META_FLAG_SMALL_INTS_PROBED", mf::flag_small_ints_probed),
    number("META_FLAG_FREE_THREADED", mf::flag_free_threaded),
    number("META_FLAG_INTERNED_KNOWN", mf::flag_interned_known),
    number("META_FLAG_STATIC_KNOWN", mf::flag_static_known),
    number("META_FLAG_KNOWN_BITS", mf::known_flags),
    number("RELEASE_LEVEL_ALPHA", release_level::alpha),
    number("RELEASE_LEVEL_BETA", release_level::beta),
    number("RELEASE_LEVEL_CANDIDATE", release_level::candidate),
    number("RELEASE_LEVEL_FINAL", release_level::final),

    // Sentinels
    number("NO_STRING", no_string),
    number("NO_NODE", no_node),
    number("REFCOUNT_UNKNOWN", refcount_unknown),

    // Node flags and categories
    number("NODE_FLAG_GC_TRACKED", node_flag::gc_tracked),
    number("NODE_FLAG_IMMORTAL", node_flag::immortal),
    number("NODE_FLAG_INTERNED", node_flag::interned),
    number("NODE_FLAG_SMALL_INT", node_flag::small_int),
    number("NODE_FLAG_TRUNCATED", node_flag::truncated),
    number("NODE_FLAG_HAS_LENGTH", node_flag::has_length),
    number("NODE_FLAG_NOT_FOLLOWED", node_flag::not_followed),
    number("NODE_FLAG_STATIC_OBJECT", node_flag::static_object),
    number("NODE_FLAG_CATEGORY_SHIFT", node_flag::category_shift),
    number("NODE_FLAG_CATEGORY_MASK", node_flag::category_mask),
    number("NODE_FLAG_KNOWN_BITS", node_flag::known_bits),
    enumerator("NODE_CATEGORY_ORDINARY", node_category::ordinary),
    enumerator("NODE_CATEGORY_TYPE_OBJECT", node_category::type_object),
    enumerator("NODE_CATEGORY_MODULE", node_category::module),
    enumerator("NODE_CATEGORY_FUNCTION", node_category::function),
    enumerator("NODE_CATEGORY_CODE", node_category::code),
    enumerator("NODE_CATEGORY_FRAME", node_category::frame),
    number("NODE_CATEGORY_COUNT", node_category_count),

    // Edge kinds
    enumerator("EDGE_KIND_INDEX", edge_kind::index),
    enumerator("EDGE_KIND_DICT_KEY", edge_kind::dict_key),
    enumerator("EDGE_KIND_DICT_VALUE", edge_kind::dict_value),
    enumerator("EDGE_KIND_ATTRIBUTE", edge_kind::attribute),
    enumerator("EDGE_KIND_SLOT", edge_kind::slot),
    enumerator("EDGE_KIND_CLOSURE_CELL", edge_kind::closure_cell),
    enumerator("EDGE_KIND_FRAME_LOCAL", edge_kind::frame_local),
    enumerator("EDGE_KIND_SET_MEMBER", edge_kind::set_member),
    enumerator("EDGE_KIND_OTHER", edge_kind::other),
    enumerator("EDGE_KIND_TYPE", edge_kind::type),
    enumerator("EDGE_KIND_GLOBALS", edge_kind::globals),
    enumerator("EDGE_KIND_CODE", edge_kind::code),
    enumerator("EDGE_KIND_DEFINITION", edge_kind::definition),
    number("EDGE_KIND_COUNT", edge_kind_count),

    // Shape families and their facts
    number("SHAPE_FAMILY_MASK", shape_family_mask),
    enumerator("SHAPE_FAMILY_UNKNOWN", shape_family::unknown),
    enumerator("SHAPE_FAMILY_INT", shape_family::int_),
    enumerator("SHAPE_FAMILY_BOOL", shape_family::bool_),
    enumerator("SHAPE_FAMILY_FLOAT", shape_family::float_),
    enumerator("SHAPE_FAMILY_COMPLEX", shape_family::complex_),
    enumerator("SHAPE_FAMILY_STR", shape_family::str),
    enumerator("SHAPE_FAMILY_BYTES", shape_family::bytes),
    enumerator("SHAPE_FAMILY_BYTEARRAY", shape_family::bytearray),
    enumerator("SHAPE_FAMILY_TUPLE", shape_family::tuple),
    enumerator("SHAPE_FAMILY_LIST", shape_family::list),
    enumerator("SHAPE_FAMILY_DICT", shape_family::dict),
    enumerator("SHAPE_FAMILY_SET", shape_family::set),
    enumerator("SHAPE_FAMILY_FROZENSET", shape_family::frozenset),
    enumerator("SHAPE_FAMILY_RANGE", shape_family::range),
    enumerator("SHAPE_FAMILY_SLICE", shape_family::slice),
    enumerator("SHAPE_FAMILY_SINGLETON", shape_family::singleton),
    enumerator("SHAPE_FAMILY_OBJECT", shape_family::object),
    enumerator("SHAPE_FAMILY_INSTANCE", shape_family::instance),
    enumerator("SHAPE_FAMILY_FUNCTION", shape_family::function),
    enumerator("SHAPE_FAMILY_BUILTIN_FUNCTION", shape_family::builtin_function),
    enumerator("SHAPE_FAMILY_METHOD", shape_family::method),
    enumerator("SHAPE_FAMILY_CELL", shape_family::cell),
    enumerator("SHAPE_FAMILY_ARRAY", shape_family::array),
    enumerator("SHAPE_FAMILY_MEMORYVIEW", shape_family::memoryview),
    enumerator("SHAPE_FAMILY_GENERATOR", shape_family::generator),
    enumerator("SHAPE_FAMILY_COROUTINE", shape_family::coroutine),
    enumerator("SHAPE_FAMILY_ASYNC_GENERATOR", shape_family::async_generator),
    number("SHAPE_FAMILY_COUNT", shape_family_count),
    number("SHAPE_INT_BIT_LENGTH_SHIFT", sf::int_bit_length.shift),
    number("SHAPE_INT_BIT_LENGTH_MASK", sf::int_bit_length.mask),
    number("SHAPE_INT_NEGATIVE_SHIFT", sf::int_negative.shift),
    number("SHAPE_INT_NEGATIVE_MASK", sf::int_negative.mask),
    number("SHAPE_BOOL_VALUE_SHIFT", sf::bool_value.shift),
    number("SHAPE_BOOL_VALUE_MASK", sf::bool_value.mask),
    number("SHAPE_STR_KIND_SHIFT", sf::str_kind.shift),
    number("SHAPE_STR_KIND_MASK", sf::str_kind.mask),
    number("SHAPE_STR_KIND_ASCII", shape_str_kind::ascii),
    number("SHAPE_STR_KIND_LATIN1", shape_str_kind::latin1),
    number("SHAPE_STR_KIND_UCS2", shape_str_kind::ucs2),
    number("SHAPE_STR_KIND_UCS4", shape_str_kind::ucs4),
    number("SHAPE_DICT_STR_KEYS_SHIFT", sf::dict_str_keys.shift),
    number("SHAPE_DICT_STR_KEYS_MASK", sf::dict_str_keys.mask),
    number("SHAPE_INSTANCE_SLOTS_SHIFT", sf::instance_slots.shift),
    number("SHAPE_INSTANCE_SLOTS_MASK", sf::instance_slots.mask),
    number("SHAPE_INSTANCE_HAS_DICT_SHIFT", sf::instance_has_dict.shift),
    number("SHAPE_INSTANCE_HAS_DICT_MASK", sf::instance_has_dict.mask),
    number("SHAPE_INSTANCE_HAS_WEAKREF_SHIFT", sf::instance_has_weakref.shift),
    number("SHAPE_INSTANCE_HAS_WEAKREF_MASK", sf::instance_has_weakref.mask),
    number("SHAPE_INSTANCE_SLOTS_DECLARED_SHIFT", sf::instance_slots_declared.shift),
    number("SHAPE_INSTANCE_SLOTS_DECLARED_MASK", sf::instance_slots_declared.mask),
    number("SHAPE_ARRAY_ITEM_SIZE_SHIFT", sf::array_item_size.shift),
    number("SHAPE_ARRAY_ITEM_SIZE_MASK", sf::array_item_size.mask),
    number("SHAPE_ARRAY_TYPECODE_SHIFT", sf::array_typecode.shift),
    number("SHAPE_ARRAY_TYPECODE_MASK", sf::array_typecode.mask),
    number("SHAPE_MEMORYVIEW_NDIM_SHIFT", sf::memoryview_ndim.shift),
    number("SHAPE_MEMORYVIEW_NDIM_MASK", sf::memoryview_ndim.mask),

    // Capture policy
    number("CAPTURE_POLICY_FOLLOW_TYPES", capture_policy::follow_types),
    number("CAPTURE_POLICY_FOLLOW_MODULES", capture_policy::follow_modules),
    number("CAPTURE_POLICY_FOLLOW_GLOBALS", capture_policy::follow_globals),
    number("CAPTURE_POLICY_FOLLOW_CODE", capture_policy::follow_code),
    number("CAPTURE_POLICY_KNOWN_BITS", capture_policy::known_bits),
});

static_assert(
    [] {
      for (const named_constant& c : table) {
        if (c.value >= (std::uint64_t{1} << 53)) return false;
      }
      return true;
    }(),
    "every value must be exact as a JavaScript number");

}  // namespace

std::span<const named_constant> format_constants() { return table; }

}  // namespace bytewise
