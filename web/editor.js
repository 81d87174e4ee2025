// The code editor: CodeMirror 6 with Python highlighting. Ctrl/Cmd+Enter runs; Tab
// indents (Escape, then Tab, moves focus on, as CodeMirror documents for keyboard users).
// While a recorded run is stepped through, two lines are marked: the one about to run
// and the one just run (markLines).
import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { Prec, StateEffect, StateField } from "@codemirror/state";
import { Decoration, keymap } from "@codemirror/view";
import { basicSetup, EditorView } from "codemirror";

const nextLine = Decoration.line({ class: "bw-line-next", attributes: { "data-step": "next" } });
const doneLine = Decoration.line({ class: "bw-line-done", attributes: { "data-step": "done" } });
const setMarks = StateEffect.define();

/** The stepped lines' marks; an edit of the code takes them away (they would mislead). */
const stepMarks = StateField.define({
  create: () => Decoration.none,
  update(marks, tr) {
    for (const effect of tr.effects) if (effect.is(setMarks)) return effect.value;
    return tr.docChanged ? Decoration.none : marks;
  },
  provide: (field) => EditorView.decorations.from(field),
});

/**
 * @param {HTMLElement} parent
 * @param {{ doc: string, onRun: () => void, onChange: (text: string) => void }} options
 * @returns {{ view: EditorView, getCode: () => string, setCode: (text: string) => void,
 *             markLines: (lines: { next: number | null, done: number | null }) => void,
 *             markedLines: () => { next: number | null, done: number | null } }}
 */
export function createEditor(parent, { doc, onRun, onChange }) {
  const runKeys = Prec.highest(
    keymap.of([
      { key: "Mod-Enter", run: () => (onRun(), true) },
      { key: "Shift-Enter", run: () => (onRun(), true) },
    ]),
  );
  const tabKeys = Prec.high(keymap.of([indentWithTab]));
  const view = new EditorView({
    doc,
    parent,
    extensions: [
      runKeys,
      tabKeys,
      basicSetup,
      python(),
      stepMarks,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ "aria-label": "Python code" }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged) onChange(update.state.doc.toString());
      }),
    ],
  });
  return {
    view,
    getCode: () => view.state.doc.toString(),
    setCode: (text) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } }),
    /**
     * Marks the line about to run (`next`) and the one just run (`done`), 1-based; null
     * leaves one unmarked, and both null clear the marks. The line about to run is
     * scrolled into view.
     */
    markLines({ next, done }) {
      const doc = view.state.doc;
      const valid = (n) => Number.isInteger(n) && n >= 1 && n <= doc.lines;
      const ranges = [];
      if (valid(done) && done !== next) ranges.push(doneLine.range(doc.line(done).from));
      if (valid(next)) ranges.push(nextLine.range(doc.line(next).from));
      ranges.sort((a, b) => a.from - b.from);
      const effects = [setMarks.of(Decoration.set(ranges))];
      if (valid(next)) effects.push(EditorView.scrollIntoView(doc.line(next).from, { y: "nearest" }));
      view.dispatch({ effects });
    },
    /** The lines markLines marked, read back from the editor's state (for tests). */
    markedLines() {
      const marked = { next: null, done: null };
      const doc = view.state.doc;
      view.state.field(stepMarks).between(0, doc.length, (from, _to, mark) => {
        marked[mark.spec.attributes["data-step"]] = doc.lineAt(from).number;
      });
      return marked;
    },
  };
}
