import { readFileSync } from 'node:fs'
import { extname } from 'node:path'
import type { Config } from '../config.js'
import { textOn } from '../domain/colour-contrast.js'
import { HeimdallError } from '../errors.js'

/** A file the pages serve from Heimdall itself: its bytes and Content-Type. */
export interface BrandAsset {
  type: string
  body: Buffer
}

/**
 * What the pages and mails are branded with (HEIMDALL_PRODUCT_NAME, HEIMDALL_BRAND_*, HEIMDALL_SUPPORT_URL;
 * docs/pages.md#branding): the files read once, at start-up, so that a missing or unreadable one stops
 * the server with its setting named rather than breaking pages later.
 */
export interface Branding {
  name: string
  logo: BrandAsset | undefined
  favicon: BrandAsset | undefined
  css: BrandAsset | undefined
  supportUrl: string | undefined
  /** Primary colours and the text drawn on them, light and dark; undefined: the stylesheet's own. */
  colours: { light: string; onLight: string; dark: string; onDark: string } | undefined
}

const TYPES: Record<string, string> = {
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.css': 'text/css; charset=utf-8',
}

/** The default colours (styles.ts), for a setting that gives one mode only. */
const DEFAULT_LIGHT = '#3157d5'
const DEFAULT_DARK = '#9db4ff'

function asset(file: string | undefined, setting: string): BrandAsset | undefined {
  if (file === undefined) return undefined
  try {
    return { type: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', body: readFileSync(file) }
  } catch (error) {
    throw new HeimdallError('config.invalid', `${setting} names a file that cannot be read: ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`)
  }
}

/** Reads the branding settings and files. Throws config.invalid for a file that cannot be read. */
export function loadBranding(config: Config): Branding {
  const light = config.brandPrimaryColour
  const dark = config.brandPrimaryColourDark
  return {
    name: config.productName,
    logo: asset(config.brandLogoFile, 'HEIMDALL_BRAND_LOGO_FILE'),
    favicon: asset(config.brandFaviconFile, 'HEIMDALL_BRAND_FAVICON_FILE'),
    css: asset(config.brandCssFile, 'HEIMDALL_BRAND_CSS_FILE'),
    supportUrl: config.supportUrl,
    colours:
      light === undefined && dark === undefined
        ? undefined
        : { light: light ?? DEFAULT_LIGHT, onLight: textOn(light ?? DEFAULT_LIGHT), dark: dark ?? DEFAULT_DARK, onDark: textOn(dark ?? DEFAULT_DARK) },
  }
}
