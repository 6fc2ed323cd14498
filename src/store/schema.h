// Internal to store/: the schema as an ordered list of migrations. Migration
// i (0-based) moves a database from PRAGMA user_version i to i + 1.
#ifndef CYBERTROC_STORE_SCHEMA_H_
#define CYBERTROC_STORE_SCHEMA_H_

#include <string_view>

namespace ct::store::internal {

// The user_version a fully migrated database has.
int LatestSchemaVersion();

// The script of migration `version` (0 <= version < LatestSchemaVersion()).
// Database::Open applies them: the schema itself needs no Database.
std::string_view MigrationScript(int version);

}  // namespace ct::store::internal

#endif  // CYBERTROC_STORE_SCHEMA_H_
