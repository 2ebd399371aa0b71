/** Locale codes Chatwoot's Account#locale enum accepts (config/initializers/languages.rb, v4.15.1). */
export const CHATWOOT_LOCALES = [
  'en',
  'ar',
  'nl',
  'fr',
  'de',
  'hi',
  'it',
  'ja',
  'ko',
  'pt',
  'ru',
  'zh',
  'es',
  'ml',
  'ca',
  'el',
  'pt_BR',
  'ro',
  'ta',
  'fa',
  'zh_TW',
  'vi',
  'da',
  'tr',
  'cs',
  'fi',
  'id',
  'sv',
  'hu',
  'no',
  'zh_CN',
  'pl',
  'sk',
  'uk',
  'th',
  'lv',
  'is',
  'he',
  'lt',
  'sr',
  'bg',
  'et',
] as const;

export type ChatwootLocale = (typeof CHATWOOT_LOCALES)[number];

/** The platform's home market: stores with a locale Chatwoot does not know get Dutch. */
export const DEFAULT_CHATWOOT_LOCALE: ChatwootLocale = 'nl';

const KNOWN = new Set<string>(CHATWOOT_LOCALES);

/** Languages Chatwoot knows under another (older or macro-language) code. */
const LANGUAGE_ALIASES: Record<string, ChatwootLocale> = { nb: 'no', nn: 'no', iw: 'he', in: 'id' };

/**
 * Maps a store's BCP 47 locale (`pt-BR`, `nl_NL`, `zh-Hant-TW`) to a Chatwoot account locale.
 * Chatwoot raises (HTTP 500) on an unknown enum value instead of answering 422, so only listed
 * codes may leave this function.
 */
export function toChatwootLocale(locale: string | null | undefined): ChatwootLocale {
  const parts = (locale ?? '').trim().replace(/_/g, '-').split('-').filter(Boolean);
  if (parts.length === 0) return DEFAULT_CHATWOOT_LOCALE;
  const language = parts[0].toLowerCase();
  const region = parts
    .slice(1)
    .find((part) => /^[A-Za-z]{2}$/.test(part))
    ?.toUpperCase();
  const script = parts
    .slice(1)
    .find((part) => /^[A-Za-z]{4}$/.test(part))
    ?.toLowerCase();
  if (language === 'zh') {
    if (region === 'TW' || region === 'HK' || region === 'MO' || script === 'hant') return 'zh_TW';
    if (region === 'CN' || region === 'SG' || script === 'hans') return 'zh_CN';
    return 'zh';
  }
  if (region && KNOWN.has(`${language}_${region}`)) return `${language}_${region}` as ChatwootLocale;
  if (KNOWN.has(language)) return language as ChatwootLocale;
  return LANGUAGE_ALIASES[language] ?? DEFAULT_CHATWOOT_LOCALE;
}
