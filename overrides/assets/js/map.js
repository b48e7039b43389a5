// The county map: the name of the county under the pointer or the keyboard's focus, and on a phone
// a first tap that names the county before a second tap opens its page.
//
// Without this script each county is still a link named with its count (and its <title> shows on
// hover): a tap opens the page at once. The name goes into the map's own line beside the legend,
// which the page reserves, so nothing moves as it changes.

const MAP = document.querySelector(".cmp-map");

function countyName(link) {
  return link.getAttribute("aria-label") || "";
}

function setup(map) {
  const line = map.querySelector(".cmp-map__name");
  const counties = map.querySelector(".cmp-map__counties");
  if (!line || !counties) return;
  const coarse = window.matchMedia("(pointer: coarse)").matches;
  const hint = coarse
    ? "Tap a county for its name and count; tap it again to open its page."
    : "Point to a county, or move to it with Tab, for its name and count.";
  line.textContent = hint;
  let previewed = null; // the county a first tap named
  let touching = false; // whether the last press was a finger or a pen

  function show(link) {
    // Seen, not heard: the link's own name already tells a screen reader the same words.
    line.setAttribute("aria-hidden", "true");
    const [name, count] = countyName(link).split(": ");
    const strong = document.createElement("strong");
    strong.textContent = name;
    line.replaceChildren(strong, count ? `: ${count}` : "");
    map.classList.add("is-naming");
  }

  function rest() {
    if (previewed) return;
    line.removeAttribute("aria-hidden");
    line.textContent = hint;
    map.classList.remove("is-naming");
  }

  function preview(link) {
    // Heard too: a screen reader's double tap arrives as a tap, and the reader should know why the
    // page did not change.
    previewed?.classList.remove("is-previewed");
    previewed = link;
    link.classList.add("is-previewed");
    line.removeAttribute("aria-hidden");
    const [name, count] = countyName(link).split(": ");
    const strong = document.createElement("strong");
    strong.textContent = name;
    const open = document.createElement("a");
    open.href = link.getAttribute("href");
    open.textContent = `Open ${name}`;
    line.replaceChildren(strong, count ? `: ${count}. ` : ". ", open, " or tap the county again.");
    map.classList.add("is-naming");
  }

  function unpreview() {
    previewed?.classList.remove("is-previewed");
    previewed = null;
    rest();
  }

  counties.addEventListener("pointerover", (event) => {
    const link = event.target.closest("a");
    if (link && event.pointerType === "mouse" && !previewed) show(link);
  });
  counties.addEventListener("pointerleave", (event) => {
    if (event.pointerType === "mouse") rest();
  });
  counties.addEventListener("focusin", (event) => {
    const link = event.target.closest("a");
    if (link && !previewed) show(link);
  });
  counties.addEventListener("focusout", () => rest());
  map.addEventListener("pointerdown", (event) => {
    touching = event.pointerType === "touch" || event.pointerType === "pen";
  });
  counties.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link || !touching || link === previewed) return; // a mouse, a key, or the second tap: open it
    event.preventDefault();
    preview(link);
  });
  document.addEventListener("pointerdown", (event) => {
    if (previewed && !map.contains(event.target)) unpreview();
  });
  map.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && previewed) unpreview();
  });
}

if (MAP) setup(MAP);
