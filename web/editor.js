// The code editor: CodeMirror 6 with Python highlighting. Ctrl/Cmd+Enter runs; Tab
// indents (Escape, then Tab, moves focus on, as CodeMirror documents for keyboard users).
import { indentWithTab } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { Prec } from "@codemirror/state";
import { keymap } from "@codemirror/view";
import { basicSetup, EditorView } from "codemirror";

/**
 * @param {HTMLElement} parent
 * @param {{ doc: string, onRun: () => void, onChange: (text: string) => void }} options
 * @returns {{ view: EditorView, getCode: () => string, setCode: (text: string) => void }}
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
  };
}
