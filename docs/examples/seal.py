#!/usr/bin/env python3
"""Protocol v1.1 sealed distribution (docs/protocol.md §14), with the `cryptography` package only.

    python3 seal.py reproduce sealed-example.json
        rebuilds the worked example's JWE and signed envelope from its fixed keys, content key,
        IV and ephemeral keys, and checks them byte for byte against the document's.
    python3 seal.py open <body.json> <member> <keyring.json>
        opens a sealed body for <member> with its private keys: checks the aad against the
        envelope, unwraps the content key, decrypts, prints the plaintext.
"""
import base64
import hashlib
import json
import struct
import sys

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import aes_key_unwrap, aes_key_wrap
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

ALG = "ECDH-ES+A256KW"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def compact(value) -> str:
    # The reference serialises JSON with no spaces and members in the order written here.
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def kek(shared: bytes) -> bytes:
    """Concat KDF (RFC 7518 §4.6.2): SHA-256, one round, AlgorithmID "ECDH-ES+A256KW", empty apu/apv."""
    alg = ALG.encode("ascii")
    other_info = struct.pack(">I", len(alg)) + alg + struct.pack(">I", 0) + struct.pack(">I", 0) + struct.pack(">I", 256)
    return hashlib.sha256(struct.pack(">I", 1) + shared + other_info).digest()


def aad_of(envelope) -> str:
    return b64u(f"alliance/1.1/{envelope['source']}/{envelope['id']}/{envelope['type']}".encode("ascii"))


def seal(plaintext: bytes, recipients, aad: str, cek: bytes, iv: bytes, ephemeral) -> dict:
    protected = b64u(compact({"enc": "A256GCM"}).encode("ascii"))
    entries = []
    for (kid, x), d in zip(recipients, ephemeral):
        epk = X25519PrivateKey.from_private_bytes(d)
        epk_x = epk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        shared = epk.exchange(X25519PublicKey.from_public_bytes(unb64u(x)))
        entries.append({
            "header": {"alg": ALG, "kid": kid, "epk": {"x": b64u(epk_x), "crv": "X25519", "kty": "OKP"}},
            "encrypted_key": b64u(aes_key_wrap(kek(shared), cek)),
        })
    # The GCM additional data is ASCII(BASE64URL(protected) "." BASE64URL(aad)) (RFC 7516 §5.1).
    sealed = AESGCM(cek).encrypt(iv, plaintext, f"{protected}.{aad}".encode("ascii"))
    return {"ciphertext": b64u(sealed[:-16]), "iv": b64u(iv), "tag": b64u(sealed[-16:]), "aad": aad, "protected": protected, "recipients": entries}


def sign(body: bytes, kid: str, seed: bytes) -> str:
    """The detached, unencoded-payload JWS of §3 (sign after encrypt)."""
    protected = b64u(compact({"alg": "EdDSA", "kid": kid, "b64": False, "crit": ["b64"]}).encode("ascii"))
    signature = Ed25519PrivateKey.from_private_bytes(seed).sign(protected.encode("ascii") + b"." + body)
    return f"{protected}..{b64u(signature)}"


def reproduce(path: str) -> None:
    ex = json.load(open(path, encoding="utf-8"))
    envelope = ex["envelope"]
    aad = aad_of(envelope)
    assert aad == ex["aad"], "aad differs"
    recipients = [(k["kid"], k["x"]) for k in ex["recipientKeys"]]
    jwe = seal(ex["plaintext"].encode("utf-8"), recipients, aad, bytes.fromhex(ex["cek"]), bytes.fromhex(ex["iv"]), [bytes.fromhex(d) for d in ex["ephemeral"]])
    assert compact(jwe) == ex["jwe"], "JWE differs from the document's"
    body = compact({**envelope, "datacontenttype": "application/jose+json", "data": jwe}).encode("utf-8")
    assert body.decode("utf-8") == ex["body"], "signed envelope body differs"
    assert sign(body, ex["signer"]["kid"], bytes.fromhex(ex["signer"]["seed"])) == ex["signature"], "signature differs"
    for key in ex["recipientPrivateKeys"]:
        assert open_sealed(ex["body"], key["kid"].split(":")[0], [key]) == ex["plaintext"].encode("utf-8")
    print("reproduced: JWE, body and signature byte for byte; each recipient opens it")


def open_sealed(body_text: str, member: str, keys) -> bytes:
    envelope = json.loads(body_text)
    jwe = envelope["data"]
    assert envelope["datacontenttype"] == "application/jose+json" and member in envelope["recipients"]
    # A ciphertext lifted into another envelope carries that envelope's aad: refuse it.
    assert jwe["aad"] == aad_of(envelope), "undecryptable: aad is not this envelope's"
    assert json.loads(unb64u(jwe["protected"])) == {"enc": "A256GCM"}, "protected header not allowed"
    by_kid = {k["kid"]: k for k in keys}
    entry = next(r for r in jwe["recipients"] if r["header"]["kid"] in by_kid and r["header"]["alg"] == ALG)
    private = X25519PrivateKey.from_private_bytes(unb64u(by_kid[entry["header"]["kid"]]["d"]))
    shared = private.exchange(X25519PublicKey.from_public_bytes(unb64u(entry["header"]["epk"]["x"])))
    cek = aes_key_unwrap(kek(shared), unb64u(entry["encrypted_key"]))
    return AESGCM(cek).decrypt(unb64u(jwe["iv"]), unb64u(jwe["ciphertext"]) + unb64u(jwe["tag"]), f"{jwe['protected']}.{jwe['aad']}".encode("ascii"))


if __name__ == "__main__":
    if sys.argv[1:2] == ["reproduce"]:
        reproduce(sys.argv[2])
    elif sys.argv[1:2] == ["open"]:
        keyring = json.load(open(sys.argv[4], encoding="utf-8"))
        sys.stdout.write(open_sealed(open(sys.argv[2], encoding="utf-8").read(), sys.argv[3], keyring.get("keys", [keyring])).decode("utf-8"))
    else:
        sys.exit(__doc__)
