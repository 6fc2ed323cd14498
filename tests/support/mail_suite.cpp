#include "mail_suite.h"

#include <iostream>

namespace cttest {

void MailTest::StartInstance(const std::string& label) {
  ct_ = std::make_unique<Instance>(*world_, label);
  work_ = ct_->dir() / "work";
  fs::create_directories(work_);
  world_->Empty("escrow");
}

void MailTest::TearDown() {
  if (ct_ && HasFailure()) {
    std::cerr << "--- " << ct_->log() << "\n" << ReadFile(ct_->log());
    const std::string smtpd = world_->Env("CT_SMTPD_LOG");
    if (!smtpd.empty()) {
      std::cerr << "--- tail of " << smtpd << "\n"
                << Shell("tail -n 30 " + Quote(smtpd)).out;
    }
  }
  ct_.reset();
}

void MailTest::WriteConfig(ConfigLines lines) {
  lines.gpg = "encrypt_replies = true\n" + lines.gpg;
  lines.log = "level = debug\n" + lines.log;
  ct_->WriteConfig(lines);
}

void MailTest::Configure(const std::string& extra) {
  const std::string password =
      "password_file = " + world_->Env("CT_PASSWORD_FILE") + "\n";
  WriteConfig({.inbox = "url = imap://escrow@127.0.0.1:" +
                        world_->Env("CT_IMAP_PORT") + "/INBOX\n" + password +
                        "tls_ca_file = " + world_->Env("CT_CA_FILE") +
                        "\nprocessed_folder = Processed\n",
               .outbox = "url = smtp://escrow@127.0.0.1:" +
                         world_->Env("CT_SMTP_PORT") + "\n" + password,
               .extra = extra});
}

Cmd MailTest::CtAt(std::time_t when, const std::vector<std::string>& args,
                   const std::string& env) const {
  return ct_->Run(
      args, "CYBERTROC_NOW=" + IsoTime(when) + (env.empty() ? "" : " " + env));
}

void MailTest::Ok(const std::vector<std::string>& args) const {
  Cmd cmd = Ct(args);
  ASSERT_EQ(cmd.status, 0) << cmd.All();
}

std::string MailTest::State(const std::string& id) const {
  return JsonString(Ct({"--json", "show", id}).out, "state");
}

void MailTest::ImportKey(const std::string& name) const {
  Ok({"keys", "import",
      (world_->gnupg_dir() / "pub" / (name + ".asc")).string()});
}

void MailTest::BindKey(const std::string& name) const {
  ASSERT_NO_FATAL_FAILURE(ImportKey(name));
  Ok({"keys", "bind", name + "@example.test", world_->Fpr(name)});
}

fs::path MailTest::NextMailFile() {
  return work_ / ("mail-" + std::to_string(++mails_) + ".eml");
}

void MailTest::Mail(const std::string& name, const std::string& body) {
  const fs::path file = NextMailFile();
  world_->Clearsign(name, body, file, 0, world_->AutocryptHeader(name),
                    mail_subject_);
  world_->Deliver("escrow", file);
}

void MailTest::WaitQueue() const {
  Cmd wait = Shell(MailWorld::Script("servers.sh") + " wait-queue " +
                   Quote(world_->servers_dir()));
  ASSERT_EQ(wait.status, 0) << wait.All();
}

void MailTest::RunAndDeliver(int applied, int refused, int quarantined,
                             std::initializer_list<const char*> zero) {
  Cmd run = Ct({"--json", "run"});
  ASSERT_EQ(run.status, 0) << run.All();
  EXPECT_EQ(JsonInt(run.out, "applied"), applied) << run.out;
  EXPECT_EQ(JsonInt(run.out, "refused"), refused) << run.out;
  EXPECT_EQ(JsonInt(run.out, "quarantined"), quarantined) << run.out;
  for (const char* counter : zero)
    EXPECT_EQ(JsonInt(run.out, counter), 0) << counter << ": " << run.out;
  WaitQueue();
}

std::vector<Received> MailTest::AllMailOf(const std::string& user) {
  std::vector<Received> mail;
  for (const fs::path& file : MaildirFiles(world_->Maildir(user)))
    mail.push_back(OpenMail(file, world_->PartyHome(user), work_));
  return mail;
}

std::vector<Received> MailTest::MailOf(const std::string& user,
                                       const std::string& marker) {
  std::vector<Received> mail;
  for (const fs::path& file : MaildirFiles(world_->Maildir(user))) {
    const Entity top = ParseEntity(ToCrlf(ReadFile(file)));
    if (DecodeHeader(top.Get("Subject")).find(marker) == std::string::npos)
      continue;
    mail.push_back(OpenMail(file, world_->PartyHome(user), work_));
  }
  return mail;
}

std::vector<Received> MailTest::EscrowMailOf(const std::string& user,
                                             const std::string& marker,
                                             bool encrypted) {
  std::vector<Received> mail = MailOf(user, marker);
  for (const Received& m : mail) {
    EXPECT_EQ(m.problem, "") << m.file;
    EXPECT_EQ(m.signer, world_->Fpr("escrow")) << m.file;
    if (encrypted) {
      EXPECT_TRUE(m.encrypted) << m.file;
    }
  }
  return mail;
}

}  // namespace cttest
