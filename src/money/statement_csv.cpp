// CSV statements: RFC 4180 records, columns found by the layout the
// operator configured ([money.import_csv]).
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

#include "core/limits.h"
#include "money/statement.h"
#include "money/statement_internal.h"
#include "util/text.h"

namespace ct::money {
namespace {

using Record = std::vector<std::string>;

std::unexpected<Error> Bad(int line, std::string_view why) {
  return Fail(ErrorKind::kInvalidInput,
              fmt::format("CSV line {}: {}", line, why));
}

std::string Folded(std::string_view s) {
  return util::AsciiLower(internal::OneLine(s));
}

// Splits `csv` into records (quoted fields may hold the delimiter, quotes
// doubled, line breaks); `lines` gets each record's first line number.
Result<std::vector<Record>> Records(std::string_view csv, char delimiter,
                                    std::vector<int>& lines) {
  std::vector<Record> records;
  Record record;
  std::string field;
  bool quoted = false, any = false;
  int line = 1, start = 1;
  auto end_record = [&] {
    record.push_back(std::move(field));
    field.clear();
    if (any || record.size() > 1 || !record.front().empty()) {
      records.push_back(std::move(record));
      lines.push_back(start);
    }
    record.clear();
    any = false;
  };
  for (size_t i = 0; i < csv.size(); ++i) {
    const char c = csv[i];
    if (quoted) {
      if (c == '"' && i + 1 < csv.size() && csv[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line;
        field += c;
      }
    } else if (c == '"' && field.empty()) {
      quoted = any = true;
    } else if (c == delimiter) {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < csv.size() && csv[i + 1] == '\n') ++i;
      end_record();
      start = ++line;
    } else {
      field += c;
    }
  }
  if (quoted) return Bad(start, "a quoted field is not closed");
  if (!field.empty() || !record.empty()) end_record();
  return records;
}

// A column spec: a 1-based number, or a header name.
Result<std::optional<size_t>> Column(const std::string& spec, const char* key,
                                     const Record* header) {
  if (spec.empty()) return std::nullopt;
  size_t number = 0;
  const auto [end, ec] =
      std::from_chars(spec.data(), spec.data() + spec.size(), number);
  if (ec == std::errc() && end == spec.data() + spec.size() && number >= 1)
    return number - 1;
  if (!header)
    return Fail(ErrorKind::kInvalidInput,
                fmt::format("money.import_csv.{} = {}: without a header line "
                            "(header = false) columns are numbers",
                            key, core::Excerpt(spec)));
  for (size_t i = 0; i < header->size(); ++i)
    if (Folded((*header)[i]) == Folded(spec)) return i;
  std::string names;
  for (const auto& h : *header)
    names += (names.empty() ? "" : ", ") + core::Excerpt(h, 30);
  return Fail(ErrorKind::kInvalidInput,
              fmt::format("money.import_csv.{} = {}: no such column (the "
                          "header has: {})",
                          key, core::Excerpt(spec), names));
}

struct Columns {
  std::optional<size_t> amount, credit, reference, date, currency;
  std::vector<size_t> text;
};

Result<Columns> FindColumns(const CsvLayout& l, const Record* header) {
  Columns c;
  auto get = [&](const std::string& spec, const char* key,
                 std::optional<size_t>& into) -> Result<void> {
    auto col = Column(spec, key, header);
    CT_TRY(col);
    into = *col;
    return {};
  };
  CT_TRY(get(l.credit, "credit", c.credit));
  if (!c.credit) CT_TRY(get(l.amount, "amount", c.amount));
  if (!c.credit && !c.amount)
    return Fail(ErrorKind::kInvalidInput,
                "money.import_csv: set `amount` or `credit` to a column");
  for (auto [spec, key, into] :
       {std::tuple{&l.reference, "reference", &c.reference},
        std::tuple{&l.date, "date", &c.date},
        std::tuple{&l.currency, "currency", &c.currency}})
    CT_TRY(get(*spec, key, *into));
  std::string specs = l.text;
  for (size_t start = 0; start <= specs.size();) {
    const size_t comma = std::min(specs.find(',', start), specs.size());
    const std::string spec =
        internal::OneLine(specs.substr(start, comma - start));
    std::optional<size_t> col;
    CT_TRY(get(spec, "text", col));
    if (col) c.text.push_back(*col);
    start = comma + 1;
  }
  if (c.text.empty())
    return Fail(ErrorKind::kInvalidInput,
                "money.import_csv: set `text` to the remittance column");
  return c;
}

Result<StatementLine> ReadLine(const Record& r, int line, const Columns& c,
                               const CsvLayout& l, std::string_view currency) {
  auto cell = [&](std::optional<size_t> col) -> std::string {
    return col && *col < r.size() ? internal::OneLine(r[*col]) : "";
  };
  StatementLine out;
  out.position = line;
  const std::string ccy = cell(c.currency);
  bool negative = false;
  const std::string amount = cell(c.credit ? c.credit : c.amount);
  if (!amount.empty()) {
    auto money = ParseStatementAmount(amount, l.decimal_mark, &negative);
    if (!money) return Bad(line, money.error().message);
    out.amount = *money;
    out.credit = !negative && !out.amount.IsZero();
    out.booked_as_credit = out.credit;
  }
  if (!ccy.empty() && ccy != currency)
    return Bad(line, fmt::format("amount in {}, not {}: a statement of "
                                 "another currency cannot fund deals",
                                 core::Excerpt(ccy, 8), currency));
  std::string text;
  for (size_t col : c.text) text += cell(col) + " ";
  out.text = internal::OneLine(text);
  out.reference = cell(c.reference);
  out.date = cell(c.date);
  return out;
}

}  // namespace

Result<Statement> ParseCsvStatement(std::string_view csv, const CsvLayout& l,
                                    std::string_view currency) {
  if (csv.starts_with("\xEF\xBB\xBF")) csv.remove_prefix(3);
  if (csv.find('\0') != std::string_view::npos)
    return Fail(ErrorKind::kInvalidInput, "CSV: a NUL byte: not a text file");
  std::vector<int> lines;
  auto records = Records(csv, l.delimiter, lines);
  CT_TRY(records);
  size_t first = static_cast<size_t>(std::max(0, l.skip_lines));
  const Record* header = nullptr;
  if (l.header) {
    if (first >= records->size())
      return Fail(ErrorKind::kInvalidInput, "CSV: no header line");
    header = &(*records)[first++];
  }
  auto columns = FindColumns(l, header);
  CT_TRY(columns);
  Statement statement{"csv", "", {}};
  for (size_t i = first; i < records->size(); ++i) {
    auto line = ReadLine((*records)[i], lines[i], *columns, l, currency);
    CT_TRY(line);
    statement.lines.push_back(std::move(*line));
  }
  CT_TRY(internal::Finish(statement));
  return statement;
}

}  // namespace ct::money
