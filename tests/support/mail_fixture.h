// Shared helpers for the integration tests that drive the built `cybertroc`
// binary against the real mail servers and GnuPG homes of tests/harness
// (servers.sh, gpg.sh, sign.sh): one include for all of them, by topic in
// text_files.h, processes.h, json_output.h, harness.h, mail_world.h and
// instance.h (compiled into ct_test_support). GoogleTest-free. Harness
// steps that fail throw std::runtime_error with the script's output
// (GoogleTest reports an exception escaping a test as a failure).
//
// Typical use (one MailWorld per test suite, one Instance per scenario):
//
//   static cttest::MailWorld* world;            // SetUpTestSuite:
//   world = new cttest::MailWorld;
//   std::string why = world->Start("mytest");   // "" ok; else Skipped()
//                                               // says skip (77) or fail
//   cttest::Instance ct(*world, "imap-1");      // fresh dir, db, dir://
//   ct.WriteConfig({"imap://escrow@127.0.0.1:" + world->Env("CT_IMAP_PORT")
//                   + "/INBOX", world->Env("CT_PASSWORD_FILE"),
//                   world->Env("CT_CA_FILE"), "Processed"});
//   world->Clearsign("alice", "CT-... 00\n", ct.dir() / "m.eml", 0,
//                    world->AutocryptHeader("alice"));
//   world->DeliverInOrder("escrow", ct.dir() / "m.eml");
//   cttest::Cmd run = ct.Run({"--json", "run"});
//   long n = ct.SqlCount("SELECT count(*) FROM events");
//   delete world;                               // TearDownTestSuite: Stop()
//
// A GoogleTest suite gets all of this set up by mail_suite.h (MailSuite).
// Everything lives under a fresh /tmp/ct-<tag>-XXXXXX directory that the
// world removes at Stop(). CT_HARNESS_OWNER_PID is set to this process, so
// the harness watchdogs stop the servers and gpg-agents if the test dies.
#ifndef CYBERTROC_TESTS_SUPPORT_MAIL_FIXTURE_H_
#define CYBERTROC_TESTS_SUPPORT_MAIL_FIXTURE_H_

// What the tests including this header have always got with it.
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"
#include "instance.h"
#include "json_output.h"
#include "mail_world.h"
#include "processes.h"
#include "text_files.h"

#endif  // CYBERTROC_TESTS_SUPPORT_MAIL_FIXTURE_H_
