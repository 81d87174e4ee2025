// bytewise/result.hpp: errors as values.
//
// The core never throws across its boundary (it builds with exceptions off in spirit:
// no function in core/ throws on bad input). A fallible function returns result<T>:
// either a value or a list of diagnostics, each with a stable code, the byte offset or
// item it concerns, and a sentence saying what is wrong and what to do.
//
// Start reading at `diagnostic`, then `result`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace bytewise {

// One finding about bad input. `code` is stable and machine-readable (e.g.
// "snapshot.bad_magic"); `offset` is the byte offset in the input it concerns, when
// there is one; `message` is a complete sentence for a person.
struct diagnostic {
  std::string code;
  std::optional<std::uint64_t> offset;
  std::string message;
};

// Renders "code at byte N: message" (or "code: message" without an offset).
std::string to_string(const diagnostic& d);

// A value or the diagnostics that prevented it. Never both, never neither: a failed
// result always carries at least one diagnostic.
template <typename T>
class result {
 public:
  result(T value) : state_(std::move(value)) {}                            // NOLINT: implicit by design
  result(diagnostic d) : state_(std::vector<diagnostic>{std::move(d)}) {}  // NOLINT
  result(std::vector<diagnostic> ds) : state_(std::move(ds)) {             // NOLINT
    if (std::get<1>(state_).empty()) {
      std::get<1>(state_).push_back(
          {"internal.empty_failure", std::nullopt, "An operation failed without saying why."});
    }
  }

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  // Precondition: ok().
  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // Precondition: !ok().
  const std::vector<diagnostic>& errors() const { return std::get<1>(state_); }

 private:
  std::variant<T, std::vector<diagnostic>> state_;
};

}  // namespace bytewise
