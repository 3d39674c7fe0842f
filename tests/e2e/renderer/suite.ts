/**
 * The lifecycle every renderer test file shares: one stack (mirror + `flint ui` bridge) for the
 * file, listing only the loop devices the file made; per test the browser and the loop devices it
 * made, closed and removed after it by exact name, even when it failed (tests/helpers/loop.ts).
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createLoopDevice, type LoopDevice } from '../../helpers/loop';
import { launchChromium, startStack, type Browser, type Stack } from './harness';

/** Registers the file's hooks (call inside `describe`); the tests get the stack, sticks and a browser from it. */
export function rendererSuite() {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  const loops: LoopDevice[] = [];
  beforeAll(async () => {
    stack = await startStack({ showLoop: (dev) => loops.some((l) => l.device === dev) });
  }, 180_000);
  afterAll(async () => {
    await stack?.close();
  });
  afterEach(async () => {
    await browser?.close();
    browser = undefined;
    for (const l of loops.splice(0)) l.remove();
  });
  return {
    get stack(): Stack {
      if (!stack) throw new Error('the stack is not running (beforeAll failed)');
      return stack;
    },
    /** One loop device per size (bytes), shown in the drive list and removed after the test. */
    sticks(...sizes: number[]): LoopDevice[] {
      const made = sizes.map((size) => createLoopDevice(size));
      loops.push(...made);
      return made;
    },
    /** Debian's Chromium, closed after the test. */
    async launch(opts?: Parameters<typeof launchChromium>[0]): Promise<Browser> {
      browser = await launchChromium(opts);
      return browser;
    },
  };
}
