#include "notify/render.h"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <sstream>

#include "core/limits.h"
#include "notify/message_context.h"
#include "notify/renderer.h"
#include "notify/sample_context.h"
#include "util/read_file.h"

namespace ct::notify {
namespace {

namespace fs = std::filesystem;
using Mustache = kainjow::mustache::mustache;

constexpr char kFooter[] = "_footer";

// Only plain names reach the file system: no path tricks from a deal's lang.
bool SafeName(const std::string& s) {
  if (s.empty() || s.size() > 40) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string TemplatePath(const std::string& dir, const std::string& lang,
                         const std::string& name) {
  return (fs::path(dir) / lang / (name + ".mustache")).string();
}

Result<std::string> ReadFile(const std::string& path) {
  auto text =
      util::ReadFileLimited(path, core::kMaxTemplateFileBytes, "template");
  if (!text) return Fail(ErrorKind::kConfig, text.error().message);
  return std::move(*text);
}

// A context that remembers every name it could not resolve, so that `check`
// catches a template using a key that is not in the contract.
class RecordingContext : public kainjow::mustache::context<std::string> {
 public:
  explicit RecordingContext(const Data* data) : context(data) {}
  const Data* get(const std::string& name) const override {
    const Data* found = context::get(name);
    if (!found) missing_.insert(name);
    return found;
  }
  const std::set<std::string>& missing() const { return missing_; }

 private:
  mutable std::set<std::string> missing_;
};

// Parses `source`; the texts are plain text, never HTML-escaped.
Result<Mustache> Parse(const std::string& path, const std::string& source) {
  Mustache tmpl(source);
  if (!tmpl.is_valid()) {
    return Fail(ErrorKind::kConfig, path + ": " + tmpl.error_message());
  }
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  return tmpl;
}

Result<std::string> RenderParsed(const std::string& path, Mustache& tmpl,
                                 const Data& ctx,
                                 std::set<std::string>* missing) {
  RecordingContext rctx(&ctx);
  std::string out = tmpl.render(rctx);
  if (!tmpl.is_valid()) {
    return Fail(ErrorKind::kConfig, path + ": " + tmpl.error_message());
  }
  if (missing) *missing = rctx.missing();
  return out;
}

Result<std::string> RenderText(const std::string& path,
                               const std::string& source, const Data& ctx,
                               std::set<std::string>* missing) {
  auto tmpl = Parse(path, source);
  CT_TRY(tmpl);
  return RenderParsed(path, *tmpl, ctx, missing);
}

struct Split {
  std::string subject;
  std::string body;
  bool blank_second_line = false;
};

Split SplitSubject(const std::string& text) {
  Split s;
  const size_t nl = text.find('\n');
  s.subject = text.substr(0, nl);
  if (nl == std::string::npos) return s;
  std::string rest = text.substr(nl + 1);
  const size_t nl2 = rest.find('\n');
  const std::string second = rest.substr(0, nl2);
  s.blank_second_line = OneLine(second).empty();
  s.body = s.blank_second_line
               ? (nl2 == std::string::npos ? "" : rest.substr(nl2 + 1))
               : rest;
  return s;
}

std::string TrimNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  size_t start = 0;
  while (start < s.size() && (s[start] == '\n' || s[start] == '\r')) ++start;
  return s.substr(start);
}

void AppendSection(std::string& body, const std::string& section) {
  const std::string trimmed = TrimNewlines(section);
  if (trimmed.empty()) return;
  if (!body.empty()) body += "\n\n";
  body += trimmed;
}

}  // namespace

std::string OneLine(std::string_view text) {
  std::string out;
  bool blank = false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F || c == ' ') {
      blank = true;
      continue;
    }
    if (blank && !out.empty()) out += ' ';
    blank = false;
    out += ch;
  }
  return out;
}

Renderer::Renderer(std::string dir, std::string default_language)
    : dir_(std::move(dir)),
      default_language_(std::move(default_language)),
      cache_(std::make_shared<Cache>()) {}

Result<std::string> Renderer::Locate(const std::string& lang,
                                     const std::string& name) const {
  if (!SafeName(name)) {
    return Fail(ErrorKind::kConfig, "bad template name '" + name + "'");
  }
  for (const std::string& l : {lang, default_language_, std::string("en")}) {
    if (!SafeName(l)) continue;
    const std::string path = TemplatePath(dir_, l, name);
    std::error_code ec;
    if (fs::is_regular_file(path, ec)) return path;
  }
  return Fail(ErrorKind::kConfig,
              TemplatePath(dir_, SafeName(lang) ? lang : "en", name) +
                  ": template not found");
}

struct Renderer::Parsed {
  std::string path;
  Mustache tmpl;
};

struct Renderer::Cache {
  std::mutex mutex;  // guards `parsed` and rendering with a Parsed
  std::map<std::pair<std::string, std::string>, std::shared_ptr<Parsed>>
      parsed;  // by (language asked for, name)
  // Each language's _labels.txt, read once like the templates (it is read
  // for every message rendered).
  std::map<std::string, std::shared_ptr<const LabelMap>> labels;
};

// Called with cache_->mutex held.
Result<std::shared_ptr<Renderer::Parsed>> Renderer::Load(
    const std::string& lang, const std::string& name) const {
  auto& slot = cache_->parsed[{lang, name}];
  if (slot) return slot;
  auto path = Locate(lang, name);
  CT_TRY(path);
  auto source = ReadFile(*path);
  CT_TRY(source);
  auto tmpl = Parse(*path, *source);
  CT_TRY(tmpl);
  slot = std::make_shared<Parsed>(Parsed{*path, std::move(*tmpl)});
  return slot;
}

Result<std::string> Renderer::RenderOne(const std::string& lang,
                                        const std::string& name,
                                        const Data& ctx) const {
  // One lock for loading and rendering: a parsed template keeps the state
  // of its last render, so it renders one message at a time.
  std::lock_guard lock(cache_->mutex);
  auto parsed = Load(lang, name);
  CT_TRY(parsed);
  return RenderParsed((*parsed)->path, (*parsed)->tmpl, ctx, nullptr);
}

std::shared_ptr<const Renderer::LabelMap> Renderer::SharedLabels(
    const std::string& lang) const {
  std::lock_guard lock(cache_->mutex);
  auto& slot = cache_->labels[lang];
  if (!slot) slot = std::make_shared<const LabelMap>(ReadLabels(lang));
  return slot;
}

std::map<std::string, std::string> Renderer::Labels(
    const std::string& lang) const {
  return *SharedLabels(lang);
}

Renderer::LabelMap Renderer::ReadLabels(const std::string& lang) const {
  LabelMap labels;
  if (!SafeName(lang)) return labels;
  // Read with a ceiling like every file; an unreadable one is like none.
  auto text = util::ReadFileLimited(dir_ + "/" + lang + "/_labels.txt",
                                    core::kMaxTemplateFileBytes, "labels");
  std::istringstream in(text ? *text : std::string());
  std::string line;
  while (std::getline(in, line)) {
    const size_t eq = line.find(" = ");
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    labels[line.substr(0, eq)] = line.substr(eq + 3);
  }
  return labels;
}

Result<RenderedMessage> Renderer::Render(
    const std::vector<std::string>& templates, const std::string& lang,
    const MessageInput& in) const {
  if (templates.empty()) {
    return Fail(ErrorKind::kInternal, "a message needs at least one template");
  }
  const auto shared = SharedLabels(lang);
  const LabelMap& labels = *shared;
  MessageInput labelled = in;
  labelled.labels = &labels;
  if (auto mark = labels.find("format.decimal_mark");
      mark != labels.end() && mark->second.size() == 1)
    labelled.decimal_mark = mark->second[0];
  const Data ctx = BuildContext(labelled);
  RenderedMessage msg;
  for (size_t i = 0; i < templates.size(); ++i) {
    auto text = RenderOne(lang, templates[i], ctx);
    CT_TRY(text);
    Split split = SplitSubject(*text);
    if (i == 0) msg.subject = OneLine(split.subject);
    AppendSection(msg.body, split.body);
  }
  auto footer = RenderOne(lang, kFooter, ctx);
  CT_TRY(footer);
  AppendSection(msg.body, *footer);
  msg.body += '\n';
  if (in.deal && !in.deal->id.empty()) {
    msg.subject = OneLine("[" + in.deal->id + "] " + msg.subject);
  }
  return msg;
}

namespace {

// Problems of one template file rendered with one sample context.
void CheckOne(const std::string& path, const std::string& name, const Data& ctx,
              std::vector<std::string>& problems) {
  auto source = ReadFile(path);
  if (!source) {
    problems.push_back(path + ": missing");
    return;
  }
  std::set<std::string> missing;
  auto text = RenderText(path, *source, ctx, &missing);
  if (!text) {
    problems.push_back(text.error().message);
    return;
  }
  for (const auto& key : missing) {
    problems.push_back(path + ": unknown key '" + key + "'");
  }
  if (name.starts_with("_")) return;
  const Split split = SplitSubject(*source);
  if (OneLine(split.subject).empty() || !split.blank_second_line) {
    problems.push_back(path + ": line 1 must be the subject and line 2 empty");
  }
}

}  // namespace

Result<void> CheckTemplates(const std::string& dir,
                            const std::vector<std::string>& langs,
                            const std::vector<std::string>& names) {
  std::set<std::string> all(names.begin(), names.end());
  all.insert(kFooter);
  const Data samples[] = {SampleContext(false), SampleContext(true)};
  std::vector<std::string> problems;
  for (const auto& lang : langs) {
    for (const auto& name : all) {
      const std::string path = TemplatePath(dir, lang, name);
      const size_t before = problems.size();
      for (const Data& ctx : samples) {
        CheckOne(path, name, ctx, problems);
        if (problems.size() > before) break;  // same problem twice is noise
      }
    }
  }
  if (problems.empty()) return {};
  std::string message = problems.front();
  for (size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
  return Fail(ErrorKind::kConfig, message);
}

}  // namespace ct::notify
