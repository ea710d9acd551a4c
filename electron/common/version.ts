/** The version of the extension API this host implements; `engines.warden` is checked against it. */
export const WARDEN_API_VERSION = '1.0.0';
