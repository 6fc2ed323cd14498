// Regression: `deposits import` took about 190 times a statement's size in
// memory. A 31 MiB CSV of 8.1 M short lines, within the 32 MiB cap, reached
// 5.9 GB and aborted with std::bad_alloc under a 4 GiB limit; a 30 MB
// camt.053 took 475 MB. The statement is now read as a stream, twice
// (checked whole, then imported), and memory does not grow with it.
//
// Each file is made here, near the size cap, and imported by the built
// binary under a 512 MiB address-space limit (prlimit --as): the run ends
// with a clear outcome (exit 0, or exit 2 naming the limit it passes), never
// a signal or std::bad_alloc, and its peak RSS (GNU time's %M) stays within
// 64 MiB. The limits are in docs/money.md, "Money in: bank statements".
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "cli_fixture.h"

namespace ct::testing {
namespace {

constexpr char kMoney[] =
    "[money]\n"
    "pay_to_iban = FR76 3000 6000 0112 3456 7890 189\n"
    "pay_to_bic = AGRIFRPP\n"
    "pay_to_name = CyberTroc Escrow\n";

constexpr long kAddressSpace = 512L << 20;
constexpr long kMaxRssKiB = 64L << 10;
constexpr size_t kFileBytes = size_t{31} << 20;  // the cap is 32 MiB

// How a run is bounded. Under AddressSanitizer (tests/run.sh, sanitize
// stage) an address-space limit cannot work, the shadow memory alone
// reserves terabytes, and RSS says little: ASan's own RSS limit bounds the
// run there, still far below what holding the file took.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool kBounded = false;
const std::string kPrefix =
    "env ASAN_OPTIONS=\"${ASAN_OPTIONS}:hard_rss_limit_mb=1024\"";
#else
constexpr bool kBounded = true;
const std::string kPrefix =
    "prlimit --as=" + std::to_string(kAddressSpace) + " -- env";
#endif

struct BoundedRun {
  int status = -1;       // exit status; -1 when it did not exit
  long max_rss_kib = 0;  // 0 when unknown
  std::string out, err, time;
};

class StatementMemoryTest : public CliTest {
 protected:
  void SetUp() override {
    CliTest::SetUp();
    std::ofstream(dir_ / "ct.conf", std::ios::app) << kMoney;
    have_time_ = access("/usr/bin/time", X_OK) == 0;
    if (!kBounded)
      std::cout << "[ NOTE     ] AddressSanitizer build: no address-space "
                   "limit (the shadow memory needs terabytes) and no RSS "
                   "check; ASan's hard_rss_limit_mb=1024 bounds the runs\n";
    else if (!have_time_)
      std::cout << "[ NOTE     ] no /usr/bin/time (package time): peak RSS "
                   "not measured\n";
  }

  // `deposits import file` under the bounds, stdout and stderr to files.
  BoundedRun Import(const fs::path& file) {
    const fs::path out = dir_ / "out.txt", err = dir_ / "err.txt",
                   rss = dir_ / "rss.txt";
    std::string cmd;
    if (have_time_) cmd = "/usr/bin/time -f %M -o " + Quote(rss.string()) + " ";
    cmd += kPrefix + " CYBERTROC_NOW=" + Quote(kT0) + " " + Quote(CT_BINARY) +
           " --config " + Quote((dir_ / "ct.conf").string()) +
           " deposits import " + Quote(file.string()) + " >" +
           Quote(out.string()) + " 2>" + Quote(err.string());
    BoundedRun run;
    const int status = std::system(cmd.c_str());
    run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = ReadAll(out);
    run.err = ReadAll(err);
    if (have_time_) {
      run.time = ReadAll(rss);
      // The last line is %M; a line before it says if a signal ended it.
      const std::string last =
          run.time.substr(run.time.find_last_of('\n', run.time.size() - 2) + 1);
      run.max_rss_kib = std::atol(last.c_str());
    }
    return run;
  }

  // A clear outcome, within the bounds.
  void ExpectBounded(const BoundedRun& run) {
    EXPECT_TRUE(run.status == 0 || run.status == 2)
        << "status " << run.status << "\n"
        << run.err << run.time;
    EXPECT_EQ(run.time.find("signal"), std::string::npos) << run.time;
    EXPECT_EQ(run.err.find("bad_alloc"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find("terminate"), std::string::npos) << run.err;
    if (kBounded && have_time_) {
      std::cout << "[ NOTE     ] peak RSS " << run.max_rss_kib << " KiB\n";
      EXPECT_GT(run.max_rss_kib, 0) << run.time;
      EXPECT_LE(run.max_rss_kib, kMaxRssKiB);
    }
  }

  // The report's last line: the counts.
  static std::string Counts(const std::string& out) {
    const size_t end = out.find_last_not_of('\n');
    if (end == std::string::npos) return "";
    const size_t start = out.find_last_of('\n', end) + 1;
    return out.substr(start, end + 1 - start);
  }

  bool have_time_ = false;
};

TEST_F(StatementMemoryTest, CsvOfMillionsOfShortLinesIsRefusedNamingTheLimit) {
  const fs::path file = dir_ / "lines.csv";
  {
    std::ofstream csv(file, std::ios::binary);
    csv << "amount,text\n";
    std::string lines;
    for (int i = 0; i < 1024; ++i) lines += "1,a\n";
    for (size_t n = 12; n + lines.size() <= kFileBytes; n += lines.size())
      csv << lines;
  }
  ASSERT_GT(fs::file_size(file), size_t{30} << 20);
  BoundedRun run = Import(file);
  ExpectBounded(run);
  EXPECT_EQ(run.status, 2) << run.err;
  EXPECT_NE(run.err.find("more than 1000000 lines, the most cybertroc reads "
                         "of one statement"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("nothing recorded"), std::string::npos);
}

TEST_F(StatementMemoryTest, CsvNearTheCapIsImported) {
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  const fs::path file = dir_ / "debits.csv";
  size_t debits = 0;
  {
    std::ofstream csv(file, std::ios::binary);
    csv << "amount,text\n30.25," << id << "-SELLER\n";
    const std::string fee = "-1.50,frais de tenue de compte 2027\n";
    for (size_t n = 0; n + fee.size() < kFileBytes - 64; n += fee.size()) {
      csv << fee;
      ++debits;
    }
  }
  BoundedRun run = Import(file);
  ExpectBounded(run);
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(Counts(run.out),
            "1 recorded, 0 already recorded, 0 unmatched, 0 ambiguous, 0 "
            "refused, 0 pending, 0 payouts done, " +
                std::to_string(debits) + " other debits ignored")
      << run.out.substr(0, 2000);
}

TEST_F(StatementMemoryTest, CamtOfManyEntriesIsImported) {
  const std::string id = OpenSale();
  ASSERT_FALSE(id.empty());
  auto entry = [](const std::string& amount, const std::string& side,
                  const std::string& text) {
    return "<Ntry><Amt Ccy=\"EUR\">" + amount + "</Amt><CdtDbtInd>" + side +
           "</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2027-01-31</Dt></BookgDt>"
           "<NtryDtls><TxDtls><RmtInf><Ustrd>" +
           text + "</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n";
  };
  const fs::path file = dir_ / "statement.xml";
  size_t entries = 0, credits = 0;
  {
    std::ofstream xml(file, std::ios::binary);
    xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
           "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
           "<BkToCstmrStmt><Stmt><Id>S1</Id><Acct><Id><IBAN>"
           "FR7630006000011234567890189</IBAN></Id><Ccy>EUR</Ccy></Acct>\n"
        << entry("30.25", "CRDT", id + "-SELLER");
    const std::string fee = entry("1.50", "DBIT", "frais de tenue de compte");
    const std::string rent = entry("450.00", "CRDT", "loyer janvier");
    // Nine fees for one credit that names no deal (listed as unmatched).
    for (size_t n = 0; n + fee.size() < size_t{30'000'000} - 64;
         n += fee.size()) {
      const bool credit = ++entries % 10 == 0;
      xml << (credit ? rent : fee);
      credits += credit;
    }
    xml << "</Stmt></BkToCstmrStmt></Document>\n";
  }
  ASSERT_GT(entries, 100'000u);
  BoundedRun run = Import(file);
  ExpectBounded(run);
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(Counts(run.out),
            "1 recorded, 0 already recorded, " + std::to_string(credits) +
                " unmatched, 0 ambiguous, 0 refused, 0 pending, 0 payouts "
                "done, " +
                std::to_string(entries - credits) + " other debits ignored")
      << run.err;
  EXPECT_NE(Cli({"--json", "show", id}).out.find("seller 30.25"),
            std::string::npos);
}

}  // namespace
}  // namespace ct::testing
