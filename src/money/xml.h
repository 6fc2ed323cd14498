// libxml2 behind RAII, for the ISO 20022 files (internal to money/): a
// writer that escapes and encodes (pain.001), and a reader that refuses
// what a bank statement never needs (DTDs, entities, network, non-UTF-8).
#ifndef CYBERTROC_MONEY_XML_H_
#define CYBERTROC_MONEY_XML_H_

#include <libxml/tree.h>
#include <libxml/xmlwriter.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace ct::money::xml {

// Builds an indented UTF-8 document. Calls after the first libxml2 error
// do nothing; Finish() reports it.
class Writer {
 public:
  Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  Writer& Start(const char* name);  // <name>
  Writer& Attribute(const char* name, std::string_view value);
  Writer& Element(const char* name, std::string_view text);  // <n>t</n>
  Writer& Text(std::string_view text);                       // escaped
  Writer& End();                                             // </name>
  // The document; kInternal when libxml2 failed anywhere.
  Result<std::string> Finish();

 private:
  void Check(int rc, const char* what);
  std::unique_ptr<xmlBuffer, decltype(&xmlBufferFree)> buffer_;
  std::unique_ptr<xmlTextWriter, decltype(&xmlFreeTextWriter)> writer_;
  std::string error_;
};

using DocPtr = std::unique_ptr<xmlDoc, decltype(&xmlFreeDoc)>;

// Parses `text` (which the caller has capped in size) as UTF-8 XML without
// network access, entity substitution or DTD loading; a document with a
// DOCTYPE is refused outright (no entity tricks: "billion laughs", external
// entities). kInvalidInput with libxml2's message and line otherwise.
Result<DocPtr> Parse(std::string_view text, std::string_view what);

// Element children of `node` whose local name is `name` (any namespace:
// the camt versions differ only by namespace URI for what we read).
std::vector<xmlNode*> Children(const xmlNode* node, std::string_view name);
// The first such child, or nullptr.
xmlNode* Child(const xmlNode* node, std::string_view name);
// Follows `path` of local names from `node` (first match at each step).
xmlNode* Find(const xmlNode* node,
              std::initializer_list<std::string_view> path);
// Every descendant element named `name`, in document order.
std::vector<xmlNode*> Descendants(const xmlNode* node, std::string_view name);
// The text content of `node`, blanks at both ends trimmed; "" for nullptr.
std::string Text(const xmlNode* node);
// The value of attribute `name` of `node`, or "".
std::string Attribute(const xmlNode* node, const char* name);
bool Named(const xmlNode* node, std::string_view name);

}  // namespace ct::money::xml

#endif  // CYBERTROC_MONEY_XML_H_
