#include "app/market/catalogue.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "mail/mime.h"
#include "notify/catalogue_site.h"
#include "store/listing_repo.h"

namespace ct::app {
namespace {

namespace fs = std::filesystem;

Result<void> WriteAtomically(const fs::path& path, const std::string& text) {
  const fs::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out)
      return Fail(ErrorKind::kIo, "catalogue: cannot write " + temp.string());
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec)
    return Fail(ErrorKind::kIo, "catalogue: cannot rename " + temp.string() +
                                    ": " + ec.message());
  return {};
}

// Deletes l/CL-XXXXXXXX.html pages not in `keep`; only names of that shape,
// so that nothing else the operator put in DIR is touched.
Result<int> RemoveStale(const fs::path& pages,
                        const std::set<std::string>& keep) {
  int removed = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(pages, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.size() != 16 || !name.ends_with(".html") ||
        !core::NormalizeListingId(name.substr(0, 11)) || keep.contains(name))
      continue;
    if (fs::remove(entry.path(), ec)) ++removed;
  }
  if (ec)
    return Fail(ErrorKind::kIo,
                "catalogue: " + pages.string() + ": " + ec.message());
  return removed;
}

}  // namespace

Result<CatalogueReport> WriteCatalogue(Context& ctx, const std::string& dir) {
  auto open = store::ListingRepo(ctx.db).List(core::kListingOpen);
  CT_TRY(open);
  notify::CatalogueInput in;
  // Newest first; one past its date is over even before `tick` says so.
  for (auto it = open->rbegin(); it != open->rend(); ++it)
    if (it->expires > ctx.now) in.listings.push_back(std::move(*it));
  in.escrow_address = mail::AddressOf(ctx.config.outbox.from);
  in.currency = ctx.config.policy.money.currency;
  in.show_lister = ctx.config.catalogue.show_lister;
  in.now = ctx.now;
  in.lang = ctx.config.templates.default_language;
  in.labels = ctx.renderer.Labels(in.lang);
  const fs::path root(dir);
  std::error_code ec;
  fs::create_directories(root / "l", ec);
  if (ec)
    return Fail(ErrorKind::kIo, "catalogue: cannot create " +
                                    (root / "l").string() + ": " +
                                    ec.message());
  std::set<std::string> pages;
  for (const auto& file : notify::BuildCatalogue(in)) {
    if (file.path.starts_with("l/")) pages.insert(file.path.substr(2));
    CT_TRY(WriteAtomically(root / file.path, file.content));
  }
  auto removed = RemoveStale(root / "l", pages);
  CT_TRY(removed);
  return CatalogueReport{static_cast<int>(in.listings.size()), *removed};
}

}  // namespace ct::app
