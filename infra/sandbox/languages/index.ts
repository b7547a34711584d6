import { javascript } from './javascript';
import { pythonLanguage } from './python';
import { typescript } from './typescript';
import type { LanguageName, LanguageSpec } from './types';

export type { LanguageName, LanguageSpec, SandboxFile } from './types';

/** Every language the sandbox runs, by the name clients use. */
export const LANGUAGES: Readonly<Record<LanguageName, LanguageSpec>> = { javascript, typescript, python: pythonLanguage };
