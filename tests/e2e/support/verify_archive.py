"""Checks a Weft compliance archive on its own, as anyone handed one would: every entry the
manifest lists is in the tar with the size and SHA-256 the manifest says, and the tar holds
nothing else besides the manifest and its signature. Prints a JSON summary; exits 1 on a mismatch.

    python3 verify_archive.py weft-archive-<time>.tar
"""

import hashlib
import json
import sys
import tarfile


def main(path: str) -> int:
    with tarfile.open(path) as archive:
        contents = {member.name: archive.extractfile(member).read() for member in archive.getmembers() if member.isfile()}
    manifest = json.loads(contents["manifest.json"])
    problems = []
    for entry in manifest["entries"]:
        data = contents.get(entry["path"])
        if data is None:
            problems.append(f"missing: {entry['path']}")
        elif hashlib.sha256(data).hexdigest() != entry["sha256"] or len(data) != entry["bytes"]:
            problems.append(f"does not match its manifest line: {entry['path']}")
    unlisted = set(contents) - {e["path"] for e in manifest["entries"]} - {"manifest.json", "signature.json"}
    problems.extend(f"not in the manifest: {name}" for name in sorted(unlisted))
    messages = [json.loads(line) for line in contents["messages.jsonl"].decode("utf-8").splitlines() if line]
    print(json.dumps({
        "verified": not problems,
        "problems": problems,
        "entries": len(manifest["entries"]),
        "conversations": manifest["conversations"],
        "messages": [m["text"] for m in messages],
        "created_by": manifest["created_by"],
    }, ensure_ascii=False))
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
