#include "notify/catalogue_assets.h"

namespace ct::notify {

const char kCatalogueScript[] = R"js('use strict';
(function () {
  // Lower case without accents: "Café" and "cafe" match.
  function fold(text) {
    return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
  }
  // "25", "25.5" or "25,50" in minor units; null when empty, NaN when bad.
  function minor(text) {
    var t = text.trim().replace(',', '.');
    if (t === '') return null;
    if (!/^\d+(\.\d{1,2})?$/.test(t)) return NaN;
    var parts = t.split('.');
    var cents = parts[1] ? parseInt((parts[1] + '0').slice(0, 2), 10) : 0;
    return parseInt(parts[0], 10) * 100 + cents;
  }
  var form = document.getElementById('filter');
  var q = document.getElementById('q');
  var max = document.getElementById('max');
  var kind = document.getElementById('case');
  var count = document.getElementById('count');
  var none = document.getElementById('none');
  var items = Array.prototype.slice.call(
      document.querySelectorAll('article.listing'));
  function apply() {
    var words = fold(q.value).split(/\s+/).filter(Boolean);
    var limit = minor(max.value);
    max.setCustomValidity(Number.isNaN(limit) ? form.dataset.badAmount : '');
    var shown = 0;
    items.forEach(function (item) {
      var text = fold(item.dataset.words);
      var ok = words.every(function (w) { return text.indexOf(w) >= 0; });
      if (limit !== null && !Number.isNaN(limit))
        ok = ok && Number(item.dataset.amount) <= limit;
      if (kind.value) ok = ok && item.dataset.case === kind.value;
      item.hidden = !ok;
      if (ok) shown += 1;
    });
    // "{} of {} shown", in the catalogue's language (index.html).
    count.textContent = form.dataset.shown.replace('{}', shown)
        .replace('{}', items.length);
    none.hidden = shown !== 0;
  }
  var params = new URLSearchParams(window.location.search);
  if (params.has('q')) q.value = params.get('q');
  if (params.has('max')) max.value = params.get('max');
  if (params.has('case')) kind.value = params.get('case');
  q.addEventListener('input', apply);
  max.addEventListener('input', apply);
  kind.addEventListener('change', apply);
  form.addEventListener('submit', function (e) { e.preventDefault(); apply(); });
  apply();
})();
)js";

const char kCatalogueStyle[] = R"css(body {
  font-family: system-ui, sans-serif;
  max-width: 48rem;
  margin: 1rem auto;
  padding: 0 1rem;
  line-height: 1.4;
}
form { display: flex; flex-wrap: wrap; gap: 0.5rem 1rem; align-items: end; }
label { display: flex; flex-direction: column; font-size: 0.9rem; }
article.listing { border-top: 1px solid #ccc; padding: 0.5rem 0; }
article.listing h2 { font-size: 1.1rem; margin: 0.2rem 0; }
.terms { font-weight: 600; }
code { background: #f4f4f4; padding: 0 0.2rem; }
[hidden] { display: none !important; }
)css";

}  // namespace ct::notify
