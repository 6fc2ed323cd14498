#include "money/pain001.h"

#include <fmt/format.h>

#include <array>
#include <sstream>

#include "money/xml.h"

namespace ct::money {
namespace {

constexpr char kNamespace[] = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
constexpr size_t kMax35 = 35, kMax70 = 70, kMax140 = 140;

// ASCII forms of U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A), one word per code point, "_" for a blank.
constexpr std::string_view kLatin =
    "A A A A A A AE C E E E E I I I I D N O O O O O _ O U U U U Y TH ss "
    "a a a a a a ae c e e e e i i i i d n o o o o o _ o u u u u y th y "
    "A a A a A a C c C c C c C c D d D d E e E e E e E e E e G g G g G g "
    "G g H h H h I i I i I i I i I i IJ ij J j K k k L l L l L l L l L l "
    "N n N n N n n N n O o O o O o OE oe R r R r R r S s S s S s S s T t "
    "T t T t U u U u U u U u U u U u W w Y y Y Z z Z z Z z s";

const std::array<std::string, 192>& LatinTable() {
  static const std::array<std::string, 192> table = [] {
    std::array<std::string, 192> t;
    std::istringstream words{std::string(kLatin)};
    for (auto& entry : t) {
      words >> entry;
      if (entry == "_") entry = " ";
    }
    return t;
  }();
  return table;
}

bool SepaAllowed(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') ||
         std::string_view("/-?:().,'+ ").find(c) != std::string_view::npos;
}

// Decodes one UTF-8 code point at `i` (advancing it); U+FFFD when broken.
char32_t NextCodePoint(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i++]);
  if (c < 0x80) return c;
  const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  char32_t cp = c & (0x3F >> extra);
  for (int k = 0; k < extra; ++k) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80)
      return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

void WriteParty(xml::Writer& w, const char* party, const char* account,
                const char* agent, const SepaParty& p) {
  w.Start(party).Element("Nm", SepaText(p.name, kMax70)).End();
  w.Start(account).Start("Id").Element("IBAN", p.iban.electronic()).End().End();
  w.Start(agent).Start("FinInstnId");
  if (p.bic.empty())
    w.Start("Othr").Element("Id", "NOTPROVIDED").End();
  else
    w.Element("BIC", p.bic);
  w.End().End();
}

void WriteTransfer(xml::Writer& w, const SepaTransfer& t) {
  w.Start("CdtTrfTxInf");
  w.Start("PmtId").Element("EndToEndId", SepaText(t.end_to_end_id, kMax35));
  w.End();
  w.Start("Amt").Start("InstdAmt").Attribute("Ccy", "EUR");
  w.Text(t.amount.ToString()).End().End();
  if (!t.creditor.bic.empty())
    w.Start("CdtrAgt")
        .Start("FinInstnId")
        .Element("BIC", t.creditor.bic)
        .End()
        .End();
  w.Start("Cdtr").Element("Nm", SepaText(t.creditor.name, kMax70)).End();
  w.Start("CdtrAcct")
      .Start("Id")
      .Element("IBAN", t.creditor.iban.electronic())
      .End()
      .End();
  w.Start("RmtInf").Element("Ustrd", SepaText(t.remittance, kMax140)).End();
  w.End();
}

core::Money Total(const SepaBatch& batch) {
  core::Money sum;
  for (const auto& t : batch.transfers) sum += t.amount;
  return sum;
}

Result<void> CheckBatch(const SepaBatch& batch) {
  if (batch.transfers.empty())
    return Fail(ErrorKind::kInvalidInput, "pain.001: no transfer to write");
  if (SepaText(batch.debtor.name, kMax70).empty())
    return Fail(ErrorKind::kInvalidInput, "pain.001: the debtor has no name");
  for (const auto& t : batch.transfers) {
    if (t.amount.minor() <= 0)
      return Fail(ErrorKind::kInvalidInput,
                  "pain.001: transfer " + t.end_to_end_id + " is not positive");
    if (SepaText(t.creditor.name, kMax70).empty())
      return Fail(ErrorKind::kInvalidInput,
                  "pain.001: transfer " + t.end_to_end_id + " has no name");
  }
  return {};
}

}  // namespace

std::string SepaText(std::string_view text, size_t max_chars) {
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const char32_t cp = NextCodePoint(text, i);
    std::string piece = " ";
    if (cp < 0x80 && SepaAllowed(static_cast<char>(cp)))
      piece = std::string(1, static_cast<char>(cp));
    else if (cp >= 0xC0 && cp <= 0x17F)
      piece = LatinTable()[cp - 0xC0];
    for (char c : piece) {
      if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
      out += c;
    }
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  if (out.size() > max_chars) out.resize(max_chars);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Result<std::string> WritePain001(const SepaBatch& batch) {
  CT_TRY(CheckBatch(batch));
  const std::string count = std::to_string(batch.transfers.size());
  const std::string sum = Total(batch).ToString();
  xml::Writer w;
  w.Start("Document").Attribute("xmlns", kNamespace);
  w.Start("CstmrCdtTrfInitn");
  w.Start("GrpHdr")
      .Element("MsgId", SepaText(batch.message_id, kMax35))
      .Element("CreDtTm", core::FormatIsoTime(batch.created).substr(0, 19))
      .Element("NbOfTxs", count)
      .Element("CtrlSum", sum);
  w.Start("InitgPty").Element("Nm", SepaText(batch.debtor.name, kMax70)).End();
  w.End();  // GrpHdr
  w.Start("PmtInf")
      .Element("PmtInfId", SepaText(batch.message_id + "-1", kMax35))
      .Element("PmtMtd", "TRF")
      .Element("NbOfTxs", count)
      .Element("CtrlSum", sum);
  w.Start("PmtTpInf").Start("SvcLvl").Element("Cd", "SEPA").End().End();
  w.Element("ReqdExctnDt", batch.execution_date);
  WriteParty(w, "Dbtr", "DbtrAcct", "DbtrAgt", batch.debtor);
  w.Element("ChrgBr", "SLEV");
  for (const auto& t : batch.transfers) WriteTransfer(w, t);
  w.End().End().End();  // PmtInf, CstmrCdtTrfInitn, Document
  return w.Finish();
}

}  // namespace ct::money
