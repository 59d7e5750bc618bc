import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { loadMails, loadNovel, loadSpeeches, mailText, passages } from "./corpora.ts";

Deno.test("mailText() keeps the subject and body, drops other headers and HTML", () => {
  const raw = "From: a@b.c\nReceived: from list.example.org\nSubject: Cheap  stuff\n\n" +
    "<html><style>p{}</style><p>Buy&nbsp;now &amp; save &#36;5</p></html>";
  const text = mailText(raw);
  assert(text.startsWith("Cheap  stuff\n"));
  assert(!text.includes("list.example.org") && !text.includes("<p>") && !text.includes("p{}"));
  assert(text.includes("Buy now & save $5"));
});

Deno.test("loadMails() gives 6,046 mails labeled ham/spam by group", async () => {
  const mails = await loadMails();
  assertEquals(mails.texts.length, 6046);
  assertEquals(mails.labels.filter((l) => l === 1).length, 1896);
  mails.groups.forEach((g, i) => assertEquals(mails.labels[i], g.startsWith("spam") ? 1 : 0));
});

Deno.test("loadSpeeches() and loadNovel() give the addresses with party and the chapters", async () => {
  const speeches = await loadSpeeches();
  assertEquals(speeches.length, 233);
  assertEquals([speeches[0].year, speeches[0].party], [1790, "none"]);
  const chapters = await loadNovel();
  assert(chapters.length > 100 && chapters.every((c) => typeof c === "string" && c.length > 0));
});

Deno.test("passages() cuts text at sentence ends into pieces of about n words", () => {
  const text = "One two three. Four five six! Seven eight? Nine.";
  assertEquals(passages(text, { words: 3 }), [
    "One two three.",
    "Four five six!",
    "Seven eight? Nine.",
  ]);
  assertThrows(() => passages(text, { words: 0 }), /positive\ integer/);
});
