import { escapeControls } from '../../../src/safe-text/format-line';

describe('escapeControls', () => {
  it.each([
    ['ESC and BEL', 'a\u001b[31mred\u0007', 'a\\x1b[31mred\\x07'],
    ['CR, LF, TAB, NUL', 'a\rb\nc\td\u0000', 'a\\x0db\\x0ac\\x09d\\x00'],
    ['DEL and C1 (NEL, CSI)', 'a\u007fb\u0085c\u009b', 'a\\x7fb\\x85c\\x9b'],
    ['line and paragraph separators', 'a\u2028b\u2029c', 'a\\u2028b\\u2029c'],
    [
      'bidi overrides and isolates',
      '\u202aa\u202bb\u202cc\u202dd\u202ee\u2066f\u2067g\u2068h\u2069',
      '\\u202aa\\u202bb\\u202cc\\u202dd\\u202ee\\u2066f\\u2067g\\u2068h\\u2069',
    ],
    ['what is printable stays', 'é ü 😀 \u00a0 ~ \\x1b', 'é ü 😀 \u00a0 ~ \\x1b'],
  ])('%s', (_what, input, expected) => {
    expect(escapeControls(input)).toBe(expected);
  });
});
