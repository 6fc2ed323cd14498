// Internal to store/: the schema as an ordered list of migrations. Migration
// i (0-based) moves a database from PRAGMA user_version i to i + 1.
#ifndef CYBERTROC_STORE_SCHEMA_H_
#define CYBERTROC_STORE_SCHEMA_H_

#include "core/error.h"
#include "store/database.h"

namespace ct::store::internal {

// The user_version a fully migrated database has.
int LatestSchemaVersion();

// Applies the missing migrations, each in its own transaction together with
// its user_version bump, so a crash leaves a consistent version. kConfig when
// the database was made by a newer cybertroc (user_version > latest).
Result<void> Migrate(Database& db);

}  // namespace ct::store::internal

#endif  // CYBERTROC_STORE_SCHEMA_H_
