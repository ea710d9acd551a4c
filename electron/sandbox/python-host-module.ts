/**
 * The `host` module Python extensions import (docs/python.md), as Python source. It speaks to
 * the JavaScript side only through `_warden_bridge` (python-runtime.ts): arguments go out as
 * JSON text plus at most one `bytes` value, results come back tagged, and a host error becomes a
 * `host.HostError` carrying the same `code` (and `reason`) a JavaScript extension sees.
 */
export const PYTHON_HOST_MODULE = String.raw`
import asyncio as _asyncio
import inspect as _inspect
import json as _json
import sys as _sys
import traceback as _traceback
import types as _types
from pyodide.ffi import to_js as _to_js, create_once_callable as _once, create_proxy as _proxy
import _warden_bridge as _b

__all__ = ["HostError", "command", "commands", "fs", "net", "storage", "secrets", "ui", "permissions", "log", "extension"]


class HostError(Exception):
    """A host call that failed: code is one of Warden's error codes (EPERM, ENOENT, ...)."""

    def __init__(self, code, message, reason=None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.reason = reason

    def __str__(self):
        return f"{self.code}: {self.message}"


class Response:
    """What host.net.fetch returns: status, headers (a dict), body (bytes), text(), json()."""

    def __init__(self, meta, body):
        self.status = meta["status"]
        self.status_text = self.statusText = meta["statusText"]
        self.url = meta["url"]
        self.ok = 200 <= self.status < 300
        self.headers = meta["headers"]
        self.body = body

    def text(self):
        return self.body.decode("utf-8", errors="replace")

    def json(self):
        return _json.loads(self.body)


def _encode(args):
    out, index, blob = [], -1, None
    for i, a in enumerate(args):
        if isinstance(a, (bytes, bytearray, memoryview)):
            if blob is not None:
                raise TypeError("a host call takes at most one bytes argument")
            index, blob = i, _to_js(bytes(a))
            out.append(None)
        else:
            out.append(a)
    while out and out[-1] is None and index != len(out) - 1:
        out.pop()
    return _json.dumps(out, allow_nan=False), index, blob


async def _call(method, *args):
    text, index, blob = _encode(args)
    r = await _b.call(method, text, index, blob)
    tag = r[0]
    if tag == "json":
        return _json.loads(r[1])
    if tag == "bytes":
        return r[1].to_bytes()
    if tag == "fetch":
        return Response(_json.loads(r[1]), r[2].to_bytes())
    err = _json.loads(r[1])
    raise HostError(err.get("code", "EEXTENSION"), err.get("message", "error"), err.get("reason"))


def _method(name, arity):
    def f(*args):
        if len(args) > arity:
            raise TypeError(f"host.{name} takes at most {arity} arguments")
        return _call(name, *args)

    f.__name__ = name.split(".")[1]
    return f


def _snake(name):
    return "".join("_" + c.lower() if c.isupper() else c for c in name)


def _namespace(ns, members):
    d = {}
    for member, arity in members.items():
        fn = _method(f"{ns}.{member}", arity)
        d[member] = fn
        d[_snake(member)] = fn
    return _types.SimpleNamespace(**d)


fs = _namespace("fs", {"readText": 1, "readBytes": 1, "writeText": 2, "writeBytes": 2, "list": 1, "stat": 1,
                       "mkdir": 2, "remove": 2, "pickFile": 1, "pickDirectory": 1})
net = _namespace("net", {"fetch": 2})
storage = _namespace("storage", {"get": 1, "set": 2, "delete": 1, "keys": 0})
secrets = _namespace("secrets", {"get": 1})
ui = _namespace("ui", {"notify": 2})
permissions = _namespace("permissions", {"query": 2, "request": 3})


def _logger(level):
    def f(*args):
        _b.log(level, " ".join(a if isinstance(a, str) else repr(a) for a in args))

    return f


log = _types.SimpleNamespace(debug=_logger("debug"), info=_logger("info"), warn=_logger("warn"),
                             warning=_logger("warn"), error=_logger("error"))
# Filled with the extension's id and version when the module is connected to it (python-host-bridge.ts).
extension = _types.SimpleNamespace()

_handlers = {}


class Call:
    """The second argument of a command handler: progress() and cancellation."""

    def __init__(self, js):
        self._js = js

    def progress(self, fraction, message=None):
        self._js.progress(fraction, message)

    @property
    def cancelled(self):
        return bool(self._js.isCancelled())


def _register(command_id, fn):
    if not callable(fn):
        raise TypeError("host.commands.register: handler must be callable")
    _b.register(command_id)
    _handlers[command_id] = fn


def command(command_id):
    """@host.command("id") registers the function as that command's handler."""

    def decorate(fn):
        _register(command_id, fn)
        return fn

    return decorate


commands = _types.SimpleNamespace(register=_register)


def _wants_call(fn):
    try:
        params = [p for p in _inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
    except (TypeError, ValueError):
        return True
    return len(params) >= 2 or any(p.kind == p.VAR_POSITIONAL for p in params)


_HOST_CODES = set(_json.loads(_b.codes))


def _error_json(e):
    code = getattr(e, "code", None)
    data = {"code": code if isinstance(code, str) and code in _HOST_CODES else "EEXTENSION"}
    data["message"] = (e.message if isinstance(e, HostError) else f"{type(e).__name__}: {e}")[:2000]
    reason = getattr(e, "reason", None)
    if isinstance(reason, str):
        data["reason"] = reason
    frames = []
    for fs_ in _traceback.extract_tb(e.__traceback__):
        name = _ext_file(fs_.filename)
        if name:
            frames.append(f"at {fs_.name} ({name}:{fs_.lineno})")
    if frames:
        frames.reverse()
        data["location"] = frames[0][frames[0].rfind("(") + 1:-1]
        data["stack"] = frames[:20]
    return _json.dumps(data)


_EXT_DIR = _b.extDir + "/"


def _ext_file(filename):
    if filename.startswith(_EXT_DIR):
        return filename[len(_EXT_DIR):]
    return None


def _dispatch(command_id, args_json, call, resolve, reject):
    fn = _handlers.get(command_id)
    args = _json.loads(args_json)
    c = Call(call)

    async def run():
        try:
            res = fn(args, c) if _wants_call(fn) else fn(args)
            if _inspect.isawaitable(res):
                res = await res
            resolve(_json.dumps(res, allow_nan=False))
        except _asyncio.CancelledError:
            reject(_json.dumps({"code": "ECANCELED", "message": "the command was cancelled"}))
        except BaseException as e:  # noqa: BLE001 - everything becomes error data
            reject(_error_json(e))

    task = _asyncio.ensure_future(run())
    call.onCancel(_once(lambda: task.cancel()))


_b.setDispatch(_proxy(_dispatch))
`;
