import Argon2 from '@phi-ag/argon2';
import wasm from '@phi-ag/argon2/argon2.wasm';
import { argon2Hasher, type PasswordHasher } from '../services/passwords';

let hasher: Promise<PasswordHasher> | undefined;

/** One Argon2 instance per isolate, instantiated from the statically imported module. */
export function workerPasswordHasher(): Promise<PasswordHasher> {
  hasher ??= WebAssembly.instantiate(wasm).then((instance) => argon2Hasher(new Argon2(instance)));
  return hasher;
}
