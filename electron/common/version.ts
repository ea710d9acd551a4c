import { version as packageVersion } from '../../package.json';

/** The version of the extension API this host implements; `engines.warden` is checked against it. */
export const WARDEN_API_VERSION = '1.0.0';
/** Warden's own version: package.json's, bundled in at build time (so a copied CLI still knows it). */
export const WARDEN_VERSION: string = packageVersion;
