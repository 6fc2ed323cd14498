// Internal to store/: conversions between core values and SQLite columns, the
// SQLite-error-to-ct::Error mapping, and a row-collecting helper. Not part of
// the public store interface.
#ifndef CYBERTROC_STORE_CODEC_H_
#define CYBERTROC_STORE_CODEC_H_

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"
#include "core/money.h"
#include "core/time.h"
#include "store/statement.h"
#include "util/text.h"

namespace ct::store::internal {

// kBusy for SQLITE_BUSY / SQLITE_LOCKED (another process holds the lock: try
// again later), kIo for everything else; the message carries `context` and
// SQLite's own explanation (sqlite3_errmsg when `db` is given).
Error SqliteError(sqlite3* db, int rc, std::string_view context);

inline int64_t ToUnix(core::Time t) { return t.time_since_epoch().count(); }
inline core::Time FromUnix(int64_t seconds) {
  return core::Time(std::chrono::seconds(seconds));
}

inline void BindTime(Statement& st, int index, core::Time t) {
  st.Bind(index, ToUnix(t));
}
inline void BindOptTime(Statement& st, int index,
                        const std::optional<core::Time>& t) {
  if (t) {
    st.Bind(index, ToUnix(*t));
  } else {
    st.BindNull(index);
  }
}
inline void BindMoney(Statement& st, int index, core::Money m) {
  st.Bind(index, m.minor());
}
// Optional references (deal ids of outbox rows, ledger event ids) are NULL
// in SQL rather than "" or 0 so that their foreign keys hold.
inline void BindTextOrNull(Statement& st, int index, std::string_view text) {
  if (text.empty()) {
    st.BindNull(index);
  } else {
    st.Bind(index, text);
  }
}
inline void BindIdOrNull(Statement& st, int index, int64_t id) {
  if (id == 0) {
    st.BindNull(index);
  } else {
    st.Bind(index, id);
  }
}

inline core::Time ColumnTime(const Statement& st, int col) {
  return FromUnix(st.ColumnInt(col));
}
inline std::optional<core::Time> ColumnOptTime(const Statement& st, int col) {
  if (st.ColumnIsNull(col)) return std::nullopt;
  return FromUnix(st.ColumnInt(col));
}
inline core::Money ColumnMoney(const Statement& st, int col) {
  return core::Money::FromMinor(st.ColumnInt(col));
}

// ASCII case folding: e-mail addresses and hex fingerprints are ASCII, and
// SQLite's NOCASE collation folds ASCII only, so both sides agree.
using util::AsciiLower;
using util::AsciiUpper;

// Steps `st` to completion and turns every row into a T with `read`.
template <typename T, typename ReadRow>
Result<std::vector<T>> CollectRows(Statement& st, ReadRow read) {
  std::vector<T> rows;
  for (;;) {
    Result<bool> has_row = st.Step();
    CT_TRY(has_row);
    if (!*has_row) return rows;
    rows.push_back(read(st));
  }
}

}  // namespace ct::store::internal

#endif  // CYBERTROC_STORE_CODEC_H_
