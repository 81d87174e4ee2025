// Python's repr of the objects the heap walker labels (ints, floats, complex numbers, strs,
// bytes), as probe.short_label and probe.key_label print them: CPython's own rules
// (float_repr_style "short", str.isprintable, the escapes of unicode_repr and bytes_repr),
// restated for code points read from memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bytewise::detail {

inline constexpr std::size_t label_chars = 24;  // probe.LABEL_CHARS

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

// probe._shorten: at most `limit` code points, the last one an ellipsis when cut.
std::string shorten(const std::vector<std::uint32_t>& text, std::size_t limit = label_chars);

std::vector<std::uint32_t> code_points(std::string_view ascii);

// The code points of well-formed UTF-8 (the walker's own labels).
std::vector<std::uint32_t> decode(std::string_view text);

// repr(x) of a float (float_repr_style "short"); without dot_zero, 1.0 is "1" (as in complex).
std::string float_repr(double x, bool dot_zero = true);

// repr(z) of a complex number (Objects/complexobject.c complex_repr): "2j" when the real
// part is +0, else "(1+2j)"; parts in repr's digits without a trailing ".0".
std::string complex_repr(double re, double im);

// repr() of a str (Objects/unicodeobject.c unicode_repr): quotes, escapes for the
// unprintable. nullopt when a character needs the Unicode database.
std::optional<std::vector<std::uint32_t>> str_repr(const std::vector<std::uint32_t>& text);

// repr() of bytes (Objects/bytesobject.c PyBytes_Repr).
std::vector<std::uint32_t> bytes_repr(const std::uint8_t* data, std::size_t n);

// float(n) rounded as CPython rounds it (half to even), or nullopt when it overflows.
std::optional<double> int_to_double(const int_value& v, unsigned digit_bits);

// probe.short_label for an int.
std::string int_label(const int_value& v, unsigned digit_bits);

}  // namespace bytewise::detail
