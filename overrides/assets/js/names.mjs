// How people name a term, and what a writer of an unknown name most likely meant: the same steps as
// scripts/compendium/records/names.py, with the same abbreviations and thresholds (the page hands them
// over), so the Submit form suggests what `compendium validate` suggests. The edit distance (optimal
// string alignment) and the similarity ratio (Indel, as RapidFuzz's fuzz.ratio) are written out here;
// tests/test_browser.py holds both sides to the same answers.

let ABBREVIATIONS = {};
let STOP_WORDS = new Set();
let SAME = 90;
let REORDERED = 90;
const MAX_NAME = 120;

export function configure(data) {
  ABBREVIATIONS = data.abbreviations;
  STOP_WORDS = new Set(data.stop_words);
  SAME = data.same;
  REORDERED = data.reordered;
}

export function key(text, expand = true) {
  let folded = text.slice(0, MAX_NAME).normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  folded = folded.replaceAll("&", " and ").replace(/['\u2019.]/g, "").replace(/[^0-9a-z]+/g, " ").trim();
  folded = folded.replace(/\b([a-z]) (\d+)\b/g, "$1$2");
  const words = folded.split(" ").filter(Boolean);
  return (expand ? words.map((word) => ABBREVIATIONS[word] ?? word) : words).join(" ");
}

export function words(nameKey) {
  return nameKey.split(" ").filter((word) => word && !STOP_WORDS.has(word)).join(" ");
}

export function osa(a, b) {
  // Insertions, deletions, replacements and swaps of two neighbours.
  const rows = [[...Array(b.length + 1).keys()]];
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) {
      let cost = Math.min(rows[i - 1][j] + 1, row[j - 1] + 1, rows[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) cost = Math.min(cost, rows[i - 2][j - 2] + 1);
      row.push(cost);
    }
    rows.push(row);
  }
  return rows[a.length][b.length];
}

export function ratio(a, b) {
  if (!a.length && !b.length) return 100;
  let previous = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [0];
    for (let j = 1; j <= b.length; j += 1) {
      row.push(a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], row[j - 1]));
    }
    previous = row;
  }
  const common = previous[b.length];
  return (100 * 2 * common) / (a.length + b.length);
}

function sorted(text) {
  return text.split(/\s+/).filter(Boolean).sort().join(" ");
}

export class Names {
  constructor(labels, aliases = {}) {
    this.labels = labels;
    this.ids = new Map(); // key -> terms, in vocabulary order
    this.written = new Map(); // key without abbreviations written out -> terms
    this.words = new Map(); // term -> every word of its names' keys
    for (const [term, label] of Object.entries(labels)) {
      for (const name of [term, label, ...(aliases[term] || [])]) {
        const found = key(name);
        if (!found) continue;
        if (!this.ids.has(found)) this.ids.set(found, []);
        if (!this.ids.get(found).includes(term)) this.ids.get(found).push(term);
        if (!this.words.has(term)) this.words.set(term, new Set());
        for (const word of found.split(" ")) this.words.get(term).add(word);
        const plain = key(name, false);
        if (!this.written.has(plain)) this.written.set(plain, []);
        if (!this.written.get(plain).includes(term)) this.written.get(plain).push(term);
      }
    }
    this.keys = [...this.ids.keys()];
    this.bare = this.keys.map(words);
  }

  exact(text) {
    const found = this.ids.get(key(text)) || [];
    return found.length === 1 ? found[0] : null;
  }

  same(text) {
    const wanted = key(text);
    if (!wanted) return null;
    if (this.ids.has(wanted)) return this.ids.get(wanted)[0];
    let best = null;
    let score = SAME;
    for (const name of this.keys) {
      const found = ratio(wanted, name);
      if (found >= score && (best === null || found > score)) {
        best = name;
        score = found;
      }
    }
    return best === null ? null : this.ids.get(best)[0];
  }

  static edits(wanted, index) {
    const limit = Math.max(1, Math.floor(wanted.length / 6));
    const matches = [];
    [...index.keys()].forEach((name, position) => {
      if (Math.abs(name.length - wanted.length) > limit) return;
      const distance = osa(wanted, name);
      if (distance <= limit) matches.push([distance, position, name]);
    });
    matches.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    const found = [];
    for (const [, , name] of matches) for (const term of index.get(name)) if (!found.includes(term)) found.push(term);
    return found;
  }

  close(text, limit = 3) {
    const wanted = key(text);
    if (!wanted || text.length > 80) return [];
    let found = [...(this.ids.get(wanted) || [])];
    if (!found.length) {
      found = Names.edits(wanted, this.ids);
      for (const term of Names.edits(key(text, false), this.written)) if (!found.includes(term)) found.push(term);
    }
    if (!found.length && wanted.includes(" ")) {
      const target = sorted(words(wanted));
      const matches = [];
      this.bare.forEach((name, position) => {
        const score = ratio(target, sorted(name));
        if (score >= REORDERED) matches.push([score, position]);
      });
      matches.sort((x, y) => y[0] - x[0] || x[1] - y[1]);
      for (const [, position] of matches) for (const term of this.ids.get(this.keys[position])) if (!found.includes(term)) found.push(term);
    }
    if (!found.length) {
      const written = wanted.split(" ");
      let holding = [...this.words.entries()].filter(([, names]) => written.every((word) => names.has(word))).map(([term]) => term);
      if (holding.length > 2 * limit) return [];
      if (holding.length > limit) {
        const scores = new Map(holding.map((term) => [term, ratio(wanted, key(this.labels[term]))]));
        if (new Set(scores.values()).size === 1) return [];
        holding = holding.map((term, position) => [term, position]).sort((x, y) => scores.get(y[0]) - scores.get(x[0]) || x[1] - y[1]).map(([term]) => term);
      }
      found = holding;
    }
    return found.slice(0, limit);
  }
}
