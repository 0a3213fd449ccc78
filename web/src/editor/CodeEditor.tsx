/**
 * Monaco bound to the pad's shared text. The binding (y-monaco) keeps the model and the
 * Y.Text in step and draws remote selections; undo/redo go through a Y.UndoManager that
 * tracks only this binding's transactions, so Ctrl+Z never takes back someone else's edit.
 */
import { DocLayout } from "@codepad/shared";
import { useEffect, useRef, useState } from "react";
import { MonacoBinding } from "y-monaco";
import type { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { trackLocalTyping } from "../collab/local-typing.ts";
import { exposeTestHandles } from "../testing/test-handles.ts";
import { monaco } from "./monaco-setup.ts";
import { mountRemoteCursorStyles } from "./remote-cursor-styles.ts";

interface CodeEditorProps {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** Monaco language id; changes apply to the live model. */
  language: string;
  readOnly: boolean;
}

const EDITOR_OPTIONS: monaco.editor.IStandaloneEditorConstructionOptions = {
  theme: "vs-dark",
  automaticLayout: true,
  fontFamily:
    "'JetBrains Mono', 'Fira Code', 'Cascadia Code', Menlo, Consolas, 'DejaVu Sans Mono', monospace",
  fontSize: 14,
  lineHeight: 21,
  // Room above line 1 for a remote caret's name label, which is drawn above the caret.
  padding: { top: 18, bottom: 12 },
  minimap: { enabled: false },
  scrollBeyondLastLine: false,
  smoothScrolling: true,
  // Sticky scroll would cover the name labels of carets near the top.
  stickyScroll: { enabled: false },
  fixedOverflowWidgets: true,
  tabSize: 2,
  bracketPairColorization: { enabled: true },
};

export function CodeEditor({ doc, provider, language, readOnly }: CodeEditorProps) {
  const containerRef = useRef<HTMLDivElement>(null);
  // State rather than a ref, so that the language and read-only effects run again for a new editor.
  const [editor, setEditor] = useState<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;

    // The language is set by the effect below, here and whenever it changes.
    const model = monaco.editor.createModel("", "plaintext");
    // Everyone's model must hold the same characters as the Y.Text: with CRLF models the
    // offsets y-monaco maps between the two would drift by one per line.
    model.setEOL(monaco.editor.EndOfLineSequence.LF);
    const instance = monaco.editor.create(container, { ...EDITOR_OPTIONS, model });
    setEditor(instance);

    const ytext = doc.getText(DocLayout.code);
    const binding = new MonacoBinding(ytext, model, new Set([instance]), provider.awareness);
    // y-monaco applies local edits in `doc.transact(..., binding)`, so the binding is the
    // origin of exactly this user's typing.
    const undoManager = new Y.UndoManager(ytext, { trackedOrigins: new Set([binding]) });
    const { KeyMod, KeyCode } = monaco;
    instance.addCommand(KeyMod.CtrlCmd | KeyCode.KeyZ, () => undoManager.undo());
    instance.addCommand(KeyMod.CtrlCmd | KeyMod.Shift | KeyCode.KeyZ, () => undoManager.redo());
    instance.addCommand(KeyMod.CtrlCmd | KeyCode.KeyY, () => undoManager.redo());

    const stopTypingTracker = trackLocalTyping(ytext, binding, provider.awareness);
    const removeCursorStyles = mountRemoteCursorStyles(provider.awareness);
    const withdrawTestHandles = exposeTestHandles({ doc, provider, editor: instance, monaco });

    return () => {
      withdrawTestHandles();
      removeCursorStyles();
      stopTypingTracker();
      undoManager.destroy();
      binding.destroy();
      setEditor(null);
      instance.dispose();
      model.dispose();
    };
  }, [doc, provider]);

  useEffect(() => {
    const model = editor?.getModel();
    if (model && model.getLanguageId() !== language)
      monaco.editor.setModelLanguage(model, language);
  }, [editor, language]);

  useEffect(() => {
    editor?.updateOptions({ readOnly });
  }, [editor, readOnly]);

  return <div className="code-editor" data-testid="editor" ref={containerRef} />;
}
