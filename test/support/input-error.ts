import assert from 'node:assert/strict';
import { InputError } from '../../src/core/errors';

/** Runs `fn` and returns the InputError it throws; fails the test when it throws anything else, or nothing. */
export function fails(fn: () => unknown): InputError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected an InputError');
}
