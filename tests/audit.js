// The theme audit run by tests/test_audit.py in Chromium, on pages of the example site.
// contrast(): every piece of visible text, HTML or SVG, against the colours actually behind
// it (WCAG 2.2 AA: 4.5:1, or 3:1 for large text). structure(): names, labels, headings, ids
// and landmarks, as a screen-reader user meets them.
const contrast = () => {
  function parse(c) {
    const m = c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  }
  function over(top, bottom) {
    const a = top.a + bottom.a * (1 - top.a);
    if (!a) return { r: 0, g: 0, b: 0, a: 0 };
    const mix = (x, y) => (x * top.a + y * bottom.a * (1 - top.a)) / a;
    return { r: mix(top.r, bottom.r), g: mix(top.g, bottom.g), b: mix(top.b, bottom.b), a };
  }
  function lum(c) {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function background(el) {
    const layers = [];
    for (let node = el; node && node.nodeType === 1; node = node.parentElement || node.parentNode.host) {
      const bg = parse(getComputedStyle(node).backgroundColor);
      if (bg && bg.a > 0) layers.push(bg);
      if (bg && bg.a === 1) break;
    }
    let result = { r: 255, g: 255, b: 255, a: 1 };  // the canvas behind everything
    for (const layer of layers.reverse()) result = over(layer, result);
    return result;
  }
  // every text node, those in open shadow roots too (the preview's error overlay draws in one)
  function* texts(root) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode;
      if (node.nodeType === Node.TEXT_NODE) yield node;
      else if (node.shadowRoot) yield* texts(node.shadowRoot);
    }
  }
  const failures = [];
  const seen = new Set();
  for (const node of texts(document.body)) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || seen.has(el)) continue;
    seen.add(el);
    const rects = el.getClientRects();
    const style = getComputedStyle(el);
    if (!rects.length || style.visibility === "hidden" || el.closest("[hidden], noscript, script, style, title, .visually-hidden, .sr-only")) continue;
    if (el.closest("details:not([open]) > :not(summary)")) continue;
    const svg = el instanceof SVGElement;
    let fg = parse(svg ? style.fill : style.color);
    if (!fg) continue;
    const bg = background(el);
    fg = over({ ...fg, a: fg.a * (parseFloat(style.opacity) || 1) }, bg);
    const l1 = lum(fg), l2 = lum(bg);
    const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
    const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight) >= 700;
    const large = size >= 24 || (bold && size >= 18.66);
    const need = large ? 3 : 4.5;
    if (ratio < need) failures.push({ text: text.slice(0, 40), tag: el.tagName.toLowerCase(), cls: el.getAttribute("class"), ratio: Math.round(ratio * 100) / 100, need, fg: style.color || style.fill });
  }
  return failures;
};

const structure = () => {
  const problems = [];
  const name = (el) =>
    (el.getAttribute("aria-label") || "").trim() ||
    (el.getAttribute("aria-labelledby") || "").split(/\s+/).map((id) => document.getElementById(id)?.textContent || "").join(" ").trim() ||
    el.textContent.trim() ||
    [...el.querySelectorAll("img[alt]")].map((i) => i.alt).join(" ").trim() ||
    (el.getAttribute("title") || "").trim();
  if (!document.documentElement.lang) problems.push("no lang on <html>");
  const h1 = document.querySelectorAll("h1");
  if (h1.length !== 1) problems.push(`${h1.length} h1 elements`);
  let last = 0;
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const level = Number(h.tagName[1]);
    if (last && level > last + 1) problems.push(`heading jumps from h${last} to h${level}: ${h.textContent.trim().slice(0, 40)}`);
    last = level;
  }
  for (const img of document.querySelectorAll("img")) if (!img.hasAttribute("alt")) problems.push(`img without alt: ${img.src}`);
  for (const a of document.querySelectorAll("a[href]")) if (!name(a)) problems.push(`link without a name: ${a.getAttribute("href")}`);
  for (const b of document.querySelectorAll("button")) if (!name(b)) problems.push("button without a name");
  for (const field of document.querySelectorAll("input:not([type=hidden]), select, textarea")) {
    const labelled = field.labels?.length || field.getAttribute("aria-label") || field.getAttribute("aria-labelledby");
    if (!labelled) problems.push(`form field without a label: ${field.name || field.id}`);
  }
  for (const svg of document.querySelectorAll("svg[role=img], svg[role=group]")) if (!name(svg) && !svg.querySelector("title")) problems.push("svg without a name");
  const ids = {};
  for (const el of document.querySelectorAll("[id]")) ids[el.id] = (ids[el.id] || 0) + 1;
  for (const [id, n] of Object.entries(ids)) if (n > 1) problems.push(`id used ${n} times: ${id}`);
  for (const landmark of ["header", "main", "footer"]) if (!document.querySelector(landmark)) problems.push(`no <${landmark}>`);
  return problems;
};
