#include "money/pain001.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/limits.h"
#include "money/transliterate.h"
#include "money/xml_writer.h"

namespace ct::money {
namespace {

constexpr char kNamespace[] = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";
constexpr size_t kMax35 = 35, kMax70 = 70, kMax140 = 140;

bool LetterOrDigit(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

bool SepaAllowed(char c) {
  return LetterOrDigit(c) ||
         std::string_view("/-?:().,'+ ").find(c) != std::string_view::npos;
}

void WriteParty(xml::XmlWriter& w, const char* party, const char* account,
                const char* agent, const SepaParty& p) {
  w.Start(party).Element("Nm", p.name).End();
  w.Start(account).Start("Id").Element("IBAN", p.iban.electronic()).End().End();
  w.Start(agent).Start("FinInstnId");
  if (p.bic.empty())
    w.Start("Othr").Element("Id", "NOTPROVIDED").End();
  else
    w.Element("BIC", p.bic);
  w.End().End();
}

void WriteTransfer(xml::XmlWriter& w, const SepaTransfer& t) {
  w.Start("CdtTrfTxInf");
  w.Start("PmtId").Element("EndToEndId", t.end_to_end_id).End();
  w.Start("Amt").Start("InstdAmt").Attribute("Ccy", "EUR");
  w.Text(t.amount.ToString()).End().End();
  if (!t.creditor.bic.empty())
    w.Start("CdtrAgt")
        .Start("FinInstnId")
        .Element("BIC", t.creditor.bic)
        .End()
        .End();
  w.Start("Cdtr").Element("Nm", t.creditor.name).End();
  w.Start("CdtrAcct")
      .Start("Id")
      .Element("IBAN", t.creditor.iban.electronic())
      .End()
      .End();
  w.Start("RmtInf").Element("Ustrd", t.remittance).End();
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
  if (auto name = SepaName(batch.debtor.name); !name)
    return Fail(name.error().kind,
                "pain.001: the debtor's name: " + name.error().message);
  for (const auto& t : batch.transfers)
    if (auto ok = CheckSepaTransfer(t); !ok)
      return Fail(ok.error().kind, "pain.001: transfer " + t.end_to_end_id +
                                       ": " + ok.error().message);
  return {};
}

Result<void> Reduce(std::string& field, size_t max_chars) {
  auto text = SepaText(field, max_chars);
  CT_TRY(text);
  field = std::move(*text);
  return {};
}

// `batch` with every text as the file writes it.
Result<SepaBatch> AsWritten(SepaBatch batch) {
  CT_TRY(Reduce(batch.message_id, kMax35));
  CT_TRY(Reduce(batch.debtor.name, kMax70));
  for (auto& t : batch.transfers) {
    CT_TRY(Reduce(t.end_to_end_id, kMax35));
    CT_TRY(Reduce(t.creditor.name, kMax70));
    CT_TRY(Reduce(t.remittance, kMax140));
  }
  return batch;
}

}  // namespace

Result<std::string> SepaText(std::string_view text, size_t max_chars) {
  auto latin = ToLatinAscii(text);
  CT_TRY(latin);
  // What transliteration left outside the set (emoji, symbols, broken
  // UTF-8) becomes a blank, byte by byte: blanks collapse anyway.
  std::string out;
  for (char c : *latin) {
    if (!SepaAllowed(c)) c = ' ';
    if (c == ' ' && (out.empty() || out.back() == ' ')) continue;
    out += c;
  }
  if (out.size() > max_chars) out.resize(max_chars);
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Result<std::string> SepaName(std::string_view name) {
  auto text = SepaText(name, kMax70);
  CT_TRY(text);
  if (std::ranges::none_of(*text, LetterOrDigit))
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("nothing of '{}' can be written in a SEPA "
                            "transfer: no letter or digit is left once it is "
                            "written in Latin letters",
                            core::Excerpt(name)));
  return text;
}

Result<void> CheckSepaTransfer(const SepaTransfer& transfer) {
  if (transfer.amount.minor() <= 0)
    return Fail(ErrorKind::kInvalidInput, "the amount is not positive");
  CT_TRY(SepaName(transfer.creditor.name));
  return {};
}

Result<std::string> WritePain001(const SepaBatch& raw) {
  CT_TRY(CheckBatch(raw));
  auto batch = AsWritten(raw);
  CT_TRY(batch);
  auto payment_id = SepaText(raw.message_id + "-1", kMax35);
  CT_TRY(payment_id);
  const std::string count = std::to_string(batch->transfers.size());
  const std::string sum = Total(*batch).ToString();
  xml::XmlWriter w;
  w.Start("Document").Attribute("xmlns", kNamespace);
  w.Start("CstmrCdtTrfInitn");
  w.Start("GrpHdr")
      .Element("MsgId", batch->message_id)
      .Element("CreDtTm", core::FormatIsoTime(batch->created).substr(0, 19))
      .Element("NbOfTxs", count)
      .Element("CtrlSum", sum);
  w.Start("InitgPty").Element("Nm", batch->debtor.name).End();
  w.End();  // GrpHdr
  w.Start("PmtInf")
      .Element("PmtInfId", *payment_id)
      .Element("PmtMtd", "TRF")
      .Element("NbOfTxs", count)
      .Element("CtrlSum", sum);
  w.Start("PmtTpInf").Start("SvcLvl").Element("Cd", "SEPA").End().End();
  w.Element("ReqdExctnDt", batch->execution_date);
  WriteParty(w, "Dbtr", "DbtrAcct", "DbtrAgt", batch->debtor);
  w.Element("ChrgBr", "SLEV");
  for (const auto& t : batch->transfers) WriteTransfer(w, t);
  w.End().End().End();  // PmtInf, CstmrCdtTrfInitn, Document
  return w.Finish();
}

}  // namespace ct::money
