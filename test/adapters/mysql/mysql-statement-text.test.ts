import { statementTexts } from '../../../src/adapters/mysql/mysql-statement-text';

describe('statementTexts', () => {
  it('inlines each statement’s values as the driver escapes them, statement by statement', () => {
    const texts = statementTexts([
      { sql: 'REPLACE INTO `notes` (`id`,`body`) VALUES (?,?),(?,?)', params: [1, "it's", -2n, 'a\\b\n?'] },
      { sql: 'REPLACE INTO `notes` (`id`,`body`) VALUES (?,?)', params: [3.5, '😀東\0'] },
    ]);
    expect(texts).toEqual([
      "REPLACE INTO `notes` (`id`,`body`) VALUES (1,'it\\'s'),(-2,'a\\\\b\\n?')",
      "REPLACE INTO `notes` (`id`,`body`) VALUES (3.5,'😀東\\0')",
    ]);
  });

  it('gives no statement for no statement', () => {
    expect(statementTexts([])).toEqual([]);
  });
});
