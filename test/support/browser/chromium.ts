import { chromium, type Browser } from 'playwright-core';
import { isExecutable } from '../../../infra/bin/executable';

/** Debian's Chromium (apt-get install chromium; CI installs it), or undefined when it is absent. */
export function findChromium(): string | undefined {
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(isExecutable);
}

/**
 * Headless Chromium as a participant's browser: fake camera and microphone (a test pattern
 * and a beep) granted without a prompt. No sandbox: the tests run as root on CI.
 */
export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--no-sandbox', '--autoplay-policy=no-user-gesture-required'],
  });
}
