import type Router from '@koa/router'
import type { Branding } from '../../infra/branding.js'
import { FAVICON_PATH, FAVICON_SVG, STYLESHEET, STYLESHEET_PATH } from './styles.js'

/** Where the branding files are served, by Heimdall itself (the pages' CSP allows nothing else). */
export const BRAND_LOGO_PATH = '/assets/brand/logo'
export const BRAND_FAVICON_PATH = '/assets/brand/favicon'
export const BRAND_CSS_PATH = '/assets/brand.css'

/** What the layout shows of the branding (templates.ts `it.brand`). */
export interface PageBrand {
  name: string
  logo: string | undefined
  favicon: string
  css: string | undefined
  supportUrl: string | undefined
}

export const DEFAULT_BRAND: PageBrand = { name: 'Heimdall', logo: undefined, favicon: FAVICON_PATH, css: undefined, supportUrl: undefined }

/** The layout's view of a Branding: names and paths only. */
export function pageBrandOf(branding: Branding): PageBrand {
  return {
    name: branding.name,
    logo: branding.logo && BRAND_LOGO_PATH,
    favicon: branding.favicon ? BRAND_FAVICON_PATH : FAVICON_PATH,
    css: branding.css && BRAND_CSS_PATH,
    supportUrl: branding.supportUrl,
  }
}

/** The pages' stylesheet with the brand's colours over the defaults (custom properties, light and dark). */
export function brandedStylesheet(branding: Branding): string {
  const colours = branding.colours
  if (!colours) return STYLESHEET
  return `${STYLESHEET}
/* HEIMDALL_BRAND_PRIMARY_COLOR, HEIMDALL_BRAND_PRIMARY_COLOR_DARK */
:root { --accent: ${colours.light}; --on-accent: ${colours.onLight}; }
@media (prefers-color-scheme: dark) { :root { --accent: ${colours.dark}; --on-accent: ${colours.onDark}; } }
`
}

/**
 * Serves the stylesheet (branded), the favicon (the brand's or Heimdall's mark, also at /favicon.ico,
 * which browsers ask for whatever a page links), and the brand's logo and CSS file when set.
 */
export function brandRoutes(router: Router, branding: Branding): void {
  const stylesheet = brandedStylesheet(branding)
  const serve = (path: string, type: string, body: string | Buffer, maxAge = 3600) =>
    router.get(path, (ctx) => {
      ctx.type = type
      ctx.set('Cache-Control', `public, max-age=${maxAge}`)
      ctx.body = body
    })
  serve(STYLESHEET_PATH, 'text/css; charset=utf-8', stylesheet)
  const favicon = branding.favicon ?? { type: 'image/svg+xml', body: FAVICON_SVG }
  for (const path of [FAVICON_PATH, BRAND_FAVICON_PATH, '/favicon.ico']) serve(path, favicon.type, favicon.body, 86400)
  if (branding.logo) serve(BRAND_LOGO_PATH, branding.logo.type, branding.logo.body)
  if (branding.css) serve(BRAND_CSS_PATH, branding.css.type, branding.css.body)
}
