// A keyring that a gpg killed between its two renames left without
// pubring.kbx is completed before any gpg of ours reads it, and nothing else
// is touched.
#include "crypto/keybox_repair.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace ct::crypto {
namespace {

namespace fs = std::filesystem;

class KeyboxRepairTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() /
            ("ct-kbx-" + std::to_string(::getpid()) + "-" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(home_);
    fs::create_directories(home_);
  }
  void TearDown() override { fs::remove_all(home_); }

  void Write(const std::string& name, const std::string& text) {
    std::ofstream(home_ / name, std::ios::binary) << text;
  }
  std::string Read(const std::string& name) {
    std::ifstream in(home_ / name, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  // GnuPG's lock file: the holder's pid, padded, then the host name.
  void Lock(pid_t pid) {
    std::ostringstream text;
    text.width(10);
    text << pid;
    Write("pubring.kbx.lock", text.str() + "\nhost\n");
  }

  fs::path home_;
};

TEST_F(KeyboxRepairTest, KilledBetweenTheRenamesTheNewKeyringIsPutInPlace) {
  Write("pubring.kbx~", "old keys");
  Write("pubring.kbx.tmp", "old keys and the new one");
  auto repaired = FinishInterruptedKeyboxWrite(home_.string());
  ASSERT_TRUE(repaired.has_value()) << repaired.error().message;
  EXPECT_TRUE(*repaired);
  EXPECT_EQ(Read("pubring.kbx"), "old keys and the new one");
  EXPECT_FALSE(fs::exists(home_ / "pubring.kbx.tmp"));
  EXPECT_EQ(Read("pubring.kbx~"), "old keys");
}

TEST_F(KeyboxRepairTest, WithoutTheNewFileTheBackupComesBack) {
  Write("pubring.kbx~", "old keys");
  auto repaired = FinishInterruptedKeyboxWrite(home_.string());
  ASSERT_TRUE(repaired.has_value());
  EXPECT_TRUE(*repaired);
  EXPECT_EQ(Read("pubring.kbx"), "old keys");
}

TEST_F(KeyboxRepairTest, AStaleLockOfADeadGpgDoesNotStopTheRepair) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) ::_exit(0);
  ASSERT_EQ(::waitpid(child, nullptr, 0), child);  // now surely dead
  Lock(child);
  Write("pubring.kbx~", "old keys");
  Write("pubring.kbx.tmp", "new keys");
  auto repaired = FinishInterruptedKeyboxWrite(home_.string());
  ASSERT_TRUE(repaired.has_value());
  EXPECT_TRUE(*repaired);
  EXPECT_EQ(Read("pubring.kbx"), "new keys");
}

TEST_F(KeyboxRepairTest, AGpgStillBetweenItsRenamesIsLeftToFinish) {
  Lock(::getpid());  // alive: this test
  Write("pubring.kbx~", "old keys");
  Write("pubring.kbx.tmp", "new keys");
  auto repaired = FinishInterruptedKeyboxWrite(home_.string());
  ASSERT_TRUE(repaired.has_value());
  EXPECT_FALSE(*repaired);
  EXPECT_FALSE(fs::exists(home_ / "pubring.kbx"));
  EXPECT_EQ(Read("pubring.kbx.tmp"), "new keys");
}

TEST_F(KeyboxRepairTest, AWholeKeyringIsNotTouched) {
  Write("pubring.kbx", "keys");
  Write("pubring.kbx~", "older keys");
  Write("pubring.kbx.tmp", "half written");  // a gpg killed while writing
  auto repaired = FinishInterruptedKeyboxWrite(home_.string());
  ASSERT_TRUE(repaired.has_value());
  EXPECT_FALSE(*repaired);
  EXPECT_EQ(Read("pubring.kbx"), "keys");
  EXPECT_EQ(Read("pubring.kbx.tmp"), "half written");
}

TEST_F(KeyboxRepairTest, ANewHomeIsNotTouched) {
  auto repaired = FinishInterruptedKeyboxWrite(home_.string());
  ASSERT_TRUE(repaired.has_value());
  EXPECT_FALSE(*repaired);
  EXPECT_FALSE(fs::exists(home_ / "pubring.kbx"));
}

}  // namespace
}  // namespace ct::crypto
