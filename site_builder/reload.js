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

  const overlay = (errors) => {
    let box = document.getElementById("site-builder-errors");
    if (!errors.length) {
      if (box) box.remove();
      return;
    }
    if (!box) {
      box = document.createElement("div");
      box.id = "site-builder-errors";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-label", "Build errors");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
        "background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace;" +
        "padding:2rem;white-space:pre-wrap";
      document.body.append(box);
    }
    const title = document.createElement("strong");
    title.textContent = "The site did not build. Fix the file and save: this page reloads.";
    const list = document.createElement("pre");
    list.textContent = errors.join("\n"); // text, never HTML
    list.style.cssText = "margin-top:1rem;color:#ffb4a8;white-space:pre-wrap";
    box.replaceChildren(title, list);
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
})();
