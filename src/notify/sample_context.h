// The sample context CheckTemplates (notify/render.h) renders every
// template with.
#ifndef CYBERTROC_NOTIFY_SAMPLE_CONTEXT_H_
#define CYBERTROC_NOTIFY_SAMPLE_CONTEXT_H_

#include "notify/message_context.h"

namespace ct::notify {

// A fully populated context (every list non-empty) of a sale or an exchange,
// used by CheckTemplates to render each template once.
Data SampleContext(bool exchange);

}  // namespace ct::notify

#endif  // CYBERTROC_NOTIFY_SAMPLE_CONTEXT_H_
