// libFuzzer target: the raw-bytes MIME reader (src/mail/mime.h) on any
// bytes, walked the way the verifier walks a message: headers, parts, the
// decoded body and the UTF-8 text of every entity, a few levels deep.
#include <string>

#include "fuzz_check.h"
#include "mail/mime.h"

namespace {

using ct::fuzz::Check;

void Walk(const ct::mail::Entity& entity, int depth) {
  Check(ct::fuzz::Inside(entity.body, entity.whole), "body inside entity");
  (void)entity.Header("Content-Transfer-Encoding");
  (void)entity.Headers("Autocrypt");
  (void)ct::mail::DecodeBody(entity);
  (void)ct::mail::PlainText(entity);
  if (depth >= 4 || entity.type.type != "multipart") return;
  auto parts = ct::mail::SplitMultipart(entity);
  if (!parts) return;
  for (std::string_view part : *parts) {
    Check(ct::fuzz::Inside(part, entity.body), "part inside body");
    Walk(ct::mail::ParseEntity(part), depth + 1);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view raw = ct::fuzz::Text(data, size);
  Walk(ct::mail::ParseEntity(raw), 0);
  Check(ct::fuzz::AllCrlf(ct::mail::ToCrlf(raw)), "ToCrlf leaves no bare LF");
  (void)ct::mail::Unflow(raw, size % 2 == 0);
  for (const char* charset :
       {"utf-8", "iso-8859-1", "iso-8859-15", "windows-1252", "koi8-r"}) {
    (void)ct::mail::ToUtf8(raw, charset);
  }
  return 0;
}
