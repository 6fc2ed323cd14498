// Headers and texts from outside (docs/security.md "Hostile mail"), through
// the built
// binary with real GnuPG keys (tests/harness/gpg.sh) and clear-signed mail
// (tests/harness/sign.sh): a party's 100 KB Message-ID and a long item must
// not make a header line longer than 998 octets; an item or tracking text
// over its limit or with a control character, or an offer naming the
// escrow (however its address is spelt), is refused by a reply that says
// which field and why; an item that reads as an encoded-word reaches the
// Subject as typed; a From in the RFC 5322 comment form is read;
// outbox.from with a non-ASCII name keeps its address out of the
// encoded-word. Skips when gpg is missing.
#include <stdlib.h>
#include <unistd.h>

#include <ctime>
#include <iterator>
#include <utility>
#include <vmime/vmime.hpp>

#include "cli_fixture.h"
#include "core/limits.h"
#include "mail/mime.h"

namespace {

using namespace ct::testing;  // NOLINT: the fixture is the test's vocabulary

const std::string kHarness = std::string(CT_TEST_SOURCE_DIR) + "/tests/harness";

struct Shell {
  int status = -1;
  std::string out;
};

Shell Sh(const std::string& command) {
  Shell r;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return r;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  const int status = pclose(pipe);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

// The signatures are made now: the escrow's clock must be now too.
std::string NowIso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

// The header block of a message, one string per physical line (no CRLF).
std::vector<std::string> HeaderLines(const std::string& raw) {
  std::vector<std::string> lines;
  for (size_t start = 0; start < raw.size();) {
    size_t end = raw.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    lines.push_back(raw.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

class OutsideTextTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    setenv("CT_HARNESS_OWNER_PID", std::to_string(getpid()).c_str(), 1);
    const fs::path gnupg = dir_ / "keys";
    Shell made =
        Sh(Quote(kHarness + "/gpg.sh") + " make-home " + Quote(gnupg.string()));
    if (made.status == 77) GTEST_SKIP() << made.out;
    ASSERT_EQ(made.status, 0) << made.out;
    for (const char* name : {"escrow", "alice"}) {
      Shell home = Sh(Quote(kHarness + "/gpg.sh") + " party-home " +
                      Quote(gnupg.string()) + " " + name);
      ASSERT_EQ(home.status, 0) << home.out;
    }
    const std::string keys = ReadAll(gnupg / "keys.env");
    const std::string escrow = First(keys, "CT_FPR_ESCROW=([0-9A-F]+)");
    const std::string op = First(keys, "CT_FPR_OPERATOR=([0-9A-F]+)");
    ASSERT_FALSE(escrow.empty()) << keys;
    for (const char* sub : {"new", "cur", "tmp"})
      fs::create_directories(dir_ / "maildir" / sub);
    const std::string src = CT_TEST_SOURCE_DIR;
    std::ofstream(dir_ / "ct.conf", std::ios::trunc)
        << "[store]\ndatabase = " << (dir_ / "db" / "ct.db").string() << "\n"
        << "[inbox]\nurl = maildir://" << (dir_ / "maildir").string() << "\n"
        << "[outbox]\nurl = dir://" << (dir_ / "out").string() << "\n"
        << "from = Cybertroc Échanges <escrow@example.test>\n"
        << "operator = operator@example.test\n"
        << "[gpg]\nhome = " << (gnupg / "party" / "escrow").string() << "\n"
        << "escrow_key = " << escrow << "\noperator_key = " << op << "\n"
        << "encrypt_replies = false\n"
        << "[rules]\ndir = " << src << "/rules\n"
        << "[templates]\ndir = " << src << "/templates\n"
        << "default_language = en\n"
        << "[log]\nfile = " << (dir_ / "ct.log").string() << "\n";
    gnupg_ = gnupg;
  }

  void TearDown() override {
    if (!gnupg_.empty())
      Sh(Quote(kHarness + "/gpg.sh") + " kill " + Quote(gnupg_.string()));
    CliTest::TearDown();
  }

  // Alice clear-signs `body`, sent with that From and (when not empty) that
  // Message-ID instead of sign.sh's, into the escrow's maildir.
  void Mail(const std::string& body, const std::string& from,
            const std::string& message_id = "") {
    const std::string n = std::to_string(++mails_);
    const fs::path text = dir_ / ("body" + n), eml = dir_ / ("mail" + n);
    std::ofstream(text) << body;
    Shell signed_mail =
        Sh(Quote(kHarness + "/sign.sh") + " clearsign " +
           Quote((gnupg_ / "party" / "alice").string()) +
           " alice@example.test " + Quote(from) + " escrow@example.test " +
           Quote(text.string()) + " " + Quote(eml.string()));
    ASSERT_EQ(signed_mail.status, 0) << signed_mail.out;
    std::string raw = ReadAll(eml);
    if (!message_id.empty()) {
      const size_t at = raw.find("Message-ID: ");
      const size_t end = raw.find('\n', at);
      raw.replace(at, end - at, "Message-ID: " + message_id);
    }
    std::ofstream(dir_ / "maildir" / "new" / ("m" + n + ".eml")) << raw;
  }

  // Every message the escrow wrote, CRLF as sent.
  std::vector<std::string> Sent() {
    std::vector<std::string> all;
    if (!fs::exists(dir_ / "out")) return all;
    for (const auto& entry : fs::directory_iterator(dir_ / "out"))
      if (entry.path().extension() == ".eml")
        all.push_back(ReadAll(entry.path()));
    return all;
  }

  // The signed text of one of our messages (encrypt_replies = false).
  static std::string BodyText(const std::string& raw) {
    const ct::mail::Entity top = ct::mail::ParseEntity(raw);
    auto parts = ct::mail::SplitMultipart(top);
    if (!parts || parts->empty()) return "";
    auto text = ct::mail::PlainText(ct::mail::ParseEntity(parts->front()));
    return text ? *text : "";
  }

  fs::path gnupg_;
  int mails_ = 0;
};

// In-Reply-To/References once copied a 100 KB Message-ID, a long item
// made a 20 KB Subject line, a non-ASCII outbox.from name swallowed the
// address, and "From: alice@example.test (Alice)" was not usable.
TEST_F(OutsideTextTest, Issue8ComposedHeadersStayWithinTheLineLimit) {
  std::string item = "Kind of Blue, " + std::string(120, 'x') + " ";
  while (ct::core::CountChars(item) < ct::core::kMaxItemChars) item += "é";
  ASSERT_EQ(ct::core::CountChars(item), ct::core::kMaxItemChars);
  Mail("CT 10 SALE\nbuyer: bob@example.test\nitem: " + item +
           "\nprice: 25,00 EUR\nlang: en\n",
       "alice@example.test (Alice)",
       "<" + std::string(102400, 'm') + "@example.test>");
  CliRun run = Cli({"--json", "run"}, NowIso());
  ASSERT_EQ(run.status, 0) << run.err << ReadAll(dir_ / "ct.log");
  const std::string deals = Cli({"--json", "list"}, NowIso()).out;
  ASSERT_EQ(
      std::ranges::count(JsonFields(ParseJson(deals), "state"), "offered"), 1)
      << deals << ReadAll(dir_ / "ct.log");

  const auto sent = Sent();
  ASSERT_EQ(sent.size(), 2u) << "alice's confirmation, bob's offer";
  for (const std::string& raw : sent) {
    const auto lines = HeaderLines(raw);
    ASSERT_GT(lines.size(), 5u);
    for (const auto& line : lines) {
      EXPECT_LE(line.size(), ct::core::kMaxHeaderLineOctets);
      EXPECT_LE(line.size(), ct::core::kFoldHeaderAt) << line;
    }
    const ct::mail::Entity top = ct::mail::ParseEntity(raw);
    EXPECT_EQ(top.Header("In-Reply-To"), "") << "the huge id is dropped";
    EXPECT_EQ(top.Header("References"), "");
    vmime::mailbox from;
    from.parse(top.Header("From"));
    EXPECT_EQ(from.getEmail().toString(), "escrow@example.test");
    EXPECT_EQ(from.getName().getConvertedText(vmime::charset("utf-8")),
              "Cybertroc Échanges");
    const std::string subject =
        vmime::text::decodeAndUnfold(top.Header("Subject"))
            ->getConvertedText(vmime::charset("utf-8"));
    EXPECT_NE(subject.find(item), std::string::npos) << subject;
  }
}

// Every free text has a maximum length and no control characters;
// the refusal reply says which field and the limit. The escrow's own
// address is no party.
TEST_F(OutsideTextTest, Issue8RefusalsSayTheFieldAndTheLimit) {
  const std::string offer = "CT 10 SALE\nbuyer: bob@example.test\nprice: 5\n";
  Mail(offer + "item: " + std::string(201, 'x') + "\n", "alice@example.test");
  Mail(offer + "item: CD\rBcc: victim@example.test\n", "alice@example.test");
  Mail("CT 10 SALE\nbuyer: escrow@example.test\nprice: 5\nitem: CD\n",
       "Alice <alice@example.test>");
  Mail("CT-7K3QX9A2 40 " + std::string(201, 't') + "\n",
       "\"Alice, A.\" <alice@example.test>");
  CliRun run = Cli({"--json", "run"}, NowIso());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(JsonInt(run.out, "refused"), 4) << run.out;
  EXPECT_EQ(ParseJson(Cli({"--json", "list"}, NowIso()).out), Json::array());

  std::string replies;
  for (const std::string& raw : Sent()) {
    const ct::mail::Entity top = ct::mail::ParseEntity(raw);
    EXPECT_EQ(top.Header("To"), "alice@example.test");
    EXPECT_FALSE(top.Header("In-Reply-To").empty()) << "a usable id is kept";
    replies += BodyText(raw) + "\n";
  }
  for (const char* why :
       {"item: at most 200 characters (this one has 201)",
        "item: control characters (line breaks, tabs…) are not allowed",
        "buyer: escrow@example.test is the escrow's own address and cannot "
        "be a party of a deal",
        "tracking text: at most 200 characters (this one has 201)"}) {
    EXPECT_NE(replies.find(why), std::string::npos) << why << "\n" << replies;
  }
  EXPECT_EQ(replies.find("Bcc: victim"), std::string::npos) << replies;
}

// Found by an outside probe: an offer naming the escrow by another spelling
// of its address ("escrow@example.test.", an IP literal...) was opened, and
// the offer mailed to the escrow itself. Every spelling is now refused with
// the reason, as the operator's address is, and nothing reaches the escrow.
TEST_F(OutsideTextTest, OffersNamingTheEscrowAnyHowAreRefused) {
  const std::string escrow_reason =
      "buyer: escrow@example.test is the escrow's own address and cannot be "
      "a party of a deal";
  const std::pair<std::string, std::string> kCases[] = {
      {"buyer: escrow@example.test.", escrow_reason},
      {"buyer: ESCROW@example.test", escrow_reason},
      {"buyer: \"escrow\"@example.test", escrow_reason},
      {"buyer: escrow+deals@example.test",
       "buyer: escrow+deals@example.test is the escrow's own address"},
      {"buyer: escrow@[127.0.0.1]",
       "buyer: 'escrow@[127.0.0.1]' is not an e-mail address: address "
       "literals ('[127.0.0.1]') are not supported"},
      {"buyer: Operator@Example.test.",
       "buyer: operator@example.test is the operator's address and cannot "
       "be a party of a deal"},
      {"buyer: bob@example.test\nreferrer: \"operator\"@example.test",
       "referrer: operator@example.test is the operator's address and "
       "cannot be a referrer"},
  };
  for (const auto& [fields, why] : kCases)
    Mail("CT 10 SALE\n" + fields + "\nprice: 5\nitem: CD\n",
         "alice@example.test");
  CliRun run = Cli({"--json", "run"}, NowIso());
  ASSERT_EQ(run.status, 0) << run.err;
  const int cases = static_cast<int>(std::size(kCases));
  EXPECT_EQ(JsonInt(run.out, "refused"), cases) << run.out;
  EXPECT_EQ(JsonInt(run.out, "applied"), 0) << run.out;
  EXPECT_EQ(ParseJson(Cli({"--json", "list"}, NowIso()).out), Json::array());

  std::string replies;
  const auto sent = Sent();
  EXPECT_EQ(static_cast<int>(sent.size()), cases) << "one refusal each";
  for (const std::string& raw : sent) {
    const ct::mail::Entity top = ct::mail::ParseEntity(raw);
    EXPECT_EQ(top.Header("To"), "alice@example.test");
    replies += BodyText(raw) + "\n";
  }
  for (const auto& [fields, why] : kCases)
    EXPECT_NE(replies.find(why), std::string::npos) << why << "\n" << replies;
}

// Found by an outside probe: an item holding a literal RFC 2047
// encoded-word was copied as it is into the Subject, where every reader
// decoded it into CR LF and a "Bcc:" line. The Subject now shows exactly the
// typed text. Text direction controls in an item are refused, as control
// characters are.
TEST_F(OutsideTextTest, EncodedWordsInAnItemReachTheSubjectAsTyped) {
  const std::string item = "=?utf-8?q?Nice=0D=0ABcc:_victim@x.test?=";
  Mail("CT 10 SALE\nbuyer: bob@example.test\nitem: " + item +
           "\nprice: 5\nlang: en\n",
       "alice@example.test");
  Mail(
      "CT 10 SALE\nbuyer: bob@example.test\nitem: CD \u202Egpj.exe\n"
      "price: 5\n",
      "alice@example.test");
  CliRun run = Cli({"--json", "run"}, NowIso());
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(JsonInt(run.out, "applied"), 1) << run.out;
  EXPECT_EQ(JsonInt(run.out, "refused"), 1) << run.out;

  const auto sent = Sent();
  ASSERT_EQ(sent.size(), 3u) << "the confirmation, bob's offer, a refusal";
  int with_item = 0;
  std::string replies;
  for (const std::string& raw : sent) {
    vmime::message message;
    message.parse(raw);
    auto header = message.getHeader();
    EXPECT_FALSE(header->hasField("Bcc")) << raw.substr(0, 600);
    const std::string subject =
        header->Subject()->getValue<vmime::text>()->getConvertedText(
            vmime::charset("utf-8"));
    EXPECT_EQ(subject.find_first_of("\r\n"), std::string::npos) << subject;
    const size_t at = subject.find(item);
    const size_t bcc = subject.find("Bcc:");
    EXPECT_TRUE(bcc == std::string::npos ||
                (at != std::string::npos && bcc == at + item.find("Bcc:")))
        << "'Bcc:' only inside the item as typed: " << subject;
    if (at != std::string::npos) ++with_item;
    replies += BodyText(raw) + "\n";
  }
  EXPECT_EQ(with_item, 2) << "alice's confirmation and bob's offer";
  EXPECT_NE(replies.find("item: text direction controls (U+202A to U+202E, "
                         "U+2066 to U+2069) are not allowed"),
            std::string::npos)
      << replies;
}

}  // namespace
