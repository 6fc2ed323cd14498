#include "money/xml.h"

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "util/text.h"

namespace ct::money::xml {
namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

std::string_view View(const xmlChar* s) {
  return s ? std::string_view(reinterpret_cast<const char*>(s))
           : std::string_view();
}

// libxml2 must be initialised once before any thread uses it.
void InitOnce() {
  static const bool done = [] {
    xmlInitParser();
    return true;
  }();
  (void)done;
}

}  // namespace

Writer::Writer()
    : buffer_((InitOnce(), xmlBufferCreate()), &xmlBufferFree),
      writer_(nullptr, &xmlFreeTextWriter) {
  if (!buffer_) {
    error_ = "xmlBufferCreate failed";
    return;
  }
  writer_.reset(xmlNewTextWriterMemory(buffer_.get(), 0));
  if (!writer_) {
    error_ = "xmlNewTextWriterMemory failed";
    return;
  }
  Check(xmlTextWriterSetIndent(writer_.get(), 1), "indent");
  Check(xmlTextWriterSetIndentString(writer_.get(), X("  ")), "indent");
  Check(xmlTextWriterStartDocument(writer_.get(), "1.0", "UTF-8", nullptr),
        "start document");
}

void Writer::Check(int rc, const char* what) {
  if (rc < 0 && error_.empty()) error_ = what;
}

Writer& Writer::Start(const char* name) {
  if (error_.empty())
    Check(xmlTextWriterStartElement(writer_.get(), X(name)), name);
  return *this;
}

Writer& Writer::Attribute(const char* name, std::string_view value) {
  const std::string v(value);
  if (error_.empty())
    Check(xmlTextWriterWriteAttribute(writer_.get(), X(name), X(v.c_str())),
          name);
  return *this;
}

Writer& Writer::Element(const char* name, std::string_view text) {
  const std::string t(text);
  if (error_.empty())
    Check(xmlTextWriterWriteElement(writer_.get(), X(name), X(t.c_str())),
          name);
  return *this;
}

Writer& Writer::Text(std::string_view text) {
  const std::string t(text);
  if (error_.empty())
    Check(xmlTextWriterWriteString(writer_.get(), X(t.c_str())), "text");
  return *this;
}

Writer& Writer::End() {
  if (error_.empty()) Check(xmlTextWriterEndElement(writer_.get()), "end");
  return *this;
}

Result<std::string> Writer::Finish() {
  if (error_.empty())
    Check(xmlTextWriterEndDocument(writer_.get()), "end document");
  writer_.reset();  // flushes into the buffer
  if (!error_.empty())
    return Fail(ErrorKind::kInternal, "XML writer: " + error_);
  return std::string(View(xmlBufferContent(buffer_.get())));
}

Result<DocPtr> Parse(std::string_view text, std::string_view what) {
  InitOnce();
  // A DTD can declare entities that expand without bound or read files;
  // no bank statement has one, so any is refused before libxml2 reads it.
  if (text.find("<!DOCTYPE") != std::string_view::npos ||
      text.find("<!ENTITY") != std::string_view::npos)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("{}: a DOCTYPE or ENTITY declaration is not "
                            "allowed in a bank file",
                            what));
  xmlResetLastError();
  DocPtr doc(xmlReadMemory(text.data(), static_cast<int>(text.size()), nullptr,
                           "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                               XML_PARSE_NOWARNING | XML_PARSE_NOCDATA),
             &xmlFreeDoc);
  if (!doc) {
    const xmlError* e = xmlGetLastError();
    return Fail(
        ErrorKind::kInvalidInput,
        fmt::format(
            "{}: not well-formed XML{}{}", what,
            e ? fmt::format(" (line {}: ", e->line) : "",
            e && e->message ? std::string(util::Trim(e->message)) + ")" : ""));
  }
  if (doc->intSubset || doc->extSubset)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("{}: a DOCTYPE is not allowed", what));
  return doc;
}

bool Named(const xmlNode* node, std::string_view name) {
  return node && node->type == XML_ELEMENT_NODE && View(node->name) == name;
}

std::vector<xmlNode*> Children(const xmlNode* node, std::string_view name) {
  std::vector<xmlNode*> out;
  if (!node) return out;
  for (xmlNode* c = node->children; c; c = c->next)
    if (Named(c, name)) out.push_back(c);
  return out;
}

xmlNode* Child(const xmlNode* node, std::string_view name) {
  if (!node) return nullptr;
  for (xmlNode* c = node->children; c; c = c->next)
    if (Named(c, name)) return c;
  return nullptr;
}

xmlNode* Find(const xmlNode* node,
              std::initializer_list<std::string_view> path) {
  const xmlNode* at = node;
  for (std::string_view step : path) {
    at = Child(at, step);
    if (!at) return nullptr;
  }
  return const_cast<xmlNode*>(at);
}

std::vector<xmlNode*> Descendants(const xmlNode* node, std::string_view name) {
  std::vector<xmlNode*> out;
  if (!node) return out;
  for (xmlNode* c = node->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    if (Named(c, name)) out.push_back(c);
    auto deeper = Descendants(c, name);
    out.insert(out.end(), deeper.begin(), deeper.end());
  }
  return out;
}

std::string Text(const xmlNode* node) {
  if (!node) return "";
  std::unique_ptr<xmlChar, decltype(xmlFree)> content(xmlNodeGetContent(node),
                                                      xmlFree);
  return std::string(util::Trim(View(content.get())));
}

std::string Attribute(const xmlNode* node, const char* name) {
  if (!node) return "";
  std::unique_ptr<xmlChar, decltype(xmlFree)> value(xmlGetProp(node, X(name)),
                                                    xmlFree);
  return std::string(util::Trim(View(value.get())));
}

}  // namespace ct::money::xml
