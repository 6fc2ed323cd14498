// Refusal reasons in the reader's language. The code writes its reasons in
// English, as people read them in logs and on the CLI; a template language
// translates them with "msg." lines of its _labels.txt, gettext-style:
//
//   msg.the message is not signed = le message n'est pas signé
//   msg.'…' is not a valid IBAN: … = « … » n'est pas un IBAN valide : …
//
// Each "…" stands for a value (an amount, a field, a quoted excerpt of the
// sender's text, or a nested English reason). The values go into the
// translation's "…" in the same order, each translated in turn when it is
// itself a known sentence, so "'X' is not a valid IBAN: the check digits do
// not match" needs one line for the frame and one for the cause.
#ifndef CYBERTROC_NOTIFY_PHRASEBOOK_H_
#define CYBERTROC_NOTIFY_PHRASEBOOK_H_

#include <map>
#include <string>

namespace ct::notify {

using Labels = std::map<std::string, std::string>;

// `english` in the labels' language, or `english` itself when no "msg." line
// matches it. Of several patterns that match, the one with the most fixed
// text wins ("unknown code …" over "… (code …)").
std::string TranslateReason(const Labels& labels, const std::string& english);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_PHRASEBOOK_H_
