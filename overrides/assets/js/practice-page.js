// A practice read from its own page, for the packet and the comparison.
//
// The practice pages are the one place a practice's text is written out, so the pages that gather
// practices (packet.js, compare.js) fetch them rather than the build writing each text again into
// every region's packet. The pages are the site's own, made by its templates and cleaned by its
// sanitizer; a page is parsed as an inert document (DOMParser runs no script and loads nothing), and
// only its article is taken, its ids made unique to the place it goes and its links made absolute.

export const siteRoot = new URL("../", import.meta.url);

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Whether ``text`` can be a practice's id (its record's file name): anything else is never fetched. */
export function isSlug(text) {
  return SLUG.test(text);
}

/** A practice's id from its page's address, relative or absolute. */
export function slugOf(url) {
  return new URL(url, window.location.href).pathname.split("/").filter(Boolean).pop() || "";
}

/** The address of practice ``slug``'s page. */
export function pageOf(slug) {
  return new URL(`practices/${slug}/`, siteRoot);
}

/** The article of practice ``slug``'s page, or null when there is no such page. */
export async function readPractice(slug) {
  const url = pageOf(slug);
  const response = await fetch(url);
  if (!response.ok) return null;
  const doc = new DOMParser().parseFromString(await response.text(), "text/html");
  const article = doc.querySelector("article");
  return article ? { url, article } : null;
}

// What a page has for its reader on screen that a gathered copy does not need: heading anchors, the
// edit button, the search's hidden filters, the citation's buttons and the "suggest an update" link.
const ON_SCREEN_ONLY = [
  ".headerlink",
  ".md-content__button",
  "[hidden]",
  "script",
  "noscript",
  "template",
  ".cmp-cite__actions",
  ".cmp-suggest",
];

const REFERENCES = ["for", "aria-labelledby", "aria-describedby", "aria-controls"];

/**
 * ``node`` (part of a practice's page at ``url``) made ready to sit in another page: what only the
 * screen needs removed, every id prefixed with ``prefix`` (and every reference to one), links made
 * absolute, and headings moved ``shift`` levels down (h1 to h2 with a shift of 1).
 */
export function transplant(node, url, prefix, shift = 0) {
  const copy = document.importNode(node, true);
  for (const selector of ON_SCREEN_ONLY) copy.querySelectorAll(selector).forEach((e) => e.remove());
  for (const element of [copy, ...copy.querySelectorAll("[id]")]) {
    if (element.id) element.id = prefix + element.id;
  }
  for (const name of REFERENCES) {
    for (const element of copy.querySelectorAll(`[${name}]`)) {
      element.setAttribute(name, element.getAttribute(name).split(/\s+/).map((id) => prefix + id).join(" "));
    }
  }
  for (const link of copy.querySelectorAll("a[href]")) {
    const href = link.getAttribute("href");
    link.setAttribute("href", href.startsWith("#") ? `#${prefix}${href.slice(1)}` : new URL(href, url).href);
  }
  if (shift) {
    for (const heading of copy.querySelectorAll("h1, h2, h3, h4, h5")) {
      const level = Math.min(6, Number(heading.tagName[1]) + shift);
      const moved = document.createElement(`h${level}`);
      for (const attribute of heading.attributes) moved.setAttribute(attribute.name, attribute.value);
      moved.append(...heading.childNodes);
      heading.replaceWith(moved);
    }
  }
  return copy;
}

/** Run ``work`` on each of ``items``, ``width`` at a time, in order of start; resolves when all are done. */
export async function inTurn(items, width, work) {
  let next = 0;
  async function worker() {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
}
