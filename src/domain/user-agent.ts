/**
 * A browser's User-Agent header in the words the account page shows ("Firefox on Linux"), so that
 * people can tell their sessions apart (issue 27). Pure and deliberately rough: the browser family and
 * the platform, never a version (User-Agent strings lie about versions anyway); undefined when it names
 * neither, so the page says nothing rather than something wrong.
 */
export interface Device {
  /** 'Firefox', 'Chrome', 'Edge', 'Safari', 'Opera', 'Chromium', or undefined. */
  browser: string | undefined
  /** 'Windows', 'macOS', 'iOS', 'Android', 'Linux', 'ChromeOS', or undefined. */
  platform: string | undefined
}

// Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari", Android also says "Linux".
const BROWSERS: Array<[RegExp, string]> = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bHeadlessChrome\//, 'Chromium (headless)'],
  [/\bChromium\//, 'Chromium'],
  [/\bChrome\/|\bCriOS\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
]
const PLATFORMS: Array<[RegExp, string]> = [
  [/\biPhone|\biPad|\biPod/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
]

export function parseUserAgent(userAgent: string | null | undefined): Device {
  const text = userAgent ?? ''
  return { browser: BROWSERS.find(([pattern]) => pattern.test(text))?.[1], platform: PLATFORMS.find(([pattern]) => pattern.test(text))?.[1] }
}

/** "Firefox on Linux", "Safari", "a device running Android", or undefined when the header named neither. */
export function deviceInWords(userAgent: string | null | undefined): string | undefined {
  const { browser, platform } = parseUserAgent(userAgent)
  if (browser && platform) return `${browser} on ${platform}`
  return browser ?? (platform ? `A device running ${platform}` : undefined)
}
