// Progressive enhancement only: every page reads and works without this file.

// Chapter timestamps seek the page's player instead of opening the audio file.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a.timestamp[data-start]");
  const player = document.getElementById("player");
  if (!link || !player) return;
  event.preventDefault();
  player.currentTime = Number(link.dataset.start);
  player.play().catch(() => {});
  player.focus();
});

// An address ending in #t=1290 (from a concept page's "Episode 1 at 21:30") starts the player
// there; without JavaScript the same address scrolls to that part of the transcript.
(() => {
  const player = document.getElementById("player");
  const match = /^#t=(\d+)$/.exec(window.location.hash);
  if (!player || !match) return;
  const seek = () => { player.currentTime = Number(match[1]); };
  player.preload = "metadata";
  player.addEventListener("loadedmetadata", seek, { once: true });
  player.load();
})();

// Concept previews. A link to a concept carries its definition in `title`, which works without
// JavaScript. Here the definition shows in a tooltip on hover, on keyboard focus, and on a first
// tap on a touch screen (a second tap follows the link); Escape closes it. While it shows, the
// link is described by it (aria-describedby).
(() => {
  const links = document.querySelectorAll("a.concept-link[title]");
  if (!links.length) return;
  const tip = document.createElement("div");
  tip.id = "concept-preview";
  tip.className = "concept-preview";
  tip.setAttribute("role", "tooltip");
  tip.hidden = true;
  document.body.append(tip);
  let current = null;
  let tapped = null; // the link a first tap previewed; tapping it again follows it
  let pointer = "mouse";

  const show = (link) => {
    if (current && current !== link) current.removeAttribute("aria-describedby");
    current = link;
    tip.textContent = link.dataset.definition;
    tip.hidden = false;
    link.setAttribute("aria-describedby", tip.id);
    const box = link.getBoundingClientRect();
    const width = Math.min(352, document.documentElement.clientWidth - 16);
    tip.style.maxWidth = `${width}px`;
    const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    tip.style.left = `${left + window.scrollX}px`;
    tip.style.top = `${box.bottom + window.scrollY + 6}px`;
  };
  const hide = () => {
    tip.hidden = true;
    if (current) current.removeAttribute("aria-describedby");
    current = null;
    tapped = null;
  };

  for (const link of links) {
    link.dataset.definition = link.title;
    link.removeAttribute("title"); // the tooltip replaces the browser's own
    link.addEventListener("pointerenter", (e) => { if (e.pointerType === "mouse") show(link); });
    link.addEventListener("pointerleave", (e) => { if (e.pointerType === "mouse") hide(); });
    link.addEventListener("focus", () => show(link));
    link.addEventListener("blur", () => { if (current === link) hide(); });
    link.addEventListener("click", (e) => {
      if (pointer !== "touch" || tapped === link) return;
      e.preventDefault(); // first tap previews; the second follows the link
      show(link);
      tapped = link;
    });
  }
  document.addEventListener("pointerdown", (e) => {
    pointer = e.pointerType;
    if (pointer === "touch" && current && !current.contains(e.target)) hide();
  }, true);
  document.addEventListener("keydown", (e) => { if (e.key === "Escape") hide(); });
})();
