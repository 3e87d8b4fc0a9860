// Live reload for `site-builder serve` only; never part of a built site.
// The server says which build is current, what its errors are, and (after a stylesheet-only
// change) the new stylesheet addresses. Errors show in an overlay; a good build reloads the
// page where it was scrolled to, or swaps the stylesheets in place.
(() => {
  // The build this page came from: a newer one may be done before this script connects.
  const served = new URL(document.currentScript.src).searchParams.get("build");
  let build = served === null ? null : Number(served);
  const events = new EventSource("/__site-builder/events");
  const key = "site-builder-scroll";

  const saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.scrollTo(0, Number(saved));
  }

  // The overlay draws in a shadow root with its own styles, so no rule of the site's theme
  // reaches it (the theme's `pre` background once left the errors unreadable in light mode);
  // `all: initial` stops inherited colours and fonts at the host, and `!important` there
  // outranks any rule of the page that selects the host itself.
  const OVERLAY_STYLE = `
    :host {
      all: initial !important; display: block !important; position: fixed !important;
      inset: 0 !important; z-index: 2147483647 !important; overflow: auto !important;
    }
    .box {
      box-sizing: border-box; min-height: 100%; padding: 2rem; background: #fffaf8; color: #1a1a1a;
      font: 14px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
    }
    strong { font-weight: 700; }
    pre {
      margin: 1rem 0 0; padding: 0; border: 0; background: none; color: #a3190c;
      font: inherit; white-space: pre-wrap; overflow-wrap: anywhere;
    }
    @media (prefers-color-scheme: dark) {
      .box { background: #141418; color: #fff; }
      pre { color: #ffb4a8; }
    }`;

  const overlay = (errors) => {
    let host = document.getElementById("site-builder-errors");
    if (!errors.length) {
      if (host) host.remove();
      return;
    }
    if (!host) {
      host = document.createElement("div");
      host.id = "site-builder-errors";
      const shadow = host.attachShadow({ mode: "open" });
      const style = document.createElement("style");
      style.textContent = OVERLAY_STYLE;
      const box = document.createElement("div");
      box.className = "box";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-label", "Build errors");
      shadow.append(style, box);
      document.body.append(host);
    }
    const title = document.createElement("strong");
    title.textContent = "The site did not build. Fix the file and save: this page reloads.";
    const list = document.createElement("pre");
    list.textContent = errors.join("\n"); // text, never HTML
    host.shadowRoot.querySelector(".box").replaceChildren(title, list);
  };

  const swapStylesheets = (hrefs) => {
    for (const link of document.querySelectorAll('link[rel="stylesheet"]')) {
      const name = link.getAttribute("href").replace(/\.[0-9a-f]{10}\.css$/, "");
      const next = hrefs.find((h) => h.replace(/\.[0-9a-f]{10}\.css$/, "") === name);
      if (next) link.setAttribute("href", next);
    }
  };

  events.onmessage = (event) => {
    const state = JSON.parse(event.data);
    overlay(state.errors);
    if (build !== null && state.build !== build && !state.errors.length) {
      if (state.css.length) {
        swapStylesheets(state.css);
      } else {
        sessionStorage.setItem(key, String(window.scrollY));
        location.reload();
      }
    }
    build = state.build;
  };

  // The search page: the preview indexes each build in the background, so the index may be a
  // moment older than the pages. Say so while it is, and reload once a newer index is served.
  const freshness = document.getElementById("search-freshness");
  const bundle = document.getElementById("search")?.dataset.bundle;
  const NOTICES = {
    none: "The search index is being made: results come in a moment.",
    refreshing: "The search index is being refreshed: results may not show your last change yet.",
    failed: "The search index could not be refreshed (the terminal says why): results come from the last good one.",
  };
  let searched = null; // the index this page searches
  const check = () =>
    fetch(bundle + "preview-state.json", { cache: "no-store" })
      .then((response) => response.json())
      .then((state) => {
        if (searched !== null && state.index !== searched) {
          sessionStorage.setItem(key, String(window.scrollY));
          location.reload();
          return;
        }
        searched = state.index;
        const notice = state.refreshing ? (state.index ? "refreshing" : "none") : state.failed ? "failed" : "";
        freshness.textContent = NOTICES[notice] || "";
        freshness.hidden = !notice;
        setTimeout(check, 500);
      })
      .catch(() => setTimeout(check, 2000));
  if (freshness && bundle) check();
})();
