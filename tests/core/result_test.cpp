// Tests for bytewise/result.hpp: a result holds a value or its diagnostics, never both
// and never neither (an empty failure still says something), and a diagnostic renders as
// one line with or without its byte offset.
#include <bytewise/result.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace bytewise {
namespace {

// Values and failures convert implicitly, so a function returns either; the test for
// success does not (no `int n = some_result;` by accident).
static_assert(std::is_convertible_v<int, result<int>>);
static_assert(std::is_convertible_v<diagnostic, result<int>>);
static_assert(std::is_convertible_v<std::vector<diagnostic>, result<int>>);
static_assert(std::is_constructible_v<bool, result<int>>);
static_assert(!std::is_convertible_v<result<int>, bool>);

result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return diagnostic{"test.not_a_digit", 3, "Expected a digit."};
  return c - '0';
}

TEST(result, holds_a_value) {
  result<int> r = parse_digit('7');
  EXPECT_TRUE(r.ok());
  EXPECT_TRUE(static_cast<bool>(r));
  EXPECT_EQ(r.value(), 7);
  const result<int>& same = r;
  EXPECT_EQ(same.value(), 7);
}

TEST(result, gives_its_value_to_change_or_to_move_out) {
  result<std::string> r = std::string("abc");
  r.value() += "d";
  r->push_back('e');
  EXPECT_EQ(r.value(), "abcde");
  const result<std::string>& view = r;
  EXPECT_EQ(view->size(), 5u);
  // A value that cannot be copied moves out.
  result<std::unique_ptr<int>> owned = std::make_unique<int>(42);
  std::unique_ptr<int> taken = std::move(owned).value();
  ASSERT_NE(taken, nullptr);
  EXPECT_EQ(*taken, 42);
}

TEST(result, holds_the_diagnostic_of_a_failure) {
  result<int> r = parse_digit('x');
  EXPECT_FALSE(r.ok());
  EXPECT_FALSE(static_cast<bool>(r));
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].code, "test.not_a_digit");
  EXPECT_EQ(r.errors()[0].offset, 3u);
  EXPECT_EQ(r.errors()[0].message, "Expected a digit.");
}

TEST(result, holds_every_diagnostic_of_a_failure_in_order) {
  result<int> r = std::vector<diagnostic>{
      {"test.first", 0, "The first problem."},
      {"test.second", std::nullopt, "The second problem."},
  };
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.errors().size(), 2u);
  EXPECT_EQ(r.errors()[0].code, "test.first");
  EXPECT_EQ(r.errors()[0].offset, 0u);
  EXPECT_EQ(r.errors()[1].code, "test.second");
  EXPECT_FALSE(r.errors()[1].offset.has_value());
  EXPECT_EQ(r.errors()[1].message, "The second problem.");
}

TEST(result, never_fails_without_saying_why) {
  result<int> r = std::vector<diagnostic>{};
  EXPECT_FALSE(r.ok());
  ASSERT_EQ(r.errors().size(), 1u);
  EXPECT_EQ(r.errors()[0].code, "internal.empty_failure");
  EXPECT_FALSE(r.errors()[0].offset.has_value());
  EXPECT_EQ(r.errors()[0].message, "An operation failed without saying why.");
}

TEST(diagnostic, renders_with_its_byte_offset) {
  EXPECT_EQ(to_string(diagnostic{"snapshot.bad_magic", 0, "This is not a Bytewise snapshot."}),
            "snapshot.bad_magic at byte 0: This is not a Bytewise snapshot.");
  EXPECT_EQ(to_string(diagnostic{"snapshot.truncated", 5'000'000'000ull, "It ends early."}),
            "snapshot.truncated at byte 5000000000: It ends early.");
}

TEST(diagnostic, renders_without_an_offset_when_it_has_none) {
  EXPECT_EQ(to_string(diagnostic{"lesson.unknown_kind", std::nullopt, "Use one of: bytes, choice."}),
            "lesson.unknown_kind: Use one of: bytes, choice.");
  result<int> empty = std::vector<diagnostic>{};
  EXPECT_EQ(to_string(empty.errors()[0]), "internal.empty_failure: An operation failed without saying why.");
}

}  // namespace
}  // namespace bytewise
