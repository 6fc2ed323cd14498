#include "notify/catalogue.h"

#include <fmt/format.h>

#include <cctype>

#include "core/time.h"
#include "notify/catalogue_assets.h"

namespace ct::notify {
namespace {

// Only our own script and style; no inline code, no outside resource.
constexpr char kPolicy[] =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'none'";

// RFC 3986 unreserved characters (and `keep`) stay, everything else is
// %XX (UTF-8).
std::string PercentEncode(std::string_view text, std::string_view keep = "") {
  std::string out;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80 && (std::isalnum(c) || ch == '-' || ch == '.' || ch == '_' ||
                     ch == '~' || keep.find(ch) != std::string_view::npos))
      out += ch;
    else
      out += fmt::format("%{:02X}", c);
  }
  return out;
}

std::string Terms(const CatalogueInput& in, const core::Listing& l) {
  const std::string delivery =
      l.delivery == "hand" ? "hand delivery" : "by post";
  if (l.IsSale())
    return fmt::format("For sale · {} {} + shipping {} {} · {}",
                       l.amount.ToString(), in.currency, l.shipping.ToString(),
                       in.currency, delivery);
  return fmt::format("To exchange · value {} {} · {}", l.amount.ToString(),
                     in.currency, delivery);
}

// The words the filter looks in: everything a visitor can see.
std::string Words(const core::Listing& l) {
  return l.title + " " + l.wants + " " + l.tags + " " + l.id;
}

// The part of a listing shown on both the index and its own page; `base`
// is the way from that page to the catalogue's root ("" or "../").
std::string ListingBody(const CatalogueInput& in, const core::Listing& l,
                        const std::string& base, bool heading_link) {
  const std::string title = EscapeMarkup(l.title);
  std::string html = fmt::format(
      "<h2>{}</h2>\n<p class=\"terms\">{}</p>\n",
      heading_link
          ? fmt::format("<a href=\"{}l/{}.html\">{}</a>", base, l.id, title)
          : title,
      EscapeMarkup(Terms(in, l)));
  if (!l.IsSale())
    html += "<p class=\"wants\">Wanted in exchange: " + EscapeMarkup(l.wants) +
            "</p>\n";
  if (!l.tags.empty())
    html += "<p class=\"tags\">Tags: " + EscapeMarkup(l.tags) + "</p>\n";
  if (in.show_lister)
    html +=
        "<p class=\"lister\">Listed by " + EscapeMarkup(l.lister) + "</p>\n";
  html += fmt::format(
      "<p class=\"expires\">Open until {}</p>\n"
      "<p class=\"interest\"><a class=\"mailto\" href=\"{}\">I am "
      "interested</a>: send, signed with your OpenPGP key, the line "
      "<code>{}</code> to {}</p>\n",
      EscapeMarkup(core::FormatHumanTime(l.expires)),
      EscapeMarkup(InterestMailto(in.escrow_address, l.id)),
      EscapeMarkup(core::InterestLine(l.id)), EscapeMarkup(in.escrow_address));
  return html;
}

std::string Page(const std::string& title, const std::string& base,
                 const std::string& body, bool script) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
      "<title>{}</title>\n<link rel=\"stylesheet\" href=\"{}catalogue.css\">\n"
      "<link rel=\"alternate\" type=\"application/atom+xml\" "
      "title=\"Open listings\" href=\"{}feed.atom\">\n</head>\n<body>\n{}{}"
      "</body>\n</html>\n",
      kPolicy, EscapeMarkup(title), base, base, body,
      script ? fmt::format("<script src=\"{}catalogue.js\"></script>\n", base)
             : "");
}

std::string Index(const CatalogueInput& in) {
  std::string body = fmt::format(
      "<header>\n<h1>Open listings</h1>\n<p>{} listings, updated {} · "
      "<a href=\"feed.atom\">Atom feed</a></p>\n</header>\n"
      "<form id=\"filter\" role=\"search\">\n"
      "<label>Words <input id=\"q\" name=\"q\" type=\"search\"></label>\n"
      "<label>Price or value at most ({}) <input id=\"max\" name=\"max\" "
      "inputmode=\"decimal\"></label>\n"
      "<label>Case <select id=\"case\" name=\"case\">"
      "<option value=\"\">any</option><option value=\"sale\">sale</option>"
      "<option value=\"exchange\">exchange</option></select></label>\n"
      "<output id=\"count\"></output>\n</form>\n<main id=\"listings\">\n",
      in.listings.size(), EscapeMarkup(core::FormatHumanTime(in.now)),
      EscapeMarkup(in.currency));
  for (const auto& l : in.listings)
    body += fmt::format(
        "<article class=\"listing\" id=\"{}\" data-case=\"{}\" "
        "data-amount=\"{}\" data-words=\"{}\">\n{}</article>\n",
        l.id, l.case_name, l.amount.minor(), EscapeMarkup(Words(l)),
        ListingBody(in, l, "", true));
  body += "</main>\n<p id=\"none\" hidden>No listing matches.</p>\n";
  return Page("Open listings", "", body, true);
}

std::string ListingPage(const CatalogueInput& in, const core::Listing& l) {
  const std::string body = fmt::format(
      "<p><a href=\"../index.html\">All open listings</a></p>\n"
      "<article class=\"listing\" id=\"{}\">\n{}</article>\n",
      l.id, ListingBody(in, l, "../", false));
  return Page(l.title + " (" + l.id + ")", "../", body, false);
}

std::string Feed(const CatalogueInput& in) {
  std::string xml = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      "<title>Open listings</title>\n<id>urn:cybertroc:catalogue:{}</id>\n"
      "<updated>{}</updated>\n<author><name>{}</name></author>\n"
      "<link rel=\"self\" href=\"feed.atom\"/>\n"
      "<link rel=\"alternate\" type=\"text/html\" href=\"index.html\"/>\n",
      EscapeMarkup(in.escrow_address), core::FormatIsoTime(in.now),
      EscapeMarkup(in.escrow_address));
  for (const auto& l : in.listings)
    xml += fmt::format(
        "<entry>\n<title>{}</title>\n<id>urn:cybertroc:listing:{}</id>\n"
        "<updated>{}</updated>\n<link rel=\"alternate\" type=\"text/html\" "
        "href=\"l/{}.html\"/>\n<summary>{}</summary>\n</entry>\n",
        EscapeMarkup(l.title), l.id, core::FormatIsoTime(l.created), l.id,
        EscapeMarkup(Terms(in, l) + ". Interested? Send, signed: " +
                     core::InterestLine(l.id)));
  return xml + "</feed>\n";
}

}  // namespace

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string InterestMailto(const std::string& escrow,
                           const std::string& listing_id) {
  return "mailto:" + PercentEncode(escrow, "@") +
         "?subject=" + PercentEncode(listing_id) +
         "&body=" + PercentEncode(core::InterestLine(listing_id));
}

std::vector<CatalogueFile> BuildCatalogue(const CatalogueInput& in) {
  std::vector<CatalogueFile> files = {
      {"index.html", Index(in)},
      {"catalogue.js", kCatalogueScript},
      {"catalogue.css", kCatalogueStyle},
      {"feed.atom", Feed(in)},
  };
  for (const auto& l : in.listings)
    files.push_back({"l/" + l.id + ".html", ListingPage(in, l)});
  return files;
}

}  // namespace ct::notify
