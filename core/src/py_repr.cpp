// Python's repr for the heap walker's labels (see py_repr.hpp).
#include "py_repr.hpp"

#include "utf8.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace bytewise::detail {

// probe._shorten: at most `limit` code points, the last one an ellipsis when cut.
std::string shorten(const std::vector<std::uint32_t>& text, std::size_t limit) {
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
static bool short_decimal(double ax, std::string& digits, int& exponent) {
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

std::string float_repr(double x, bool dot_zero) {
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
static std::optional<bool> printable(std::uint32_t c) {
  if (c >= 0x100) return std::nullopt;
  return !(c < 0x20 || (c >= 0x7F && c <= 0xA0) || c == 0xAD);
}

// The escapes repr gives in str and bytes alike: the quote in use and the backslash
// (escaped as themselves), tab, newline and carriage return. False for any other character.
static bool push_shared_escape(std::vector<std::uint32_t>& out, std::uint32_t c, std::uint32_t q) {
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
static void push_hex_escape(std::vector<std::uint32_t>& out, std::uint32_t c) {
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

}  // namespace bytewise::detail
