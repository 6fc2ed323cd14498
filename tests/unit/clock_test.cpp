// app::Now(): the real clock to the second, or CYBERTROC_NOW when set.
#include "app/base/clock.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <optional>
#include <string>

namespace ct::app {
namespace {

// Sets CYBERTROC_NOW for one test and puts the old value back.
class PinnedNow {
 public:
  explicit PinnedNow(const char* value) {
    if (const char* old = getenv(kNowVariable)) old_ = old;
    if (value != nullptr) {
      setenv(kNowVariable, value, 1);
    } else {
      unsetenv(kNowVariable);
    }
  }
  ~PinnedNow() {
    if (old_) {
      setenv(kNowVariable, old_->c_str(), 1);
    } else {
      unsetenv(kNowVariable);
    }
  }

 private:
  std::optional<std::string> old_;
};

TEST(ClockTest, RealClockWhenUnsetOrEmpty) {
  for (const char* value : {static_cast<const char*>(nullptr), ""}) {
    PinnedNow pin(value);
    const auto before = std::chrono::floor<std::chrono::seconds>(
        std::chrono::system_clock::now());
    auto now = Now();
    ASSERT_TRUE(now.has_value()) << now.error().message;
    EXPECT_GE(*now, before);
    EXPECT_LE(*now, before + std::chrono::seconds(5));
  }
}

TEST(ClockTest, PinnedByEnvironment) {
  const struct {
    const char* value;
    const char* expected;
  } kCases[] = {
      {"2027-01-31T12:00:00Z", "2027-01-31T12:00:00Z"},
      {"2027-01-31T14:00:00+02:00", "2027-01-31T12:00:00Z"},
      {"2027-01-31 12:00:00Z", "2027-01-31T12:00:00Z"},
  };
  for (const auto& c : kCases) {
    PinnedNow pin(c.value);
    auto now = Now();
    ASSERT_TRUE(now.has_value()) << c.value << ": " << now.error().message;
    EXPECT_EQ(core::FormatIsoTime(*now), c.expected) << c.value;
  }
}

TEST(ClockTest, MalformedPinIsAConfigError) {
  for (const char* value : {"tomorrow", "2027-02-30T12:00:00Z", "2027-01-31"}) {
    PinnedNow pin(value);
    auto now = Now();
    ASSERT_FALSE(now.has_value()) << value;
    EXPECT_EQ(now.error().kind, ErrorKind::kConfig);
    EXPECT_TRUE(now.error().message.starts_with("CYBERTROC_NOW: "))
        << now.error().message;
  }
}

}  // namespace
}  // namespace ct::app
