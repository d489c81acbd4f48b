import base64, json, re
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

# re.fullmatch, never re.match with "$": in Python "$" also matches before a final "\n".
B64URL = re.compile(r"[A-Za-z0-9_-]+")
KID = re.compile(r"(?:[a-z]{2}|sec):[A-Za-z0-9][A-Za-z0-9._-]{0,63}")

class Reject(Exception):
    def __init__(self, reason, detail=""):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason

def b64url_encode(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).rstrip(b"=").decode("ascii")

def b64url_decode(s: str) -> bytes:
    if not B64URL.fullmatch(s):               # the stdlib decoder silently skips stray characters
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
    if b64url_encode(raw) != s:               # canonical only: the unused low bits must be zero (§3.1)
        raise ValueError("not canonical base64url")
    return raw

def sign(body: bytes, kid: str, key: Ed25519PrivateKey) -> str:
    # key = Ed25519PrivateKey.from_private_bytes(b64url_decode(jwk["d"]))
    protected = json.dumps({"alg": "EdDSA", "kid": kid, "b64": False, "crit": ["b64"]},
                           separators=(",", ":")).encode("utf-8")
    p = b64url_encode(protected)
    return f"{p}..{b64url_encode(key.sign(p.encode('ascii') + b'.' + body))}"  # raw body, NOT b64url(body)

def nesting_exceeds(data: bytes, limit: int) -> bool:
    depth, in_string, i = 0, False, 0
    while i < len(data):
        b = data[i]
        if in_string:
            if b == 0x5C: i += 1               # backslash: skip the escaped byte
            elif b == 0x22: in_string = False
        elif b == 0x22: in_string = True
        elif b in (0x7B, 0x5B):
            depth += 1
            if depth > limit: return True
        elif b in (0x7D, 0x5D): depth -= 1
        i += 1
    return False

def _pairs(pairs):
    obj = {}
    for k, v in pairs:                         # names arrive unescaped: "\u0073ource" is "source"
        if k in obj:
            raise ValueError(f"member {k!r} appears twice in one object")
        if k == "__proto__" or (k == "constructor" and isinstance(v, dict) and "prototype" in v):
            raise ValueError("forbidden prototype property")
        obj[k] = v
    return obj

def _no_constant(name):
    raise ValueError(f"{name} is not JSON")

def parse_json_safely(data: bytes, max_depth: int):
    """§5 check 6, in its order; any ValueError (UnicodeDecodeError is one) is `malformed`."""
    if nesting_exceeds(data, max_depth):       # before any parsing
        raise ValueError(f"nested deeper than {max_depth}")
    text = data.decode("utf-8")                # strict: raises on invalid UTF-8 and encoded surrogates
    if text.startswith("\ufeff"):              # refused, never stripped (Appendix D.1)
        raise ValueError("starts with a byte-order mark")
    return json.loads(text, object_pairs_hook=_pairs, parse_constant=_no_constant)

def parse_signature_header(value: str):
    parts = value.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise Reject("bad-signature-header", "not <protected>..<signature>")
    p, s = parts[0], parts[2]
    if len(p) > 512 or len(s) != 86:
        raise Reject("bad-signature-header", "wrong length")
    try:
        signature = b64url_decode(s)
        h = parse_json_safely(b64url_decode(p), 2)   # a repeated member is refused here too (D.2)
    except ValueError as e:
        raise Reject("bad-signature-header", str(e))
    ok = (isinstance(h, dict) and set(h) == {"alg", "kid", "b64", "crit"}
          and h["alg"] == "EdDSA" and h["b64"] is False and h["crit"] == ["b64"]
          and isinstance(h["kid"], str) and KID.fullmatch(h["kid"]))
    if not ok:
        raise Reject("bad-signature-header", "protected header must be exactly the four members")
    return p, signature, h["kid"]

def checks_1_to_6(body: bytes, headers: dict, directory: dict, max_body_bytes=262144, max_depth=32):
    """directory: kid -> Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))"""
    if len(body) > max_body_bytes:                                   # 1: bytes
        raise Reject("oversize", f"{len(body)} bytes")
    value = headers.get("Alliance-Signature")                        # 2 (case-sensitive name)
    if not value:
        raise Reject("unsigned")
    p, signature, kid = parse_signature_header(value)
    key = directory.get(kid)                                         # 3 (4: revoked / inactive)
    if key is None:
        raise Reject("unknown-key", kid)
    try:                                                             # 5
        key.verify(signature, p.encode("ascii") + b"." + body)
    except InvalidSignature:
        raise Reject("bad-signature", kid)
    try:                                                             # 6
        event = parse_json_safely(body, max_depth)
    except ValueError as e:
        raise Reject("malformed", str(e))
    # ... then the JSON Schema of event["type"] plus the rules of §11 ("schema"), then checks 7 and 8
    return kid, event
