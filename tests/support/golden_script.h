// For the golden-text tests (golden_fixture.h): one fixed deal (fixed id,
// addresses, amounts and times: the deal starts 2027-01-31T12:00:00Z) walked
// through the real engine (core::Step), each notification of each step rendered
// exactly as the outbox does (app/outbound/mail_queue.cpp: recipient role and address,
// confirmation to the actor, the command, from/to state, payouts with
// addresses), and the commands and offers the scripts use. Linked as
// ct_test_golden (core, rules and notify stages only).
#ifndef CYBERTROC_TESTS_SUPPORT_GOLDEN_SCRIPT_H_
#define CYBERTROC_TESTS_SUPPORT_GOLDEN_SCRIPT_H_

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/time.h"
#include "notify/message_context.h"
#include "notify/renderer.h"

namespace ct::golden {

using core::Money;

inline constexpr char kId[] = "CT-7K3QX9A2";
inline constexpr char kOperator[] = "operator@example.test";
inline constexpr char kT0[] = "2027-01-31T12:00:00Z";

Money M(int64_t minor);

// kT0 + `hours`.
core::Time At(int hours);

// One deal walked through the engine; every message rendered into `files`
// (script-step -> text: one block per recipient, in the order the engine
// emitted them), every template used into `used`.
class Script {
 public:
  Script(const core::CaseRules& rules, const notify::Renderer& renderer,
         std::string lang, std::string name,
         std::map<std::string, std::string>& files, std::set<std::string>& used)
      : rules_(rules),
        renderer_(renderer),
        lang_(std::move(lang)),
        name_(std::move(name)),
        files_(files),
        used_(used) {}

  // NewDeal, then the "offer" notification to each party (as WriteOffer).
  void Offer(const core::Offer& offer_in, int hours);

  // Applies `cmd` (which must be accepted) and renders what it causes.
  void Do(const std::string& step, core::Command cmd, int hours);

  // The deadline or reminder due at `hours`, which must exist.
  void Timer(const std::string& step, int hours, int expected_code);

  // A command the engine refuses, answered with "refusal" (app/outbound/replies.cpp).
  void Refused(const std::string& step, core::Command cmd, int hours);

  // While quiet, steps are applied but their messages are not kept (the
  // common beginning of a deal is recorded once, by one script).
  void Quiet(bool quiet) { quiet_ = quiet; }

 private:
  std::string Address(const std::string& role) const;
  // As app/outbound/mail_queue.cpp AddressOf: a role, the operator, the deal's
  // moderator or referrer.
  std::string Email(const core::Deal& deal, const std::string& role) const;
  void Emit(const std::string& step, const core::Outcome& outcome,
            const core::Command& cmd);
  void Append(const std::string& step, const std::string& to,
              const notify::MessageInput& in,
              const std::vector<std::string>& templates);

  const core::CaseRules& rules_;
  const notify::Renderer& renderer_;
  std::string lang_;
  std::string name_;
  std::map<std::string, std::string>& files_;
  std::set<std::string>& used_;
  core::Policy policy_;
  core::Deal deal_;
  bool quiet_ = false;
};

core::Command Cmd(int code, const std::string& actor,
                  const std::string& text = "");
// The operator records `minor` deposited by `role`, with reference `ref`.
core::Command Deposit(const std::string& role, int64_t minor,
                      const std::string& ref);
core::Command Split(int code, const std::string& actor,
                    std::map<std::string, Money> split);
core::Command Extend(const std::string& actor, int days);

// alice sells bob "Kind of Blue" for 25.00 + 5.00 shipping.
core::Offer SaleOffer(const std::string& delivery = "post");
// alice (a) and bob (b) exchange two CDs worth 20.00.
core::Offer ExchangeOffer(const std::string& delivery);

}  // namespace ct::golden

#endif  // CYBERTROC_TESTS_SUPPORT_GOLDEN_SCRIPT_H_
