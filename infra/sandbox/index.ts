export { LANGUAGES, type LanguageName, type LanguageSpec } from './languages';
export { DEFAULT_LIMITS } from './limits';
export { recordSelfTest, Sandbox, sandboxUnavailable, type RunReport, type RunRequest, type SandboxSettings } from './Sandbox';
export type { ErrorInfo, ExecutionStatus, KillCause, OutputStream, SandboxLimits, TestCounts } from './types';
