// Rendering outgoing texts from templates (notify/renderer.h, which this
// includes), and checking the templates before a message needs them.
#ifndef CYBERTROC_NOTIFY_RENDER_H_
#define CYBERTROC_NOTIFY_RENDER_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "notify/renderer.h"

namespace ct::notify {

// Renders every `names` template (and `_footer`) of every language in
// `langs` with sample sale and exchange contexts: each file must exist,
// parse, use only context keys, and (except partials) have a subject line
// followed by an empty line. The error lists every problem found.
Result<void> CheckTemplates(const std::string& dir,
                            const std::vector<std::string>& langs,
                            const std::vector<std::string>& names);

// `text` on one line: CR, LF and other control characters become spaces,
// runs of blanks collapse, ends are trimmed.
std::string OneLine(std::string_view text);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_RENDER_H_
