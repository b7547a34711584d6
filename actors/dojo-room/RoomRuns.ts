import { CODE_LANGUAGES, type CodeLanguage } from '../../protocol/codeExec';
import { FieldValidationError } from './errors';
import type { Room } from './Room';

/** Names a dojo's free-text language may use for each runnable one. */
const ALIASES: Record<string, CodeLanguage> = {
  javascript: 'javascript',
  js: 'javascript',
  node: 'javascript',
  nodejs: 'javascript',
  typescript: 'typescript',
  ts: 'typescript',
  python: 'python',
  python3: 'python',
  py: 'python',
};

/** The runnable language of a dojo's `language` (set at creation as free text), if it is one. */
export function runnableLanguage(language: string | null): CodeLanguage | undefined {
  return language ? ALIASES[language.trim().toLowerCase().replace(/[\s.]/g, '')] : undefined;
}

/**
 * Asks code-exec to run the room's current code (the Yjs document's text) and the room's tests,
 * in `language` or the dojo's. Runs inside the room's turn, so the code is what every member
 * sees at this moment.
 */
export async function runRoomCode(room: Room, userId: string, language: CodeLanguage | undefined): Promise<{ executionId: string; status: 'QUEUED' }> {
  const chosen = language ?? runnableLanguage(room.dojo.language);
  if (!chosen) {
    const message = `must be one of ${CODE_LANGUAGES.join(', ')} (the dojo's language ${JSON.stringify(room.dojo.language)} cannot run)`;
    throw new FieldValidationError([{ field: 'language', message }]);
  }
  return room.deps.broker.call('code-exec.run', {
    tenantId: room.key.tenantId,
    userId,
    dojoId: room.key.dojoId,
    language: chosen,
    code: room.code.doc.text(),
    tests: room.dojo.tests,
  });
}
