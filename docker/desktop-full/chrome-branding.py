"""Give Chromium's window titles Google Chrome's suffix ("New Tab - Google Chrome"), as OSWorld's tasks find the
browser by that title (activate_window "Google Chrome"). The suffix is a string resource in the locale packs, so
the whole resources "$1 - Chromium" (and its variants) are replaced in each .pak file (formats 4 and 5)."""

import struct
import sys

REPLACE = {
    b"$1 - Chromium": b"$1 - Google Chrome",
    b"$1 - Network Sign-in - Chromium": b"$1 - Network Sign-in - Google Chrome",
}


def rewrite(data: bytes) -> bytes:
    version = struct.unpack_from("<I", data)[0]
    if version == 5:
        count, aliases = struct.unpack_from("<HH", data, 8)
        head, table = data[:12], 12
    elif version == 4:
        count, aliases = struct.unpack_from("<I", data, 4)[0], 0
        head, table = data[:9], 9
    else:
        raise ValueError(f"unknown pak version {version}")
    entries = [struct.unpack_from("<HI", data, table + 6 * i) for i in range(count + 1)]
    alias_bytes = data[table + 6 * (count + 1) : table + 6 * (count + 1) + 4 * aliases]
    bodies = [data[entries[i][1] : entries[i + 1][1]] for i in range(count)]
    bodies = [REPLACE.get(body, body) for body in bodies]
    offset = table + 6 * (count + 1) + len(alias_bytes)
    out = [head]
    for (rid, _), body in zip(entries, bodies, strict=False):
        out.append(struct.pack("<HI", rid, offset))
        offset += len(body)
    out.append(struct.pack("<HI", entries[-1][0], offset))
    return b"".join(out) + alias_bytes + b"".join(bodies)


if __name__ == "__main__":
    for path in sys.argv[1:]:
        with open(path, "rb") as f:
            data = f.read()
        with open(path, "wb") as f:
            f.write(rewrite(data))
