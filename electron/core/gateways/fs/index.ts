/** The fs gateway for `~/…` and absolute paths: see fs-gateway.ts. */
export {
  createFsGateway,
  DEFAULT_MAX_READ_BYTES,
  DEFAULT_MAX_WRITE_BYTES,
  type FsGateway,
  type FsGatewayOptions,
  type FsGatewayTestHooks,
  type FsOperation,
} from './fs-gateway';
export { canonicalisePath, type CanonicalPath } from './canonical-path';
export { isInside, splitAbsolute } from './containment';
export { isWindowsDeviceName, isWindowsShortName, windowsPrefixProblem, windowsSegmentProblem } from './windows-names';
