import { BoundedMap } from './bounded-map';

describe('BoundedMap', () => {
  it('drops the entry written longest ago once full, counting a rewrite as new', () => {
    const m = new BoundedMap<string, number>(2);
    m.set('a', 1);
    m.set('b', 2);
    m.set('a', 3);
    m.set('c', 4);
    expect(m.get('b')).toBeUndefined();
    expect(m.get('a')).toBe(3);
    expect(m.get('c')).toBe(4);
    expect(m.size).toBe(2);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new BoundedMap(0)).toThrow(RangeError);
    expect(() => new BoundedMap(1.5)).toThrow(RangeError);
  });
});
