// CheckOutcome (corpus_expect.h): the checks of tests/corpus/README.md.
#include <gtest/gtest.h>

#include <set>

#include "corpus_expect.h"

namespace corpus {

namespace {

// The deal without the mail log and without refused attempts: what must
// not change when a message is not acted upon.
Json Substance(Json show) {
  show.erase("messages");
  if (show.contains("events")) {
    Json kept = Json::array();
    for (const auto& e : show["events"])
      if (!e.value("refused", false)) kept.push_back(e);
    show["events"] = kept;
  }
  return show;
}

std::vector<Json> EventsOf(const Json& show, bool refused) {
  std::vector<Json> out;
  if (show.contains("events"))
    for (const auto& e : show["events"])
      if (e.value("refused", false) == refused) out.push_back(e);
  return out;
}

void CheckMessage(const Expect& want, const Outcome& o,
                  const std::string& trace) {
  EXPECT_LT(o.run.seconds, want.max_seconds) << "cybertroc run took too long";
  // Never mail to anyone but the known parties and the operator.
  for (const auto& to : o.recipients)
    EXPECT_TRUE(kKnown.contains(to)) << "mail queued to " << to;
  if (want.either.size() == 1) {
    const auto& [status, outcome] = want.either.front();
    EXPECT_EQ(o.inbox.status, status) << trace;
    EXPECT_TRUE(ContainsNoCase(o.inbox.outcome, outcome))
        << "outcome lacks '" << outcome << "'\n"
        << trace;
  } else {
    bool matched = false;
    for (const auto& [status, outcome] : want.either)
      matched |=
          o.inbox.status == status && ContainsNoCase(o.inbox.outcome, outcome);
    EXPECT_TRUE(matched) << "none of the expected outcomes\n" << trace;
  }
  if (want.stored_under_bytes) {
    EXPECT_LT(o.inbox.raw_size, *want.stored_under_bytes)
        << "the oversized message was read whole";
  }
}

void CheckReplyList(const Expect& want, const Outcome& o,
                    const std::string& trace) {
  if (want.replies) {
    std::multiset<std::string> got, expected;
    for (const auto& r : o.replies) {
      bool wildcard = false;
      for (const auto& e : *want.replies) wildcard |= e == r.to + ":*";
      got.insert(r.to + ":" + (wildcard ? "*" : r.templates));
    }
    expected.insert(want.replies->begin(), want.replies->end());
    EXPECT_EQ(got, expected) << trace;
  }
  for (const auto& who : want.replies_to_include) {
    bool found = false;
    for (const auto& r : o.replies) found |= r.to == who;
    EXPECT_TRUE(found) << "no reply to " << who << ":" << Describe(o.replies);
  }
}

void CheckReplyTexts(const Expect& want, const Outcome& o) {
  // Replies go only to known addresses and never quote unsigned text
  // (the unsigned parts of the corpus carry kMarker).
  for (const auto& r : o.replies) {
    EXPECT_TRUE(kKnown.contains(r.to)) << r.to;
    EXPECT_FALSE(Contains(r.body, kMarker) || Contains(r.subject, kMarker))
        << "reply quotes unsigned text:\n"
        << r.subject << "\n"
        << r.body;
    for (const auto& kind : want.reply_kinds_never)
      EXPECT_NE(r.kind, kind) << r.to << " " << r.templates;
    bool quotes = false;
    for (const auto& text : want.reply_body_lacks)
      quotes |= Contains(r.body, text);
    for (const auto& text : want.reply_subject_lacks)
      quotes |= Contains(r.subject, text);
    EXPECT_FALSE(quotes) << "reply quotes what it must not:\n"
                         << r.subject << "\n"
                         << r.body;
    for (const auto& text : want.reply_body_has)
      EXPECT_TRUE(Contains(r.body, text)) << r.body;
    if (!want.refusal_explains || r.templates != "refusal") continue;
    EXPECT_TRUE(Contains(r.body, o.inbox.outcome))
        << "reply does not say why:\n"
        << r.body;
    EXPECT_TRUE(Contains(r.body, "Deal " + D()) &&
                Contains(r.body, "\nState: "))
        << "reply does not give the current state:\n"
        << r.body;
    EXPECT_TRUE(Contains(r.body, D() + " 13"))
        << "reply does not list the codes the sender may send now:\n"
        << r.body;
  }
}

// Kept in quarantine exactly when refused or unverifiable.
void CheckQuarantine(const Outcome& o) {
  bool in_quarantine = false;
  for (const auto& q : o.quarantine)
    in_quarantine |= JsonField(q, "message_id") == o.message_id;
  if (o.inbox.status == "quarantined" || o.inbox.status == "refused") {
    EXPECT_TRUE(in_quarantine) << "not in `quarantine`";
  } else {
    EXPECT_FALSE(in_quarantine) << o.inbox.status << " mail in `quarantine`";
  }
}

// One accepted event more than before, `code` by `actor`; false when
// there is not exactly one more.
bool CheckNewEvent(const Expect& want, const Outcome& o,
                   const std::string& trace) {
  auto before = EventsOf(o.before, false), after = EventsOf(o.after, false);
  EXPECT_EQ(after.size(), before.size() + 1) << "no new event\n" << trace;
  if (after.size() != before.size() + 1) return false;
  EXPECT_EQ(JsonField(after.back(), "code"), want.event_code);
  EXPECT_EQ(JsonField(after.back(), "actor"), want.event_actor);
  return true;
}

void CheckDeal(const Expect& want, const Outcome& o, const std::string& trace) {
  const Json sub_before = Substance(o.before), sub_after = Substance(o.after);
  switch (want.deal) {
    case DealCheck::kUnchanged:
      EXPECT_EQ(sub_after, sub_before) << "the deal changed\n" << trace;
      break;
    case DealCheck::kOneEvent: {
      if (!CheckNewEvent(want, o, trace)) break;
      Json a = sub_after;
      EXPECT_EQ(JsonField(a["events"].back(), "state"),
                JsonField(o.before, "state"));
      a["events"].erase(a["events"].size() - 1);
      EXPECT_EQ(a, sub_before) << "the deal changed\n" << trace;
      break;
    }
    case DealCheck::kChanged:
      CheckNewEvent(want, o, trace);
      for (const auto& [key, value] : want.after)
        EXPECT_EQ(JsonField(o.after, key), value) << key;
      for (const auto& [role, amount] : want.deposited) {
        std::string deposited = "(no " + role + ")";
        for (const auto& p : o.after.value("parties", Json::array()))
          if (JsonField(p, "role") == role)
            deposited = JsonField(p, "deposited");
        EXPECT_EQ(deposited, amount) << o.after.dump(2);
      }
      break;
  }
  // Refused attempts may be logged, but never as a change of state.
  for (const auto& e : EventsOf(o.after, true)) {
    EXPECT_EQ(JsonField(e, "from"), JsonField(o.before, "state"));
    EXPECT_EQ(JsonField(e, "state"), JsonField(o.before, "state"));
  }
}

// No deal opened, no other change to the list unless the case says, and
// no key bound or rebound.
void CheckListAndKeys(const Expect& want, const Outcome& o) {
  EXPECT_EQ(cttest::JsonFields(o.list_after, "id"),
            cttest::JsonFields(o.list_before, "id"))
      << "deals opened";
  if (want.deal != DealCheck::kChanged) {
    EXPECT_EQ(o.list_after, o.list_before) << "deal list changed";
    EXPECT_EQ(JsonField(o.after, "held"), JsonField(o.before, "held"));
  }
  auto pairs = [](const Json& keys) {
    std::set<std::string> out;
    for (const auto& b : keys)
      out.insert(JsonField(b, "email") + "=" + JsonField(b, "fingerprint"));
    return out;
  };
  EXPECT_EQ(pairs(o.keys_after), pairs(o.keys_before))
      << "key bindings changed";
}

}  // namespace

void CheckOutcome(const Expect& want, const Outcome& o,
                  const std::string& trace) {
  CheckMessage(want, o, trace);
  CheckReplyList(want, o, trace);
  CheckReplyTexts(want, o);
  CheckQuarantine(o);
  CheckDeal(want, o, trace);
  CheckListAndKeys(want, o);
}

}  // namespace corpus
