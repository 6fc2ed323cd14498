// The input of a message's context and the reader's words and amounts
// (notify/message_input.h).
#include "notify/message_input.h"

#include <algorithm>

namespace ct::notify {

std::string FormatAmount(const MessageInput& in, core::Money m) {
  std::string text = m.ToString();
  if (in.decimal_mark != '.')
    std::replace(text.begin(), text.end(), '.', in.decimal_mark);
  return text;
}

std::string LabelOf(const MessageInput& in, const std::string& kind,
                    const std::string& name) {
  if (!in.labels) return name;
  auto it = in.labels->find(kind + "." + name);
  return it == in.labels->end() ? name : it->second;
}

}  // namespace ct::notify
