// Outgoing texts from templates/<lang>/<name>.mustache (templates/CONTEXT.md
// is the contract). One message may combine several templates: the subject
// is line 1 of the first, the bodies follow one another, then `_footer` is
// appended once. HTML escaping is off: these are text/plain mails.
// Implemented in notify/render.cpp.
#ifndef CYBERTROC_NOTIFY_RENDERER_H_
#define CYBERTROC_NOTIFY_RENDERER_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "notify/message_context.h"

namespace ct::notify {

struct RenderedMessage {
  std::string subject;  // "[CT-XXXXXXXX] ...", never contains CR or LF
  std::string body;     // UTF-8, LF line ends
};

class Renderer {
 public:
  // `dir` holds one folder per language; `default_language` is tried when a
  // template is missing in the requested language, then "en".
  Renderer(std::string dir, std::string default_language);

  // Renders `templates` (in order, at least one) plus `_footer` in `lang`.
  // A missing or malformed template is a kConfig error naming the file.
  Result<RenderedMessage> Render(const std::vector<std::string>& templates,
                                 const std::string& lang,
                                 const MessageInput& in) const;

  const std::string& dir() const { return dir_; }

  // "kind.name = word" lines of templates/<lang>/_labels.txt; empty when
  // the file is missing (names then show as they are).
  std::map<std::string, std::string> Labels(const std::string& lang) const;

 private:
  using LabelMap = std::map<std::string, std::string>;
  std::shared_ptr<const LabelMap> SharedLabels(const std::string& lang) const;
  LabelMap ReadLabels(const std::string& lang) const;

  // Path of the template in the first language that has it.
  Result<std::string> Locate(const std::string& lang,
                             const std::string& name) const;
  Result<std::string> RenderOne(const std::string& lang,
                                const std::string& name, const Data& ctx) const;

  // A template parsed once and kept for the Renderer's life (a run, or a
  // daemon until it restarts): parsing every template of every message was
  // a quarter of a run's own work when measured.
  struct Parsed;
  struct Cache;
  Result<std::shared_ptr<Parsed>> Load(const std::string& lang,
                                       const std::string& name) const;

  std::string dir_;
  std::string default_language_;
  std::shared_ptr<Cache> cache_;  // shared by copies: the same templates
};

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_RENDERER_H_
