"""The snapshot format's constants: every number and tag the probe writes into a snapshot.

docs/snapshot-format.md describes the format; the C++ core has the same constants under the
same names (``bytewise::format_constants()``, core/src/format_constants.cpp), and
tests/node/format-constants.test.mjs requires the two sets to match, name for name and
value for value. So this module holds nothing else: every public name here is a format
constant, an int or (magic and section tags) bytes. Add one on both sides or on neither.

Names: a prefix says what the constant belongs to (``SNAPSHOT_``, ``SECTION_``, ``META_``,
``NODE_FLAG_``, ``NODE_CATEGORY_``, ``EDGE_KIND_``, ``SHAPE_``, ``CAPTURE_POLICY_``,
``RELEASE_LEVEL_``), the rest is the C++ member's name in capitals. A bit field of a word is
a pair ``X_SHIFT`` and ``X_MASK``, the mask applying after the shift:
``(word >> X_SHIFT) & X_MASK``.
"""

from . import PRIVATE_BUILTINS as __builtins__  # noqa: F401 - CPython's builtins, whatever a program rebinds
# -- Header and directory ------------------------------------------------------------

SNAPSHOT_MAGIC = b"BYTEWISE"
SNAPSHOT_MAJOR_VERSION = 1
SNAPSHOT_MINOR_VERSION = 5
SNAPSHOT_HEADER_SIZE = 16  # magic, major u16, minor u16, section count u32
SNAPSHOT_DIRECTORY_ENTRY_SIZE = 16  # tag, offset u32, size u32, reserved u32
SNAPSHOT_MAX_SECTIONS = 64
SNAPSHOT_SECTION_ALIGNMENT = 8
SNAPSHOT_MAX_NODE_SIZE = 1 << 48  # one object's NSIZ
SNAPSHOT_MAX_TOTAL_SIZE = 1 << 52  # NSIZ summed over all objects

# -- Section tags ----------------------------------------------------------------------

SECTION_META = b"META"
SECTION_STRINGS = b"STRS"
SECTION_NODE_ADDRESS = b"NADR"
SECTION_NODE_TYPE = b"NTYP"
SECTION_NODE_SIZE = b"NSIZ"
SECTION_NODE_LENGTH = b"NLEN"
SECTION_NODE_SHAPE = b"NSHP"  # optional, 1.2
SECTION_NODE_REFCOUNT = b"NREF"  # optional, 1.4
SECTION_NODE_FLAGS = b"NFLG"
SECTION_NODE_LABEL = b"NLBL"
SECTION_EDGE_OFFSETS = b"EOFF"
SECTION_EDGE_TARGET = b"ETGT"
SECTION_EDGE_KIND = b"EKND"
SECTION_EDGE_LABEL = b"ELBL"
SECTION_ROOTS = b"ROOT"
SECTION_DIAGNOSTICS = b"DIAG"  # optional, 1.1
SECTION_ROOT_UNREACHED = b"RUNR"  # optional, 1.5: the heap walker writes it, the probe does not

# -- META: field offsets, capture flags ------------------------------------------------

META_SIZE = 56  # format 1.0's META; later minors may only make it longer
META_OFFSET_NODE_COUNT = 0  # u32
META_OFFSET_EDGE_COUNT = 4  # u32
META_OFFSET_ROOT_COUNT = 8  # u32
META_OFFSET_POINTER_SIZE = 12  # u8
META_OFFSET_PYTHON_MAJOR = 13  # u8
META_OFFSET_PYTHON_MINOR = 14  # u8
META_OFFSET_PYTHON_MICRO = 15  # u8
META_OFFSET_RELEASE_LEVEL = 16  # u8, a RELEASE_LEVEL_ value
META_OFFSET_RELEASE_SERIAL = 17  # u8
META_OFFSET_CAPTURE_FLAGS = 18  # u16, META_FLAG_ bits
META_OFFSET_SMALL_INT_MIN = 20  # i32
META_OFFSET_SMALL_INT_MAX = 24  # i32
META_OFFSET_OBJECT_CAP = 28  # u32
META_OFFSET_POLICY = 32  # u32, CAPTURE_POLICY_ bits
META_OFFSET_IMPLEMENTATION = 36  # string index
META_OFFSET_PYTHON_VERSION = 40  # string index
META_OFFSET_RUNTIME = 44  # string index
META_OFFSET_MACHINE = 48  # string index
META_OFFSET_RESERVED = 52  # u32, 0

META_FLAG_TRUNCATED = 1 << 0
META_FLAG_SMALL_INTS_PROBED = 1 << 1
META_FLAG_FREE_THREADED = 1 << 2
META_FLAG_INTERNED_KNOWN = 1 << 3
META_FLAG_STATIC_KNOWN = 1 << 4  # 1.3
META_FLAG_KNOWN_BITS = 0x1F

RELEASE_LEVEL_ALPHA = 0xA
RELEASE_LEVEL_BETA = 0xB
RELEASE_LEVEL_CANDIDATE = 0xC
RELEASE_LEVEL_FINAL = 0xF

# -- Sentinels ---------------------------------------------------------------------------

NO_STRING = 0xFFFFFFFF  # a string index meaning "none" (no label, no name)
NO_NODE = 0xFFFFFFFF  # a DIAG entry that concerns no single object
REFCOUNT_UNKNOWN = 0xFFFFFFFF  # NREF of an object whose references cannot be counted

# -- Node flags (NFLG) and categories ----------------------------------------------------

NODE_FLAG_GC_TRACKED = 1 << 0
NODE_FLAG_IMMORTAL = 1 << 1
NODE_FLAG_INTERNED = 1 << 2
NODE_FLAG_SMALL_INT = 1 << 3
NODE_FLAG_TRUNCATED = 1 << 4
NODE_FLAG_HAS_LENGTH = 1 << 5
NODE_FLAG_NOT_FOLLOWED = 1 << 6
NODE_FLAG_STATIC_OBJECT = 1 << 7  # 1.3
NODE_FLAG_CATEGORY_SHIFT = 8
NODE_FLAG_CATEGORY_MASK = 0xFF << NODE_FLAG_CATEGORY_SHIFT  # in place, before the shift
NODE_FLAG_KNOWN_BITS = 0xFF | NODE_FLAG_CATEGORY_MASK

NODE_CATEGORY_ORDINARY = 0
NODE_CATEGORY_TYPE_OBJECT = 1
NODE_CATEGORY_MODULE = 2
NODE_CATEGORY_FUNCTION = 3
NODE_CATEGORY_CODE = 4
NODE_CATEGORY_FRAME = 5
NODE_CATEGORY_COUNT = 6

# -- Edge kinds (EKND) -------------------------------------------------------------------

EDGE_KIND_INDEX = 0
EDGE_KIND_DICT_KEY = 1
EDGE_KIND_DICT_VALUE = 2
EDGE_KIND_ATTRIBUTE = 3
EDGE_KIND_SLOT = 4
EDGE_KIND_CLOSURE_CELL = 5
EDGE_KIND_FRAME_LOCAL = 6
EDGE_KIND_SET_MEMBER = 7
EDGE_KIND_OTHER = 8
EDGE_KIND_TYPE = 9
EDGE_KIND_GLOBALS = 10
EDGE_KIND_CODE = 11
EDGE_KIND_DEFINITION = 12  # 1.1
EDGE_KIND_COUNT = 13

# -- Shapes (NSHP): a family in the low byte, the family's facts above it ----------------

SHAPE_FAMILY_MASK = 0xFF

SHAPE_FAMILY_UNKNOWN = 0
SHAPE_FAMILY_INT = 1
SHAPE_FAMILY_BOOL = 2
SHAPE_FAMILY_FLOAT = 3
SHAPE_FAMILY_COMPLEX = 4
SHAPE_FAMILY_STR = 5
SHAPE_FAMILY_BYTES = 6
SHAPE_FAMILY_BYTEARRAY = 7
SHAPE_FAMILY_TUPLE = 8
SHAPE_FAMILY_LIST = 9
SHAPE_FAMILY_DICT = 10
SHAPE_FAMILY_SET = 11
SHAPE_FAMILY_FROZENSET = 12
SHAPE_FAMILY_RANGE = 13
SHAPE_FAMILY_SLICE = 14
SHAPE_FAMILY_SINGLETON = 15  # None, Ellipsis, NotImplemented
SHAPE_FAMILY_OBJECT = 16  # object()
SHAPE_FAMILY_INSTANCE = 17  # of a class statement's class deriving from object only
SHAPE_FAMILY_FUNCTION = 18
SHAPE_FAMILY_BUILTIN_FUNCTION = 19
SHAPE_FAMILY_METHOD = 20
SHAPE_FAMILY_CELL = 21
SHAPE_FAMILY_ARRAY = 22
SHAPE_FAMILY_MEMORYVIEW = 23
SHAPE_FAMILY_GENERATOR = 24
SHAPE_FAMILY_COROUTINE = 25
SHAPE_FAMILY_ASYNC_GENERATOR = 26
SHAPE_FAMILY_COUNT = 27

SHAPE_INT_BIT_LENGTH_SHIFT = 8
SHAPE_INT_BIT_LENGTH_MASK = 0xFFFFFFFF  # larger bit lengths are stored as this
SHAPE_INT_NEGATIVE_SHIFT = 40
SHAPE_INT_NEGATIVE_MASK = 1

SHAPE_BOOL_VALUE_SHIFT = 8
SHAPE_BOOL_VALUE_MASK = 1

SHAPE_STR_KIND_SHIFT = 8
SHAPE_STR_KIND_MASK = 3
SHAPE_STR_KIND_ASCII = 0
SHAPE_STR_KIND_LATIN1 = 1
SHAPE_STR_KIND_UCS2 = 2
SHAPE_STR_KIND_UCS4 = 3

SHAPE_DICT_STR_KEYS_SHIFT = 8  # every key is an exact str
SHAPE_DICT_STR_KEYS_MASK = 1

SHAPE_INSTANCE_SLOTS_SHIFT = 8
SHAPE_INSTANCE_SLOTS_MASK = 0xFFFF  # more slots are stored as this
SHAPE_INSTANCE_HAS_DICT_SHIFT = 24
SHAPE_INSTANCE_HAS_DICT_MASK = 1
SHAPE_INSTANCE_HAS_WEAKREF_SHIFT = 25
SHAPE_INSTANCE_HAS_WEAKREF_MASK = 1
SHAPE_INSTANCE_SLOTS_DECLARED_SHIFT = 26  # some class of the MRO declares __slots__
SHAPE_INSTANCE_SLOTS_DECLARED_MASK = 1

SHAPE_ARRAY_ITEM_SIZE_SHIFT = 8
SHAPE_ARRAY_ITEM_SIZE_MASK = 0xFF
SHAPE_ARRAY_TYPECODE_SHIFT = 16
SHAPE_ARRAY_TYPECODE_MASK = 0xFF

SHAPE_MEMORYVIEW_NDIM_SHIFT = 8
SHAPE_MEMORYVIEW_NDIM_MASK = 0xFF

# -- Capture policy (META policy): which leaves the walk expanded ------------------------

CAPTURE_POLICY_FOLLOW_TYPES = 1 << 0
CAPTURE_POLICY_FOLLOW_MODULES = 1 << 1
CAPTURE_POLICY_FOLLOW_GLOBALS = 1 << 2
CAPTURE_POLICY_FOLLOW_CODE = 1 << 3
CAPTURE_POLICY_KNOWN_BITS = 0xF
