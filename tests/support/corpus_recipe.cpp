#include "corpus_recipe.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "corpus_sign.h"
#include "corpus_toml.h"
#include "corpus_transform.h"
#include "corpus_world.h"

namespace corpus {

namespace {

// `text` without one final line break (LF or CRLF).
std::string Chomp(std::string text) {
  if (text.ends_with("\n")) text.pop_back();
  if (text.ends_with("\r")) text.pop_back();
  return text;
}

// The deal id as a careless person types it: "ct-", lower case, the
// letter o for 0 and l for 1.
std::string Sloppy(const std::string& id) {
  std::string typed = "ct-";
  for (char ch : Lower(id).substr(3))
    typed += ch == '0' ? 'o' : ch == '1' ? 'l' : ch;
  return typed;
}

// One case's recipe: its parts, made on first use, and its steps.
class Recipe {
 public:
  Recipe(std::string name, const toml::table& recipe)
      : name_(std::move(name)), dir_(kCorpusDir / name_), recipe_(recipe) {}

  std::vector<Step> Steps();
  const std::string& error() const { return error_; }

 private:
  std::string Expand(const std::string& text);
  std::string Placeholder(const std::string& name);
  std::string Part(const std::string& name);
  std::string MakePart(const std::string& name, const toml::table& t);
  std::string Content(const Fields& f);
  std::string Clearsigned(const Fields& f, const std::string& name);
  SignOptions OptionsOf(const Fields& f);
  Step MakeStep(const toml::table& t, size_t index);

  std::string name_;
  fs::path dir_;
  const toml::table& recipe_;
  std::map<std::string, std::string> parts_;
  std::vector<std::string> making_;  // parts being made: a cycle is an error
  std::string error_;
};

std::string Recipe::Expand(const std::string& text) {
  std::string out;
  size_t at = 0;
  for (size_t open; (open = text.find("{{", at)) != std::string::npos;) {
    const size_t close = text.find("}}", open);
    if (close == std::string::npos) {
      if (error_.empty()) error_ = "'{{' without '}}' in: " + text;
      break;
    }
    out += text.substr(at, open - at);
    out += Placeholder(text.substr(open + 2, close - open - 2));
    at = close + 2;
  }
  return out + text.substr(std::min(at, text.size()));
}

std::string Recipe::Placeholder(const std::string& name) {
  if (name == "DEAL") return D();
  if (name == "DEAL_FULLWIDTH") return Fullwidth(D());
  if (name == "DEAL_SLOPPY") return Sloppy(D());
  if (name == "BOM") return "\xEF\xBB\xBF";
  if (name == "MESSAGE_ID") return FreshId(name_);
  const size_t dot = name.find('.');
  const std::string raw = Part(name.substr(0, dot));
  if (dot == std::string::npos) return Chomp(raw);
  const std::string field = name.substr(dot + 1);
  const Message m = Message::Split(raw);
  if (field == "head") return Chomp(m.head);
  if (field == "body") return Chomp(m.body);
  if (field == "content_type") return m.Header("Content-Type");
  if (error_.empty()) error_ = "unknown placeholder {{" + name + "}}";
  return "";
}

std::string Recipe::Part(const std::string& name) {
  if (auto it = parts_.find(name); it != parts_.end()) return it->second;
  const toml::table* t = recipe_["part"][name].as_table();
  if (t == nullptr || std::ranges::find(making_, name) != making_.end()) {
    if (error_.empty())
      error_ = "no part '" + name + "' (or it is made of itself)";
    return "";
  }
  making_.push_back(name);
  std::string made = MakePart(name, *t);
  making_.pop_back();
  return parts_[name] = made;
}

// The `text` (inline) or the `file` (in the case folder) of a part,
// placeholders replaced.
std::string Recipe::Content(const Fields& f) {
  if (f.Has("text") == f.Has("file")) {
    f.Fail("give either text or file");
    return "";
  }
  if (f.Has("text")) return Expand(f.Str("text"));
  const fs::path file = dir_ / f.Str("file");
  if (!fs::is_regular_file(file)) f.Fail("no file " + file.string());
  return Expand(ReadFile(file));
}

// Extra headers, Autocrypt and the faked signing time of a clearsign part.
SignOptions Recipe::OptionsOf(const Fields& f) {
  SignOptions options;
  std::vector<std::string> headers = f.Strings("headers");
  if (f.Has("autocrypt")) {
    const std::string who = f.Str("autocrypt");
    headers.push_back(Autocrypt(who, Address(who)));
  }
  for (const auto& h : headers)
    options.extra_headers += (options.extra_headers.empty() ? "" : "\n") + h;
  if (const toml::table* t = f.Table("sign_time")) {
    const Fields time(*t, "sign_time", error_, {"since", "seconds"});
    const std::string since = time.Required("since");
    long long base = EpochNow();
    if (since == "key_created") {
      std::string signer = f.Str("signer");
      for (char& c : signer)
        c = c == '-' ? '_' : static_cast<char>(std::toupper(c));
      const std::string created = E().keys["CT_" + signer + "_CREATED"];
      if (created.empty())
        time.Fail("keys.env has no CT_" + signer + "_CREATED");
      base = created.empty() ? 0 : std::stoll(created);
    } else if (since != "now") {
      time.Fail("since must be now or key_created");
    }
    options.sign_time = base + time.Int("seconds", 0);
  }
  return options;
}

std::string Recipe::Clearsigned(const Fields& f, const std::string& name) {
  const std::string signer = f.Required("signer");
  const SignOptions options = OptionsOf(f);
  std::string text = Content(f);
  // Padding to a size: lines of 71 'x', as long as a mail line may be.
  for (long long i = 0; i < f.Int("pad_to_bytes", 0) / 72; ++i)
    text += std::string(71, 'x') + "\n";
  if (!error_.empty()) return "";
  const std::string raw = Clear(signer, f.Str("key", Address(signer)),
                                Address(f.Str("from", signer)), text, options);
  if (f.Has("signed_by")) {  // which key gpg picked, from its status lines
    const std::string status = Gpg(E().party[signer], "--status-fd 1 --verify",
                                   Message::Split(raw).body);
    EXPECT_TRUE(Contains(status, "VALIDSIG " + Fpr(f.Str("signed_by"))))
        << "part " << name << " not signed by " << f.Str("signed_by") << ":\n"
        << status;
  }
  return raw;
}

std::string Recipe::MakePart(const std::string& name, const toml::table& t) {
  const std::string where = "part." + name;
  const std::string make = t["make"].value_or(std::string());
  if (make == "clearsign") {
    const Fields f(t, where, error_,
                   {"make", "signer", "key", "from", "text", "file", "headers",
                    "autocrypt", "sign_time", "pad_to_bytes", "signed_by"});
    return Clearsigned(f, name);
  }
  if (make == "neomutt") {
    const Fields f(t, where, error_,
                   {"make", "signer", "from", "text", "file"});
    const std::string signer = f.Required("signer");
    const std::string text = Content(f);
    return error_.empty()
               ? Neomutt(signer, Address(f.Str("from", signer)), text)
               : "";
  }
  if (make == "gpg_clearsign") {
    const Fields f(t, where, error_, {"make", "signers", "text", "file"});
    std::string args = "--clearsign";
    for (const auto& s : f.Strings("signers")) args += " -u " + Fpr(s);
    const std::string text = Content(f);
    return error_.empty() ? Gpg(E().gnupg, args, text) : "";
  }
  if (make == "detach") {
    const Fields f(t, where, error_, {"make", "signer", "key", "text", "file"});
    const std::string signer = f.Required("signer");
    const std::string part = Content(f);
    return error_.empty() ? DetachSigned(signer, f.Str("key", Address(signer)),
                                         part, name_ + "-" + name)
                          : "";
  }
  if (make == "encrypt") {
    const Fields f(t, where, error_,
                   {"make", "sender", "to", "sign", "text", "file"});
    const std::string sender = f.Required("sender"), to = f.Required("to");
    const std::string entity = Content(f);
    if (!error_.empty()) return "";
    return Encrypted(sender, to, entity, name_ + "-" + name,
                     f.Bool("sign", false) ? Address(sender) : "");
  }
  if (make == "nest") {
    const Fields f(t, where, error_,
                   {"make", "depth", "boundary", "text", "file"});
    std::string entity = Content(f);
    const std::string prefix = f.Required("boundary");
    for (long long i = f.Int("depth", 0) - 1; i >= 0; --i) {
      const std::string b = prefix + std::to_string(i);
      entity = "Content-Type: multipart/mixed; boundary=\"" + b + "\"\n\n--" +
               b + "\n" + entity + "\n--" + b + "--\n";
    }
    return entity;
  }
  if (make == "baseline") {
    const Fields f(t, where, error_, {"make", "which"});
    const std::string which = f.Required("which");
    if (which == "offer") return E().offer_raw;
    if (which == "accept") return E().accept_raw;
    f.Fail("which must be offer or accept");
    return "";
  }
  if (error_.empty()) error_ = where + ": unknown make '" + make + "'";
  return "";
}

Step Recipe::MakeStep(const toml::table& t, size_t index) {
  const std::string where = "step " + std::to_string(index + 1);
  const Fields f(t, where, error_, {"message", "part", "then", "clock"});
  Step step;
  if (f.Has("message") == f.Has("part")) f.Fail("give either message or part");
  if (f.Has("part")) step.raw = Part(f.Str("part"));
  if (f.Has("message")) {
    const fs::path file = dir_ / f.Str("message");
    if (!fs::is_regular_file(file)) f.Fail("no file " + file.string());
    step.raw = Expand(ReadFile(file));
  }
  for (const toml::table* transform : f.Tables("then")) {
    step.raw = Transform(
        step.raw, *transform,
        [this](const std::string& s) { return Expand(s); }, name_,
        where + " then", error_);
  }
  if (const toml::table* clock = f.Table("clock")) {
    const Fields c(*clock, where + " clock", error_, {"days", "hours"});
    step.clock_offset =
        std::chrono::hours(24 * c.Int("days", 0) + c.Int("hours", 0));
  }
  return step;
}

std::vector<Step> Recipe::Steps() {
  const Fields top(recipe_, "recipe", error_, {"part", "step"});
  std::vector<Step> steps;
  const auto tables = top.Tables("step");
  if (tables.empty()) top.Fail("no [[step]]");
  for (size_t i = 0; i < tables.size(); ++i)
    steps.push_back(MakeStep(*tables[i], i));
  // A part no step uses is a mistake (a misspelt name, a forgotten step).
  if (const toml::table* parts = top.Table("part"))
    for (const auto& [key, value] : *parts)
      if (!parts_.contains(std::string(key.str())))
        top.Fail("part '" + std::string(key.str()) + "' is never used");
  return steps;
}

}  // namespace

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kCorpusDir, ec))
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::vector<Step> MakeSteps(const std::string& name) {
  const fs::path dir = kCorpusDir / name;
  const fs::path recipe_file = dir / "recipe.toml", fixed = dir / "message.eml";
  std::string error;
  if (!fs::exists(recipe_file)) {
    // A fixed sample: one message, {{DEAL}} replaced.
    if (!fs::is_regular_file(fixed)) {
      ADD_FAILURE() << dir << ": neither recipe.toml nor message.eml";
      return {};
    }
    return {{ReplaceAll(ReadFile(fixed), "{{DEAL}}", D())}};
  }
  auto recipe = ParseToml(recipe_file.string(), error);
  std::vector<Step> steps;
  if (recipe) {
    Recipe r(name, *recipe);
    steps = r.Steps();
    error = r.error();
  }
  if (!error.empty()) {
    ADD_FAILURE() << recipe_file.string() << ": " << error;
    return {};
  }
  return steps;
}

}  // namespace corpus
