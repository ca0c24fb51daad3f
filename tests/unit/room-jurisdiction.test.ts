import { describe, expect, it } from 'vitest';
import { roomNamespace } from '../../workers/lib/rooms';

function fakeNamespace() {
  const calls: string[] = [];
  const namespace = {
    jurisdiction(name: string) {
      calls.push(name);
      return { pinned: name };
    },
  };
  return { namespace, calls };
}

describe('roomNamespace', () => {
  it('pins rooms to the EU when deployed configuration says so', () => {
    const { namespace, calls } = fakeNamespace();
    const result = roomNamespace(namespace as never, { DO_JURISDICTION: 'eu' });
    expect(calls).toEqual(['eu']);
    expect(result).toEqual({ pinned: 'eu' });
  });

  it('uses the plain namespace locally, where workerd has no jurisdictions', () => {
    const { namespace, calls } = fakeNamespace();
    expect(roomNamespace(namespace as never, { DO_JURISDICTION: '' })).toBe(namespace);
    expect(calls).toEqual([]);
  });
});
