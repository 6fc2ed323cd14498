// XmlWriter: libxml2's text writer behind RAII, for the ISO 20022 files
// we write (pain.001; internal to money/), escaping and encoding every text.
// Implemented in money/xml.cpp.
#ifndef CYBERTROC_MONEY_XML_WRITER_H_
#define CYBERTROC_MONEY_XML_WRITER_H_

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <memory>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::money::xml {

// Builds an indented UTF-8 document. Calls after the first libxml2 error
// do nothing; Finish() reports it.
class XmlWriter {
 public:
  XmlWriter();
  XmlWriter(const XmlWriter&) = delete;
  XmlWriter& operator=(const XmlWriter&) = delete;

  XmlWriter& Start(const char* name);  // <name>
  XmlWriter& Attribute(const char* name, std::string_view value);
  XmlWriter& Element(const char* name, std::string_view text);  // <n>t</n>
  XmlWriter& Text(std::string_view text);                       // escaped
  XmlWriter& End();                                             // </name>
  // The document; kInternal when libxml2 failed anywhere.
  Result<std::string> Finish();

 private:
  void Check(int rc, const char* what);
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer_;
  std::unique_ptr<xmlTextWriter, decltype(&xmlFreeTextWriter)> writer_;
  std::string error_;
};

}  // namespace ct::money::xml

#endif  // CYBERTROC_MONEY_XML_WRITER_H_
