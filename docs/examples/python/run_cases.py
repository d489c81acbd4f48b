"""Runs alliance_jws.checks_1_to_6 over a cases file (see test/unit/protocol-examples.test.ts).

Input lines, tab-separated: `directory <kid> <x>`, `sign <name> <d> <kid> <body, base64>` or
`case <name> <header, base64 or -> <body, base64>`. Output: `<name>\t<header value>` per sign line,
`<name>\t<reason>` per case, `pass` when checks 1 to 6 (before the schema) pass.
"""
import base64, sys
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
import alliance_jws

directory = {}
for line in open(sys.argv[1], encoding="ascii"):
    fields = line.rstrip("\n").split("\t")
    if fields[0] == "directory":
        directory[fields[1]] = Ed25519PublicKey.from_public_bytes(alliance_jws.b64url_decode(fields[2]))
        continue
    if fields[0] == "sign":
        key = Ed25519PrivateKey.from_private_bytes(alliance_jws.b64url_decode(fields[2]))
        print(f"{fields[1]}\t{alliance_jws.sign(base64.b64decode(fields[4]), fields[3], key)}")
        continue
    _, name, header, body = fields
    headers = {} if header == "-" else {"Alliance-Signature": base64.b64decode(header).decode("utf-8")}
    try:
        alliance_jws.checks_1_to_6(base64.b64decode(body), headers, directory)
        print(f"{name}\tpass")
    except alliance_jws.Reject as r:
        print(f"{name}\t{r.reason}")
