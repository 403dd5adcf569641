import { nextTick } from 'node:process';

let now = 0;
let valid = false;
const expire = (): void => {
  valid = false;
};

/**
 * Date.now() for a traced frame, read once per synchronous run: the frames handled in
 * one go (a chunk of answers, the requests they lead to) share one reading, and the
 * next run reads the clock again. Records carry milliseconds, and at a high frame rate
 * a clock reading per frame was a good part of what tracing cost.
 */
export function frameClock(): number {
  if (!valid) {
    now = Date.now();
    valid = true;
    nextTick(expire);
  }
  return now;
}
