import { defaultKeymap, indentWithTab } from '@codemirror/commands';
import { javascript } from '@codemirror/lang-javascript';
import { EditorState } from '@codemirror/state';
import { EditorView, keymap, lineNumbers, highlightActiveLine, drawSelection } from '@codemirror/view';
import { syntaxHighlighting, defaultHighlightStyle } from '@codemirror/language';
import { useEffect, useRef } from 'react';
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next';
import * as Y from 'yjs';
import type { Room } from '../../../sdk/src';

const COLOURS = ['#1d4ed8', '#b91c1c', '#047857', '#7c3aed', '#b45309', '#0e7490', '#be185d'];

/**
 * The shared code: CodeMirror 6 bound to the room's Yjs text with y-codemirror.next; the room's
 * awareness carries each person's cursor and selection (drawn in their colour with their name).
 * Loaded lazily (LiveDojo): it is most of the console's bytes.
 */
export default function Editor({ room, name, language }: { room: Room; name: string; language: string | null }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const colour = COLOURS[Math.abs(hashOf(name)) % COLOURS.length]!;
    room.code.awareness.setLocalStateField('user', { name, color: colour, colorLight: `${colour}33` });
    const undo = new Y.UndoManager(room.code.text);
    // In a shadow root: CodeMirror then styles itself with constructed style sheets, which the
    // console's CSP (style-src 'self', no inline <style>) allows; on the document it would add <style> tags.
    const shadow = host.current!.shadowRoot ?? host.current!.attachShadow({ mode: 'open' });
    const view = new EditorView({
      root: shadow,
      parent: shadow,
      state: EditorState.create({
        doc: room.code.text.toString(),
        extensions: [
          lineNumbers(),
          drawSelection(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle),
          // Tab indents; Escape then Tab leaves the editor (CodeMirror's documented keyboard escape hatch).
          keymap.of([...yUndoManagerKeymap, ...defaultKeymap, indentWithTab]),
          /^(js|javascript|ts|typescript|node)/i.test(language ?? 'javascript') ? javascript({ typescript: /^t/i.test(language ?? '') }) : [],
          EditorView.editable.of(room.canEdit),
          EditorView.theme({ '&': { minHeight: '24rem', fontSize: '14px' }, '.cm-scroller': { fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace' } }),
          EditorView.contentAttributes.of({ 'aria-label': 'Shared code', 'data-testid': 'code-editor' }),
          yCollab(room.code.text, room.code.awareness, { undoManager: undo }),
        ],
      }),
    });
    return () => view.destroy();
  }, [room, name, language]);
  return <div className="editor" ref={host} />;
}

function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (h * 31 + text.charCodeAt(i)) | 0;
  return h;
}
