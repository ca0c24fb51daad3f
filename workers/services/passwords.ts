import type Argon2 from '@phi-ag/argon2';
import { Argon2Type, Argon2Version } from '@phi-ag/argon2';

/**
 * Argon2id with OWASP's minimum parameters (19 MiB memory, 2 iterations, 1 lane). The WebAssembly build is imported
 * as a module at build time (workerd forbids compiling WebAssembly at run time); one hash costs about 60 ms of CPU in
 * workerd, against about 370 ms for a pure-JavaScript Argon2id.
 */
export const ARGON2_PARAMS = {
  type: Argon2Type.Argon2id,
  version: Argon2Version.Version13,
  memoryCost: 19 * 1024,
  timeCost: 2,
  parallelism: 1,
  hashLength: 32,
} as const;

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(encoded: string, password: string): Promise<boolean>;
}

export function argon2Hasher(argon2: Argon2): PasswordHasher {
  return {
    async hash(password) {
      return argon2.hash(password, ARGON2_PARAMS).encoded;
    },
    async verify(encoded, password) {
      return argon2.tryVerify(encoded, password, Argon2Type.Argon2id).success;
    },
  };
}

/** A fixed hash to verify against when an account does not exist, so timing does not reveal which emails are known. */
export const DUMMY_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Nf3z6hR3b9mJ7wKxk0o9o3s1b2d6W0Jx4e7VdJm9cQk';
