#include "corpus_sign.h"

#include <gtest/gtest.h>

#include <sstream>

#include "corpus_world.h"

namespace corpus {

namespace {

const std::string kSignSh = cttest::kHarnessDir + "/sign.sh";

}  // namespace

std::string Clear(const std::string& signer, const std::string& key,
                  const std::string& from, const std::string& text,
                  const SignOptions& opt) {
  fs::path body = TmpFile("body"), out = TmpFile("eml");
  WriteFile(body, text);
  std::string cmd;
  if (opt.sign_time)
    cmd += "CT_SIGN_TIME=" + std::to_string(*opt.sign_time) + " ";
  if (!opt.extra_headers.empty())
    cmd += "CT_EXTRA_HEADERS=" + Quote(opt.extra_headers) + " ";
  cmd += Quote(kSignSh) + " clearsign " + Quote(E().party[signer].string()) +
         " " + Quote(key) + " " + Quote(from) + " " + kEscrow + " " +
         Quote(body.string()) + " " + Quote(out.string());
  ShellResult r = Shell(cmd, TmpFile("stderr"));
  EXPECT_EQ(r.status, 0) << cmd << "\n" << r.err;
  return ReadFile(out);
}

std::string Neomutt(const std::string& signer, const std::string& from,
                    const std::string& text) {
  fs::path body = TmpFile("body"), out = TmpFile("eml");
  WriteFile(body, text);
  std::string cmd = Quote(kSignSh) + " neomutt " +
                    Quote(E().party[signer].string()) + " " + Quote(from) +
                    " " + kEscrow + " " + Quote(body.string()) + " " +
                    Quote(out.string());
  ShellResult r = Shell(cmd, TmpFile("stderr"));
  EXPECT_EQ(r.status, 0) << cmd << "\n" << r.err;
  return ReadFile(out);
}

std::string Gpg(const fs::path& home, const std::string& args,
                const std::string& input) {
  fs::path in = TmpFile("gpgin");
  WriteFile(in, input);
  std::string cmd = "gpg --homedir " + Quote(home.string()) +
                    " --batch --quiet --pinentry-mode loopback --passphrase "
                    "'' " +
                    args + " <" + Quote(in.string());
  ShellResult r = Shell(cmd, TmpFile("stderr"));
  EXPECT_EQ(r.status, 0) << cmd << "\n" << r.err;
  return r.out;
}

std::string Autocrypt(const std::string& name, const std::string& addr) {
  std::string armored = ReadFile(E().gnupg / "pub" / (name + ".asc"));
  std::string binary = Gpg(E().gnupg, "--dearmor", armored);
  std::string b64 = Base64(binary, 72);
  std::string folded;
  std::istringstream lines(b64);
  for (std::string line; std::getline(lines, line);) folded += "\n " + line;
  return "Autocrypt: addr=" + addr + "; keydata=" + folded;
}

std::string FreshId(const std::string& tag) {
  return "<corpus-" + tag + "-" + std::to_string(++E().serial) + "." +
         std::to_string(EpochNow()) + "@example.test>";
}

std::string Refresh(const std::string& raw, const std::string& tag) {
  Message m = Message::Split(raw);
  m.SetHeader("Message-ID", FreshId(tag));
  m.SetHeader("Date", "Mon, 23 Nov 2026 09:00:00 +0000");
  return m.Join();
}

std::string MessageIdOf(const std::string& raw) {
  return Message::Split(raw).Header("Message-ID");
}

std::string DetachSigned(const std::string& signer, const std::string& key,
                         const std::string& part, const std::string& tag) {
  std::string sig =
      Gpg(E().party[signer], "--armor --detach-sign --local-user " + Quote(key),
          ToCrlf(part));
  return MultipartSigned(part, sig, "=-corpus-" + tag + "-signed");
}

std::string Encrypted(const std::string& sender, const std::string& recipient,
                      const std::string& entity, const std::string& tag,
                      const std::string& sign_key) {
  std::string args = "--trust-model always --armor --encrypt --recipient " +
                     Quote(Fpr(recipient));
  if (!sign_key.empty()) args += " --sign --local-user " + Quote(sign_key);
  std::string armored = Gpg(E().party[sender], args, ToCrlf(entity));
  EXPECT_TRUE(Contains(armored, "-----BEGIN PGP MESSAGE-----")) << armored;
  return MultipartEncrypted(armored, "=-corpus-" + tag + "-encrypted");
}

}  // namespace corpus
