#include "money/xml.h"

#include <fmt/format.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <algorithm>

#include "money/xml_stream_reader.h"
#include "money/xml_writer.h"
#include "util/read_file.h"
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

XmlWriter::XmlWriter()
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

void XmlWriter::Check(int rc, const char* what) {
  if (rc < 0 && error_.empty()) error_ = what;
}

XmlWriter& XmlWriter::Start(const char* name) {
  if (error_.empty())
    Check(xmlTextWriterStartElement(writer_.get(), X(name)), name);
  return *this;
}

XmlWriter& XmlWriter::Attribute(const char* name, std::string_view value) {
  const std::string v(value);
  if (error_.empty())
    Check(xmlTextWriterWriteAttribute(writer_.get(), X(name), X(v.c_str())),
          name);
  return *this;
}

XmlWriter& XmlWriter::Element(const char* name, std::string_view text) {
  const std::string t(text);
  if (error_.empty())
    Check(xmlTextWriterWriteElement(writer_.get(), X(name), X(t.c_str())),
          name);
  return *this;
}

XmlWriter& XmlWriter::Text(std::string_view text) {
  const std::string t(text);
  if (error_.empty())
    Check(xmlTextWriterWriteString(writer_.get(), X(t.c_str())), "text");
  return *this;
}

XmlWriter& XmlWriter::End() {
  if (error_.empty()) Check(xmlTextWriterEndElement(writer_.get()), "end");
  return *this;
}

Result<std::string> XmlWriter::Finish() {
  if (error_.empty())
    Check(xmlTextWriterEndDocument(writer_.get()), "end document");
  writer_.reset();  // flushes into the buffer
  if (!error_.empty())
    return Fail(ErrorKind::kInternal, "XML writer: " + error_);
  return std::string(View(xmlBufferContent(buffer_.get())));
}

// libxml2 reads the input through this, a chunk at a time.
int XmlStreamReader::ReadInput(void* self, char* buffer, int length) {
  return static_cast<XmlStreamReader*>(self)->Feed(buffer, length);
}

XmlStreamReader::XmlStreamReader(std::istream& in, std::string_view what,
                                 size_t max_node_bytes)
    : in_(in), what_(what), max_node_bytes_(max_node_bytes) {
  InitOnce();
  xmlResetLastError();
  reader_ = xmlReaderForIO(&ReadInput, nullptr, this, nullptr, "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR |
                               XML_PARSE_NOWARNING | XML_PARSE_NOCDATA);
  failed_ = reader_ == nullptr;
}

XmlStreamReader::~XmlStreamReader() {
  if (reader_) xmlFreeTextReader(reader_);
}

int XmlStreamReader::Feed(char* buffer, int length) {
  in_.read(buffer, length);
  const auto n = static_cast<size_t>(in_.gcount());
  if (in_.bad()) {
    read_failed_ = true;
    return -1;
  }
  if (Declares(std::string_view(buffer, n))) {
    declaration_ = true;
    return -1;
  }
  consumed_ += n;
  if (limit_ != 0 && consumed_ > limit_) return -1;  // Expand() says why
  return static_cast<int>(n);
}

// A DTD can declare entities that expand without bound or read files; no
// bank statement has one, so any is refused before libxml2 reads it.
bool XmlStreamReader::Declares(std::string_view chunk) {
  auto has = [](std::string_view text) {
    return text.find("<!DOCTYPE") != std::string_view::npos ||
           text.find("<!ENTITY") != std::string_view::npos;
  };
  // The longest pattern less one byte: what a chunk boundary can cut.
  constexpr size_t kKeep = 8;
  const std::string joint = tail_ + std::string(chunk.substr(0, kKeep));
  const bool found = has(joint) || has(chunk);
  tail_ = chunk.size() >= kKeep
              ? std::string(chunk.substr(chunk.size() - kKeep))
              : joint.substr(joint.size() - std::min(joint.size(), kKeep));
  return found;
}

bool XmlStreamReader::Moved(int rc) {
  if (rc == 1 &&
      xmlTextReaderNodeType(reader_) == XML_READER_TYPE_DOCUMENT_TYPE) {
    declaration_ = true;  // never expected: Declares() saw it first
    rc = -1;
  }
  failed_ = rc < 0;
  return rc == 1;
}

bool XmlStreamReader::Move(int (*step)(xmlTextReaderPtr)) {
  if (failed_) return false;
  // One text, tag or comment is held whole while the reader is on it.
  const int line = xmlTextReaderGetParserLineNumber(reader_);
  limit_ = consumed_ + max_node_bytes_;
  const int rc = step(reader_);
  const bool over = consumed_ > limit_;
  limit_ = 0;
  if (over)
    too_large_ = fmt::format(
        "a text or tag after line {} is larger than {}, the most cybertroc "
        "reads of one",
        line, util::ByteSize(max_node_bytes_));
  return Moved(over ? -1 : rc);
}

bool XmlStreamReader::Read() { return Move(&xmlTextReaderRead); }

bool XmlStreamReader::Skip() { return Move(&xmlTextReaderNext); }

bool XmlStreamReader::AtElementStart() const {
  return xmlTextReaderNodeType(reader_) == XML_READER_TYPE_ELEMENT;
}

int XmlStreamReader::Depth() const { return xmlTextReaderDepth(reader_); }

std::string_view XmlStreamReader::LocalName() const {
  return View(xmlTextReaderConstLocalName(reader_));
}

std::string_view XmlStreamReader::NamespaceUri() const {
  return View(xmlTextReaderConstNamespaceUri(reader_));
}

const xmlNode* XmlStreamReader::Expand(size_t max_bytes) {
  if (failed_) return nullptr;
  const int line = xmlTextReaderGetParserLineNumber(reader_);
  const std::string name(LocalName());
  limit_ = consumed_ + max_bytes;
  const xmlNode* node = xmlTextReaderExpand(reader_);
  const bool over = consumed_ > limit_;
  limit_ = 0;
  if (node && !over) return node;
  failed_ = true;
  if (over)
    too_large_ = fmt::format(
        "<{}> of line {} is larger than {}, the most "
        "cybertroc reads of one",
        name, line, util::ByteSize(max_bytes));
  return nullptr;
}

Result<void> XmlStreamReader::Finish() {
  // The rest of the input, for a declaration after the point of failure.
  char buffer[16384];
  while (!declaration_ && !read_failed_ && in_) {
    in_.read(buffer, sizeof buffer);
    if (in_.bad()) read_failed_ = true;
    declaration_ =
        Declares(std::string_view(buffer, static_cast<size_t>(in_.gcount())));
  }
  if (declaration_)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("{}: a DOCTYPE or ENTITY declaration is not "
                            "allowed in a bank file",
                            what_));
  if (read_failed_)
    return Fail(ErrorKind::kIo, fmt::format("{}: cannot read it", what_));
  if (!too_large_.empty())
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("{}: {}", what_, too_large_));
  if (!failed_) return {};
  const xmlError* e = xmlGetLastError();
  return Fail(
      ErrorKind::kInvalidInput,
      fmt::format(
          "{}: not well-formed XML{}{}", what_,
          e ? fmt::format(" (line {}: ", e->line) : "",
          e && e->message ? std::string(util::Trim(e->message)) + ")" : ""));
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
