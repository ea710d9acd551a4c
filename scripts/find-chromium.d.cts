export interface ChromiumSearch {
  /** The browser's executable, or null when none was found. */
  path: string | null;
  /** Where it was found: `CHROME_PATH`, `PATH`, `install place`, `Playwright cache` or `none`. */
  from: string;
  /** Why a candidate the user named was not used (e.g. CHROME_PATH points at nothing). */
  problems: string[];
}
export function findChromium(options?: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform }): ChromiumSearch;
export const HOW_TO_GET_ONE: string;
export const BROWSER_NAMES: string[];
