import wasm from '@phi-ag/argon2/argon2.wasm';
import { argon2Hasher, type PasswordHasher } from '../services/passwords';

let hasher: Promise<PasswordHasher> | undefined;

/** One Argon2 instance per isolate, instantiated from the statically imported module. */
export function workerPasswordHasher(): Promise<PasswordHasher> {
  hasher ??= WebAssembly.instantiate(wasm).then(argon2Hasher);
  return hasher;
}
