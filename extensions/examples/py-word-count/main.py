"""Word Count in Python: reads files through host.fs (declared fs.read ~/Documents/**, so each
read is decided by the user or a stored grant) and remembers the last folder in storage."""
import host
from counting import count_words, TEXT_FILE


@host.command("py-word-count.file")
async def count_file(args):
    text = await host.fs.read_text(args["file"])
    return {"type": "text", "text": f"{count_words(text)} words in {args['file']}"}


@host.command("py-word-count.folder")
async def count_folder(args, call):
    folder = args["folder"].rstrip("/")
    entries = [e for e in await host.fs.list(folder) if e["kind"] == "file" and TEXT_FILE.search(e["name"])]
    rows = []
    for i, e in enumerate(entries):
        if call.cancelled:
            break
        call.progress(i / max(1, len(entries)), f"Counting {e['name']}")
        rows.append([e["name"], count_words(await host.fs.read_text(f"{folder}/{e['name']}"))])
    await host.storage.set("lastFolder", folder)
    rows.sort(key=lambda r: (-r[1], r[0]))
    return {"type": "table", "columns": ["file", "words"], "rows": rows}
