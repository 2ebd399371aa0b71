import { describe, expect, it } from 'vitest';
import { CHATWOOT_LOCALES, DEFAULT_CHATWOOT_LOCALE, toChatwootLocale } from './locale-mapping';

describe('toChatwootLocale', () => {
  it.each([
    ['pt-BR', 'pt_BR'],
    ['pt_br', 'pt_BR'],
    ['pt-PT', 'pt'],
    ['nl-NL', 'nl'],
    ['nl-BE', 'nl'],
    ['en-US', 'en'],
    ['de', 'de'],
    ['zh-TW', 'zh_TW'],
    ['zh-Hant-HK', 'zh_TW'],
    ['zh-CN', 'zh_CN'],
    ['zh', 'zh'],
    ['nb-NO', 'no'],
    ['iw', 'he'],
    ['FR-ca', 'fr'],
  ])('maps %s to %s', (input, expected) => {
    expect(toChatwootLocale(input)).toBe(expected);
  });

  it.each(['xx-YY', 'klingon', '', '  ', null, undefined])('falls back to the default for %s', (input) => {
    expect(toChatwootLocale(input)).toBe(DEFAULT_CHATWOOT_LOCALE);
    expect(DEFAULT_CHATWOOT_LOCALE).toBe('nl');
  });

  it('never returns a code outside Chatwoot’s enum', () => {
    const samples = ['en-GB', 'es-MX', 'sr-Latn-RS', 'sv-SE', 'ja-JP', 'ko-KR', 'uk-UA', 'he-IL', 'ar-EG', 'x', '123'];
    for (const sample of samples) expect(CHATWOOT_LOCALES).toContain(toChatwootLocale(sample));
  });
});
