import { collectGarbage, GcPacer } from '../../lambda/runtime/gc-pacer';

describe('GcPacer (bounded garbage while streaming)', () => {
  test('collects once per `everyBytes` streamed, however the bytes arrive', () => {
    let collected = 0;
    const pacer = new GcPacer(1000, 'full', (options) => { expect(options).toBeUndefined(); collected += 1; });
    for (let i = 0; i < 119; i++) pacer.moved(25); // 2,975 bytes
    expect(collected).toBe(2);
    pacer.moved(25); // 1,000 since the second collection
    expect(collected).toBe(3);
    pacer.moved(5000); // one big chunk: one collection, not five
    expect(collected).toBe(4);
    expect(pacer.collections).toBe(4);
  });

  test('a minor pacer asks for young-generation collections only', () => {
    const asked: unknown[] = [];
    const pacer = new GcPacer(10, 'minor', (options) => { asked.push(options); });
    pacer.moved(25);
    pacer.moved(10);
    expect(asked).toEqual([{ type: 'minor' }, { type: 'minor' }]);
  });

  test('by default: a young-generation collection every 2 MiB', () => {
    const asked: unknown[] = [];
    const pacer = new GcPacer(undefined, undefined, (options) => { asked.push(options); });
    for (let i = 0; i < 63; i++) pacer.moved(65_536); // 63 chunks of 64 KiB: just under 4 MiB
    expect(asked).toEqual([{ type: 'minor' }]);
    pacer.moved(65_536);
    expect(asked).toEqual([{ type: 'minor' }, { type: 'minor' }]);
  });

  test('does nothing when the runtime does not expose gc', () => {
    const pacer = new GcPacer(1, 'full', undefined);
    pacer.moved(10_000);
    expect(pacer.collections).toBe(0);
  });
});

test('collectGarbage makes one full collection when gc is exposed, and is harmless when not', () => {
  const asked: unknown[] = [];
  collectGarbage((options) => { asked.push(options); });
  expect(asked).toEqual([undefined]);
  expect(() => collectGarbage(undefined)).not.toThrow();
});
