// Whether fetching from a maildir costs the same however many old messages cur/
// holds (cur/ only grows: every acknowledged message stays there). For each
// size of cur/ (default 0, 20000 and 100000 old, acknowledged messages), 200
// new messages are put in new/ and timed through the source as `cybertroc run`
// drives it: List, then Fetch and Acknowledge each. Prints each phase, the
// total and its ratio to the first size's (flat: near 1). Each figure is the
// median of five rounds.
//
// Acknowledge syncs two directories per message, so on a disk the totals
// follow the disk's fsync latency; TMPDIR=/dev/shm leaves it out and shows
// the CPU cost alone (List still reads the names in cur/ once: that is where
// a message moved there unread by another mail client is found).
//
//   [TMPDIR=DIR] build/tests/maildir_bench [NEW [OLD...]]
//   (default: 200 0 20000 100000)
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "config/config.h"
#include "mail/open_source.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int kRounds = 5;

void Die(const std::string& why) {
  std::fprintf(stderr, "maildir_bench: %s\n", why.c_str());
  std::exit(1);
}

// A plausible small signed command, about 1.5 KB.
std::string Message(int n) {
  std::string body =
      "From: alice@example.test\r\nTo: escrow@example.test\r\n"
      "Subject: about my deal\r\nMessage-ID: <bench." +
      std::to_string(n) + "@example.test>\r\n\r\n";
  for (int line = 0; line < 20; ++line)
    body += "CT-7K3QX9A2 61 a line of text that a party could have written\r\n";
  return body;
}

// Maildir names as a delivery agent makes them: TIME.UNIQUE.HOST.
std::string Name(int time, int n) {
  return std::to_string(1700000000 + time) + ".M" + std::to_string(n) +
         "P4242.bench.example.test";
}

void Write(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) Die("cannot write " + path.string());
}

// `old` acknowledged messages in cur/, as earlier runs left them.
void FillCur(const fs::path& box, int from, int to) {
  for (int i = from; i < to; ++i)
    Write(box / "cur" / (Name(i, i) + ":2,S"), Message(i));
}

struct Times {
  double list = 0, fetch = 0, ack = 0;  // seconds
  double Total() const { return list + fetch + ack; }
};

double Since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// One round: `count` new messages listed, fetched and acknowledged.
Times Round(const fs::path& box, int count, int round) {
  for (int i = 0; i < count; ++i) {
    const int n = 10000000 + round * count + i;
    Write(box / "new" / Name(n, n), Message(n));
  }
  ct::config::InboxConfig cfg;
  cfg.url = "maildir://" + box.string();
  Times times;
  auto start = Clock::now();
  auto source = ct::mail::OpenSource(cfg, "");
  if (!source) Die(source.error().message);
  auto uids = (*source)->List();
  if (!uids || uids->size() != static_cast<size_t>(count))
    Die("List did not find the new messages");
  times.list = Since(start);
  for (const std::string& uid : *uids) {
    start = Clock::now();
    auto fetched = (*source)->Fetch(uid, 1 << 20);
    if (!fetched || fetched->raw.empty()) Die("Fetch " + uid);
    times.fetch += Since(start);
    start = Clock::now();
    if (!(*source)->Acknowledge(uid)) Die("Acknowledge " + uid);
    times.ack += Since(start);
  }
  if (!(*source)->Close()) Die("Close");
  return times;
}

}  // namespace

int main(int argc, char** argv) {
  const int count = argc > 1 ? std::atoi(argv[1]) : 200;
  std::vector<int> sizes;
  for (int i = 2; i < argc; ++i) sizes.push_back(std::atoi(argv[i]));
  if (sizes.empty()) sizes = {0, 20000, 100000};
  std::sort(sizes.begin(), sizes.end());
  if (count <= 0 || sizes.front() < 0)
    Die("usage: maildir_bench [NEW [OLD...]]");

  std::string pattern = (fs::temp_directory_path() / "ct-maildir-bench.XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
  const fs::path box = fs::path(pattern) / "box";
  for (const char* sub : {"new", "cur", "tmp"})
    fs::create_directories(box / sub);

  std::printf(
      "%d new messages listed, fetched and acknowledged (median of %d "
      "rounds, by total) in %s;\nratio = total / total with the first cur/ "
      "size. Acknowledge includes two directory fsyncs per message.\n",
      count, kRounds, fs::temp_directory_path().c_str());
  double first = 0;
  int filled = 0;
  for (const int old : sizes) {
    FillCur(box, filled, old);  // grows cur/ to `old` before the rounds
    filled = old;
    std::vector<Times> rounds;
    for (int round = 0; round < kRounds; ++round) {
      rounds.push_back(Round(box, count, round));
      // Each round leaves its messages in cur/: remove them, so that every
      // round of this size sees exactly `old` there.
      for (int i = 0; i < count; ++i) {
        const int n = 10000000 + round * count + i;
        fs::remove(box / "cur" / (Name(n, n) + ":2,S"));
      }
    }
    std::sort(rounds.begin(), rounds.end(), [](const Times& a, const Times& b) {
      return a.Total() < b.Total();
    });
    const Times& median = rounds[kRounds / 2];
    if (first == 0) first = median.Total();
    std::printf(
        "  %7d old in cur/: total %7.3f s (list %6.3f, fetch %6.3f, "
        "acknowledge %6.3f)  ratio %.2f\n",
        old, median.Total(), median.list, median.fetch, median.ack,
        median.Total() / first);
  }
  fs::remove_all(pattern);
  return 0;
}
