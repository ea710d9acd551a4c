/**
 * Verifies an extracted package: the signature file (ed25519 over the canonical JSON of the signed
 * payload, the exact bytes re-derived from the object that is then used), every file's hash (none
 * missing, none extra), the manifest against the signed id/version/publisher, and the engine.
 */
import crypto from 'node:crypto';
import semver from 'semver';
import { z } from 'zod';
import { parseManifest, type Manifest } from '../../common/manifest';
import { WARDEN_API_VERSION } from '../../common/version';
import { canonicalBytes } from './canonical-json';
import { PACKAGE_FORMAT, PackageError, SIGNATURE_FILE } from './format';
import { pathProblem } from './paths';
import { decodePublicKey, fingerprintOf, verifySignature } from './signing';
import { parseStrictJson } from '../../common/strict-json';

const SHA256_HEX = /^[0-9a-f]{64}$/;

export const SignedPayloadSchema = z.strictObject({
  format: z.literal(PACKAGE_FORMAT),
  id: z.string().min(1).max(128),
  version: z.string().min(1).max(64),
  publisher: z.string().min(1).max(64),
  publicKey: z.string().max(64),
  files: z
    .record(z.string(), z.string().regex(SHA256_HEX))
    .refine((f) => Object.keys(f).length <= 10_000, 'too many files'),
});
export type SignedPayload = z.infer<typeof SignedPayloadSchema>;

const SignatureFileSchema = z.strictObject({ signed: SignedPayloadSchema, signature: z.string().max(128) });
export type SignatureFile = z.infer<typeof SignatureFileSchema>;

export interface VerifiedPackage {
  id: string;
  version: string;
  publisher: string;
  /** base64 raw ed25519 public key. */
  publicKey: string;
  /** hex SHA-256 of the raw public key: what trust is pinned to. */
  fingerprint: string;
  manifest: Manifest;
  files: Record<string, string>;
  mainSha256: string;
}

export interface ExtractedFile {
  sha256: string;
  size: number;
}

export function sha256Hex(data: Uint8Array): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

/** Builds the signature file for a payload (what `pack` writes). */
export function encodeSignatureFile(signed: SignedPayload, signature: string): Buffer {
  return Buffer.from(`${JSON.stringify({ signed, signature }, null, 2)}\n`, 'utf8');
}

/** Parses and checks the signature file; returns the signed payload only if the signature holds. */
export function verifySignatureFile(bytes: Uint8Array): SignedPayload {
  let json: unknown;
  try {
    json = parseStrictJson(Buffer.from(bytes).toString('utf8'));
  } catch (err) {
    throw new PackageError(`${SIGNATURE_FILE} is not valid JSON (${(err as Error).message})`);
  }
  const parsed = SignatureFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PackageError(
      `${SIGNATURE_FILE} is malformed (${issue ? `${issue.path.join('.') || 'file'}: ${issue.message}` : 'unknown'})`,
    );
  }
  const { signed, signature } = parsed.data;
  decodePublicKey(signed.publicKey);
  if (!verifySignature(signed.publicKey, canonicalBytes(signed), signature)) {
    throw new PackageError('bad signature: the package was changed after signing or signed by another key');
  }
  for (const p of Object.keys(signed.files)) {
    const problem = pathProblem(p);
    if (problem) throw new PackageError(`signed file list: ${JSON.stringify(p)}: ${problem}`);
    if (p === SIGNATURE_FILE) throw new PackageError(`signed file list must not contain ${SIGNATURE_FILE}`);
  }
  return signed;
}

/** Checks the manifest text against the signed payload and this host; returns the parsed manifest. */
export function checkManifest(manifestBytes: Uint8Array, signed: SignedPayload): Manifest {
  let json: unknown;
  try {
    json = parseStrictJson(Buffer.from(manifestBytes).toString('utf8'));
  } catch (err) {
    throw new PackageError(`manifest.json is not valid JSON (${(err as Error).message})`);
  }
  const parsed = parseManifest(json);
  if (!parsed.ok) throw new PackageError(`manifest.json: ${parsed.errors[0] ?? 'invalid'}`);
  const m = parsed.manifest;
  for (const key of ['id', 'version', 'publisher'] as const) {
    if (m[key] !== signed[key]) {
      throw new PackageError(`manifest.json ${key} "${m[key]}" differs from the signed ${key} "${signed[key]}"`);
    }
  }
  if (!semver.satisfies(WARDEN_API_VERSION, m.engines.warden)) {
    throw new PackageError(
      `${m.id} ${m.version} needs Warden API ${m.engines.warden}; this host implements ${WARDEN_API_VERSION}`,
    );
  }
  if (!signed.files[m.main]) throw new PackageError(`the main bundle ${m.main} is not in the signed file list`);
  return m;
}

/**
 * Verifies what extraction found against the signature: the same set of files with the same
 * hashes. `files` excludes the signature file itself.
 */
export function verifyPackage(input: {
  signatureBytes?: Uint8Array;
  manifestBytes?: Uint8Array;
  files: ReadonlyMap<string, ExtractedFile>;
}): VerifiedPackage {
  if (!input.signatureBytes) throw new PackageError(`unsigned package: ${SIGNATURE_FILE} is missing`);
  const signed = verifySignatureFile(input.signatureBytes);
  for (const [p, hash] of Object.entries(signed.files)) {
    const got = input.files.get(p);
    if (!got) throw new PackageError(`${p} is listed in the signature but missing from the package`);
    if (got.sha256 !== hash) throw new PackageError(`${p} does not match its signed hash (tampered)`);
  }
  for (const p of input.files.keys()) {
    if (!Object.hasOwn(signed.files, p))
      throw new PackageError(`${p} is in the package but not in the signed file list`);
  }
  if (!input.manifestBytes) throw new PackageError('manifest.json is missing');
  const manifest = checkManifest(input.manifestBytes, signed);
  return {
    id: signed.id,
    version: signed.version,
    publisher: signed.publisher,
    publicKey: signed.publicKey,
    fingerprint: fingerprintOf(signed.publicKey),
    manifest,
    files: { ...signed.files },
    mainSha256: signed.files[manifest.main]!,
  };
}
