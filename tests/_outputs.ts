/** What committed notebooks show as text, for the tests that search it. */

/** One cell's output as nbformat stores it (the fields these tests read). */
export interface CellOutput {
  output_type?: string;
  text?: string[] | string;
  data?: Record<string, unknown>;
}

const join = (v: unknown) => (Array.isArray(v) ? v.join("") : typeof v === "string" ? v : "");

/** The text of `outputs`: printouts and every `text/*` part of displays, one output a line. */
export function outputsText(outputs: readonly CellOutput[]): string {
  return outputs.map((o) =>
    join(o.text) + Object.entries(o.data ?? {})
      .filter(([mime]) => mime.startsWith("text/"))
      .map(([, v]) => join(v)).join("\n")
  ).join("\n");
}
