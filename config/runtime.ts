/**
 * Process-wide switches for dependencies that read the environment themselves.
 * The AWS SDK warns on every start that releases after January 2027 need Node 22; this
 * project pins a Node-20 release (DESIGN §2), so the warning is noise in every log.
 */
export function quietDependencyWarnings(): void {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
}
