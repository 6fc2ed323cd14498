// ISO 20022 camt.053 (BankToCustomerStatement) read with libxml2's
// streaming reader, one entry at a time. Only the elements every version
// from 001.02 to 001.08 shares are read, by local name, so one reader
// serves them all.
#include "money/camt053.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <spanstream>

#include "core/limits.h"
#include "money/bank_statement.h"
#include "money/xml.h"
#include "money/xml_stream_reader.h"

namespace ct::money {
namespace {

constexpr std::string_view kCamt053 =
    "urn:iso:std:iso:20022:tech:xsd:camt.053.";

struct Reader {
  std::string_view currency;
  const internal::LineSink& sink;
  std::string account;  // the IBAN the statements name
  int position = 0;     // of the entry being read
  std::optional<Error> sink_error;

  // Hands `line` over; false (sink_error) when the sink refuses it, which
  // ends the reading at once.
  bool Emit(StatementLine& line) {
    auto ok = sink(line);
    if (!ok) sink_error = std::move(ok.error());
    return ok.has_value();
  }
};

std::unexpected<Error> Bad(int position, std::string_view why) {
  return Fail(ErrorKind::kInvalidInput,
              fmt::format("camt.053 entry {}: {}", position, why));
}

// An ISO 20022 amount element: a plain decimal and its Ccy, which must be
// ours.
Result<core::Money> Amount(const Reader& r, const xmlNode* node) {
  const std::string text = xml::Text(node);
  const std::string ccy = xml::Attribute(node, "Ccy");
  if (text.empty() ||
      text.find_first_not_of("0123456789.") != std::string::npos)
    return Bad(r.position,
               fmt::format("bad amount '{}'", core::Excerpt(text, 30)));
  if (ccy != r.currency)
    return Bad(r.position,
               fmt::format("amount in {}, not {}: a statement of another "
                           "currency cannot fund deals",
                           ccy.empty() ? "no currency" : core::Excerpt(ccy, 8),
                           r.currency));
  bool negative = false;
  return ParseStatementAmount(text, '.', &negative);
}

// Remittance information and notes of a transaction, on one line.
std::string TransactionText(const xmlNode* tx) {
  std::string text;
  auto add = [&](const std::string& piece) {
    if (!piece.empty()) text += (text.empty() ? "" : " ") + piece;
  };
  const xmlNode* rmt = xml::Child(tx, "RmtInf");
  for (const xmlNode* u : xml::Children(rmt, "Ustrd")) add(xml::Text(u));
  for (const xmlNode* s : xml::Children(rmt, "Strd"))
    add(xml::Text(xml::Find(s, {"CdtrRefInf", "Ref"})));
  add(xml::Text(xml::Child(tx, "AddtlTxInf")));
  return text;
}

// The transfer's end-to-end id; banks write NOTPROVIDED for none.
std::string EndToEndId(const xmlNode* tx) {
  std::string id = xml::Text(xml::Find(tx, {"Refs", "EndToEndId"}));
  return id == "NOTPROVIDED" ? "" : core::Excerpt(id, 35);
}

std::string Debtor(const xmlNode* tx) {
  const xmlNode* dbtr = xml::Find(tx, {"RltdPties", "Dbtr"});
  const xmlNode* name = xml::Child(dbtr, "Nm");
  if (!name) name = xml::Find(dbtr, {"Pty", "Nm"});  // 001.08
  return internal::OneLine(xml::Text(name));
}

const xmlNode* TxAmount(const xmlNode* tx) {
  const xmlNode* amt = xml::Find(tx, {"AmtDtls", "TxAmt", "Amt"});
  return amt ? amt : xml::Child(tx, "Amt");
}

StatementLine EntryLine(const Reader& r, const xmlNode* entry) {
  StatementLine line;
  line.position = r.position;
  const std::string side = xml::Text(xml::Child(entry, "CdtDbtInd"));
  const bool reversal = xml::Text(xml::Child(entry, "RvslInd")) == "true";
  line.credit = side == "CRDT" && !reversal;
  line.reversal = reversal;
  line.booked_as_credit = side == "CRDT";
  line.booked = xml::Text(xml::Child(entry, "Sts")) == "BOOK";
  line.date = xml::Text(xml::Find(entry, {"BookgDt", "Dt"}));
  if (line.date.empty())
    line.date = xml::Text(xml::Find(entry, {"BookgDt", "DtTm"})).substr(0, 10);
  line.reference = xml::Text(xml::Child(entry, "AcctSvcrRef"));
  if (line.reference.empty())
    line.reference = xml::Text(xml::Child(entry, "NtryRef"));
  return line;
}

std::vector<const xmlNode*> Transactions(const xmlNode* entry) {
  std::vector<const xmlNode*> txs;
  for (const xmlNode* d : xml::Children(entry, "NtryDtls"))
    for (const xmlNode* tx : xml::Children(d, "TxDtls")) txs.push_back(tx);
  return txs;
}

// One entry: one line, or one per transaction when it batches several
// that each carry their own amount.
Result<void> ReadEntry(Reader& r, const xmlNode* entry) {
  const std::string side = xml::Text(xml::Child(entry, "CdtDbtInd"));
  if (side != "CRDT" && side != "DBIT")
    return Bad(r.position, "CdtDbtInd must be CRDT or DBIT");
  auto amount = Amount(r, xml::Child(entry, "Amt"));
  CT_TRY(amount);
  const StatementLine base = EntryLine(r, entry);
  const std::string note = xml::Text(xml::Child(entry, "AddtlNtryInf"));
  const auto txs = Transactions(entry);
  const bool split = txs.size() > 1 &&
                     std::all_of(txs.begin(), txs.end(), [](const xmlNode* tx) {
                       return TxAmount(tx) != nullptr;
                     });
  if (!split) {
    StatementLine line = base;
    line.amount = *amount;
    std::string text;
    for (const xmlNode* tx : txs) {
      text += TransactionText(tx) + " ";
      if (line.debtor.empty()) line.debtor = Debtor(tx);
      if (line.end_to_end_id.empty()) line.end_to_end_id = EndToEndId(tx);
      if (line.reference.empty())
        line.reference = xml::Text(xml::Find(tx, {"Refs", "AcctSvcrRef"}));
    }
    line.text = internal::OneLine(text + note);
    if (!r.Emit(line)) return std::unexpected(*r.sink_error);
    return {};
  }
  for (size_t k = 0; k < txs.size(); ++k) {
    auto tx_amount = Amount(r, TxAmount(txs[k]));
    CT_TRY(tx_amount);
    StatementLine line = base;
    line.amount = *tx_amount;
    line.text = internal::OneLine(TransactionText(txs[k]) + " " + note);
    line.debtor = Debtor(txs[k]);
    line.end_to_end_id = EndToEndId(txs[k]);
    line.reference = xml::Text(xml::Find(txs[k], {"Refs", "AcctSvcrRef"}));
    if (line.reference.empty() && !base.reference.empty())
      line.reference = fmt::format("{}/{}", base.reference, k + 1);
    if (!r.Emit(line)) return std::unexpected(*r.sink_error);
  }
  return {};
}

// A statement's account (its first Acct): in our currency, and the same
// IBAN for every statement of the file.
Result<void> ReadAccount(Reader& r, const xmlNode* acct) {
  const std::string iban = xml::Text(xml::Find(acct, {"Id", "IBAN"}));
  const std::string ccy = xml::Text(xml::Child(acct, "Ccy"));
  if (!ccy.empty() && ccy != r.currency)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("camt.053: the account is in {}, not {}: a "
                            "statement of another currency cannot fund deals",
                            core::Excerpt(ccy, 8), r.currency));
  if (!iban.empty()) {
    if (!r.account.empty() && r.account != iban)
      return Fail(ErrorKind::kInvalidInput,
                  "camt.053: statements of several accounts in one file");
    r.account = iban;
  }
  return {};
}

bool IsCamt053Root(const xml::XmlStreamReader& xml) {
  return xml.LocalName() == "Document" &&
         xml.NamespaceUri().starts_with(kCamt053);
}

// Where the reader is in Document / BkToCstmrStmt (the first) / Stmt.
struct Place {
  bool in_body = false, seen_body = false;
  bool in_statement = false, seen_account = false;
  int statements = 0;

  // An element starts at `depth`; true when it is one read whole (an entry
  // or the statement's account).
  bool Enter(int depth, std::string_view name) {
    if (depth == 1) {
      in_body = !seen_body && name == "BkToCstmrStmt";
      seen_body = seen_body || in_body;
    } else if (depth == 2) {
      in_statement = in_body && name == "Stmt";
      if (in_statement) {
        ++statements;
        seen_account = false;
      }
    } else if (depth == 3 && in_statement) {
      if (name == "Ntry") return true;
      if (name == "Acct" && !seen_account) {
        seen_account = true;
        return true;
      }
    }
    return false;
  }
};

}  // namespace

namespace internal {

// The elements around the entries are passed through node by node; each
// entry, and each statement's account, is expanded alone into a small tree,
// read, and freed before the next. After the first error in what the file
// says, the rest is still read for the errors of the XML itself, which are
// said first (as a whole-document parser would).
Result<std::string> ReadCamt053(std::istream& in, std::string_view currency,
                                const LineSink& sink) {
  xml::XmlStreamReader xml(in, "camt.053", core::kMaxStatementEntryBytes);
  Reader r{currency, sink, "", 0, std::nullopt};
  Place place;
  std::optional<Error> problem;
  bool more = xml.Read();
  while (more) {
    if (problem || !xml.AtElementStart()) {
      more = xml.Read();
      continue;
    }
    const int depth = xml.Depth();
    if (depth == 0 && !IsCamt053Root(xml))
      problem = Error{ErrorKind::kInvalidInput,
                      "camt.053: the root is not a camt.053 Document "
                      "(namespace " +
                          std::string(kCamt053) + "…)"};
    if (!place.Enter(depth, xml.LocalName())) {
      more = xml.Read();
      continue;
    }
    const bool entry = xml.LocalName() == "Ntry";
    if (entry) ++r.position;
    const xmlNode* node = xml.Expand(core::kMaxStatementEntryBytes);
    if (!node) break;
    auto ok = entry ? ReadEntry(r, node) : ReadAccount(r, node);
    if (r.sink_error) return std::unexpected(*r.sink_error);
    if (!ok) problem = std::move(ok.error());
    more = xml.Skip();
  }
  CT_TRY(xml.Finish());
  if (problem) return std::unexpected(*problem);
  if (place.statements == 0)
    return Fail(ErrorKind::kInvalidInput, "camt.053: no Stmt in the file");
  return r.account;
}

}  // namespace internal

Result<Statement> ParseCamt053(std::string_view text,
                               std::string_view currency) {
  std::ispanstream in(std::span<const char>(text.data(), text.size()));
  Statement statement{"camt053", "", {}};
  auto account = internal::ReadCamt053(
      in, currency, [&](StatementLine& line) -> Result<void> {
        statement.lines.push_back(std::move(line));
        return {};
      });
  CT_TRY(account);
  statement.account = std::move(*account);
  CT_TRY(internal::Finish(statement));
  return statement;
}

}  // namespace ct::money
