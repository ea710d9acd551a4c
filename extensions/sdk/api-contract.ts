/**
 * Holds extensions/sdk/api.d.ts to the guest-API contract (electron/common/guest-api.ts) at
 * compile time. Why a copy: api.d.ts is what authors read, and `warden init` copies it into new
 * projects, so it must stand alone. A type that differs in either direction fails `tsc` here.
 */
import type * as Api from './api';
import type * as Guest from '../../electron/common/guest-api';

/** `true` when A and B are assignable both ways; otherwise names the side that is not. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : { notInSdk: B }) : { notInContract: A };

export const API_MATCHES_CONTRACT: {
  host: Same<Api.Host, Guest.Host>;
  errorCode: Same<Api.WardenErrorCode, Guest.WardenErrorCode>;
  error: Same<Api.WardenError, Guest.GuestError>;
  dataValue: Same<Api.DataValue, Guest.DataValue>;
  commandResult: Same<Api.CommandResult, Guest.GuestCommandResult>;
  commandCall: Same<Api.CommandCall, Guest.CommandCall>;
  commandHandler: Same<Api.CommandHandler, Guest.CommandHandler>;
  dirEntry: Same<Api.DirEntry, Guest.DirEntry>;
  fileStat: Same<Api.FileStat, Guest.FileStat>;
  fetchInit: Same<Api.FetchInit, Guest.FetchInit>;
  fetchResponse: Same<Api.FetchResponse, Guest.FetchResponse>;
  capability: Same<Api.Capability, Guest.Capability>;
  permissionState: Same<Api.PermissionState, Guest.PermissionState>;
} = {
  host: true,
  errorCode: true,
  error: true,
  dataValue: true,
  commandResult: true,
  commandCall: true,
  commandHandler: true,
  dirEntry: true,
  fileStat: true,
  fetchInit: true,
  fetchResponse: true,
  capability: true,
  permissionState: true,
};
