// XmlStreamReader: libxml2's streaming reader behind RAII, for the bank
// statements we read (camt.053; internal to money/), refusing what a bank
// statement never needs (DTDs, entities, network, non-UTF-8). Implemented
// in money/xml.cpp.
#ifndef CYBERTROC_MONEY_XML_STREAM_READER_H_
#define CYBERTROC_MONEY_XML_STREAM_READER_H_

#include <libxml/tree.h>
#include <libxml/xmlreader.h>

#include <cstddef>
#include <istream>
#include <string>
#include <string_view>

#include "core/error.h"

namespace ct::money::xml {

// Reads a document from `in` node by node (libxml2's xmlTextReader), so
// that only the current node, and the element the caller expands, are
// held: memory does not grow with the document. UTF-8, no network access,
// no entity substitution, no DTD loading; a document with a DOCTYPE or an
// ENTITY declaration anywhere is refused outright (no entity tricks:
// "billion laughs", external entities). `in` outlives the reader.
class XmlStreamReader {
 public:
  // `what` names the document in errors ("camt.053"). A move may read at
  // most `max_node_bytes` of input: the node it reaches (a text, a tag and
  // its attributes) is held whole.
  XmlStreamReader(std::istream& in, std::string_view what,
                  size_t max_node_bytes);
  ~XmlStreamReader();
  XmlStreamReader(const XmlStreamReader&) = delete;
  XmlStreamReader& operator=(const XmlStreamReader&) = delete;

  // Moves to the next node in document order (Read), or past the current
  // node and all it holds (Skip). false at the end of the document or on
  // the first error; Finish() then says which.
  bool Read();
  bool Skip();

  // The current node: an element's start, its depth (the root is 0), its
  // local name and namespace URI.
  bool AtElementStart() const;
  int Depth() const;
  std::string_view LocalName() const;
  std::string_view NamespaceUri() const;

  // The current element with all it holds, as a tree that lives until the
  // next move; nullptr (see Finish()) on an error, or when reading it would
  // take more than `max_bytes` of input.
  const xmlNode* Expand(size_t max_bytes);

  // After the last move: kInvalidInput with the reason when the document
  // is refused (a DOCTYPE anywhere in the input is the reason said first,
  // so the rest is read for it), kIo when `in` failed. OK at a well-formed
  // end.
  Result<void> Finish();

 private:
  static int ReadInput(void* self, char* buffer, int length);
  // The next bytes of the input, looked through for declarations.
  int Feed(char* buffer, int length);
  bool Declares(std::string_view chunk);
  bool Move(int (*step)(xmlTextReaderPtr));
  bool Moved(int rc);

  std::istream& in_;
  std::string what_;
  size_t max_node_bytes_;
  xmlTextReader* reader_ = nullptr;
  std::string tail_;  // the input's last bytes, for a declaration cut in two
  size_t consumed_ = 0;
  size_t limit_ = 0;       // consumed_ may not pass it (0: no limit)
  std::string too_large_;  // what Expand() gave up on
  bool declaration_ = false, read_failed_ = false, failed_ = false;
};

}  // namespace ct::money::xml

#endif  // CYBERTROC_MONEY_XML_STREAM_READER_H_
