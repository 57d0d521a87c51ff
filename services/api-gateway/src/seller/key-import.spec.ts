import { keysFromImport, MAX_KEYS } from './key-import';

describe('key imports', () => {
  it('takes a JSON list, text lines or CSV, trimming and skipping blanks', () => {
    expect(keysFromImport({ keys: [' A-1 ', 'B-2'] })).toEqual(['A-1', 'B-2']);
    expect(keysFromImport({ text: 'A-1\r\n\n  B-2  \nC-3\n' })).toEqual(['A-1', 'B-2', 'C-3']);
    expect(keysFromImport({ csv: 'A-1,first\n"B,2",second\n' })).toEqual(['A-1', 'B,2']);
    expect(keysFromImport({ csv: '\uFEFFnote,卡密\nx,"K-1"\ny,K-2\n', column: '卡密' })).toEqual(['K-1', 'K-2']);
  });

  it('refuses empty imports, unknown columns, broken CSV and oversized imports with a 400', () => {
    const fails = (body: unknown, code: string) => expect(() => keysFromImport(body)).toThrow(expect.objectContaining({ code, status: 400 }));
    fails({ text: '\n \n' }, 'KEYS.EMPTY');
    fails({ csv: 'a,b\n1,2\n', column: 'key' }, 'KEYS.INVALID_CSV');
    fails({ csv: '"unterminated\n' }, 'KEYS.INVALID_CSV');
    fails({ text: Array.from({ length: MAX_KEYS + 1 }, (_, i) => `K${i}`).join('\n') }, 'KEYS.TOO_MANY');
    expect(() => keysFromImport({ keys: ['a'], text: 'b' })).toThrow(expect.objectContaining({ status: 400 }));
  });
});
