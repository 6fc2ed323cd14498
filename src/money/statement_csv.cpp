// CSV statements: RFC 4180 records, columns found by the layout the
// operator configured ([money.import_csv]).
#include "money/statement_csv.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>
#include <spanstream>

#include "core/limits.h"
#include "money/bank_statement.h"
#include "util/read_file.h"
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

// Reads a CSV file record by record (RFC 4180: quoted fields may hold the
// delimiter, doubled quotes, line breaks), holding only the current one.
class RecordReader {
 public:
  enum class Got { kRecord, kTooLong, kEnd };

  RecordReader(std::istream& in, char delimiter)
      : in_(in), delimiter_(delimiter) {}

  // The next record that is not blank, and the line it starts on; kTooLong
  // (and no fields) for one over core::kMaxStatementRecordBytes.
  Got Next(Record& record, int& line);

  // After kEnd: what is wrong with the file as a whole, if anything.
  Result<void> Finish() const {
    if (read_failed_) return Fail(ErrorKind::kIo, "CSV: cannot read it");
    if (nul_)
      return Fail(ErrorKind::kInvalidInput, "CSV: a NUL byte: not a text file");
    if (unclosed_ > 0) return Bad(unclosed_, "a quoted field is not closed");
    return {};
  }

 private:
  // The next byte, or -1 at the end of the file or at a NUL byte (no text
  // file has one: said before anything else).
  int Get() {
    if (pos_ == end_ && !Fill()) return -1;
    const unsigned char c = static_cast<unsigned char>(buffer_[pos_++]);
    if (c == 0) nul_ = true;
    return c == 0 ? -1 : c;
  }
  int Peek() {
    if (pos_ == end_ && !Fill()) return -1;
    return static_cast<unsigned char>(buffer_[pos_]);
  }
  bool Fill();

  std::istream& in_;
  const char delimiter_;
  char buffer_[65536];
  size_t pos_ = 0, end_ = 0;
  bool started_ = false, read_failed_ = false, nul_ = false;
  int line_ = 1, unclosed_ = 0;
};

bool RecordReader::Fill() {
  if (nul_ || read_failed_ || !in_) return false;
  in_.read(buffer_, sizeof buffer_);
  read_failed_ = in_.bad();
  pos_ = 0;
  end_ = read_failed_ ? 0 : static_cast<size_t>(in_.gcount());
  if (!started_) {
    started_ = true;
    if (std::string_view(buffer_, end_).starts_with("\xEF\xBB\xBF")) pos_ = 3;
  }
  return pos_ < end_;
}

RecordReader::Got RecordReader::Next(Record& record, int& line) {
  std::string field;
  bool quoted = false, any = false, started = false;
  size_t bytes = 0;
  record.clear();
  line = line_;
  // A record over the limit is read to its end but not kept.
  auto add = [&](char c) {
    started = true;
    if (++bytes <= core::kMaxStatementRecordBytes) field += c;
  };
  auto end_record = [&]() -> std::optional<Got> {
    if (bytes > core::kMaxStatementRecordBytes) {
      record.clear();
      return Got::kTooLong;
    }
    record.push_back(std::move(field));
    if (any || record.size() > 1 || !record.front().empty())
      return Got::kRecord;
    return std::nullopt;  // a blank line
  };
  for (;;) {
    const int c = Get();
    if (c < 0) {
      if (quoted) unclosed_ = line;
      if (nul_ || read_failed_ || quoted || (!started && record.empty()))
        return Got::kEnd;
      return end_record().value_or(Got::kEnd);
    }
    if (quoted) {
      if (c == '"' && Peek() == '"') {
        add('"');
        Get();
      } else if (c == '"') {
        quoted = false;
      } else {
        if (c == '\n') ++line_;
        add(static_cast<char>(c));
      }
    } else if (c == '"' && !started) {
      quoted = any = true;
      ++bytes;
    } else if (c == delimiter_) {
      if (++bytes <= core::kMaxStatementRecordBytes)
        record.push_back(std::move(field));
      field.clear();
      started = false;
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && Peek() == '\n') Get();
      ++line_;
      if (auto got = end_record()) return *got;
      record.clear();
      field.clear();
      any = started = false;
      bytes = 0;
      line = line_;
    } else {
      add(static_cast<char>(c));
    }
  }
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

namespace internal {

Result<std::string> ReadCsv(std::istream& in, const CsvLayout& l,
                            std::string_view currency, const LineSink& sink) {
  RecordReader records(in, l.delimiter);
  std::optional<Error> problem;  // said unless the file as a whole is bad
  std::optional<Columns> columns;
  if (!l.header) {
    auto numbered = FindColumns(l, nullptr);
    if (numbered)
      columns = std::move(*numbered);
    else
      problem = std::move(numbered.error());
  }
  int skip = std::max(0, l.skip_lines);
  Record record;
  int line = 0;
  for (auto got = records.Next(record, line); got != RecordReader::Got::kEnd;
       got = records.Next(record, line)) {
    if (problem) continue;  // the rest is read for a NUL or an open quote
    if (got == RecordReader::Got::kTooLong) {
      problem =
          Bad(line, fmt::format("longer than {}: not a line of a bank "
                                "statement",
                                util::ByteSize(core::kMaxStatementRecordBytes)))
              .error();
      continue;
    }
    if (skip > 0) {
      --skip;
      continue;
    }
    if (!columns) {  // the header
      auto named = FindColumns(l, &record);
      if (named)
        columns = std::move(*named);
      else
        problem = std::move(named.error());
      continue;
    }
    auto read = ReadLine(record, line, *columns, l, currency);
    if (!read) {
      problem = std::move(read.error());
      continue;
    }
    CT_TRY(sink(*read));
  }
  CT_TRY(records.Finish());
  if (problem) return std::unexpected(*problem);
  if (!columns) return Fail(ErrorKind::kInvalidInput, "CSV: no header line");
  return std::string();
}

}  // namespace internal

Result<Statement> ParseCsvStatement(std::string_view csv, const CsvLayout& l,
                                    std::string_view currency) {
  std::ispanstream in(std::span<const char>(csv.data(), csv.size()));
  Statement statement{"csv", "", {}};
  CT_TRY(internal::ReadCsv(in, l, currency,
                           [&](StatementLine& line) -> Result<void> {
                             statement.lines.push_back(std::move(line));
                             return {};
                           }));
  CT_TRY(internal::Finish(statement));
  return statement;
}

}  // namespace ct::money
