// ISO 20022 camt.053 (BankToCustomerStatement) read with libxml2. Only the
// elements every version from 001.02 to 001.08 shares are read, by local
// name, so one reader serves them all.
#include <fmt/format.h>

#include <algorithm>

#include "core/limits.h"
#include "money/statement.h"
#include "money/statement_internal.h"
#include "money/xml.h"

namespace ct::money {
namespace {

constexpr std::string_view kCamt053 =
    "urn:iso:std:iso:20022:tech:xsd:camt.053.";

struct Reader {
  std::string_view currency;
  Statement statement;
  int position = 0;
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
  ++r.position;
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
    r.statement.lines.push_back(std::move(line));
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
    r.statement.lines.push_back(std::move(line));
  }
  return {};
}

Result<void> ReadStatement(Reader& r, const xmlNode* stmt) {
  const std::string iban = xml::Text(xml::Find(stmt, {"Acct", "Id", "IBAN"}));
  const std::string ccy = xml::Text(xml::Find(stmt, {"Acct", "Ccy"}));
  if (!ccy.empty() && ccy != r.currency)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("camt.053: the account is in {}, not {}: a "
                            "statement of another currency cannot fund deals",
                            core::Excerpt(ccy, 8), r.currency));
  if (!iban.empty()) {
    if (!r.statement.account.empty() && r.statement.account != iban)
      return Fail(ErrorKind::kInvalidInput,
                  "camt.053: statements of several accounts in one file");
    r.statement.account = iban;
  }
  for (const xmlNode* entry : xml::Children(stmt, "Ntry"))
    if (auto ok = ReadEntry(r, entry); !ok) return ok;
  return {};
}

}  // namespace

Result<Statement> ParseCamt053(std::string_view text,
                               std::string_view currency) {
  auto doc = xml::Parse(text, "camt.053");
  CT_TRY(doc);
  const xmlNode* root = xmlDocGetRootElement(doc->get());
  const std::string ns = root && root->ns && root->ns->href
                             ? reinterpret_cast<const char*>(root->ns->href)
                             : "";
  if (!xml::Named(root, "Document") || !ns.starts_with(kCamt053))
    return Fail(ErrorKind::kInvalidInput,
                "camt.053: the root is not a camt.053 Document (namespace " +
                    std::string(kCamt053) + "…)");
  const xmlNode* body = xml::Child(root, "BkToCstmrStmt");
  const auto statements = xml::Children(body, "Stmt");
  if (statements.empty())
    return Fail(ErrorKind::kInvalidInput, "camt.053: no Stmt in the file");
  Reader r{currency, {"camt053", "", {}}, 0};
  for (const xmlNode* stmt : statements) CT_TRY(ReadStatement(r, stmt));
  CT_TRY(internal::Finish(r.statement));
  return std::move(r.statement);
}

}  // namespace ct::money
