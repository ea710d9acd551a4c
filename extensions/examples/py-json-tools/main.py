"""JSON Tools in Python: only the standard library, no permissions. The summary reports the
value's shape, a SHA-256 of its canonical form and when it was computed."""
import asyncio
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import host


@dataclass
class Shape:
    objects: int = 0
    arrays: int = 0
    strings: int = 0
    numbers: int = 0
    depth: int = 0
    keys: set = field(default_factory=set)


def walk(value, shape, depth=1):
    shape.depth = max(shape.depth, depth)
    if isinstance(value, dict):
        shape.objects += 1
        shape.keys.update(value)
        for v in value.values():
            walk(v, shape, depth + 1)
    elif isinstance(value, list):
        shape.arrays += 1
        for v in value:
            walk(v, shape, depth + 1)
    elif isinstance(value, str):
        shape.strings += 1
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        shape.numbers += 1


def parse(text):
    try:
        return json.loads(text)
    except json.JSONDecodeError as e:
        raise host.HostError("EINVAL", f"not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None


@host.command("py-json-tools.format")
def format_json(args):
    indent = int(args.get("indent", 2))
    return {"type": "text", "text": json.dumps(parse(args["text"]), indent=indent or None, ensure_ascii=False)}


@host.command("py-json-tools.summary")
async def summary(args):
    value = parse(args["text"])
    shape = Shape()
    walk(value, shape)
    await asyncio.sleep(0.01)  # the event loop runs on the host's timers
    canonical = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    identifiers = sorted(k for k in shape.keys if re.fullmatch(r"[A-Za-z_]\w*", k))
    rows = [[k, v] for k, v in asdict(shape).items() if k != "keys"]
    rows += [
        ["keys", ", ".join(sorted(shape.keys))],
        ["identifier keys", len(identifiers)],
        ["sha256", hashlib.sha256(canonical).hexdigest()],
        ["year", datetime.now(timezone.utc).year],
    ]
    return {"type": "table", "columns": ["property", "value"], "rows": [[k, v if isinstance(v, (int, str)) else str(v)] for k, v in rows]}
