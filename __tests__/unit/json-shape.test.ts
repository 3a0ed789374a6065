import {
  exactObject,
  finiteNumber,
  literal,
  matching,
  object,
  optional,
  parseJsonShape,
  recordOf,
  ShapeError,
  string,
} from '../../src/json-shape';

const POINT = object({ name: string, x: finiteNumber, tag: optional(string, 'none') });

describe('json shapes', () => {
  it('returns the typed value with only the declared fields, fallbacks filled in', () => {
    expect(parseJsonShape(POINT, '{"name":"a","x":1.5,"extra":true}')).toEqual({ name: 'a', x: 1.5, tag: 'none' });
    expect(parseJsonShape(POINT, '{"name":"a","x":1,"tag":null}')).toEqual({ name: 'a', x: 1, tag: 'none' });
  });

  it.each([
    ['not JSON', '{"name":'],
    ['an array', '[1]'],
    ['null', 'null'],
    ['a missing field', '{"x":1}'],
    ['a number as a string', '{"name":"a","x":"1"}'],
    ['a non-finite number', '{"name":"a","x":1e999}'],
  ])('rejects %s', (_what, text) => {
    expect(parseJsonShape(POINT, text)).toBeUndefined();
  });

  it('names the field and what it should be', () => {
    expect(() => POINT({ name: 'a', x: 1, tag: 5 }, '')).toThrow(new ShapeError('tag', 'a string'));
    expect(() => object({ inner: POINT })({ inner: { name: 7 } }, '')).toThrow('"inner.name" must be a string');
    expect(() => POINT('x', '')).toThrow('the value must be a JSON object');
  });

  it('literal and matching', () => {
    expect(literal(1)(1, '')).toBe(1);
    expect(() => literal(1)(2, 'version')).toThrow('"version" must be 1');
    expect(() => literal(1)('1', 'version')).toThrow('"version" must be 1');
    expect(() => matching(/^[0-9a-f]+$/, 'hex')('xyz', 'salt')).toThrow('"salt" must be hex');
  });

  it('recordOf keeps valid entries and, with dropInvalid, drops only the bad ones', () => {
    const text = '{"a":{"name":"a","x":1},"b":{"name":2}}';
    expect(parseJsonShape(recordOf(POINT), text)).toBeUndefined();
    expect(parseJsonShape(recordOf(POINT, { dropInvalid: true }), text)).toEqual({ a: { name: 'a', x: 1, tag: 'none' } });
  });

  it('a "__proto__" key stays an own property and reaches no prototype', () => {
    const parsed = parseJsonShape(recordOf(string), '{"__proto__":"x","k":"v"}');
    expect(Object.getPrototypeOf(parsed)).toBe(Object.prototype);
    expect(Object.keys(parsed ?? {}).sort()).toEqual(['__proto__', 'k']);
  });
});

describe('exactObject and paths of keys that are not names', () => {
  const SHAPE = exactObject({ hosts: recordOf(exactObject({ name: string })) });

  it('names a key that is not an identifier in brackets', () => {
    expect(() => SHAPE({ hosts: { 'a.example.com': { name: 1 } } }, '')).toThrow('"hosts["a.example.com"].name" must be a string');
  });

  it('rejects a field it does not know, naming it and the known ones', () => {
    expect(() => SHAPE({ hosts: {}, host: 1 }, '')).toThrow('"host" is not a known field (known: hosts)');
    expect(() => SHAPE({ hosts: { x: { name: 'n', nmae: 'n' } } }, '')).toThrow('"hosts.x.nmae" is not a known field (known: name)');
    expect(SHAPE({ hosts: { x: { name: 'n' } } }, '')).toEqual({ hosts: { x: { name: 'n' } } });
  });
});
