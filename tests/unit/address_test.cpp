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

// Issue 8: "From: bob@example.test (Bob)" was refused as "no usable From
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
