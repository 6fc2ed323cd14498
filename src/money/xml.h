// libxml2 for the ISO 20022 files (internal to money/): helpers that read
// the element trees of a document. The writer (pain.001) is in
// money/xml_writer.h, the streaming reader (camt.053) in
// money/xml_stream_reader.h.
#ifndef CYBERTROC_MONEY_XML_H_
#define CYBERTROC_MONEY_XML_H_

#include <libxml/tree.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace ct::money::xml {

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
