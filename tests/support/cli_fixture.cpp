#include "cli_fixture.h"

namespace ct::testing {

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> All(const std::string& text,
                             const std::string& pattern) {
  std::vector<std::string> found;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re);
       it != std::sregex_iterator(); ++it) {
    found.push_back((*it)[1]);
  }
  return found;
}

std::string First(const std::string& text, const std::string& pattern) {
  auto all = All(text, pattern);
  return all.empty() ? "" : all.front();
}

size_t Columns(const std::string& line) {
  size_t n = 0;
  for (unsigned char c : line) n += (c & 0xC0) != 0x80;
  return n;
}

void CliTest::SetUp() {
  char tmpl[] = "/tmp/ct-e2e-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  dir_ = tmpl;
  fs::create_directories(dir_ / "gpg");
  fs::create_directories(dir_ / "maildir");
  const std::string src = CT_TEST_SOURCE_DIR;
  std::ofstream(dir_ / "ct.conf")
      << "[store]\ndatabase = " << (dir_ / "db" / "ct.db").string() << "\n"
      << "[inbox]\nurl = maildir://" << (dir_ / "maildir").string() << "\n"
      << "[outbox]\nurl = dir://" << (dir_ / "out").string() << "\n"
      << "operator = operator@example.test\n"
      << "[gpg]\nhome = " << (dir_ / "gpg").string() << "\n"
      << "[rules]\ndir = " << src << "/rules\n"
      << "[templates]\ndir = " << src << "/templates\n"
      << "default_language = en\n"
      << "[log]\nfile = " << (dir_ / "ct.log").string() << "\n";
  // Only run, daemon and init create the database (a read command on a
  // mistyped path must not leave an empty one behind).
  CliRun init = Cli({"init"});
  ASSERT_EQ(init.status, 0) << init.err;
}

CliRun CliTest::Cli(const std::vector<std::string>& args,
                    const std::string& now, bool with_config) {
  std::string cmd =
      extra_env_ + " CYBERTROC_NOW=" + Quote(now) + " " + Quote(CT_BINARY);
  if (with_config) cmd += " --config " + Quote((dir_ / "ct.conf").string());
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " 2>" + Quote((dir_ / "stderr").string());
  CliRun run;
  FILE* pipe = popen(cmd.c_str(), "r");
  if (!pipe) return run;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) run.out.append(buf, n);
  const int status = pclose(pipe);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.err = ReadAll(dir_ / "stderr");
  return run;
}

std::string CliTest::OpenSale(const std::string& buyer) {
  CliRun open = Cli({"--json", "open", "sale", "--seller", "alice@example.test",
                     "--buyer", buyer, "--item", "CD", "--price", "25.00",
                     "--shipping", "5.00"});
  EXPECT_EQ(open.status, 0) << open.err;
  // An id as docs/protocol.md "Deal ids and command lines" writes them, or ""
  // (which fails the test's next step).
  const std::string id = cttest::JsonString(open.out, "id");
  return std::regex_match(id, std::regex("CT-[0-9A-Z]{8}")) ? id : "";
}

std::string CliTest::FundedSale() {
  const std::string id = OpenSale();
  EXPECT_EQ(Cli({"deposit", id, "seller", "30.25"}).status, 0);
  EXPECT_EQ(Cli({"deposit", id, "buyer", "60.25", "--ref", "VIR-1"}).status, 0);
  return id;
}

}  // namespace ct::testing
