// The search page: queries the Pagefind index that `site-builder build` writes beside the
// pages (nothing is loaded from other hosts). The form also works as a plain GET form: the
// query, kind and tag live in the address, so a search can be bookmarked or shared.
(function () {
  "use strict";
  var root = document.getElementById("search");
  var form = document.querySelector(".search-form");
  if (!root || !form) return;
  var input = document.getElementById("search-q");
  var tagSelect = document.getElementById("search-tag");
  var status = root.querySelector(".search-status");
  var list = root.querySelector(".search-results");
  var LIMIT = 20;
  var terms = {}; // casefolded concept term or alias -> as the concept page writes it
  var loading = null;
  var latest = 0;
  var timer = 0;

  function pagefind() {
    if (!loading) {
      loading = import(root.dataset.bundle + "pagefind.js").then(function (pf) {
        return pf.options({ baseUrl: root.dataset.base }).then(function () {
          return pf;
        });
      });
    }
    return loading;
  }

  function chosenKind() {
    var checked = form.querySelector('input[name="kind"]:checked');
    return checked ? checked.value : "";
  }

  function filters() {
    var wanted = {};
    if (chosenKind()) wanted.kind = chosenKind();
    if (tagSelect.value) wanted.tag = tagSelect.value;
    return wanted;
  }

  // Pagefind's excerpts are HTML with <mark>; keep only text and marks, whatever a page held.
  function excerpt(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var out = document.createElement("p");
    out.className = "excerpt";
    holder.content.childNodes.forEach(function (node) {
      if (node.nodeName === "MARK") {
        var mark = document.createElement("mark");
        mark.textContent = node.textContent;
        out.appendChild(mark);
      } else {
        out.appendChild(document.createTextNode(node.textContent));
      }
    });
    return out;
  }

  function item(data) {
    var li = document.createElement("li");
    li.className = "search-result";
    var heading = document.createElement("h2");
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = (data.meta && data.meta.title) || data.url;
    heading.appendChild(link);
    li.appendChild(heading);
    var meta = document.createElement("p");
    meta.className = "meta";
    var kind = document.createElement("span");
    kind.className = "kind";
    kind.textContent = (data.meta && data.meta.kind) || "";
    meta.appendChild(kind);
    if (data.meta && data.meta.date) {
      meta.appendChild(document.createTextNode(" · " + data.meta.date));
    }
    li.appendChild(meta);
    li.appendChild(excerpt(data.excerpt || ""));
    return li;
  }

  function remember(query) {
    var params = new URLSearchParams();
    if (query) params.set("q", query);
    if (chosenKind()) params.set("kind", chosenKind());
    if (tagSelect.value) params.set("tag", tagSelect.value);
    var text = params.toString();
    history.replaceState(null, "", location.pathname + (text ? "?" + text : ""));
  }

  function run() {
    var query = input.value.trim();
    var wanted = filters();
    var ticket = ++latest;
    remember(query);
    if (!query && !Object.keys(wanted).length) {
      list.replaceChildren();
      status.textContent = "Type a word or two: a concept, a name, a place.";
      return;
    }
    status.textContent = "Searching…";
    pagefind()
      .then(function (pf) {
        // a concept's own page comes first when its term or an alias is what was typed
        var term = terms[query.toLowerCase()];
        var wantsConcepts = !wanted.kind || wanted.kind === "Concept";
        var pinned = term && wantsConcepts && !wanted.tag
          ? pf.search(null, { filters: { term: term } })
          : Promise.resolve({ results: [] });
        return Promise.all([pinned, pf.search(query || null, { filters: wanted })]);
      })
      .then(function (both) {
        var first = both[0].results;
        var ids = first.map(function (r) {
          return r.id;
        });
        var rest = both[1].results.filter(function (r) {
          return ids.indexOf(r.id) < 0;
        });
        var search = { results: first.concat(rest) };
        var shown = search.results.slice(0, LIMIT);
        return Promise.all(
          shown.map(function (r) {
            return r.data();
          })
        ).then(function (pages) {
          return { total: search.results.length, pages: pages };
        });
      })
      .then(function (found) {
        if (ticket !== latest) return; // a later query has been typed since
        list.replaceChildren.apply(list, found.pages.map(item));
        var about = query ? " for “" + query + "”" : "";
        status.textContent =
          found.total === 0
            ? "Nothing found" + about + "."
            : found.total +
              (found.total === 1 ? " result" : " results") +
              about +
              (found.total > LIMIT ? ", the first " + LIMIT + " shown." : ".");
      })
      .catch(function () {
        if (ticket !== latest) return;
        status.textContent =
          "The search index could not be loaded. Is the site being viewed from its own address?";
      });
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(run, 120);
  }

  function fillTags() {
    return pagefind()
      .then(function (pf) {
        return pf.filters();
      })
      .then(function (all) {
        Object.keys(all.term || {}).forEach(function (term) {
          terms[term.toLowerCase()] = term;
        });
        Object.keys(all.tag || {})
          .sort(function (a, b) {
            return a.localeCompare(b);
          })
          .forEach(function (tag) {
            var option = document.createElement("option");
            option.value = tag;
            option.textContent = tag;
            tagSelect.appendChild(option);
          });
      })
      .catch(function () {});
  }

  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  var kind = form.querySelector('input[name="kind"][value="' + CSS.escape(params.get("kind") || "") + '"]');
  if (kind) kind.checked = true;
  form.querySelector(".search-filters").hidden = false;
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    run();
  });
  input.addEventListener("input", soon);
  form.addEventListener("change", run);
  fillTags().then(function () {
    tagSelect.value = params.get("tag") || "";
    run();
  });
  if (!input.value) input.focus();
})();
