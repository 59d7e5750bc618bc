/**
 * The text notebooks' data in one call: the SpamAssassin mails split into train/test, the State of
 * the Union passages of Democratic and Republican presidents split by speech, *Moby-Dick*, one
 * vocabulary built from the unlabeled pretraining text (train mails + train speeches + the novel;
 * no test text, no labels), and the labeled {@link TextSet}s of the two downstream tasks.
 * @module
 */
import { loadMails, loadNovel, loadSpeeches, passages } from "./corpora.ts";
import { trainTestSplit } from "./splits.ts";
import { sampleIndices } from "./splits.ts";
import {
  buildVocabulary,
  encodeTextSet,
  encodeTokens,
  type TextSet,
  tokenize,
  type Vocabulary,
} from "./text.ts";

/** Options of {@link loadLanguageTasks}. */
export interface LanguageTasksOptions {
  /** Ids in the vocabulary at most (special ids included). */
  vocabularySize: number;
  /** Least occurrences of a vocabulary word (default 5). */
  minCount?: number;
  /** Share of mails (and of speeches) held out for testing (default 0.2). */
  testFraction?: number;
  /** Seed of the splits (default 0). */
  seed?: number;
  /** Use this many mails (a seeded sample; smoke runs); default all 6,046. */
  mails?: number;
  /** Use this many speeches (a seeded sample); default all 233. */
  speeches?: number;
  /** Words per State of the Union passage (default 120). */
  passageWords?: number;
  /** Add *Moby-Dick* to the pretraining text (default true). */
  novel?: boolean;
}

/** Everything the text notebooks use. */
export interface LanguageTasks {
  vocab: Vocabulary;
  /** Unlabeled pretraining documents, encoded, with the corpus each came from. */
  pretraining: { tokens: Int32Array[]; corpus: ("mail" | "speech" | "novel")[] };
  /** Held-out text for the pretext task's accuracy: the test mails, encoded. */
  heldOut: Int32Array[];
  /** Spam (1) vs ham (0). */
  spam: { train: TextSet; test: TextSet };
  /** Republican (1) vs Democratic (0) passages; test passages come from held-out speeches. */
  party: { train: TextSet; test: TextSet };
  /** Raw texts by task and split, for pictures. */
  texts: { spamTrain: string[]; spamTest: string[] };
}

/** Loads the corpora, splits them, builds the vocabulary and encodes every set. */
export async function loadLanguageTasks(opts: LanguageTasksOptions): Promise<LanguageTasks> {
  const seed = opts.seed ?? 0, testFraction = opts.testFraction ?? 0.2;
  const allMails = await loadMails();
  const mailIds = opts.mails && opts.mails < allMails.texts.length
    ? sampleIndices(allMails.texts.length, opts.mails, { seed })
    : Int32Array.from(allMails.texts, (_, i) => i);
  const mailSplit = trainTestSplit(mailIds.length, { testFraction, seed });
  const pick = (split: Int32Array) => Array.from(split, (i) => mailIds[i]);
  const spamTrain = pick(mailSplit.train), spamTest = pick(mailSplit.test);

  const allSpeeches = await loadSpeeches();
  const speechIds = opts.speeches && opts.speeches < allSpeeches.length
    ? Array.from(sampleIndices(allSpeeches.length, opts.speeches, { seed }))
    : allSpeeches.map((_, i) => i);
  const speechSplit = trainTestSplit(speechIds.length, { testFraction, seed: seed + 1 });
  const speechPassages = speechIds.map((i) =>
    passages(allSpeeches[i].text, { words: opts.passageWords ?? 120 })
  );
  const novel = opts.novel === false ? [] : await loadNovel();

  const trainSpeeches = Array.from(speechSplit.train);
  const rawPretraining = [
    ...spamTrain.map((i) => ({ text: allMails.texts[i], corpus: "mail" as const })),
    ...trainSpeeches.flatMap((s) =>
      speechPassages[s].map((text) => ({ text, corpus: "speech" as const }))
    ),
    ...novel.map((text) => ({ text, corpus: "novel" as const })),
  ];
  const pretrainingTokens = rawPretraining.map((d) => tokenize(d.text));
  const vocab = buildVocabulary(pretrainingTokens, {
    minCount: opts.minCount ?? 5,
    maxSize: opts.vocabularySize,
  });

  const spamSet = (ids: number[]) =>
    encodeTextSet(ids.map((i) => allMails.texts[i]), ids.map((i) => allMails.labels[i]), {
      vocab,
      classNames: ["ham", "spam"],
    });
  const partySet = (split: Int32Array) => {
    const texts: string[] = [], labels: number[] = [];
    for (const s of split) {
      const party = allSpeeches[speechIds[s]].party;
      if (party !== "Democratic" && party !== "Republican") continue;
      for (const text of speechPassages[s]) {
        texts.push(text);
        labels.push(party === "Republican" ? 1 : 0);
      }
    }
    return encodeTextSet(texts, labels, { vocab, classNames: ["Democratic", "Republican"] });
  };
  const spam = { train: spamSet(spamTrain), test: spamSet(spamTest) };
  return {
    vocab,
    pretraining: {
      tokens: pretrainingTokens.map((t) => encodeTokens(vocab, t)),
      corpus: rawPretraining.map((d) => d.corpus),
    },
    heldOut: spam.test.tokens,
    spam,
    party: { train: partySet(speechSplit.train), test: partySet(speechSplit.test) },
    texts: {
      spamTrain: spamTrain.map((i) => allMails.texts[i]),
      spamTest: spamTest.map((i) => allMails.texts[i]),
    },
  };
}

/**
 * For each word id, the pretraining corpus where the word is relatively most frequent (count per
 * million words of that corpus): "mail", "speech" or "novel" — to colour a map of words.
 */
export function typicalCorpus(
  pretraining: LanguageTasks["pretraining"],
  vocabSize: number,
): string[] {
  const names = ["mail", "speech", "novel"] as const;
  const counts = names.map(() => new Float64Array(vocabSize));
  const totals = names.map(() => 0);
  pretraining.tokens.forEach((doc, d) => {
    const c = names.indexOf(pretraining.corpus[d]);
    for (const id of doc) counts[c][id]++;
    totals[c] += doc.length;
  });
  return Array.from({ length: vocabSize }, (_, id) => {
    let best = 0;
    for (let c = 1; c < names.length; c++) {
      if (counts[c][id] / (totals[c] || 1) > counts[best][id] / (totals[best] || 1)) best = c;
    }
    return names[best];
  });
}
