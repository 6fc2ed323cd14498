#include "notify/catalogue_site.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <initializer_list>

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

// The catalogue's word for `key` ("catalogue.KEY" in the labels), or the
// English one, with each "{}" filled by the next of `values` in turn. A
// label with more or fewer "{}" than values never fails: the extra values
// are dropped, the extra "{}" stay.
std::string Say(const CatalogueInput& in, const std::string& key,
                std::string_view english,
                std::initializer_list<std::string> values = {}) {
  auto it = in.labels.find("catalogue." + key);
  const std::string_view pattern =
      it == in.labels.end() ? english : std::string_view(it->second);
  std::string out;
  size_t at = 0;
  for (const std::string& value : values) {
    const size_t gap = pattern.find("{}", at);
    if (gap == std::string_view::npos) break;
    out.append(pattern.substr(at, gap - at)).append(value);
    at = gap + 2;
  }
  return out.append(pattern.substr(at));
}

// The same, for markup: the label's own text escaped, the values (already
// markup) not.
std::string SayMarkup(const CatalogueInput& in, const std::string& key,
                      std::string_view english,
                      std::initializer_list<std::string> values = {}) {
  auto it = in.labels.find("catalogue." + key);
  const std::string pattern =
      EscapeMarkup(it == in.labels.end() ? english : it->second);
  CatalogueInput plain;  // no labels: the escaped pattern is used as is
  return Say(plain, key, pattern, values);
}

std::string Amount(const CatalogueInput& in, core::Money m) {
  std::string text = m.ToString();
  auto mark = in.labels.find("format.decimal_mark");
  if (mark != in.labels.end() && mark->second.size() == 1)
    std::ranges::replace(text, '.', mark->second[0]);
  return text + " " + in.currency;
}

std::string Terms(const CatalogueInput& in, const core::Listing& l) {
  const std::string delivery = l.delivery == "hand"
                                   ? Say(in, "hand", "hand delivery")
                                   : Say(in, "post", "by post");
  if (l.IsSale())
    return Say(in, "for_sale", "For sale · {} + shipping {} · {}",
               {Amount(in, l.amount), Amount(in, l.shipping), delivery});
  return Say(in, "to_exchange", "To exchange · value {} · {}",
             {Amount(in, l.amount), delivery});
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
  auto paragraph = [&](const char* css, const std::string& key,
                       std::string_view english, const std::string& value) {
    html += fmt::format("<p class=\"{}\">{}</p>\n", css,
                        SayMarkup(in, key, english, {EscapeMarkup(value)}));
  };
  if (!l.IsSale())
    paragraph("wants", "wants", "Wanted in exchange: {}", l.wants);
  if (!l.tags.empty()) paragraph("tags", "tags", "Tags: {}", l.tags);
  if (in.show_lister) paragraph("lister", "lister", "Listed by {}", l.lister);
  paragraph("expires", "open_until", "Open until {}",
            core::FormatHumanTime(l.expires));
  html += fmt::format(
      "<p class=\"interest\"><a class=\"mailto\" href=\"{}\">{}</a>{}</p>\n",
      EscapeMarkup(InterestMailto(in.escrow_address, l.id)),
      SayMarkup(in, "interested", "I am interested"),
      SayMarkup(in, "interested_how",
                ": send, signed with your OpenPGP key, the line {} to {}",
                {"<code>" + EscapeMarkup(core::InterestLine(l.id)) + "</code>",
                 EscapeMarkup(in.escrow_address)}));
  return html;
}

std::string Page(const CatalogueInput& in, const std::string& title,
                 const std::string& base, const std::string& body,
                 bool script) {
  return fmt::format(
      "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
      "<title>{}</title>\n<link rel=\"stylesheet\" href=\"{}catalogue.css\">\n"
      "<link rel=\"alternate\" type=\"application/atom+xml\" "
      "title=\"{}\" href=\"{}feed.atom\">\n</head>\n<body>\n{}{}"
      "</body>\n</html>\n",
      EscapeMarkup(in.lang), kPolicy, EscapeMarkup(title), base,
      EscapeMarkup(Say(in, "title", "Open listings")), base, body,
      script ? fmt::format("<script src=\"{}catalogue.js\"></script>\n", base)
             : "");
}

std::string Index(const CatalogueInput& in) {
  // The script's own words travel as data attributes of the form.
  std::string body = fmt::format(
      "<header>\n<h1>{}</h1>\n<p>{} · "
      "<a href=\"feed.atom\">{}</a></p>\n</header>\n"
      "<form id=\"filter\" role=\"search\" data-shown=\"{}\" "
      "data-bad-amount=\"{}\">\n"
      "<label>{} <input id=\"q\" name=\"q\" type=\"search\"></label>\n"
      "<label>{} <input id=\"max\" name=\"max\" "
      "inputmode=\"decimal\"></label>\n"
      "<label>{} <select id=\"case\" name=\"case\">"
      "<option value=\"\">{}</option><option value=\"sale\">{}</option>"
      "<option value=\"exchange\">{}</option></select></label>\n"
      "<output id=\"count\"></output>\n</form>\n<main id=\"listings\">\n",
      SayMarkup(in, "title", "Open listings"),
      SayMarkup(in, "count", "{} listings, updated {}",
                {std::to_string(in.listings.size()),
                 EscapeMarkup(core::FormatHumanTime(in.now))}),
      SayMarkup(in, "feed", "Atom feed"),
      EscapeMarkup(Say(in, "shown", "{} of {} shown")),
      EscapeMarkup(Say(in, "bad_amount", "an amount such as 25.00")),
      SayMarkup(in, "words", "Words"),
      SayMarkup(in, "max", "Price or value at most ({})",
                {EscapeMarkup(in.currency)}),
      SayMarkup(in, "case", "Case"), SayMarkup(in, "any", "any"),
      SayMarkup(in, "sale", "sale"), SayMarkup(in, "exchange", "exchange"));
  for (const auto& l : in.listings)
    body += fmt::format(
        "<article class=\"listing\" id=\"{}\" data-case=\"{}\" "
        "data-amount=\"{}\" data-words=\"{}\">\n{}</article>\n",
        l.id, l.case_name, l.amount.minor(), EscapeMarkup(Words(l)),
        ListingBody(in, l, "", true));
  body += "</main>\n<p id=\"none\" hidden>" +
          SayMarkup(in, "none", "No listing matches.") + "</p>\n";
  return Page(in, Say(in, "title", "Open listings"), "", body, true);
}

std::string ListingPage(const CatalogueInput& in, const core::Listing& l) {
  const std::string body = fmt::format(
      "<p><a href=\"../index.html\">{}</a></p>\n"
      "<article class=\"listing\" id=\"{}\">\n{}</article>\n",
      SayMarkup(in, "all", "All open listings"), l.id,
      ListingBody(in, l, "../", false));
  return Page(in, l.title + " (" + l.id + ")", "../", body, false);
}

std::string Feed(const CatalogueInput& in) {
  std::string xml = fmt::format(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      "<title>{}</title>\n<id>urn:cybertroc:catalogue:{}</id>\n"
      "<updated>{}</updated>\n<author><name>{}</name></author>\n"
      "<link rel=\"self\" href=\"feed.atom\"/>\n"
      "<link rel=\"alternate\" type=\"text/html\" href=\"index.html\"/>\n",
      EscapeMarkup(Say(in, "title", "Open listings")),
      EscapeMarkup(in.escrow_address), core::FormatIsoTime(in.now),
      EscapeMarkup(in.escrow_address));
  for (const auto& l : in.listings)
    xml += fmt::format(
        "<entry>\n<title>{}</title>\n<id>urn:cybertroc:listing:{}</id>\n"
        "<updated>{}</updated>\n<link rel=\"alternate\" type=\"text/html\" "
        "href=\"l/{}.html\"/>\n<summary>{}</summary>\n</entry>\n",
        EscapeMarkup(l.title), l.id, core::FormatIsoTime(l.created), l.id,
        EscapeMarkup(Terms(in, l) + ". " +
                     Say(in, "feed_interest", "Interested? Send, signed: {}",
                         {core::InterestLine(l.id)})));
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
