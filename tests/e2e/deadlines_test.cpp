// Deadlines and reminders fire exactly once: across a run killed right
// after a timer was committed, and across two ticks running at once.
#include "cli_fixture.h"

namespace {

using namespace ct::testing;  // NOLINT: the fixture is the test's vocabulary

class DeadlinesTest : public CliTest {
 protected:
  // Events of `id` with that code ("reminder", "timeout", ...).
  size_t Events(const std::string& id, const std::string& code) {
    CliRun show = Cli({"--json", "show", id}, kT0);
    return All(show.out, R"re("code": "()re" + code + R"re()")re").size();
  }
  std::string State(const std::string& id) {
    return First(Cli({"--json", "show", id}).out, R"re("state": "([^"]*)")re");
  }
  // Ticks at `now` with the run killed just after its first timer commit.
  void CrashingTick(const std::string& now) {
    extra_env_ = "CYBERTROC_CRASH_AT=after-timer";
    EXPECT_EQ(Cli({"tick"}, now).status, 137) << "the crash point was reached";
    extra_env_.clear();
  }
};

// Funded at kT0 (2027-01-31 12:00): ship deadline 2027-02-07 12:00, the
// 1-day reminder at 2027-02-06 12:00 (the 7-day one is already past).
TEST_F(DeadlinesTest, ReminderFiresOnceAcrossAKilledRun) {
  const std::string id = FundedSale();
  const char kReminderTime[] = "2027-02-06T13:00:00Z";
  CrashingTick(kReminderTime);
  EXPECT_EQ(Events(id, "reminder"), 1u);
  EXPECT_EQ(Cli({"tick"}, kReminderTime).status, 0);
  EXPECT_EQ(Cli({"tick"}, "2027-02-06T18:00:00Z").status, 0);
  EXPECT_EQ(Events(id, "reminder"), 1u);
  EXPECT_EQ(State(id), "funded");
  CliRun show = Cli({"--json", "show", id});
  EXPECT_EQ(All(show.out, R"re("templates": "(reminder)")re").size(), 1u)
      << "one reminder mail, to the seller who must ship";
}

TEST_F(DeadlinesTest, DefaultOutcomeFiresOnceAcrossAKilledRun) {
  const std::string id = FundedSale();
  const char kAfterDeadline[] = "2027-02-07T12:30:00Z";
  CrashingTick(kAfterDeadline);
  EXPECT_EQ(State(id), "cancelled") << "the committed timeout survived";
  EXPECT_EQ(Cli({"tick"}, kAfterDeadline).status, 0);
  EXPECT_EQ(Cli({"tick"}, "2027-03-01T00:00:00Z").status, 0);
  EXPECT_EQ(Events(id, "timeout"), 1u);
  CliRun payouts = Cli({"--json", "payouts"});
  EXPECT_EQ(All(payouts.out, R"re("amount": "([0-9.]+)")re"),
            (std::vector<std::string>{"30.00", "60.00"}))
      << "held funds refunded once, commission kept";
}

TEST_F(DeadlinesTest, MissedDeadlinesCatchUpOneStepAtATime) {
  // Offered at kT0 and never answered: one tick a year later cancels it
  // (the offer deadline), and fires nothing else.
  const std::string id = OpenSale();
  ASSERT_EQ(Cli({"deposit", id, "buyer", "10.00"}).status, 0);
  EXPECT_EQ(Cli({"tick"}, "2028-01-31T12:00:00Z").status, 0);
  EXPECT_EQ(State(id), "cancelled");
  EXPECT_EQ(Events(id, "timeout"), 1u);
  EXPECT_EQ(Events(id, "reminder"), 0u) << "no stale reminders after the fact";
}

TEST_F(DeadlinesTest, TwoTicksAtOnceFireEachTimerOnce) {
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(FundedSale());
  const std::string cmd = "CYBERTROC_NOW=2027-02-07T12:30:00Z " +
                          Quote(CT_BINARY) + " --config " +
                          Quote((dir_ / "ct.conf").string()) + " tick";
  const std::string both = "(" + cmd + " & " + cmd + " & wait) >/dev/null 2>&1";
  ASSERT_EQ(std::system(both.c_str()), 0);
  for (const auto& id : ids) {
    EXPECT_EQ(State(id), "cancelled");
    EXPECT_EQ(Events(id, "timeout"), 1u) << id;
  }
}

}  // namespace
