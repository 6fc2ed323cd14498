// RFC 5322 address fields (core/address.h): the From forms mail clients
// write, and a clear outcome for every form that is not one usable address.
#include "core/address.h"

#include <gtest/gtest.h>

#include <string>

#include "core/limits.h"

namespace ct::core {
namespace {

struct FromCase {
  const char* value;
  const char* address;  // "" = refused
  const char* name;     // display name when accepted
};

// "From: bob@example.test (Bob)" was once refused as "no usable From
// address".
TEST(AddressTest, Issue8CommentFormOfFromIsUsable) {
  EXPECT_EQ(AddressOf("bob@example.test (Bob)"), "bob@example.test");
}

TEST(AddressTest, ReadsEveryUsualFromForm) {
  const FromCase kCases[] = {
      {"bob@example.test", "bob@example.test", ""},
      {"Bob@Example.TEST", "bob@example.test", ""},
      {"bob@example.test (Bob)", "bob@example.test", ""},
      {"(Bob) bob@example.test", "bob@example.test", ""},
      {"bob@example.test (Bob (the (nested)) one)", "bob@example.test", ""},
      {"Bob <bob@example.test>", "bob@example.test", "Bob"},
      {"<bob@example.test>", "bob@example.test", ""},
      {"\"Doe, John\" <john@example.test>", "john@example.test", "Doe, John"},
      {"\"Say \\\"hi\\\"\" <bob@example.test>", "bob@example.test",
       "Say \"hi\""},
      {"John Q. Public <jqp@example.test>", "jqp@example.test",
       "John Q. Public"},
      {"Bob (x) <bob@example.test> (y)", "bob@example.test", "Bob"},
      {"Cybertroc Échanges <escrow@example.org>", "escrow@example.org",
       "Cybertroc Échanges"},
      {"=?UTF-8?B?w4lj?= <e@example.test>", "e@example.test",
       "=?UTF-8?B?w4lj?="},
      {"\"alice@example.org\" <mallory@example.test>", "mallory@example.test",
       "alice@example.org"},
      {"alice@example.org (<mallory@example.test>)", "alice@example.org", ""},
      {"\"bob\"@example.test", "bob@example.test", ""},
      {"bob.smith+deals@mail.example.test", "bob.smith+deals@mail.example.test",
       ""},
      {"  Bob\r\n <bob@example.test>  ", "bob@example.test", "Bob"},
  };
  for (const auto& c : kCases) {
    auto mailbox = ParseMailbox(c.value);
    ASSERT_TRUE(mailbox.has_value())
        << c.value << ": " << mailbox.error().message;
    EXPECT_EQ(mailbox->address, c.address) << c.value;
    EXPECT_EQ(mailbox->display_name, c.name) << c.value;
    EXPECT_EQ(AddressOf(c.value), c.address) << c.value;
  }
}

struct BadCase {
  const char* value;
  const char* why;  // part of the reason
};

TEST(AddressTest, EveryUnusableFormHasAReason) {
  const BadCase kCases[] = {
      {"", "no address"},
      {"Bob", "no address in 'Bob'"},
      {"Bob Smith", "no address in 'Bob Smith'"},
      {"bob@example.test (unclosed", "unclosed comment"},
      {"\"Bob <bob@example.test>", "unclosed quoted string"},
      {"Bob <bob@example.test", "unclosed '<'"},
      {"a@example.test, b@example.test", "2 addresses, expected one"},
      {"Friends: a@example.test, b@example.test;", "a group"},
      {"Undisclosed recipients:;", "a group"},
      {"Friends: a@example.test", "without its closing ';'"},
      {"<@relay.example:bob@example.test>", "source routes"},
      {"bob@[192.0.2.1]", "address literals"},
      {"\"bob smith\"@example.test", "quoted local part"},
      {"bob..smith@example.test", "misplaced '.'"},
      {"bob@", "domain"},
      {"bob@example..test", "domain"},
      {"Bob <bob@example.test> extra", "unexpected 'extra'"},
      {"bob\x01@example.test", "control character"},
  };
  for (const auto& c : kCases) {
    auto mailbox = ParseMailbox(c.value);
    ASSERT_FALSE(mailbox.has_value()) << c.value;
    EXPECT_EQ(mailbox.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(mailbox.error().message.find(c.why), std::string::npos)
        << c.value << " -> " << mailbox.error().message;
    EXPECT_EQ(AddressOf(c.value), "") << c.value;
  }
}

TEST(AddressTest, GroupsAndListsGiveTheirMembers) {
  auto list = ParseAddressList(
      "Friends: a@example.test, \"B, b\" <b@example.test>;, c@example.test,,");
  ASSERT_TRUE(list.has_value()) << list.error().message;
  EXPECT_EQ(list->groups, 1);
  ASSERT_EQ(list->mailboxes.size(), 3u);
  EXPECT_EQ(list->mailboxes[1].address, "b@example.test");
  EXPECT_EQ(list->mailboxes[1].display_name, "B, b");
  EXPECT_EQ(list->mailboxes[2].address, "c@example.test");
  auto empty = ParseAddressList("Undisclosed recipients:;");
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->mailboxes.empty());
  EXPECT_FALSE(ParseAddressList("A: B: c@example.test;;").has_value());
}

// One mailbox, one spelling: every form below names the same mailbox as the
// canonical address beside it (what parties and moderators are compared by).
TEST(AddressTest, NormalizeGivesOneSpellingPerMailbox) {
  struct Case {
    const char* text;
    const char* canonical;
  };
  const Case kCases[] = {
      {"escrow@example.test", "escrow@example.test"},
      {"ESCROW@Example.TEST", "escrow@example.test"},
      {"escrow@example.test.", "escrow@example.test"},
      {"Escrow@Example.Test.", "escrow@example.test"},
      {"\"escrow\"@example.test", "escrow@example.test"},
      {"\"ESCROW\"@example.test.", "escrow@example.test"},
      {"\"e\\scrow\"@example.test", "escrow@example.test"},
      {"\"esc.row\"@example.test", "esc.row@example.test"},
      {"\"esc\".row@example.test", "esc.row@example.test"},
      {"  escrow@example.test\t", "escrow@example.test"},
      {"escrow@example.test (the escrow)", "escrow@example.test"},
      {"bob.smith+deals@mail.example.test",
       "bob.smith+deals@mail.example.test"},
  };
  for (const auto& c : kCases) {
    auto address = NormalizeAddress(c.text);
    ASSERT_TRUE(address.has_value())
        << c.text << ": " << address.error().message;
    EXPECT_EQ(*address, c.canonical) << c.text;
    EXPECT_EQ(NormalizeAddress(*address).value_or(""), *address)
        << "canonical forms are fixed points: " << *address;
  }
  // From is read with the same rules: a trailing dot is the same mailbox.
  EXPECT_EQ(AddressOf("Bob <bob@example.test.>"), "bob@example.test");
  EXPECT_EQ(AddressOf("bob@example.test."), "bob@example.test");
}

TEST(AddressTest, NormalizeRefusesWhatIsNotOneBareAddress) {
  const BadCase kCases[] = {
      // A domain literal reaches a host, not a person, and could be ours.
      {"escrow@[127.0.0.1]", "address literals ('[127.0.0.1]')"},
      {"escrow@[IPv6:::1]", "address literals"},
      {"escrow@[ipv6:0:0:0:0:0:0:0:1]", "address literals"},
      {"Escrow <escrow@example.test>", "without a name or angle brackets"},
      {"<escrow@example.test>", "without a name or angle brackets"},
      {"\"es crow\"@example.test", "quoted local part"},
      {"\".escrow\"@example.test", "quoted local part"},
      {"\"\"@example.test", "empty quoted local part"},
      {"escrow@example.test..", "domain"},
      {"escrow@.", "domain"},
      {"escrow@", "domain"},
      {"escrow", "no '@' after 'escrow'"},
      {"", "no address"},
      {"a@example.test, b@example.test", "unexpected ',' after the address"},
      {"a@example.test\r\nBcc: b@example.test",
       "unexpected 'Bcc' after the address"},
      {"a\x01@example.test", "control character"},
  };
  for (const auto& c : kCases) {
    auto address = NormalizeAddress(c.value);
    ASSERT_FALSE(address.has_value()) << c.value << " -> " << *address;
    EXPECT_EQ(address.error().kind, ErrorKind::kInvalidInput);
    EXPECT_NE(address.error().message.find(c.why), std::string::npos)
        << c.value << " -> " << address.error().message;
  }
  const std::string huge = std::string(102400, 'x') + "@example.test";
  auto long_one = NormalizeAddress("\"" + std::string(102400, ' ') + "\"@x");
  ASSERT_FALSE(long_one.has_value());
  EXPECT_LT(long_one.error().message.size(), 200u) << "an excerpt only";
  EXPECT_FALSE(NormalizeAddress(huge).has_value());
}

// The one rule: neither the escrow's mailbox nor the operator's, however
// spelt, may be named; every other address comes back canonical.
TEST(AddressTest, OutsideAddressKeepsTheEscrowAndTheOperatorOut) {
  const OwnAddresses own{"escrow@example.test", "operator@example.test"};
  const AddressField party{"buyer", "a party of a deal", false};
  struct Case {
    const char* text;
    const char* result;  // the canonical address, or the whole reason
  };
  const std::string escrow_reason =
      "buyer: escrow@example.test is the escrow's own address and cannot be "
      "a party of a deal";
  const std::string op_reason =
      "buyer: operator@example.test is the operator's address and cannot be "
      "a party of a deal";
  const Case kCases[] = {
      {"bob@example.test", "bob@example.test"},
      {"Bob@Example.test.", "bob@example.test"},
      {"escrowx@example.test", "escrowx@example.test"},
      {"escrow@example.test.evil", "escrow@example.test.evil"},
      {"escrow@mail.example.test", "escrow@mail.example.test"},
      {"escrow-x@example.test", "escrow-x@example.test"},
      {"escrow@example.test", escrow_reason.c_str()},
      {"ESCROW@example.test", escrow_reason.c_str()},
      {"escrow@example.test.", escrow_reason.c_str()},
      {"\"escrow\"@example.test", escrow_reason.c_str()},
      {"escrow+deals@example.test",
       "buyer: escrow+deals@example.test is the escrow's own address and "
       "cannot be a party of a deal"},
      {"Operator@Example.test.", op_reason.c_str()},
      {"\"operator\"@example.test", op_reason.c_str()},
      {"escrow@[127.0.0.1]",
       "buyer: 'escrow@[127.0.0.1]' is not an e-mail address: address "
       "literals ('[127.0.0.1]') are not supported"},
      {"bob@",
       "buyer: 'bob@' is not an e-mail address: missing or malformed "
       "domain after '@'"},
  };
  for (const auto& c : kCases) {
    auto address = OutsideAddress(c.text, party, own);
    const std::string got = address ? *address : address.error().message;
    EXPECT_EQ(got, c.result) << c.text;
    if (!address) {
      EXPECT_EQ(address.error().kind, ErrorKind::kInvalidInput);
    }
  }
  // The operator is told which configuration key holds the address.
  auto cli = OutsideAddress("Escrow@Example.test.",
                            {"moderators add", "a moderator", true}, own);
  ASSERT_FALSE(cli.has_value());
  EXPECT_EQ(cli.error().message,
            "moderators add: escrow@example.test is the escrow's own address "
            "(outbox.from) and cannot be a moderator");
  auto op = OutsideAddress("operator+x@example.test",
                           {"--referrer", "a referrer", true}, own);
  ASSERT_FALSE(op.has_value());
  EXPECT_EQ(op.error().message,
            "--referrer: operator+x@example.test is the operator's address "
            "(outbox.operator) and cannot be a referrer");
}

TEST(AddressTest, OwnerOfComparesMailboxes) {
  const OwnAddresses own{"escrow@example.test", "operator@example.test"};
  EXPECT_EQ(OwnerOf("escrow@example.test", own), Owner::kEscrow);
  EXPECT_EQ(OwnerOf("escrow+x@example.test", own), Owner::kEscrow);
  EXPECT_EQ(OwnerOf("escrow+@example.test", own), Owner::kEscrow);
  EXPECT_EQ(OwnerOf("operator+a+b@example.test", own), Owner::kOperator);
  EXPECT_EQ(OwnerOf("escrow@example.tes", own), Owner::kNone);
  EXPECT_EQ(OwnerOf("escro@example.test", own), Owner::kNone);
  EXPECT_EQ(OwnerOf("x+escrow@example.test", own), Owner::kNone);
  // Our own address with a tag: the mailbox behind it is ours too.
  const OwnAddresses tagged{"escrow+ct@example.test", ""};
  EXPECT_EQ(OwnerOf("escrow+ct@example.test", tagged), Owner::kEscrow);
  EXPECT_EQ(OwnerOf("escrow+other@example.test", tagged), Owner::kEscrow);
  EXPECT_EQ(OwnerOf("escrow@example.test", tagged), Owner::kEscrow);
  EXPECT_EQ(OwnerOf("escrowct@example.test", tagged), Owner::kNone);
  EXPECT_EQ(OwnerOf("", tagged), Owner::kNone);
  EXPECT_EQ(OwnerOf("operator@example.test", tagged), Owner::kNone)
      << "an empty operator address matches nothing";
}

TEST(AddressTest, OverLongAddressesAreRefused) {
  const std::string domain = std::string(250, 'd') + ".test";
  EXPECT_FALSE(ParseMailbox("bob@" + domain).has_value());
  EXPECT_FALSE(ParseMailbox(std::string(65, 'b') + "@example.test"));
  const std::string longest = std::string(64, 'b') + "@" +
                              std::string(kMaxAddressOctets - 64 - 1 - 5, 'd') +
                              ".test";
  ASSERT_EQ(longest.size(), kMaxAddressOctets);
  EXPECT_EQ(AddressOf(longest), longest);
}

}  // namespace
}  // namespace ct::core
