/**
 * WCAG 2.x contrast between two sRGB colours (#rrggbb), for the branding colours: a primary colour is
 * used for button backgrounds and link text, so it must reach 4.5:1 (AA, normal text) against the
 * page, and the text drawn on it is white or near-black, whichever contrasts more.
 */
export const HEX_COLOUR = /^#[0-9a-fA-F]{6}$/

/** The AA threshold for normal text. */
export const MIN_CONTRAST = 4.5

/** The pages' backgrounds: Chromium's Canvas in light and in dark mode. */
export const LIGHT_PAGE = '#ffffff'
export const DARK_PAGE = '#121212'

function channel(value: number): number {
  const s = value / 255
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
}

/** Relative luminance (WCAG 2.x), 0 (black) to 1 (white). */
export function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((at) => channel(Number.parseInt(hex.slice(at, at + 2), 16)))
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}

/** The contrast ratio of two colours, 1 to 21. */
export function contrast(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (light + 0.05) / (dark + 0.05)
}

/** The text colour for a background: white or near-black, whichever contrasts more. */
export function textOn(background: string): string {
  return contrast(background, '#ffffff') >= contrast(background, '#111111') ? '#ffffff' : '#111111'
}
